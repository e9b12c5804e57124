/* fake-netd.c: a network service that misbehaves, for test-netd-hostile.c.
 *
 * phonesecd starts it as it would phonesec-netd (the channel on fd 3). It
 * appends its pid to $PHONESEC_TEST_TMPDIR/fake-netd.starts, says READY,
 * answers pings for a moment, then does what $PHONESEC_FAKE_NETD_MODE
 * says:
 *
 *   garbage    random bytes
 *   oversized  a frame header announcing 2 GiB
 *   short      a frame shorter than a frame header
 *   stall      nothing at all: no pong, no reading (a hung helper)
 *   crash      abort()
 *   order      a DATA frame for a request phonesecd never sent
 *   flood      LOG frames without end (must be rate-limited, not fatal)
 *   normal     answers pings for ever (a well-behaved idle helper)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define FD 3

static void
write_all (const void *data, size_t len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (FD, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (0); /* phonesecd closed the channel */
      p += n;
      len -= n;
    }
}

static void
send_frame (guint8 type, guint32 id, const void *payload, guint32 len)
{
  guint8 header[9];
  guint32 length = GUINT32_TO_BE (len + 5);
  guint32 be_id = GUINT32_TO_BE (id);

  memcpy (header, &length, 4);
  header[4] = type;
  memcpy (header + 5, &be_id, 4);
  write_all (header, 9);
  if (len > 0)
    write_all (payload, len);
}

static void
send_variant (guint8 type, guint32 id, GVariant *value)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (value);

  send_frame (type, id, g_variant_get_data (owned), g_variant_get_size (owned));
}

/* Reads what phonesecd sends for @ms, answering pings. */
static void
serve_for (guint ms)
{
  static guint8 buffer[16 * 1024 * 1024];
  static gsize have = 0;
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      struct pollfd pfd = { FD, POLLIN, 0 };
      ssize_t n;

      if (poll (&pfd, 1, 20) <= 0)
        continue;
      n = read (FD, buffer + have, sizeof buffer - have);
      if (n <= 0)
        _exit (0);
      have += n;
      while (have >= 9)
        {
          guint32 length;
          guint32 id;

          memcpy (&length, buffer, 4);
          length = GUINT32_FROM_BE (length);
          if (have < 4 + (gsize) length)
            break;
          memcpy (&id, buffer + 5, 4);
          if (buffer[4] == 'K')
            send_frame ('K', GUINT32_FROM_BE (id), NULL, 0);
          memmove (buffer, buffer + 4 + length, have - 4 - length);
          have -= 4 + length;
        }
    }
}

int
main (int argc, char **argv)
{
  const char *mode = g_getenv ("PHONESEC_FAKE_NETD_MODE");
  const char *dir = g_getenv ("PHONESEC_TEST_TMPDIR");

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  signal (SIGPIPE, SIG_IGN);
  if (mode == NULL)
    mode = "normal";
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "fake-netd.starts", NULL);
      FILE *f = fopen (path, "a");

      if (f != NULL)
        {
          fprintf (f, "%d %s\n", (int) getpid (), mode);
          fclose (f);
        }
    }
  send_variant ('R', 0, g_variant_new ("(u)", 1));
  serve_for (g_str_equal (mode, "normal") ? G_MAXUINT : 150);

  if (g_str_equal (mode, "garbage"))
    {
      guint8 junk[4096];

      for (gsize i = 0; i < sizeof junk; i++)
        junk[i] = (guint8) g_random_int ();
      /* A plausible length first, so the parser reads on into the junk. */
      junk[0] = 0;
      junk[1] = 0;
      junk[2] = 0x02;
      write_all (junk, sizeof junk);
    }
  else if (g_str_equal (mode, "oversized"))
    {
      guint8 header[9] = { 0x7f, 0xff, 0xff, 0xff, 'D', 0, 0, 0, 1 };
      write_all (header, sizeof header);
    }
  else if (g_str_equal (mode, "short"))
    {
      guint8 header[5] = { 0, 0, 0, 2, 'E' };
      write_all (header, sizeof header);
    }
  else if (g_str_equal (mode, "order"))
    send_frame ('D', 4242, "data", 4);
  else if (g_str_equal (mode, "crash"))
    abort ();
  else if (g_str_equal (mode, "flood"))
    {
      /* Tens of thousands of lines, still answering pings: rate-limited
       * in phonesecd's log, not a reason to kill. */
      for (;;)
        {
          for (guint i = 0; i < 500; i++)
            send_variant ('L', 0, g_variant_new ("(us)", 2, "flooding the log"));
          serve_for (5);
        }
    }
  /* stall, and after the others: hang without reading or answering. */
  for (;;)
    pause ();
  return 0;
}
