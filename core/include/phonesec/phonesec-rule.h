/* phonesec-rule.h: provisioning rules (Profile_Rule, Upgrade_Rule...).
 *
 * The syntax of Cisco's MPP phones, as real cfg.xml files write it:
 *
 *   rule  := alt ( '|' alt )*
 *   alt   := [ '(' cond ')' '?' ] entry ( entry )*
 *   entry := ( '[' opts ']' | opts ) url
 *   opts  := --key K | --uid U | --pwd P | --srv | --status | --delta [URL]
 *   cond  := test ( ( 'and' | 'or' ) test )*
 *   test  := word op word        op: lt le gt ge eq ne
 *
 * `( $SWVER lt 7.5.2b )? http://a/x.bin | http://b/y.bin`: the first
 * alternative whose condition holds (after macro expansion) is used; the
 * last one usually has none. Words may be "quoted". A URL is tftp://,
 * http://, https://, gds:// (activation-code onboarding) or a path starting
 * with '/' (relative to the provisioning server DHCP gave). Macros are kept
 * as written: they are expanded when the rule is used.
 *
 * --key and --pwd values are secrets (#PhonesecSecret): never log them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-secret.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

typedef struct _PhonesecRule PhonesecRule;

/**
 * PhonesecRuleEntry:
 * @url: the URL as written (macros not expanded)
 * @uid: (nullable): the --uid value
 * @pwd: (nullable): the --pwd value
 * @key: (nullable): the --key value (a passphrase or a `$A`..`$P` macro)
 * @delta: (nullable): the --delta URL
 * @srv: --srv: the host names a DNS SRV record
 * @status: --status: the entry is for the status report
 */
typedef struct
{
  char *url;
  char *uid;
  PhonesecSecret *pwd;
  PhonesecSecret *key;
  char *delta;
  gboolean srv;
  gboolean status;
} PhonesecRuleEntry;

/* Longest rule text accepted (the schema allows 1023; a margin for tests). */
#define PHONESEC_RULE_MAX_LENGTH 4096

/**
 * phonesec_rule_parse:
 * @text: a rule as configured
 *
 * Returns: (transfer full): the rule, or %NULL with @error
 *   (PHONESEC_ERROR_INVALID_VALUE) saying what is wrong, never quoting a
 *   --pwd or --key value
 */
PHONESEC_API PhonesecRule *phonesec_rule_parse (const char *text, GError **error);
PHONESEC_API void phonesec_rule_free (PhonesecRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecRule, phonesec_rule_free)

/* How many alternatives ('|') the rule has. */
PHONESEC_API guint phonesec_rule_get_n_alternatives (PhonesecRule *rule);

/* The entries of alternative @alternative (< n_alternatives), in order. */
PHONESEC_API const PhonesecRuleEntry *
phonesec_rule_get_entries (PhonesecRule *rule, guint alternative, guint *n_entries);

/**
 * phonesec_rule_select:
 * @vars: (nullable) (element-type utf8 utf8): the macro values the
 *   conditions are expanded with (phonesec_macro_vars_new())
 * @n_entries: (out) (optional): how many entries the alternative has
 *
 * The entries of the first alternative whose condition holds.
 *
 * Returns: (transfer none) (array length=n_entries) (nullable): its
 *   entries, or %NULL when no condition holds
 */
PHONESEC_API const PhonesecRuleEntry *phonesec_rule_select (PhonesecRule *rule, GHashTable *vars,
                                                            guint *n_entries);

/**
 * phonesec_rule_compare_versions:
 *
 * Compares like the phone's `lt`/`gt`: runs of digits as numbers, other
 * characters one by one ("7.5.2b" < "7.5.10", "11-0-1" < "11-0-1MPP").
 *
 * Returns: <0, 0 or >0
 */
PHONESEC_API int phonesec_rule_compare_versions (const char *a, const char *b);

G_END_DECLS
