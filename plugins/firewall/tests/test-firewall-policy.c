/* test-firewall-policy.c: the guide's tables 3 and 4, row by row, each with
 * its condition on and off, as the policy computes them
 * (phonesec-firewall-policy.c). The kernel side of the same rows is
 * test-firewall.c's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <string.h>

#include "phonesec-firewall-policy.h"
#include "phonesec-firewall-ruleset.h"

#define N_LINES 4

typedef struct
{
  PhonesecFirewallInputs in;
  PhonesecFirewallLine lines[N_LINES];
} Inputs;

/* The schema's defaults. */
static void
defaults (Inputs *i)
{
  *i = (Inputs) {
    .in = {
        .options = "",
        .rtp_min = 16384,
        .rtp_max = 16482,
        .web_server = TRUE,
        .web_https = TRUE,
        .web_port = 80,
        .upgrade = TRUE,
        .peer_firmware_sharing = TRUE,
        .tr069 = FALSE,
        .tr069_request_port = 0,
        .n_lines = N_LINES,
    },
  };
  for (guint n = 0; n < N_LINES; n++)
    i->lines[n] = (PhonesecFirewallLine){ TRUE, 5060, PHONESEC_FIREWALL_SIP_UDP };
  i->in.lines = i->lines;
}

typedef struct
{
  const char *name;
  void (*change) (Inputs *i); /* NULL: the defaults */
  /* The hole: "udp 5060 5060 SIP line 1", as OpenPorts shows it (C locale). */
  const char *hole;
  gboolean open;
} Row;

static void
line1_off (Inputs *i)
{
  i->lines[0].enabled = FALSE;
}
static void
line1_tcp (Inputs *i)
{
  i->lines[0].transport = PHONESEC_FIREWALL_SIP_TCP;
}
static void
line1_tls (Inputs *i)
{
  i->lines[0].transport = PHONESEC_FIREWALL_SIP_TLS;
}
static void
line1_auto (Inputs *i)
{
  i->lines[0].transport = PHONESEC_FIREWALL_SIP_AUTO;
}
static void
line2_port (Inputs *i)
{
  i->lines[1].sip_port = 5062;
}
static void
rtp_custom (Inputs *i)
{
  i->in.rtp_min = 20000;
  i->in.rtp_max = 20100;
}
static void
rtp_top (Inputs *i)
{
  i->in.rtp_max = 65535;
}
static void
upgrade_off (Inputs *i)
{
  i->in.upgrade = FALSE;
}
static void
pfs_off (Inputs *i)
{
  i->in.peer_firmware_sharing = FALSE;
}
static void
no_tftp (Inputs *i)
{
  i->in.options = "NO_CISCO_TFTP";
}
static void
tr069_on (Inputs *i)
{
  i->in.tr069 = TRUE;
  i->in.tr069_request_port = 8645;
}
static void
tr069_no_url (Inputs *i)
{
  i->in.tr069 = TRUE;
}
static void
web_http (Inputs *i)
{
  i->in.web_https = FALSE;
  i->in.web_port = 8080;
}
static void
web_off (Inputs *i)
{
  i->in.web_server = FALSE;
}
static void
options (Inputs *i)
{
  i->in.options = "NO_ICMP_PING,TCP:12000,UDP:8000:8010";
}

