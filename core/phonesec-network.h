/* phonesec-network.h: network facts pushed by the DHCP client and scripts.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_NETWORK (phonesec_network_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecNetwork, phonesec_network, PHONESEC, NETWORK, GObject)

PhonesecNetwork *phonesec_network_new (void);

/**
 * phonesec_network_update:
 * @facts: a{sv}: domain s, addresses as, dns-servers as, dhcp-options a{us}
 *
 * Validates every key first; on any problem nothing changes. Emits "changed"
 * when a fact really changed.
 */
gboolean phonesec_network_update (PhonesecNetwork *self, GVariant *facts, GError **error);

/* a{sv} with every fact (same keys as update). */
GVariant *phonesec_network_dup_facts (PhonesecNetwork *self);
/* The first address, or "" ($IP). */
const char *phonesec_network_get_primary_address (PhonesecNetwork *self);

/* The D-Bus skeleton (org.phonesec.PhoneSec1.Network) mirroring the facts. */
GDBusInterfaceSkeleton *phonesec_network_get_skeleton (PhonesecNetwork *self);

G_END_DECLS
