/* phonesec-firewall-policy.c: the guide's open ports, from parameters.
 *
 * Tables 3 and 4 of "Activer le pare-feu", each row present only while its
 * condition holds, then the ports of Firewall_Config (table 5). Pure: no
 * I/O, so the unit tests walk the tables row by row.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>

#include "phonesec-firewall-policy.h"

static void
add_hole (PhonesecFirewallPolicy *self, PhonesecFirewallProtocol protocol,
          PhonesecFirewallFamily family, guint first, guint last, PhonesecFirewallReason reason,
          guint line)
{
  PhonesecFirewallHole hole = {
    .protocol = protocol,
    .family = family,
    .first = (guint16) first,
    .last = (guint16) last,
    .reason = reason,
    .line = line,
  };

  g_array_append_val (self->holes, hole);
}

static PhonesecFirewallPolicy *
policy_new (void)
{
  PhonesecFirewallPolicy *self = g_new0 (PhonesecFirewallPolicy, 1);

  self->holes = g_array_new (FALSE, FALSE, sizeof (PhonesecFirewallHole));
  return self;
}

/* The phone's DHCP clients: their servers answer to these ports, which no
 * connection tracking links to the request (it went to a broadcast or
 * multicast address). */
static void
add_dhcp (PhonesecFirewallPolicy *self)
{
  add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV4_ONLY, PHONESEC_FIREWALL_DHCP_PORT,
            PHONESEC_FIREWALL_DHCP_PORT, PHONESEC_FIREWALL_REASON_DHCP, 0);
  add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV6_ONLY, PHONESEC_FIREWALL_DHCPV6_PORT,
            PHONESEC_FIREWALL_DHCPV6_PORT, PHONESEC_FIREWALL_REASON_DHCPV6, 0);
}

/* Table 3: UDP. */
static void
add_udp_rows (PhonesecFirewallPolicy *self, const PhonesecFirewallInputs *in)
{
  add_dhcp (self);
  /* SIP over TCP and TLS opens nothing: the phone keeps its own connection
   * to its proxy and receives on it (README.md, "SIP over TCP and TLS"). */
  for (guint i = 0; i < in->n_lines; i++)
    if (in->lines[i].enabled
        && (in->lines[i].transport == PHONESEC_FIREWALL_SIP_UDP
            || in->lines[i].transport == PHONESEC_FIREWALL_SIP_AUTO))
      add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV4_AND_IPV6, in->lines[i].sip_port,
                in->lines[i].sip_port, PHONESEC_FIREWALL_REASON_SIP, i + 1);
  /* RTP_Port_Max + 1 is the RTCP port of the last RTP port; there is no
   * port above 65535. */
  self->rtp_first = in->rtp_min;
  self->rtp_last = (guint16) MIN ((guint) in->rtp_max + 1, G_MAXUINT16);
  add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV4_AND_IPV6, self->rtp_first,
            self->rtp_last, PHONESEC_FIREWALL_REASON_RTP, 0);
  if (in->upgrade && in->peer_firmware_sharing)
    add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV4_AND_IPV6,
              PHONESEC_FIREWALL_PFS_PORT, PHONESEC_FIREWALL_PFS_PORT, PHONESEC_FIREWALL_REASON_PFS,
              0);
  /* TFTP servers answer from a new port, which connection tracking does
   * not link to the request: the client's ports must be open. */
  if (!self->options.no_cisco_tftp)
    add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV4_AND_IPV6,
              PHONESEC_FIREWALL_TFTP_FIRST, PHONESEC_FIREWALL_TFTP_LAST,
              PHONESEC_FIREWALL_REASON_TFTP, 0);
  if (in->tr069)
    add_hole (self, PHONESEC_FIREWALL_UDP, PHONESEC_FIREWALL_IPV4_AND_IPV6,
              PHONESEC_FIREWALL_TR069_STUN_PORT, PHONESEC_FIREWALL_TR069_STUN_PORT,
              PHONESEC_FIREWALL_REASON_TR069_STUN, 0);
}

