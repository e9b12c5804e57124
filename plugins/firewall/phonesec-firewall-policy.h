/* phonesec-firewall-policy.h: what the firewall lets in, from the phone's
 * parameters: the guide's tables 3 (UDP) and 4 (TCP) and the options of
 * table 5.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-firewall-options.h"

G_BEGIN_DECLS

/* Fixed ports of the guide's tables. */
#define PHONESEC_FIREWALL_DHCP_PORT 68
#define PHONESEC_FIREWALL_DHCPV6_PORT 546
#define PHONESEC_FIREWALL_PFS_PORT 4051
#define PHONESEC_FIREWALL_PFS_TCP_PORT 6970
#define PHONESEC_FIREWALL_TFTP_FIRST 53240
#define PHONESEC_FIREWALL_TFTP_LAST 53245
#define PHONESEC_FIREWALL_TR069_STUN_PORT 7999
#define PHONESEC_FIREWALL_HTTPS_PORT 443

/* Why a port is open: one row of the guide's tables, or an option. */
typedef enum
{
  PHONESEC_FIREWALL_REASON_DHCP,
  PHONESEC_FIREWALL_REASON_DHCPV6,
  PHONESEC_FIREWALL_REASON_SIP,
  PHONESEC_FIREWALL_REASON_RTP,
  PHONESEC_FIREWALL_REASON_PFS,
  PHONESEC_FIREWALL_REASON_TFTP,
  PHONESEC_FIREWALL_REASON_TR069_STUN,
  PHONESEC_FIREWALL_REASON_TR069_REQUEST,
  PHONESEC_FIREWALL_REASON_WEB,
  PHONESEC_FIREWALL_REASON_OPTION,
} PhonesecFirewallReason;

/* Which IP versions a hole is for. */
typedef enum
{
  PHONESEC_FIREWALL_IPV4_AND_IPV6,
  PHONESEC_FIREWALL_IPV4_ONLY,
  PHONESEC_FIREWALL_IPV6_ONLY,
} PhonesecFirewallFamily;

/**
 * PhonesecFirewallHole:
 * @first, @last: inclusive port range (@first > @last only when the
 *   parameters give a reversed RTP range: nftables refuses it)
 * @line: the line of a SIP hole, else 0
 */
typedef struct
{
  PhonesecFirewallProtocol protocol;
  PhonesecFirewallFamily family;
  guint16 first;
  guint16 last;
  PhonesecFirewallReason reason;
  guint line;
} PhonesecFirewallHole;

typedef enum
{
  PHONESEC_FIREWALL_SIP_UDP,
  PHONESEC_FIREWALL_SIP_TCP,
  PHONESEC_FIREWALL_SIP_TLS,
  PHONESEC_FIREWALL_SIP_AUTO,
} PhonesecFirewallSipTransport;

typedef struct
{
  gboolean enabled;                       /* Line_Enable_n_ */
  guint16 sip_port;                       /* SIP_Port_n_ */
  PhonesecFirewallSipTransport transport; /* SIP_Transport_n_ */
} PhonesecFirewallLine;

/**
 * PhonesecFirewallInputs:
 *
 * The parameters the firewall depends on, read by the plugin. Borrowed
 * strings and arrays.
 */
typedef struct
{
  const char *options;            /* Firewall_Config */
  guint16 rtp_min;                /* RTP_Port_Min */
  guint16 rtp_max;                /* RTP_Port_Max */
  gboolean web_server;            /* Enable_Web_Server */
  gboolean web_https;             /* Enable_Protocol is Https */
  guint16 web_port;               /* Web_Server_Port (HTTP only) */
  gboolean upgrade;               /* Upgrade_Enable */
  gboolean peer_firmware_sharing; /* Peer_Firmware_Sharing */
  gboolean tr069;                 /* Enable_TR-069, and not FIPS_Mode */
  guint16 tr069_request_port;     /* of Connection_Request_URL, 0 when unknown */
  guint n_lines;
  const PhonesecFirewallLine *lines; /* line 1 first */
} PhonesecFirewallInputs;

typedef struct
{
  GArray *holes; /* PhonesecFirewallHole, in the order of the guide's tables */
  PhonesecFirewallOptions options;
  guint16 rtp_first; /* the RTP/RTCP range, kept for NO_ICMP_UNREACHABLE */
  guint16 rtp_last;
} PhonesecFirewallPolicy;

/**
 * phonesec_firewall_policy_new:
 *
 * Returns: (transfer full): what to let in, or %NULL with @error when
 *   Firewall_Config cannot be read (see phonesec_firewall_options_parse())
 */
PhonesecFirewallPolicy *phonesec_firewall_policy_new (const PhonesecFirewallInputs *inputs,
                                                      GError **error);
/* The policy used when the configured one cannot be put in force and no
 * ruleset is: replies to the phone's own traffic, DHCP and neighbour
 * discovery only. */
PhonesecFirewallPolicy *phonesec_firewall_policy_new_closed (void);
void phonesec_firewall_policy_free (PhonesecFirewallPolicy *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecFirewallPolicy, phonesec_firewall_policy_free)

/* Parses SIP_Transport_n_ (UDP, TCP, TLS, Auto); anything else reads as UDP. */
PhonesecFirewallSipTransport phonesec_firewall_sip_transport_from_string (const char *text);
/* The port of a TR-069 connection request URL: its own, else 80 for http
 * and 443 for https; 0 when @url is empty or not such a URL. */
guint16 phonesec_firewall_url_port (const char *url);

/**
 * phonesec_firewall_hole_describe:
 * @translated: %TRUE for the phone's language (OpenPorts), %FALSE for the
 *   English text that goes into the ruleset's comments
 *
 * Returns: (transfer full): why the hole is open: "SIP line 1", "RTP/RTCP"...
 */
char *phonesec_firewall_hole_describe (const PhonesecFirewallHole *hole, gboolean translated);
/* "udp" or "tcp", as nft writes them. */
const char *phonesec_firewall_protocol_name (PhonesecFirewallProtocol protocol);

G_END_DECLS
