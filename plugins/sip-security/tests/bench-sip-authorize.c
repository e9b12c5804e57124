/* bench-sip-authorize.c: SipSecurity.Authorize over D-Bus against the
 * same answer computed in process.
 *
 * Over D-Bus: phonesecd with the plugin on a private bus, synchronous calls
 * from one connection (the SIP stack's pattern: one 401, one call), median
 * of the round trips, and a Config.Get round trip of the same client as
 * the floor any D-Bus answer pays. In process: phonesec_sip_authorize()
 * itself (challenge parsing, the digest, the header) on the same inputs,
 * and the digest alone. The bus should dominate: the report says by how
 * much, per algorithm.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"
#include "phonesec-sip-authorize.h"

#define SIP_PATH "/org/phonesec/PhoneSec1/plugins/sip_security"
#define SIP_IFACE "org.phonesec.PhoneSec1.SipSecurity"
#define WARMUP 200
#define CALLS 2000
#define LOCAL_CALLS 20000
#define PASSWORD "bench-password"

static const char *const algorithms[] = { "MD5", "SHA-256", "SHA-512-256" };

static char *
challenge_for (const char *algorithm)
{
  return g_strdup_printf ("Digest realm=\"sip.example.net\", nonce=\"Z2VuZXJhdGVkLW5vbmNlLWJl"
                          "bmNo\", qop=\"auth\", algorithm=%s, opaque=\"b3BhcXVl\"",
                          algorithm);
}

static double
dbus_median_us (PhonesecTestBus *bus, const char *method, GVariant *args, const char *path,
                const char *iface)
{
  g_autoptr (GArray) samples = bench_samples_new (CALLS);

  for (guint i = 0; i < WARMUP; i++)
    bench_time_call (bus->connection, BENCH_BUS_NAME, path, iface, method, args);
  for (guint i = 0; i < CALLS; i++)
    {
      gint64 ns = bench_time_call (bus->connection, BENCH_BUS_NAME, path, iface, method, args);
      g_array_append_val (samples, ns);
    }
  return bench_median_us (samples);
}

/* The line phonesecd has, as the plugin reads it. */
static PhonesecSipLine *
bench_line (void)
{
  PhonesecSipLine *line = g_new0 (PhonesecSipLine, 1);

  line->line = 1;
  line->enabled = TRUE;
  line->transport = g_strdup ("UDP");
  line->proxy = g_strdup ("sip.example.net");
  line->outbound_proxy = g_strdup ("");
  line->user_id = g_strdup ("1001");
  line->auth_id = g_strdup ("");
  line->rfc8760 = TRUE;
  return line;
}

static double
local_authorize_us (const char *challenge)
{
  g_autoptr (PhonesecSipLine) line = bench_line ();
  g_autoptr (PhonesecSecret) password = phonesec_secret_new (PASSWORD, -1);
  g_autoptr (PhonesecSipNonceCounts) counts = phonesec_sip_nonce_counts_new ();
  const char *challenges[] = { challenge, NULL };
  PhonesecSipAuthorizeRequest request = { "REGISTER", "sip:sip.example.net", challenges };
  gint64 start = bench_now_ns ();

  for (guint i = 0; i < LOCAL_CALLS; i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (!phonesec_sip_authorize (line, password, &request, counts, &name, &value, NULL))
        g_error ("in-process Authorize failed");
    }
  return (bench_now_ns () - start) / 1000.0 / LOCAL_CALLS;
}

static double
local_digest_us (const char *algorithm)
{
  g_autoptr (PhonesecSecret) password = phonesec_secret_new (PASSWORD, -1);
  PhonesecSipDigestInput in = { { 0 },
                                "1001",
                                "sip.example.net",
                                "Z2VuZXJhdGVkLW5vbmNl",
                                "0a4f113b",
                                "00000001",
                                PHONESEC_SIP_DIGEST_QOP_AUTH,
                                "REGISTER",
                                "sip:sip.example.net",
                                NULL };
  char out[PHONESEC_SIP_DIGEST_HEX_MAX];
  gint64 start;

  g_assert_true (phonesec_sip_digest_algorithm_parse (algorithm, &in.algorithm));
  start = bench_now_ns ();
  for (guint i = 0; i < LOCAL_CALLS; i++)
    phonesec_sip_digest_response (&in, password, out);
  return (bench_now_ns () - start) / 1000.0 / LOCAL_CALLS;
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) get_args = NULL;
  double get_us;

  bench_init (&argc, &argv, "SipSecurity.Authorize over D-Bus vs in process");
  bus = bench_bus_new ();
  phonesec_test_bus_add_plugin (bus, "PHONESEC_SIP_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (bus);
  g_assert_cmpuint (phonesec_test_apply_strings (bus, &error, "User_ID_1_", "1001", "Password_1_",
                                                 PASSWORD, "Proxy_1_", "sip.example.net",
                                                 "Auth_Support_RFC8760_1_", "Yes", NULL),
                    !=, G_MAXUINT64);
  g_assert_no_error (error);

  get_args = g_variant_ref_sink (g_variant_new_parsed ("(['User_ID_1_'],)"));
  get_us = dbus_median_us (bus, "Get", get_args, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE);
  g_print ("Config.Get round trip (the floor of any D-Bus answer): %.1f us\n", get_us);
  bench_report ("sip-config-get-us", get_us, -1);

  for (guint a = 0; a < G_N_ELEMENTS (algorithms); a++)
    {
      g_autofree char *challenge = challenge_for (algorithms[a]);
      g_autoptr (GVariant) args = g_variant_ref_sink (
          g_variant_new ("(uss^as@a{sv})", 1, "REGISTER", "sip:sip.example.net",
                         (const char *const[]){ challenge, NULL },
                         g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)));
      double dbus_us = dbus_median_us (bus, "Authorize", args, SIP_PATH, SIP_IFACE);
      double local_us = local_authorize_us (challenge);
      double digest_us = local_digest_us (algorithms[a]);
      g_autofree char *m_dbus = g_strdup_printf ("sip-authorize-dbus-%s-us", algorithms[a]);
      g_autofree char *m_local = g_strdup_printf ("sip-authorize-inprocess-%s-us", algorithms[a]);
      g_autofree char *m_digest = g_strdup_printf ("sip-digest-inprocess-%s-us", algorithms[a]);
      g_autofree char *m_share = g_strdup_printf ("sip-authorize-bus-share-%s", algorithms[a]);

      g_print ("%s: Authorize over D-Bus %.1f us (median of %u), in process %.2f us "
               "(digest alone %.2f us): the bus and the daemon's dispatch are %.0f%% of a call\n",
               algorithms[a], dbus_us, CALLS, local_us, digest_us,
               100.0 * (dbus_us - local_us) / dbus_us);
      bench_report (m_dbus, dbus_us, -1);
      bench_report (m_local, local_us, -1);
      bench_report (m_digest, digest_us, -1);
      bench_report_min (m_share, (dbus_us - local_us) / dbus_us, 0.5);
    }
  phonesec_test_bus_stop_daemon (bus);
  return 0;
}
