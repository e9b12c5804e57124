/* phonesec-dot1x-link.h: whether the phone's network port has a link.
 *
 * wpa_supplicant's wired driver does not follow the carrier: after a
 * cable is pulled and plugged back it still says "completed" and never
 * authenticates again, while the switch has closed the port. This watches
 * the interface's carrier over rtnetlink (RTM_NEWLINK, IFF_LOWER_UP) so the
 * plugin can authenticate again the moment the link is back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_DOT1X_LINK (phonesec_dot1x_link_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecDot1xLink, phonesec_dot1x_link, PHONESEC, DOT1X_LINK, GObject)

/* Emits "changed" (no arguments) when the carrier of @ifname comes or goes
 * (the interface disappearing counts as going). */
PhonesecDot1xLink *phonesec_dot1x_link_new (const char *ifname, GError **error);
gboolean phonesec_dot1x_link_get_carrier (PhonesecDot1xLink *self);

G_END_DECLS
