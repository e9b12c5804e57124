/* phonesec-sip-line.h: one line's SIP security settings, as the
 * configuration holds them now (the Extension tab: SIP_Transport_n_,
 * Auth_INVITE_n_, Auth_Support_RFC8760_n_, TLS_Name_Validate_n_,
 * MediaSec_*_n_, Proxy_n_, Outbound_Proxy_n_, User_ID_n_, Auth_ID_n_,
 * Use_Auth_ID_n_, Line_Enable_n_), and what follows from them. The
 * password is not here: it is read only where a digest is computed.
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

#include "phonesec-sip-digest.h"

G_BEGIN_DECLS

typedef struct
{
  guint line;
  gboolean enabled;
  char *transport; /* UDP, TCP, TLS or Auto */
  guint port;      /* the line's local SIP port */
  char *proxy;     /* host[:port] or "" */
  char *outbound_proxy;
  char *user_id;
  char *auth_id;
  gboolean use_auth_id;
  gboolean auth_invite;
  gboolean rfc8760;
  gboolean tls_name_validate;
  gboolean mediasec_request;
  gboolean mediasec_over_tls_only;
  gboolean fips; /* FIPS_Mode: no MD5 */
} PhonesecSipLine;

/* Reads line @line (1..lines) from @context. */
PhonesecSipLine *phonesec_sip_line_read (PhonesecContext *context, guint line);
void phonesec_sip_line_free (PhonesecSipLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSipLine, phonesec_sip_line_free)

/* "Password_<n>_" and its kin. */
char *phonesec_sip_line_parameter (const char *template_name, guint line);
/* The line of a per-line parameter name ("Proxy_2_" → 2), or 0. */
guint phonesec_sip_line_of_parameter (const char *name);

/* The digest user name: Auth_ID_n_ when Use_Auth_ID_n_ and it is set,
 * else User_ID_n_ (maybe ""). */
const char *phonesec_sip_line_auth_user (const PhonesecSipLine *line);

/**
 * phonesec_sip_line_allowed_algorithms:
 * @out: (out caller-allocates): room for 6 algorithms
 *
 * The algorithms the line answers and offers, most preferred first
 * (RFC 8760 §2.4): SHA-512-256, SHA-256, MD5 with Auth_Support_RFC8760_n_,
 * MD5 alone without; never MD5 under FIPS_Mode. Each with its -sess
 * variant after it.
 *
 * Returns: how many
 */
guint phonesec_sip_line_allowed_algorithms (const PhonesecSipLine *line,
                                            PhonesecSipDigestAlgorithm *out);
gboolean phonesec_sip_line_allows (const PhonesecSipLine *line,
                                   PhonesecSipDigestAlgorithm algorithm);

/* The host of a host[:port] value (IPv6 literals without brackets), or
 * NULL when @value is empty; @port_out gets the port or 0. */
char *phonesec_sip_split_host_port (const char *value, guint *port_out);

/* The realm of the phone's own challenges on this line: the host of
 * Proxy_n_ (the proxy answers with the line's credentials for it), or
 * "phone" without a proxy. */
char *phonesec_sip_line_realm (const PhonesecSipLine *line);

G_END_DECLS
