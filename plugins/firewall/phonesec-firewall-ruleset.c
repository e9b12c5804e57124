/* phonesec-firewall-ruleset.c: the nftables script of a policy.
 *
 * One table, inet (IPv4 and IPv6 alike), two base chains at the filter
 * priority:
 *
 *  - input, policy drop: loopback, neighbour discovery and replies to the
 *    phone's own connections and flows first (connection tracking), then
 *    ping, the holes of the policy, and for UDP an ICMP port unreachable
 *    instead of silence, as the phone answers without a firewall (unless
 *    NO_ICMP_UNREACHABLE);
 *  - output, policy accept, only with NO_ICMP_UNREACHABLE: it drops the
 *    port unreachable messages the kernel sends for open ports where
 *    nothing listens, except for the RTP range.
 *
 * Comments are the English reasons, so `nft list` says why each hole is
 * there. Everything written here is either fixed text or numbers: nothing
 * from the configuration reaches the script as text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-firewall-ruleset.h"

#define REMOVE_SCRIPT                                                                              \
  "table " PHONESEC_FIREWALL_TABLE "\n"                                                            \
  "delete table " PHONESEC_FIREWALL_TABLE "\n"

static void
append_ports (GString *out, guint16 first, guint16 last)
{
  if (first == last)
    g_string_append_printf (out, "%u", first);
  else
    g_string_append_printf (out, "%u-%u", first, last);
}

static void
append_hole (GString *out, const PhonesecFirewallHole *hole)
{
  static const char *const family_match[] = {
    [PHONESEC_FIREWALL_IPV4_AND_IPV6] = "",
    [PHONESEC_FIREWALL_IPV4_ONLY] = "meta nfproto ipv4 ",
    [PHONESEC_FIREWALL_IPV6_ONLY] = "meta nfproto ipv6 ",
  };
  g_autofree char *why = phonesec_firewall_hole_describe (hole, FALSE);

  g_string_append_printf (out, "\t\t%s%s dport ", family_match[hole->family],
                          phonesec_firewall_protocol_name (hole->protocol));
  append_ports (out, hole->first, hole->last);
  g_string_append_printf (out, " accept comment \"%s\"\n", why);
}

static void
append_input (GString *out, const PhonesecFirewallPolicy *policy)
{
  g_string_append (out, "\tchain input {\n"
                        "\t\ttype filter hook input priority filter; policy drop;\n"
                        "\t\tiif \"lo\" accept\n"
                        /* Before the state check: neighbour discovery is
                         * not part of a tracked flow. */
                        "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, "
                        "nd-router-advert, mld-listener-query } accept\n"
                        "\t\tct state established,related accept\n"
                        "\t\tct state invalid drop\n"
                        /* The legacy IPv6 multicast echo setting decides
                         * these, whatever NO_ICMP_PING says (the guide). */
                        "\t\ticmpv6 type echo-request meta pkttype multicast accept\n");
  if (!policy->options.no_icmp_ping)
    g_string_append (out, "\t\ticmp type echo-request accept\n"
                          "\t\ticmpv6 type echo-request accept\n");
  for (guint i = 0; i < policy->holes->len; i++)
    append_hole (out, &g_array_index (policy->holes, PhonesecFirewallHole, i));
  if (!policy->options.no_icmp_unreachable)
    g_string_append (out, "\t\tmeta l4proto udp reject with icmpx type port-unreachable\n");
  g_string_append (out, "\t}\n");
}

/* NO_ICMP_UNREACHABLE. The message the kernel sends is related to the
 * connection tracking entry of the packet it answers: its port on the
 * phone is the original destination when the peer started the flow (the
 * message goes the reply way), the original source when the phone did. */
static void
append_no_unreachable (GString *out, const PhonesecFirewallPolicy *policy)
{
  static const char *const families[] = { "icmp", "ipv6-icmp" };

  g_string_append (out, "\tchain output {\n"
                        "\t\ttype filter hook output priority filter; policy accept;\n"
                        "\t\toif \"lo\" accept\n"
                        "\t\ticmp type destination-unreachable icmp code port-unreachable "
                        "jump unreachable\n"
                        "\t\ticmpv6 type destination-unreachable icmpv6 code port-unreachable "
                        "jump unreachable\n"
                        "\t}\n"
                        "\tchain unreachable {\n");
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      g_string_append_printf (out, "\t\tmeta l4proto %s ct direction reply ct original proto-dst ",
                              families[i]);
      append_ports (out, policy->rtp_first, policy->rtp_last);
      g_string_append (out, " accept\n");
      g_string_append_printf (
          out, "\t\tmeta l4proto %s ct direction original ct original proto-src ", families[i]);
      append_ports (out, policy->rtp_first, policy->rtp_last);
      g_string_append (out, " accept\n");
    }
  g_string_append (out, "\t\tdrop comment \"NO_ICMP_UNREACHABLE\"\n"
                        "\t}\n");
}

char *
phonesec_firewall_ruleset_render (const PhonesecFirewallPolicy *policy)
{
  GString *out = g_string_new (REMOVE_SCRIPT);

  g_return_val_if_fail (policy != NULL, NULL);

  g_string_append (out, "table " PHONESEC_FIREWALL_TABLE " {\n"
                        "\tcomment \"phonesecd firewall plugin: replaced as a whole\"\n");
  append_input (out, policy);
  if (policy->options.no_icmp_unreachable)
    append_no_unreachable (out, policy);
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}

const char *
phonesec_firewall_ruleset_remove_script (void)
{
  return REMOVE_SCRIPT;
}
