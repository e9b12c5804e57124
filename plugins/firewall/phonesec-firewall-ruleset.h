/* phonesec-firewall-ruleset.h: a policy written as an nftables script.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-firewall-policy.h"

G_BEGIN_DECLS

/* The only table the firewall ever touches. */
#define PHONESEC_FIREWALL_TABLE "inet phonesec"

/**
 * phonesec_firewall_ruleset_render:
 *
 * The script that replaces the table `inet phonesec`, whatever it holds,
 * with @policy, in one nftables transaction: it declares the table (a no-op
 * when it exists), deletes it and defines it again.
 *
 * Returns: (transfer full): nft input
 */
char *phonesec_firewall_ruleset_render (const PhonesecFirewallPolicy *policy);

/* The script that deletes the table if it is there (Firewall=Disabled). */
const char *phonesec_firewall_ruleset_remove_script (void);

G_END_DECLS
