/* phonesec-notify.c: the sd_notify protocol without linking libsystemd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "phonesec-notify.h"

gboolean
phonesec_notify (const char *state)
{
  const char *path = g_getenv ("NOTIFY_SOCKET");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  gsize path_len;
  socklen_t addr_len;
  int fd;
  gboolean ok;

  if (path == NULL || path[0] == '\0')
    return TRUE;
  path_len = strlen (path);
  if ((path[0] != '/' && path[0] != '@') || path_len >= sizeof (addr.sun_path))
    return FALSE;
  memcpy (addr.sun_path, path, path_len);
  /* '@' names an abstract socket: a leading NUL on the wire. */
  if (path[0] == '@')
    addr.sun_path[0] = '\0';
  addr_len = offsetof (struct sockaddr_un, sun_path) + path_len;

  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return FALSE;
  ok = sendto (fd, state, strlen (state), MSG_NOSIGNAL, (struct sockaddr *) &addr, addr_len) >= 0;
  close (fd);
  return ok;
}
