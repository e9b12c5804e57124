/* phonesec-firewall-options.h: Firewall_Config, the guide's table 5.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PHONESEC_FIREWALL_UDP,
  PHONESEC_FIREWALL_TCP,
} PhonesecFirewallProtocol;

/* The guide allows at most five UDP and five TCP entries. */
#define PHONESEC_FIREWALL_MAX_OPTION_PORTS 5

/**
 * PhonesecFirewallRange:
 * @first, @last: inclusive; equal for a single port
 */
typedef struct
{
  PhonesecFirewallProtocol protocol;
  guint16 first;
  guint16 last;
} PhonesecFirewallRange;

typedef struct
{
  gboolean no_icmp_ping;        /* NO_ICMP_PING */
  gboolean no_icmp_unreachable; /* NO_ICMP_UNREACHABLE */
  gboolean no_cisco_tftp;       /* NO_CISCO_TFTP */
  guint n_ranges;               /* UDP:x, UDP:x:y, TCP:x, TCP:x:y in the order given */
  PhonesecFirewallRange ranges[2 * PHONESEC_FIREWALL_MAX_OPTION_PORTS];
} PhonesecFirewallOptions;

/**
 * phonesec_firewall_options_parse:
 * @text: the value of Firewall_Config
 * @out: (out caller-allocates): the options
 *
 * Reads the value exactly as the core's validator accepts it: items
 * separated by commas, white space around items and values ignored, empty
 * items skipped, keywords in any case, ports 1 to 65535 (a leading + or
 * zeros allowed), ranges not reversed, at most five entries per protocol.
 * The core refuses anything else before it is stored, so a failure here
 * means the two disagree.
 *
 * Returns: %FALSE with @error (PHONESEC_ERROR_INVALID_VALUE) on a value
 *   the core would have refused; @out is then cleared
 */
gboolean phonesec_firewall_options_parse (const char *text, PhonesecFirewallOptions *out,
                                          GError **error);

G_END_DECLS
