/* test-plugin-common.h: what every test plugin shares.
 *
 * Each test plugin is its own module with its own (static) copy of this, so
 * nothing here is a GType: a GType name registered by two modules of the same
 * daemon would abort it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include <phonesec/phonesec.h>

/* Appends "EVENT\n" to plugin-events.log in the fixture's temporary folder
 * (PHONESEC_TEST_TMPDIR, set by the fixture for each daemon it starts and
 * removed with it). A test sees what ran, in which order, and what never ran
 * (a refused module's constructor). A tiny synchronous write on purpose: real
 * plugins never do file I/O on the main loop. */
static inline void test_plugin_record (const char *format, ...) G_GNUC_PRINTF (1, 2);

static inline void
test_plugin_record (const char *format, ...)
{
  const char *top = g_getenv ("PHONESEC_TEST_TMPDIR");
  g_autofree char *path = NULL;
  g_autofree char *event = NULL;
  g_autofree char *line = NULL;
  va_list args;
  int fd;

  if (top == NULL)
    return;
  path = g_build_filename (top, "plugin-events.log", NULL);
  va_start (args, format);
  event = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strconcat (event, "\n", NULL);
  fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  if (write (fd, line, strlen (line)) < 0)
    g_warning ("Could not record test event %s", event);
  close (fd);
}
