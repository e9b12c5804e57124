/* phonesec-dot1x-supplicant.h: wpa_supplicant, driven over its D-Bus API.
 *
 * fi.w1.wpa_supplicant1 on the system bus (DBUS_SYSTEM_BUS_ADDRESS in
 * tests): one wired interface with one IEEE8021X network, set up with
 * CreateInterface, AddNetwork and SelectNetwork. Nothing is written to a
 * configuration file of its own, no wpa_cli is run: the network, the
 * password included, only ever travels over the bus, and the EAP-FAST PAC
 * is a blob in wpa_supplicant's memory.
 *
 * Every call is asynchronous; an operation the plugin starts again
 * (a new configuration) cancels the one before through its GCancellable.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_DOT1X_SUPPLICANT (phonesec_dot1x_supplicant_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecDot1xSupplicant, phonesec_dot1x_supplicant, PHONESEC,
                      DOT1X_SUPPLICANT, GObject)

/**
 * phonesec_dot1x_supplicant_new:
 * @bus: the system bus
 *
 * Watches fi.w1.wpa_supplicant1, asking the bus to start it (D-Bus
 * activation) when nobody owns it. Signals:
 *
 * - "presence-changed" (gboolean present): first whether wpa_supplicant
 *   is there, then each time it appears or goes away (it exited, crashed
 *   or restarted: its interfaces are gone with it);
 * - "eap-status" (const char *status, const char *parameter): the EAP
 *   signal of the configured interface;
 * - "interface-removed": wpa_supplicant dropped the configured interface
 *   (the network device went away);
 * - "state-changed" (const char *state): the configured interface's State
 *   property as wpa_supplicant changes it ("associated", "completed",
 *   "disconnected"...).
 */
PhonesecDot1xSupplicant *phonesec_dot1x_supplicant_new (GDBusConnection *bus);

/* Whether "presence-changed" was emitted yet. */
gboolean phonesec_dot1x_supplicant_is_known (PhonesecDot1xSupplicant *self);
gboolean phonesec_dot1x_supplicant_is_present (PhonesecDot1xSupplicant *self);
/* Asks the bus to start wpa_supplicant again (after it went away). */
void phonesec_dot1x_supplicant_request_start (PhonesecDot1xSupplicant *self);

/**
 * phonesec_dot1x_supplicant_configure_async:
 * @ifname: the wired interface
 * @network: (transfer floating): AddNetwork's a{sv}
 * @pac: (nullable): the EAP-FAST PAC blob to give back
 *
 * Takes @ifname (creating it with driver wired, or taking over the one
 * that exists and removing its networks), sets ApScan 0, puts the PAC
 * blob back, adds the network and selects it: the EAPOL exchange starts.
 */
void phonesec_dot1x_supplicant_configure_async (PhonesecDot1xSupplicant *self, const char *ifname,
                                                GVariant *network, GBytes *pac,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
gboolean phonesec_dot1x_supplicant_configure_finish (PhonesecDot1xSupplicant *self,
                                                     GAsyncResult *result, GError **error);

/* EAPOL again on the configured interface (Reassociate). */
void phonesec_dot1x_supplicant_reauthenticate_async (PhonesecDot1xSupplicant *self,
                                                     GCancellable *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer user_data);
gboolean phonesec_dot1x_supplicant_reauthenticate_finish (PhonesecDot1xSupplicant *self,
                                                          GAsyncResult *result, GError **error);

/* EAPOL-Logoff, then the interface is removed from wpa_supplicant (its
 * network and PAC blob with it). Never fails: a gone wpa_supplicant has
 * nothing left to stop. */
void phonesec_dot1x_supplicant_stop_async (PhonesecDot1xSupplicant *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void phonesec_dot1x_supplicant_stop_finish (PhonesecDot1xSupplicant *self, GAsyncResult *result);

/* The PAC blob as wpa_supplicant holds it now; %NULL (no error) when it
 * has none. */
void phonesec_dot1x_supplicant_dup_pac_async (PhonesecDot1xSupplicant *self,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
GBytes *phonesec_dot1x_supplicant_dup_pac_finish (PhonesecDot1xSupplicant *self,
                                                  GAsyncResult *result, GError **error);

G_END_DECLS
