/* phonesec-dot1x-attempt.c: the reasons behind an EAP failure (see the
 * header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-dot1x-attempt.h"

struct _PhonesecDot1xAttempt
{
  PhonesecDot1xEap eap;
  guint min_version;
  gboolean with_pac;
  gboolean started;
  gboolean server_verified; /* its certificate passed: the handshake went far */
  char *accepted_method;    /* "TLS", "FAST" */
  char *refused_method;     /* what the server asked for and we refused */
  char *certificate_error;  /* the server's certificate, as OpenSSL saw it */
  char *local_alert;        /* we ended the handshake */
  char *remote_alert;       /* the server did */
  char *needed;             /* a parameter wpa_supplicant asked for */
  PhonesecDot1xAttemptResult result;
};

/* Alerts a TLS server sends about the client's certificate. */
static const char *const certificate_alerts[] = {
  "unknown CA",          "bad certificate",         "certificate unknown", "certificate expired",
  "certificate revoked", "unsupported certificate", "access denied",       NULL,
};

PhonesecDot1xAttempt *
phonesec_dot1x_attempt_new (PhonesecDot1xEap eap, guint min_version, gboolean with_pac)
{
  PhonesecDot1xAttempt *self = g_new0 (PhonesecDot1xAttempt, 1);

  self->eap = eap;
  self->min_version = min_version;
  self->with_pac = with_pac;
  return self;
}

void
phonesec_dot1x_attempt_free (PhonesecDot1xAttempt *self)
{
  if (self == NULL)
    return;
  g_free (self->accepted_method);
  g_free (self->refused_method);
  g_free (self->certificate_error);
  g_free (self->local_alert);
  g_free (self->remote_alert);
  g_free (self->needed);
  g_free (self);
}

/* Keeps the first value: the first problem is the cause, later ones
 * follow from it. Parameters come from wpa_supplicant: quote, do not trust. */
static void
keep_first (char **slot, const char *parameter)
{
  if (*slot == NULL)
    *slot = phonesec_quote_for_message (parameter != NULL ? parameter : "", -1);
}

PhonesecDot1xAttemptResult
phonesec_dot1x_attempt_feed (PhonesecDot1xAttempt *self, const char *status, const char *parameter)
{
  if (self->result != PHONESEC_DOT1X_ATTEMPT_RUNNING)
    return self->result;
  if (g_str_equal (status, "started"))
    self->started = TRUE;
  else if (g_str_equal (status, "accept proposed method"))
    {
      self->started = TRUE;
      g_free (self->accepted_method);
      self->accepted_method = phonesec_quote_for_message (parameter, -1);
    }
  else if (g_str_equal (status, "refuse proposed method"))
    {
      self->started = TRUE;
      keep_first (&self->refused_method, parameter);
    }
  else if (g_str_equal (status, "remote certificate verification"))
    {
      if (g_strcmp0 (parameter, "success") == 0)
        self->server_verified = TRUE;
      else
        keep_first (&self->certificate_error, parameter);
    }
  else if (g_str_equal (status, "local TLS alert"))
    keep_first (&self->local_alert, parameter);
  else if (g_str_equal (status, "remote TLS alert"))
    keep_first (&self->remote_alert, parameter);
  else if (g_str_equal (status, "parameter needed"))
    keep_first (&self->needed, parameter);
  else if (g_str_equal (status, "completion"))
    self->result = g_strcmp0 (parameter, "success") == 0 ? PHONESEC_DOT1X_ATTEMPT_SUCCEEDED
                                                         : PHONESEC_DOT1X_ATTEMPT_FAILED;
  return self->result;
}

gboolean
phonesec_dot1x_attempt_get_started (PhonesecDot1xAttempt *self)
{
  return self->started;
}

