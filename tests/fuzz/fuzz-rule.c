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
#include <string.h>

#include "phonesec-credentials.h"
#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-rule.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static guint
count (const char *haystack, const char *needle)
{
  guint n = 0;

  for (const char *p = haystack; (p = strstr (p, needle)) != NULL; p++)
    n++;
  return n;
}

/* Each --pwd / --key value the parser found is masked where it stands. */
static void
check_masked (const char *text, const char *masked, PhonesecSecret *secret)
{
  const char *value = secret != NULL ? phonesec_secret_peek (secret) : NULL;

  if (value == NULL || strstr (PHONESEC_CREDENTIALS_MASK, value) != NULL)
    return;
  g_assert (count (masked, value) < count (text, value));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecRule) rule = phonesec_rule_parse (text, &error);
  g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *masked = NULL;

  if (rule == NULL)
    {
      g_assert (error != NULL && error->domain == PHONESEC_ERROR && error->message[0] != '\0');
      return 0;
    }
  masked = phonesec_credentials_mask (PHONESEC_CREDENTIALS_RULE, text);
  g_assert (phonesec_rule_get_n_alternatives (rule) > 0);
  for (guint a = 0; a < phonesec_rule_get_n_alternatives (rule); a++)
    {
      guint n = 0;
      const PhonesecRuleEntry *e = phonesec_rule_get_entries (rule, a, &n);

      g_assert (n > 0);
      for (guint i = 0; i < n; i++)
        {
          g_assert (e[i].url != NULL && e[i].url[0] != '\0');
          check_masked (text, masked, e[i].pwd);
          check_masked (text, masked, e[i].key);
        }
    }
  g_hash_table_insert (vars, "SWVER", "7.5.2b");
  (void) phonesec_rule_select (rule, vars, NULL);
  (void) phonesec_rule_select (rule, NULL, NULL);
  return 0;
}