static const Row rows[] = {
  /* Table 3, UDP. */
  { "dhcp", NULL, "udp 68 68 DHCP client", TRUE },
  { "dhcpv6", NULL, "udp 546 546 DHCPv6 client", TRUE },
  { "sip/udp", NULL, "udp 5060 5060 SIP line 1", TRUE },
  { "sip/auto", line1_auto, "udp 5060 5060 SIP line 1", TRUE },
  { "sip/line-disabled", line1_off, "udp 5060 5060 SIP line 1", FALSE },
  { "sip/tcp", line1_tcp, "udp 5060 5060 SIP line 1", FALSE },
  { "sip/tls", line1_tls, "udp 5060 5060 SIP line 1", FALSE },
  { "sip/tcp-opens-no-tcp", line1_tcp, "tcp 5060 5060 SIP line 1", FALSE },
  { "sip/line-2-port", line2_port, "udp 5062 5062 SIP line 2", TRUE },
  { "rtp/default", NULL, "udp 16384 16483 RTP/RTCP", TRUE },
  { "rtp/custom", rtp_custom, "udp 20000 20101 RTP/RTCP", TRUE },
  { "rtp/max-65535", rtp_top, "udp 16384 65535 RTP/RTCP", TRUE },
  { "pfs/udp", NULL, "udp 4051 4051 Peer Firmware Sharing", TRUE },
  { "pfs/udp-upgrade-off", upgrade_off, "udp 4051 4051 Peer Firmware Sharing", FALSE },
  { "pfs/udp-sharing-off", pfs_off, "udp 4051 4051 Peer Firmware Sharing", FALSE },
  { "tftp", NULL, "udp 53240 53245 Cisco TFTP client", TRUE },
  { "tftp/no-cisco-tftp", no_tftp, "udp 53240 53245 Cisco TFTP client", FALSE },
  { "tr069/udp-off", NULL, "udp 7999 7999 TR-069 UDP/STUN", FALSE },
  { "tr069/udp-on", tr069_on, "udp 7999 7999 TR-069 UDP/STUN", TRUE },
  /* Table 4, TCP. */
  { "web/https", NULL, "tcp 443 443 Web server", TRUE },
  { "web/http", web_http, "tcp 8080 8080 Web server", TRUE },
  { "web/http-not-443", web_http, "tcp 443 443 Web server", FALSE },
  { "web/off", web_off, "tcp 443 443 Web server", FALSE },
  { "pfs/tcp-4051", NULL, "tcp 4051 4051 Peer Firmware Sharing", TRUE },
  { "pfs/tcp-6970", NULL, "tcp 6970 6970 Peer Firmware Sharing", TRUE },
  { "pfs/tcp-upgrade-off", upgrade_off, "tcp 6970 6970 Peer Firmware Sharing", FALSE },
  { "pfs/tcp-sharing-off", pfs_off, "tcp 4051 4051 Peer Firmware Sharing", FALSE },
  { "tr069/tcp-off", NULL, "tcp 8645 8645 TR-069 connection request", FALSE },
  { "tr069/tcp-on", tr069_on, "tcp 8645 8645 TR-069 connection request", TRUE },
  { "tr069/udp-without-request-url", tr069_no_url, "udp 7999 7999 TR-069 UDP/STUN", TRUE },
  /* Table 5's ports. */
  { "options/tcp", options, "tcp 12000 12000 Firewall_Config", TRUE },
  { "options/udp-range", options, "udp 8000 8010 Firewall_Config", TRUE },
};

static char **
holes_text (const PhonesecFirewallPolicy *policy)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint n = 0; n < policy->holes->len; n++)
    {
      const PhonesecFirewallHole *hole = &g_array_index (policy->holes, PhonesecFirewallHole, n);
      g_autofree char *why = phonesec_firewall_hole_describe (hole, TRUE);

      g_ptr_array_add (out, g_strdup_printf ("%s %u %u %s",
                                             phonesec_firewall_protocol_name (hole->protocol),
                                             hole->first, hole->last, why));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
test_row (gconstpointer data)
{
  const Row *row = data;
  Inputs inputs;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecFirewallPolicy) policy = NULL;
  g_auto (GStrv) holes = NULL;

  defaults (&inputs);
  if (row->change != NULL)
    row->change (&inputs);
  policy = phonesec_firewall_policy_new (&inputs.in, &error);
  g_assert_no_error (error);
  holes = holes_text (policy);
  if (g_strv_contains ((const char *const *) holes, row->hole) != row->open)
    {
      g_autofree char *all = g_strjoinv ("\n  ", holes);
      g_error ("%s: expected \"%s\" %s; the holes:\n  %s", row->name, row->hole,
               row->open ? "open" : "closed", all);
    }
}

/* DHCP for its own IP version only; everything else for both. */
static void
test_families (void)
{
  Inputs inputs;
  g_autoptr (PhonesecFirewallPolicy) policy = NULL;

  defaults (&inputs);
  policy = phonesec_firewall_policy_new (&inputs.in, NULL);
  for (guint n = 0; n < policy->holes->len; n++)
    {
      const PhonesecFirewallHole *hole = &g_array_index (policy->holes, PhonesecFirewallHole, n);
      PhonesecFirewallFamily expected
          = hole->reason == PHONESEC_FIREWALL_REASON_DHCP     ? PHONESEC_FIREWALL_IPV4_ONLY
            : hole->reason == PHONESEC_FIREWALL_REASON_DHCPV6 ? PHONESEC_FIREWALL_IPV6_ONLY
                                                              : PHONESEC_FIREWALL_IPV4_AND_IPV6;

      g_assert_cmpint (hole->family, ==, expected);
    }
}

