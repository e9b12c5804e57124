/* phonesec-crash-record.c: a crash record's header lines, written with
 * write(2) only, so a signal handler may call them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <unistd.h>

#include "phonesec-crash-record.h"

void
phonesec_crash_record_write (int fd, const char *text)
{
  if (write (fd, text, strlen (text)) < 0)
    return;
}

void
phonesec_crash_record_write_number (int fd, const char *key, gint64 value)
{
  char digits[24];
  int n = (int) sizeof digits;
  gboolean negative = value < 0;
  guint64 v = negative ? (guint64) 0 - (guint64) value : (guint64) value;

  digits[--n] = '\0';
  do
    digits[--n] = (char) ('0' + v % 10);
  while ((v /= 10) > 0 && n > 1);
  if (negative)
    digits[--n] = '-';
  phonesec_crash_record_write (fd, key);
  phonesec_crash_record_write (fd, "=");
  phonesec_crash_record_write (fd, digits + n);
  phonesec_crash_record_write (fd, "\n");
}

void
phonesec_crash_record_write_field (int fd, const char *key, const char *value)
{
  phonesec_crash_record_write (fd, key);
  phonesec_crash_record_write (fd, "=");
  phonesec_crash_record_write (fd, value);
  phonesec_crash_record_write (fd, "\n");
}
