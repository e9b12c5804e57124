/* test-dot1x-attempt.c: why an authentication failed, from the EAP status
 * signals wpa_supplicant 2.10 sends (sequences as recorded against
 * hostapd's EAP server).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-dot1x-attempt.h"

typedef struct
{
  const char *name;
  PhonesecDot1xEap eap;
  gboolean with_pac;
  const char *events; /* "status=parameter;..." */
  PhonesecDot1xAttemptResult result;
  const char *reason; /* a part of LastError, for failures */
} Case;

static const Case cases[] = {
  { "tls-success", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote certificate verification=success;"
    "completion=success",
    PHONESEC_DOT1X_ATTEMPT_SUCCEEDED, NULL },
  { "tls-certificate-from-another-ca", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote certificate verification=success;"
    "completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "refused the phone's certificate" },
  { "tls-server-not-trusted", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote certificate verification=self-signed "
    "certificate in certificate chain;local TLS alert=unknown CA;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "self-signed certificate in certificate chain" },
  { "tls-server-too-old", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;local TLS alert=protocol version;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "TLS_Min_Version is TLS 1.2" },
  { "tls-server-refuses-versions", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote TLS alert=protocol version;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "refused every TLS version" },
  { "tls-no-common-suite", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote TLS alert=handshake failure;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "no TLS cipher suite in common" },
  { "tls-certificate-alert", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote TLS alert=unknown CA;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "refused the phone's certificate (TLS alert “unknown CA”)" },
  { "fast-provisioning-success", PHONESEC_DOT1X_EAP_FAST, FALSE,
    "started=;accept proposed method=FAST;remote certificate verification=success;"
    "completion=success",
    PHONESEC_DOT1X_ATTEMPT_SUCCEEDED, NULL },
  { "fast-wrong-password", PHONESEC_DOT1X_EAP_FAST, FALSE,
    "started=;accept proposed method=FAST;remote certificate verification=success;"
    "completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "refused Dot1x_Identity or Dot1x_Password" },
  { "fast-with-pac-wrong-password", PHONESEC_DOT1X_EAP_FAST, TRUE,
    "started=;accept proposed method=FAST;completion=failure", PHONESEC_DOT1X_ATTEMPT_FAILED,
    "refused Dot1x_Identity or Dot1x_Password" },
  /* A server of older TLS versions than the phone offers, sending its
   * alert with the EAP-Failure. */
  { "tls-ended-before-the-certificate", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;completion=failure", PHONESEC_DOT1X_ATTEMPT_FAILED,
    "before sending its certificate" },
  { "server-wants-another-method", PHONESEC_DOT1X_EAP_FAST, FALSE,
    "started=;refuse proposed method=PEAP;completion=failure", PHONESEC_DOT1X_ATTEMPT_FAILED,
    "asked for EAP method PEAP" },
  { "parameter-needed", PHONESEC_DOT1X_EAP_FAST, FALSE,
    "started=;accept proposed method=FAST;parameter needed=password;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "“password”" },
  { "refused-at-once", PHONESEC_DOT1X_EAP_TLS, FALSE, "started=;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "before EAP-TLS started" },
  /* A hostile parameter is quoted on one line. */
  { "hostile-parameter", PHONESEC_DOT1X_EAP_TLS, FALSE,
    "started=;accept proposed method=TLS;remote certificate verification=bad\nLastError: "
    "forged;completion=failure",
    PHONESEC_DOT1X_ATTEMPT_FAILED, "bad\\nLastError: forged" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (PhonesecDot1xAttempt) attempt = phonesec_dot1x_attempt_new (c->eap, 2, c->with_pac);
  g_auto (GStrv) events = g_strsplit (c->events, ";", -1);
  PhonesecDot1xAttemptResult result = PHONESEC_DOT1X_ATTEMPT_RUNNING;

  for (guint i = 0; events[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (events[i], "=", 2);

      g_assert_cmpint (result, ==, PHONESEC_DOT1X_ATTEMPT_RUNNING);
      result = phonesec_dot1x_attempt_feed (attempt, pair[0], pair[1]);
    }
  g_assert_cmpint (result, ==, c->result);
  g_assert_true (phonesec_dot1x_attempt_get_started (attempt));
  if (c->reason != NULL)
    {
      g_autofree char *why = phonesec_dot1x_attempt_describe_failure (attempt);

      g_test_message ("%s", why);
      g_assert_nonnull (strstr (why, c->reason));
      g_assert_null (strchr (why, '\n'));
    }
  /* Later signals do not change a finished attempt. */
  g_assert_cmpint (phonesec_dot1x_attempt_feed (attempt, "completion", "success"), ==, c->result);
}

static void
test_timeout_says_whether_the_switch_answered (void)
{
  g_autoptr (PhonesecDot1xAttempt) silent
      = phonesec_dot1x_attempt_new (PHONESEC_DOT1X_EAP_TLS, 1, FALSE);
  g_autoptr (PhonesecDot1xAttempt) stuck
      = phonesec_dot1x_attempt_new (PHONESEC_DOT1X_EAP_TLS, 1, FALSE);
  g_autofree char *no_answer = NULL, *stopped = NULL;

  no_answer = phonesec_dot1x_attempt_describe_timeout (silent, "eth0");
  g_assert_false (phonesec_dot1x_attempt_get_started (silent));
  g_assert_nonnull (strstr (no_answer, "No answer from the switch on eth0"));

  phonesec_dot1x_attempt_feed (stuck, "started", "");
  stopped = phonesec_dot1x_attempt_describe_timeout (stuck, "eth0");
  g_assert_nonnull (strstr (stopped, "stopped answering"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/dot1x/attempt/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/dot1x/attempt/timeout-says-whether-the-switch-answered",
                   test_timeout_says_whether_the_switch_answered);
  return g_test_run ();
}