/* Table 4: TCP. */
static void
add_tcp_rows (PhonesecFirewallPolicy *self, const PhonesecFirewallInputs *in)
{
  /* As phonesec-web listens: 443 for HTTPS, Web_Server_Port for HTTP. */
  if (in->web_server)
    {
      guint port = in->web_https ? PHONESEC_FIREWALL_HTTPS_PORT : in->web_port;

      add_hole (self, PHONESEC_FIREWALL_TCP, PHONESEC_FIREWALL_IPV4_AND_IPV6, port, port,
                PHONESEC_FIREWALL_REASON_WEB, 0);
    }
  if (in->upgrade && in->peer_firmware_sharing)
    {
      add_hole (self, PHONESEC_FIREWALL_TCP, PHONESEC_FIREWALL_IPV4_AND_IPV6,
                PHONESEC_FIREWALL_PFS_PORT, PHONESEC_FIREWALL_PFS_PORT,
                PHONESEC_FIREWALL_REASON_PFS, 0);
      add_hole (self, PHONESEC_FIREWALL_TCP, PHONESEC_FIREWALL_IPV4_AND_IPV6,
                PHONESEC_FIREWALL_PFS_TCP_PORT, PHONESEC_FIREWALL_PFS_TCP_PORT,
                PHONESEC_FIREWALL_REASON_PFS, 0);
    }
  if (in->tr069 && in->tr069_request_port != 0)
    add_hole (self, PHONESEC_FIREWALL_TCP, PHONESEC_FIREWALL_IPV4_AND_IPV6, in->tr069_request_port,
              in->tr069_request_port, PHONESEC_FIREWALL_REASON_TR069_REQUEST, 0);
}

PhonesecFirewallPolicy *
phonesec_firewall_policy_new (const PhonesecFirewallInputs *inputs, GError **error)
{
  g_autoptr (PhonesecFirewallPolicy) self = policy_new ();

  g_return_val_if_fail (inputs != NULL, NULL);
  g_return_val_if_fail (inputs->n_lines == 0 || inputs->lines != NULL, NULL);

  if (!phonesec_firewall_options_parse (inputs->options != NULL ? inputs->options : "",
                                        &self->options, error))
    return NULL;
  add_udp_rows (self, inputs);
  add_tcp_rows (self, inputs);
  for (guint i = 0; i < self->options.n_ranges; i++)
    {
      const PhonesecFirewallRange *range = &self->options.ranges[i];

      add_hole (self, range->protocol, PHONESEC_FIREWALL_IPV4_AND_IPV6, range->first, range->last,
                PHONESEC_FIREWALL_REASON_OPTION, 0);
    }
  return g_steal_pointer (&self);
}

PhonesecFirewallPolicy *
phonesec_firewall_policy_new_closed (void)
{
  PhonesecFirewallPolicy *self = policy_new ();

  add_dhcp (self);
  return self;
}

void
phonesec_firewall_policy_free (PhonesecFirewallPolicy *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->holes);
  g_free (self);
}

PhonesecFirewallSipTransport
phonesec_firewall_sip_transport_from_string (const char *text)
{
  if (g_strcmp0 (text, "TCP") == 0)
    return PHONESEC_FIREWALL_SIP_TCP;
  if (g_strcmp0 (text, "TLS") == 0)
    return PHONESEC_FIREWALL_SIP_TLS;
  if (g_strcmp0 (text, "Auto") == 0)
    return PHONESEC_FIREWALL_SIP_AUTO;
  return PHONESEC_FIREWALL_SIP_UDP;
}

guint16
phonesec_firewall_url_port (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  int port;

  if (url == NULL || url[0] == '\0')
    return 0;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return 0;
  scheme = g_uri_get_scheme (uri);
  port = g_uri_get_port (uri);
  if (port > 0 && port <= G_MAXUINT16)
    return (guint16) port;
  if (g_ascii_strcasecmp (scheme, "http") == 0)
    return 80;
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return 443;
  return 0;
}

const char *
phonesec_firewall_protocol_name (PhonesecFirewallProtocol protocol)
{
  return protocol == PHONESEC_FIREWALL_TCP ? "tcp" : "udp";
}

char *
phonesec_firewall_hole_describe (const PhonesecFirewallHole *hole, gboolean translated)
{
  /* Indexed by PhonesecFirewallReason; SIP is formatted with its line. */
  static const char *const reasons[] = {
    N_ ("DHCP client"),
    N_ ("DHCPv6 client"),
    NULL,
    N_ ("RTP/RTCP"),
    N_ ("Peer Firmware Sharing"),
    N_ ("Cisco TFTP client"),
    N_ ("TR-069 UDP/STUN"),
    N_ ("TR-069 connection request"),
    N_ ("Web server"),
    /* The parameter's name: not translated. */
    "Firewall_Config",
  };
  const char *text;

  G_STATIC_ASSERT (G_N_ELEMENTS (reasons) == PHONESEC_FIREWALL_REASON_OPTION + 1);
  if (hole->reason == PHONESEC_FIREWALL_REASON_SIP)
    return g_strdup_printf (translated ? _ ("SIP line %u") : "SIP line %u", hole->line);
  text = reasons[hole->reason];
  return g_strdup (translated && hole->reason != PHONESEC_FIREWALL_REASON_OPTION ? _ (text) : text);
}
