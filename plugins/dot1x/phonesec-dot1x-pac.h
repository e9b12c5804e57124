/* phonesec-dot1x-pac.h: the EAP-FAST PAC, kept by phonesecd.
 *
 * wpa_supplicant holds the PAC as a blob in memory (pac_file=blob://...),
 * so nothing of 802.1X is written by it; the plugin saves the blob in its
 * own state folder (0600, atomic and durable) after each success and gives
 * it back whenever it sets wpa_supplicant up again (a restart of either),
 * so the phone reuses its PAC instead of provisioning a new one. A PAC
 * belongs to one identity: it is saved with it and never given to another.
 *
 * A PAC wpa_supplicant could not load would not just be ignored: it
 * refuses EAP-FAST altogether ("Failed to load PAC file"). So a saved PAC
 * is given back only when it is wpa_supplicant's text format with every
 * block closed; anything else (a damaged file) is dropped, and the phone
 * provisions a new one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether wpa_supplicant would load @pac (its text PAC file format). */
gboolean phonesec_dot1x_pac_is_loadable (GBytes *pac);

/* The PAC in the saved file's text @data (@len bytes) for @identity.
 * %NULL without @error when it belongs to another identity; %NULL with
 * @error when it is damaged. Pure. */
GBytes *phonesec_dot1x_pac_parse (const char *data, gsize len, const char *identity,
                                  GError **error);

/* The PAC saved in @state_dir for @identity: %NULL without @error when
 * there is none for it, %NULL with @error when the file is damaged. */
GBytes *phonesec_dot1x_pac_load (const char *state_dir, const char *identity, GError **error);
/* Replaces the saved PAC (nothing is written when it is the same); refuses
 * one wpa_supplicant could not load. */
gboolean phonesec_dot1x_pac_save (const char *state_dir, const char *identity, GBytes *pac,
                                  GError **error);

G_END_DECLS
