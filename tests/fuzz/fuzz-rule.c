/* fuzz-rule.c: libFuzzer target for the provisioning rule grammar.
 *
 * Besides memory safety: a rule that parses has at least one alternative,
 * each with at least one entry that has a URL; selecting with and without
 * variables never fails; an error is an InvalidValue with a message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdint.h>

#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-rule.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecRule) rule = phonesec_rule_parse (text, &error);
  g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);

  if (rule == NULL)
    {
      g_assert (error != NULL && error->domain == PHONESEC_ERROR && error->message[0] != '\0');
      return 0;
    }
  g_assert (phonesec_rule_get_n_alternatives (rule) > 0);
  for (guint a = 0; a < phonesec_rule_get_n_alternatives (rule); a++)
    {
      guint n = 0;
      const PhonesecRuleEntry *e = phonesec_rule_get_entries (rule, a, &n);

      g_assert (n > 0);
      for (guint i = 0; i < n; i++)
        g_assert (e[i].url != NULL && e[i].url[0] != '\0');
    }
  g_hash_table_insert (vars, "SWVER", "7.5.2b");
  (void) phonesec_rule_select (rule, vars, NULL);
  (void) phonesec_rule_select (rule, NULL, NULL);
  return 0;
}
