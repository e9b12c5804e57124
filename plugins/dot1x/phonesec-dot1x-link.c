/* phonesec-dot1x-link.c: the carrier of one interface, from rtnetlink (see
 * the header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "phonesec-dot1x-link.h"

struct _PhonesecDot1xLink
{
  GObject parent_instance;

  char *ifname;
  int fd;
  guint source;
  gboolean carrier;
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecDot1xLink, phonesec_dot1x_link, G_TYPE_OBJECT)

static void
set_carrier (PhonesecDot1xLink *self, gboolean carrier)
{
  if (self->carrier == carrier)
    return;
  self->carrier = carrier;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* sysfs says it at once: "1" with a carrier, "0" without, an error when
 * the interface is down or absent. */
static gboolean
read_sysfs_carrier (const char *ifname)
{
  g_autofree char *path = g_build_filename ("/sys/class/net", ifname, "carrier", NULL);
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && g_str_has_prefix (text, "1");
}

static const char *
message_ifname (struct nlmsghdr *nh)
{
  struct ifinfomsg *ifi = NLMSG_DATA (nh);
  int len = (int) nh->nlmsg_len - (int) NLMSG_LENGTH (sizeof *ifi);

  for (struct rtattr *rta = IFLA_RTA (ifi); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    if (rta->rta_type == IFLA_IFNAME && RTA_PAYLOAD (rta) > 0)
      {
        const char *name = RTA_DATA (rta);

        /* The kernel NUL-terminates it; refuse anything else. */
        if (memchr (name, '\0', RTA_PAYLOAD (rta)) != NULL)
          return name;
      }
  return NULL;
}

static gboolean
on_netlink (int fd, GIOCondition condition, gpointer user_data)
{
  PhonesecDot1xLink *self = user_data;
  /* Aligned for struct nlmsghdr. */
  guint32 buffer[8192];
  ssize_t n;

  while ((n = recv (fd, buffer, sizeof buffer, 0)) > 0)
    {
      int len = (int) n;

      for (struct nlmsghdr *nh = (struct nlmsghdr *) buffer; NLMSG_OK (nh, len);
           nh = NLMSG_NEXT (nh, len))
        {
          struct ifinfomsg *ifi = NLMSG_DATA (nh);
          const char *name;

          if ((nh->nlmsg_type != RTM_NEWLINK && nh->nlmsg_type != RTM_DELLINK)
              || nh->nlmsg_len < NLMSG_LENGTH (sizeof *ifi))
            continue;
          name = message_ifname (nh);
          if (g_strcmp0 (name, self->ifname) != 0)
            continue;
          set_carrier (self, nh->nlmsg_type == RTM_NEWLINK && (ifi->ifi_flags & IFF_UP) != 0
                                 && (ifi->ifi_flags & IFF_LOWER_UP) != 0);
        }
    }
  /* Messages lost (the socket's buffer overflowed): ask sysfs instead. */
  if (n < 0 && errno == ENOBUFS)
    set_carrier (self, read_sysfs_carrier (self->ifname));
  return G_SOURCE_CONTINUE;
}

PhonesecDot1xLink *
phonesec_dot1x_link_new (const char *ifname, GError **error)
{
  g_autoptr (PhonesecDot1xLink) self = g_object_new (PHONESEC_TYPE_DOT1X_LINK, NULL);
  struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };
  int saved_errno;

  self->ifname = g_strdup (ifname);
  self->fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (self->fd < 0 || bind (self->fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _ ("Cannot follow the link of %s (rtnetlink): %s"), ifname,
                   g_strerror (saved_errno));
      return NULL;
    }
  /* Subscribed first, then read: no change falls in between. */
  self->carrier = read_sysfs_carrier (ifname);
  self->source = g_unix_fd_add (self->fd, G_IO_IN, on_netlink, self);
  return g_steal_pointer (&self);
}

gboolean
phonesec_dot1x_link_get_carrier (PhonesecDot1xLink *self)
{
  return self->carrier;
}

static void
phonesec_dot1x_link_finalize (GObject *object)
{
  PhonesecDot1xLink *self = PHONESEC_DOT1X_LINK (object);

  g_clear_handle_id (&self->source, g_source_remove);
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->ifname);
  G_OBJECT_CLASS (phonesec_dot1x_link_parent_class)->finalize (object);
}

static void
phonesec_dot1x_link_class_init (PhonesecDot1xLinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_dot1x_link_finalize;

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
phonesec_dot1x_link_init (PhonesecDot1xLink *self)
{
  self->fd = -1;
}
