/* test-firewall-options.c: Firewall_Config as the plugin reads it
 * (phonesec-firewall-options.c), value by value, and the core's validator
 * agreeing on every value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>

#include "phonesec-firewall-options.h"
#include "phonesec-validators.h"

typedef struct
{
  const char *value;
  gboolean valid;
  /* Expected when valid: the flags, then the ranges as "U7000-7000 T1-2". */
  gboolean ping, unreachable, tftp;
  const char *ranges;
} Case;

static const Case cases[] = {
  { "", TRUE, FALSE, FALSE, FALSE, "" },
  { "NO_ICMP_PING", TRUE, TRUE, FALSE, FALSE, "" },
  { "NO_ICMP_UNREACHABLE", TRUE, FALSE, TRUE, FALSE, "" },
  { "NO_CISCO_TFTP", TRUE, FALSE, FALSE, TRUE, "" },
  /* The guide's example. */
  { "NO_ICMP_PING,TCP:12000,UDP:8000:8010", TRUE, TRUE, FALSE, FALSE, "T12000-12000 U8000-8010" },
  /* Any case, white space around items and values, empty items. */
  { " no_icmp_ping , No_Cisco_Tftp,,NO_ICMP_UNREACHABLE, ", TRUE, TRUE, TRUE, TRUE, "" },
  { "udp : 7000 ,tcp:7001 : 7002,", TRUE, FALSE, FALSE, FALSE, "U7000-7000 T7001-7002" },
  /* A sign and leading zeros, as the core's number parser takes them. */
  { "UDP:+7003,TCP:07004:0007005", TRUE, FALSE, FALSE, FALSE, "U7003-7003 T7004-7005" },
  { "UDP:1:65535", TRUE, FALSE, FALSE, FALSE, "U1-65535" },
  { "TCP:5:5", TRUE, FALSE, FALSE, FALSE, "T5-5" },
  { "NO_ICMP_PING,NO_ICMP_PING", TRUE, TRUE, FALSE, FALSE, "" },
  /* Five of each protocol is the most. */
  { "UDP:1,UDP:2,UDP:3,UDP:4,UDP:5:6,TCP:1,TCP:2,TCP:3,TCP:4,TCP:5", TRUE, FALSE, FALSE, FALSE,
    "U1-1 U2-2 U3-3 U4-4 U5-6 T1-1 T2-2 T3-3 T4-4 T5-5" },
  { "UDP:1,UDP:2,UDP:3,UDP:4,UDP:5,UDP:6", FALSE },
  { "TCP:1,TCP:2,TCP:3,TCP:4,TCP:5,TCP:6:7", FALSE },
  { "UDP:0", FALSE },
  { "UDP:65536", FALSE },
  { "UDP:-5", FALSE },
  { "UDP:-0", FALSE },
  { "UDP:99999999999999999999999", FALSE },
  { "UDP:5x", FALSE },
  { "UDP:0x10", FALSE },
  { "UDP:7002:7001", FALSE },
  { "UDP", FALSE },
  { "UDP:", FALSE },
  { "UDP::5", FALSE },
  { "UDP:1:2:3", FALSE },
  { "NO_ICMP_PING:1", FALSE },
  { "NO_ICMP_PING:", FALSE },
  { "ICMP:5", FALSE },
  { "NO_PING", FALSE },
  { "UDP 5060", FALSE },
  { "UDP:5060;TCP:80", FALSE },
};

static char *
ranges_text (const PhonesecFirewallOptions *options)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < options->n_ranges; i++)
    g_string_append_printf (out, "%s%c%u-%u", i > 0 ? " " : "",
                            options->ranges[i].protocol == PHONESEC_FIREWALL_UDP ? 'U' : 'T',
                            options->ranges[i].first, options->ranges[i].last);
  return g_string_free (out, FALSE);
}

static void
test_value (gconstpointer data)
{
  const Case *c = data;
  PhonesecFirewallOptions options;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) core_error = NULL;
  gboolean parsed = phonesec_firewall_options_parse (c->value, &options, &error);

  /* The plugin reads exactly what the core lets through. */
  g_assert_cmpint (phonesec_validate_firewall_options (c->value, &core_error), ==, c->valid);
  if (!c->valid)
    {
      g_assert_false (parsed);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_true (g_str_has_prefix (error->message, "Firewall_Config: "));
      g_assert_cmpuint (options.n_ranges, ==, 0);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (parsed);
  g_assert_cmpint (options.no_icmp_ping, ==, c->ping);
  g_assert_cmpint (options.no_icmp_unreachable, ==, c->unreachable);
  g_assert_cmpint (options.no_cisco_tftp, ==, c->tftp);
  {
    g_autofree char *ranges = ranges_text (&options);
    g_assert_cmpstr (ranges, ==, c->ranges);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path
          = g_strdup_printf ("/firewall/options/%s/%u", cases[i].valid ? "read" : "refused", i);
      g_test_add_data_func (path, &cases[i], test_value);
    }
  return g_test_run ();
}
