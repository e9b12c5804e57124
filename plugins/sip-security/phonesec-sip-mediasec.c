/* phonesec-sip-mediasec.c: what the guide's MediaSec table means for a
 * request.
 *
 * The mechanism names are those of the mediasec draft's IANA section for
 * media keying (sdes-srtp, dtls-srtp, msrp-tls). The phone's media stack
 * keys SRTP with SDES (RFC 4568) in its SDP, so it offers sdes-srtp; the
 * table below is the one place to add a mechanism it learns.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-sip-mediasec.h"

static const char *const mechanisms[] = { "sdes-srtp", NULL };

/* Preference order as the phone's SDP offers them. */
static const char *const srtp_profiles[] = {
  "AES_CM_128_HMAC_SHA1_80",
  "AES_CM_128_HMAC_SHA1_32",
  NULL,
};

gboolean
phonesec_sip_mediasec_applies (gboolean over_tls_only, const char *transport)
{
  return !over_tls_only || g_ascii_strcasecmp (transport, "TLS") == 0;
}

GStrv
phonesec_sip_mediasec_security_client (gboolean request, gboolean over_tls_only,
                                       const char *transport)
{
  g_autoptr (GStrvBuilder) values = g_strv_builder_new ();

  if (request && phonesec_sip_mediasec_applies (over_tls_only, transport))
    for (guint i = 0; mechanisms[i] != NULL; i++)
      {
        g_autofree char *value = g_strconcat (mechanisms[i], ";mediasec", NULL);

        g_strv_builder_add (values, value);
      }
  return g_strv_builder_end (values);
}

const char *const *
phonesec_sip_mediasec_srtp_profiles (void)
{
  return srtp_profiles;
}
