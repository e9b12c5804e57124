/* phonesec-firewall-runner.h: the plugin's way to nftables, through the
 * phonesec-firewall-nft helper program.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_FIREWALL_RUNNER (phonesec_firewall_runner_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecFirewallRunner, phonesec_firewall_runner, PHONESEC, FIREWALL_RUNNER,
                      GObject)

/* The helper is $PHONESEC_FIREWALL_NFT, else the installed one; %NULL
 * with @error when it cannot be run. */
PhonesecFirewallRunner *phonesec_firewall_runner_new (GError **error);

/**
 * phonesec_firewall_runner_run:
 * @script: nft input, one transaction
 * @table: (nullable): "FAMILY NAME", a table to read back after
 * @listing: (out) (optional) (nullable): @table as `nft list table`
 *   prints it afterwards (%NULL when it does not exist)
 *
 * Checks @script (libnftables' dry run: the kernel validates the whole
 * batch and keeps nothing), then runs it: all of it is in force
 * afterwards, or none of it.
 *
 * Returns: %FALSE with @error (PHONESEC_ERROR_FAILED, the reason nftables
 *   gave, on one line) when nothing changed
 */
gboolean phonesec_firewall_runner_run (PhonesecFirewallRunner *self, const char *script,
                                       const char *table, char **listing, GError **error);

/**
 * phonesec_firewall_runner_list:
 * @table: "FAMILY NAME"
 *
 * Returns: (transfer full) (nullable): the table as `nft list table`
 *   prints it, or %NULL when it does not exist or cannot be read
 */
char *phonesec_firewall_runner_list (PhonesecFirewallRunner *self, const char *table);

G_END_DECLS
