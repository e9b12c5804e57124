/* phonesec-firewall-nft.h: libnftables, for the phonesec-firewall-nft helper
 * (never in phonesecd: see phonesec-firewall-nft-main.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PhonesecFirewallNft PhonesecFirewallNft;

/* The helper links GLib and libnftables only (it starts at every change
 * of the rules): its own error domain, not the SDK's. */
#define PHONESEC_FIREWALL_NFT_ERROR (phonesec_firewall_nft_error_quark ())
GQuark phonesec_firewall_nft_error_quark (void);

/* A libnftables context, kept for the plugin's life (creating one costs
 * milliseconds); %NULL when libnftables cannot make one. */
PhonesecFirewallNft *phonesec_firewall_nft_new (void);
void phonesec_firewall_nft_free (PhonesecFirewallNft *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecFirewallNft, phonesec_firewall_nft_free)

/**
 * phonesec_firewall_nft_run:
 * @script: nft input, one transaction
 *
 * Checks @script with libnftables' dry run (parsed, evaluated and sent to
 * the kernel, which validates the whole batch and then discards it), then
 * runs it. Either all of it is in force afterwards or none of it.
 *
 * Returns: %FALSE with @error (PHONESEC_FIREWALL_NFT_ERROR, the reason nftables
 *   gave, on one line) when nothing changed
 */
gboolean phonesec_firewall_nft_run (PhonesecFirewallNft *self, const char *script, GError **error);

/**
 * phonesec_firewall_nft_list:
 * @table: "FAMILY NAME"
 *
 * Returns: (transfer full) (nullable): the table as `nft list table`
 *   prints it, or %NULL when it does not exist or cannot be read
 */
char *phonesec_firewall_nft_list (PhonesecFirewallNft *self, const char *table);

G_END_DECLS
