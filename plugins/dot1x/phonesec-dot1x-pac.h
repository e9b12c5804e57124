/* phonesec-dot1x-pac.h: the EAP-FAST PAC, kept by phonesecd.
 *
 * wpa_supplicant holds the PAC as a blob in memory (pac_file=blob://...),
 * so nothing of 802.1X is written by it; the plugin saves the blob in its
 * own state folder (0600, atomic and durable) after each success and gives
 * it back whenever it sets wpa_supplicant up again (a restart of either),
 * so the phone reuses its PAC instead of provisioning a new one. A PAC
 * belongs to one identity: it is saved with it and never given to another.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The PAC saved in @state_dir for @identity, or %NULL. */
GBytes *phonesec_dot1x_pac_load (const char *state_dir, const char *identity);
/* Replaces the saved PAC (nothing is written when it is the same). */
gboolean phonesec_dot1x_pac_save (const char *state_dir, const char *identity, GBytes *pac,
                                  GError **error);

G_END_DECLS
