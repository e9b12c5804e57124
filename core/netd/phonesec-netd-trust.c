/* phonesec-netd-trust.c: see the header.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "phonesec-netd-trust.h"

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

GTlsDatabase *
phonesec_netd_trust_load (const guint8 *pem, gsize len, int *memfd, GError **error)
{
  g_autofree char *path = NULL;
  GTlsDatabase *database;
  gsize done = 0;
  int fd;

  if (len == 0 || g_strstr_len ((const char *) pem, len, PEM_BEGIN) == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _ ("the trust store holds no certificate"));
      return NULL;
    }
  fd = memfd_create ("phonesec-trust", MFD_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("cannot hold the trust store in memory: %s"), g_strerror (saved));
      return NULL;
    }
  while (done < len)
    {
      ssize_t n = write (fd, pem + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _ ("cannot hold the trust store in memory: %s"), g_strerror (saved));
          return NULL;
        }
      done += n;
    }
  path = g_strdup_printf ("/proc/self/fd/%d", fd);
  database = g_tls_file_database_new (path, error);
  if (database == NULL)
    close (fd);
  else
    *memfd = fd;
  return database;
}