/* The ruleset's comments come from these texts: never a quote, nor
 * anything but printable ASCII, whatever the phone's language is. */
static void
test_comments_are_plain (void)
{
  for (guint reason = 0; reason <= PHONESEC_FIREWALL_REASON_OPTION; reason++)
    {
      PhonesecFirewallHole hole = { .reason = reason, .line = 64 };
      g_autofree char *text = phonesec_firewall_hole_describe (&hole, FALSE);

      g_assert_cmpuint (strlen (text), >, 0);
      g_assert_cmpuint (strlen (text), <=, 64);
      for (const char *p = text; *p != '\0'; p++)
        g_assert_true (g_ascii_isprint (*p) && *p != '"' && *p != '\\');
    }
}

static void
test_closed (void)
{
  g_autoptr (PhonesecFirewallPolicy) policy = phonesec_firewall_policy_new_closed ();
  g_auto (GStrv) holes = holes_text (policy);
  g_autofree char *script = phonesec_firewall_ruleset_render (policy);
  const char *const expected[] = { "udp 68 68 DHCP client", "udp 546 546 DHCPv6 client", NULL };

  g_assert_true (g_strv_equal ((const char *const *) holes, expected));
  g_assert_null (strstr (script, "chain output"));
}

/* The one script replaces the table whatever it holds; NO_ICMP_UNREACHABLE
 * adds the output chain, nothing else does. */
static void
test_script_shape (void)
{
  Inputs inputs;
  g_autoptr (PhonesecFirewallPolicy) plain = NULL;
  g_autoptr (PhonesecFirewallPolicy) quiet = NULL;
  g_autofree char *plain_script = NULL;
  g_autofree char *quiet_script = NULL;

  defaults (&inputs);
  plain = phonesec_firewall_policy_new (&inputs.in, NULL);
  inputs.in.options = "NO_ICMP_UNREACHABLE";
  quiet = phonesec_firewall_policy_new (&inputs.in, NULL);
  plain_script = phonesec_firewall_ruleset_render (plain);
  quiet_script = phonesec_firewall_ruleset_render (quiet);
  g_assert_true (g_str_has_prefix (plain_script, phonesec_firewall_ruleset_remove_script ()));
  g_assert_nonnull (strstr (plain_script, "policy drop;"));
  g_assert_nonnull (strstr (plain_script, "reject with icmpx type port-unreachable"));
  g_assert_null (strstr (plain_script, "chain output"));
  g_assert_null (strstr (quiet_script, "reject"));
  g_assert_nonnull (strstr (quiet_script, "ct original proto-dst 16384-16483 accept"));
}

static void
test_url_port (void)
{
  g_assert_cmpuint (phonesec_firewall_url_port ("http://10.0.0.5:8645/tr069"), ==, 8645);
  g_assert_cmpuint (phonesec_firewall_url_port ("http://[fd00::5]:9999/"), ==, 9999);
  g_assert_cmpuint (phonesec_firewall_url_port ("http://phone.example/"), ==, 80);
  g_assert_cmpuint (phonesec_firewall_url_port ("HTTPS://phone.example/"), ==, 443);
  g_assert_cmpuint (phonesec_firewall_url_port ("http://u:********@10.0.0.5:8001/"), ==, 8001);
  g_assert_cmpuint (phonesec_firewall_url_port (""), ==, 0);
  g_assert_cmpuint (phonesec_firewall_url_port (NULL), ==, 0);
  g_assert_cmpuint (phonesec_firewall_url_port ("not a url"), ==, 0);
  g_assert_cmpuint (phonesec_firewall_url_port ("ftp://h:21/"), ==, 21);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint n = 0; n < G_N_ELEMENTS (rows); n++)
    {
      g_autofree char *path = g_strconcat ("/firewall/policy/", rows[n].name, NULL);
      g_test_add_data_func (path, &rows[n], test_row);
    }
  g_test_add_func ("/firewall/policy/families", test_families);
  g_test_add_func ("/firewall/policy/comments-are-plain", test_comments_are_plain);
  g_test_add_func ("/firewall/policy/closed", test_closed);
  g_test_add_func ("/firewall/policy/script-shape", test_script_shape);
  g_test_add_func ("/firewall/policy/url-port", test_url_port);
  return g_test_run ();
}