static char *
describe_alert (PhonesecDot1xAttempt *self, const char *alert, gboolean remote)
{
  const char *min = phonesec_dot1x_tls_version_label (self->min_version);

  if (g_str_equal (alert, "protocol version"))
    return remote ? g_strdup_printf (_ ("The authentication server refused every TLS version the "
                                        "phone allows (TLS_Min_Version is %s)"),
                                     min)
                  : g_strdup_printf (_ ("The authentication server offers no TLS version the "
                                        "phone allows (TLS_Min_Version is %s)"),
                                     min);
  if (g_str_equal (alert, "handshake failure") || g_str_equal (alert, "insufficient security"))
    return g_strdup_printf (_ ("The authentication server and the phone have no TLS cipher suite "
                               "in common (TLS_Cipher_List, FIPS_Mode; TLS alert “%s”)"),
                            alert);
  if (remote && self->eap == PHONESEC_DOT1X_EAP_TLS && g_strv_contains (certificate_alerts, alert))
    return g_strdup_printf (_ ("The authentication server refused the phone's certificate "
                               "(TLS alert “%s”)"),
                            alert);
  return remote ? g_strdup_printf (_ ("The authentication server ended the TLS handshake (TLS "
                                      "alert “%s”)"),
                                   alert)
                : g_strdup_printf (_ ("The phone ended the TLS handshake with the authentication "
                                      "server (TLS alert “%s”)"),
                                   alert);
}

char *
phonesec_dot1x_attempt_describe_failure (PhonesecDot1xAttempt *self)
{
  const char *eap = phonesec_dot1x_eap_to_string (self->eap);

  if (self->certificate_error != NULL)
    return g_strdup_printf (_ ("The authentication server's certificate is not trusted: %s (it "
                               "is checked against the phone's trust store)"),
                            self->certificate_error);
  if (self->local_alert != NULL)
    return describe_alert (self, self->local_alert, FALSE);
  if (self->remote_alert != NULL)
    return describe_alert (self, self->remote_alert, TRUE);
  if (self->accepted_method == NULL && self->refused_method != NULL)
    return g_strdup_printf (_ ("The authentication server asked for EAP method %s, and the phone "
                               "uses %s (Dot1x_EAP_Method)"),
                            self->refused_method, eap);
  if (self->needed != NULL)
    return g_strdup_printf (_ ("wpa_supplicant asked for “%s”, which the configuration does not "
                               "give"),
                            self->needed);
  /* The server says no more than "failure": what it refused follows from
   * how far the exchange went. */
  if (self->accepted_method == NULL)
    return g_strdup_printf (_ ("The authentication server refused the phone before %s started"),
                            eap);
  if (self->eap == PHONESEC_DOT1X_EAP_TLS && self->server_verified)
    return g_strdup (_ ("The authentication server refused the phone's certificate (EAP-TLS "
                        "failed after the server's certificate was verified)"));
  if (self->eap == PHONESEC_DOT1X_EAP_FAST && (self->server_verified || self->with_pac))
    return g_strdup (_ ("The authentication server refused Dot1x_Identity or Dot1x_Password "
                        "(EAP-FAST with MSCHAPv2)"));
  /* Ended before the server even showed its certificate: the TLS
   * parameters, most likely. */
  return g_strdup_printf (_ ("The authentication server ended the TLS handshake before sending "
                             "its certificate: it may allow no TLS version or cipher suite of the "
                             "phone's policy (TLS_Min_Version is %s, TLS_Cipher_List)"),
                          phonesec_dot1x_tls_version_label (self->min_version));
}

char *
phonesec_dot1x_attempt_describe_timeout (PhonesecDot1xAttempt *self, const char *ifname)
{
  if (!self->started)
    return g_strdup_printf (_ ("No answer from the switch on %s: no EAP request came after "
                               "EAPOL-Start (is 802.1X enabled on the switch port?)"),
                            ifname);
  return g_strdup_printf (_ ("The authentication on %s did not finish: the switch or the "
                             "authentication server stopped answering"),
                          ifname);
}
