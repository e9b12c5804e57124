/* fuzz-firewall-options.c: Firewall_Config read by the plugin against the
 * core's validator.
 *
 * The plugin re-reads a value the core validated
 * (phonesec-firewall-options.c): for valid UTF-8 (the core refuses the
 * rest before anything is stored) both must accept the same values, and
 * what the plugin reads must be a policy it can write out: at most five
 * ranges per protocol, ports 1 to 65535, none reversed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <stdint.h>

#include "phonesec-firewall-options.h"
#include "phonesec-firewall-policy.h"
#include "phonesec-firewall-ruleset.h"
#include "phonesec-validators.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_read (const PhonesecFirewallOptions *options, const char *text)
{
  guint counts[2] = { 0, 0 };
  PhonesecFirewallInputs inputs = { .options = text, .rtp_min = 16384, .rtp_max = 16482 };
  g_autoptr (PhonesecFirewallPolicy) policy = NULL;
  g_autofree char *script = NULL;

  g_assert_cmpuint (options->n_ranges, <=, 2 * PHONESEC_FIREWALL_MAX_OPTION_PORTS);
  for (guint i = 0; i < options->n_ranges; i++)
    {
      g_assert_cmpuint (options->ranges[i].first, >=, 1);
      g_assert_cmpuint (options->ranges[i].first, <=, options->ranges[i].last);
      g_assert_cmpuint (++counts[options->ranges[i].protocol], <=,
                        PHONESEC_FIREWALL_MAX_OPTION_PORTS);
    }
  policy = phonesec_firewall_policy_new (&inputs, NULL);
  g_assert_nonnull (policy);
  script = phonesec_firewall_ruleset_render (policy);
  g_assert_nonnull (script);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  PhonesecFirewallOptions options;
  gboolean core, plugin;

  /* A NUL inside: the value is what comes before it, as for any C string. */
  core = phonesec_validate_firewall_options (text, NULL);
  plugin = phonesec_firewall_options_parse (text, &options, NULL);
  if (g_utf8_validate (text, -1, NULL) && core != plugin)
    g_error ("Firewall_Config \"%s\": the core %s it, the plugin %s it", text,
             core ? "accepts" : "refuses", plugin ? "reads" : "refuses");
  if (plugin)
    check_read (&options, text);
  return 0;
}
