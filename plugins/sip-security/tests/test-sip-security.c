/* test-sip-security.c: the sip-security plugin in phonesecd against real
 * SIP peers.
 *
 * One world for every test (CI's time is short): two network namespaces
 * joined by a veth pair; in the server one, two Kamailio 5.6 registrars
 * (MD5 without qop, SHA-256 with qop auth), each on UDP, TCP and TLS with a
 * certificate that names sip.phonesec.test only; phonesecd with the plugin
 * (trusting the test CA with --ca-file) on a private bus. `phonesecctl sip
 * register 1` runs in the client namespace, as the phone's SIP stack would.
 * For Auth INVITE, sipsak sends INVITEs to a small responder in this
 * program that plays the phone's SIP stack: it answers with the plugin's
 * Challenge and checks the answer with Verify.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <phonesec/phonesec-dbus-names.h>
#include <string.h>

#include "kamailio-fixture.h"
#include "phonesec-test-bus.h"
#include "sip-invite-responder.h"

#define SIP_PATH "/org/phonesec/PhoneSec1/plugins/sip_security"
#define SIP_IFACE "org.phonesec.PhoneSec1.SipSecurity"
#define SIP_GROUP "phonesec-sip"
/* The line's password, and the marker the secrets test looks for. */
#define PASSWORD "Line1-Secret-7Qz"
#define MD5_PORT 5060
#define MD5_TLS_PORT 5061
#define SHA_PORT 5070
#define SHA_TLS_PORT 5071
#define PROXY_PORT 5080
#define PROXY_TLS_PORT 5081

typedef struct
{
  char *dir;
  PhonesecTestBus *bus;
  PhonesecVpnNet *net;
  PhonesecTestCa *ca;
  PhonesecTestCert *cert;
  PhonesecTestCa *other_ca; /* not trusted by the phone */
  PhonesecTestCert *other_cert;
  Kamailio *md5;
  Kamailio *sha256;
  Kamailio *proxy; /* SHA-256, 407 challenges */
  guint32 sip_gid;
  GString *seen; /* every reply and output, for the secrets test */
} World;

static World w;

/* --- the world ----------------------------------------------------------------- */

static void
world_start (void)
{
  const PhonesecTestCertSpec name_only
      = { .cn = SIP_TEST_SERVER_NAME, .dns_name = SIP_TEST_SERVER_NAME };
  KamailioSpec md5 = { "MD5", FALSE, PASSWORD, MD5_PORT, MD5_TLS_PORT };
  KamailioSpec sha = { "SHA-256", TRUE, PASSWORD, SHA_PORT, SHA_TLS_PORT };
  KamailioSpec proxy = { "SHA-256", TRUE, PASSWORD, PROXY_PORT, PROXY_TLS_PORT, .proxy = TRUE };
  g_autofree char *ca_arg = NULL;

  if (getuid () != 0)
    g_error ("the SIP tests create network namespaces and a system group: run them as root");
  kamailio_require ();
  phonesec_test_require_gnutls_bin ();
  w.seen = g_string_new (NULL);
  w.dir = g_dir_make_tmp ("phonesec-sip-XXXXXX", NULL);
  g_chmod (w.dir, 0755);
  w.ca = phonesec_test_ca_new (w.dir, "sip-test-ca");
  w.cert = phonesec_test_ca_issue (w.ca, "registrar", &name_only);
  w.other_ca = phonesec_test_ca_new (w.dir, "unknown-ca");
  w.other_cert = phonesec_test_ca_issue (w.other_ca, "stranger", &name_only);

  w.net = phonesec_vpn_net_new ();
  kamailio_name_server (w.net);
  md5.cert = sha.cert = proxy.cert = w.cert;
  w.md5 = kamailio_start (w.net, "kamailio-md5", &md5, w.dir);
  w.sha256 = kamailio_start (w.net, "kamailio-sha256", &sha, w.dir);
  w.proxy = kamailio_start (w.net, "kamailio-proxy", &proxy, w.dir);

  /* As the package's sysusers.d entry would, before the daemon starts. */
  w.sip_gid = phonesec_test_ensure_group (SIP_GROUP);
  w.bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (w.bus, "PHONESEC_SIP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (w.bus, "PHONESEC_PRT_PLUGIN_DIR");
  ca_arg = g_strdup_printf ("--ca-file=%s", w.ca->cert->cert_path);
  g_ptr_array_add (w.bus->extra_args, g_steal_pointer (&ca_arg));
  phonesec_test_bus_start_daemon (w.bus);
}

static void
world_stop (void)
{
  g_clear_pointer (&w.bus, phonesec_test_bus_free);
  g_clear_pointer (&w.md5, kamailio_free);
  g_clear_pointer (&w.sha256, kamailio_free);
  g_clear_pointer (&w.proxy, kamailio_free);
  g_clear_pointer (&w.net, phonesec_vpn_net_free);
  g_clear_pointer (&w.cert, phonesec_test_cert_free);
  g_clear_pointer (&w.other_cert, phonesec_test_cert_free);
  g_clear_pointer (&w.ca, phonesec_test_ca_free);
  g_clear_pointer (&w.other_ca, phonesec_test_ca_free);
  phonesec_test_rm_rf (w.dir);
  g_free (w.dir);
  g_string_free (w.seen, TRUE);
}

/* --- helpers ---------------------------------------------------------------------- */

static void apply (const char *first_name, ...) G_GNUC_NULL_TERMINATED;

static void
apply (const char *first_name, ...)
{
  GVariantBuilder values;
  g_autoptr (GError) error = NULL;
  va_list args;

  g_variant_builder_init (&values, G_VARIANT_TYPE_VARDICT);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    g_variant_builder_add (&values, "{sv}", name, g_variant_new_string (va_arg (args, char *)));
  va_end (args);
  g_assert_cmpuint (phonesec_test_apply (w.bus, g_variant_builder_end (&values), NULL, &error), !=,
                    G_MAXUINT64);
  g_assert_no_error (error);
}

/* Line 1 registering with @proxy over @transport. */
static void
set_line (const char *transport, const char *proxy, const char *rfc8760, const char *validate)
{
  apply ("User_ID_1_", "1001", "Password_1_", PASSWORD, "Proxy_1_", proxy, "Outbound_Proxy_1_", "",
         "SIP_Transport_1_", transport, "Auth_Support_RFC8760_1_", rfc8760, "TLS_Name_Validate_1_",
         validate, "Line_Enable_1_", "Yes", NULL);
}

/* `phonesecctl sip register 1` in the client namespace. */
static int
register_line (char **output)
{
  const char *argv[] = { g_getenv ("PHONESECCTL"),
                         "--bus",
                         w.bus->address,
                         "sip",
                         "register",
                         "1",
                         "--timeout",
                         "3",
                         NULL };
  int status = phonesec_vpn_net_run (w.net->client_ns, output, argv);

  g_test_message ("phonesecctl sip register 1 → %d\n%s", status, *output);
  g_string_append (w.seen, *output);
  return status;
}

static GVariant *
sip_call (const char *method, GVariant *args, const char *reply_type, GError **error)
{
  GVariant *reply = g_dbus_connection_call_sync (
      w.bus->connection, "org.phonesec.PhoneSec1", SIP_PATH, SIP_IFACE, method, args,
      G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);

  if (reply != NULL)
    {
      g_autofree char *text = g_variant_print (reply, FALSE);
      g_string_append_printf (w.seen, "%s\n", text);
    }
  else if (error != NULL && *error != NULL)
    g_string_append_printf (w.seen, "%s\n", (*error)->message);
  return reply;
}

static void
assert_contains (const char *text, const char *part)
{
  if (strstr (text, part) == NULL)
    g_error ("expected '%s' in:\n%s", part, text);
}

/* --- REGISTER against Kamailio ------------------------------------------------------ */

typedef struct
{
  const char *transport;
  const char *proxy;
  const char *algorithm;
} RegisterCase;

static void
test_register (gconstpointer data)
{
  const RegisterCase *c = data;
  g_autofree char *out = NULL;
  g_autofree char *answered = g_strdup_printf ("answered with %s digest", c->algorithm);

  set_line (c->transport, c->proxy, "Yes", "Yes");
  g_assert_cmpint (register_line (&out), ==, 0);
  assert_contains (out, "401 Unauthorized");
  assert_contains (out, answered);
  assert_contains (out, "200 OK");
  if (g_str_equal (c->transport, "TLS"))
    assert_contains (out, "server certificate accepted by phonesecd");
}

static void
test_register_wrong_password (void)
{
  g_autofree char *out = NULL;

  set_line ("UDP", SIP_TEST_SERVER_NAME ":5060", "No", "Yes");
  apply ("Password_1_", "not-the-password", NULL);
  g_assert_cmpint (register_line (&out), ==, 1);
  assert_contains (out, "The registrar refused the line's credentials");
  g_assert_null (strstr (out, "200 OK"));
}

/* The guide's RFC 8760 switch: without it, a SHA-256-only registrar is
 * refused before anything is sent, and the admin is told why. */
static void
test_register_sha256_without_rfc8760 (void)
{
  g_autofree char *out = NULL;

  set_line ("TCP", SIP_TEST_SERVER_NAME ":5070", "No", "Yes");
  g_assert_cmpint (register_line (&out), !=, 0);
  assert_contains (out, "Line 1 cannot answer: the server offers only SHA-256 digest, and the "
                        "line allows MD5 (Auth_Support_RFC8760_1_ is No)");
}

/* TLS_Name_Validate_n_: dialling the registrar by address, whose
 * certificate names only sip.phonesec.test. */
static void
test_register_tls_name_mismatch (void)
{
  g_autofree char *refused = NULL;
  g_autofree char *accepted = NULL;

  set_line ("TLS", SIP_TEST_SERVER_IP ":5071", "Yes", "Yes");
  g_assert_cmpint (register_line (&refused), ==, 1);
  assert_contains (refused, "The server certificate is refused: the certificate is for "
                            "sip.phonesec.test, not for " SIP_TEST_SERVER_IP);
  g_assert_null (strstr (refused, "401"));
  set_line ("TLS", SIP_TEST_SERVER_IP ":5071", "Yes", "No");
  g_assert_cmpint (register_line (&accepted), ==, 0);
  assert_contains (accepted, "200 OK");
}

/* A proxy's 407 (pv_proxy_authenticate): answered with
 * Proxy-Authorization, the only header that function reads. */
static void
test_register_proxy_challenge (void)
{
  g_autofree char *out = NULL;
  guint before = kamailio_count_requests (w.proxy, "REGISTER");

  set_line ("TCP", SIP_TEST_SERVER_NAME ":5080", "Yes", "Yes");
  g_assert_cmpint (register_line (&out), ==, 0);
  assert_contains (out, "407 Proxy Authentication Required\nanswered with SHA-256 digest\n200 OK");
  g_assert_null (strstr (out, "401"));
  g_assert_cmpuint (kamailio_count_requests (w.proxy, "REGISTER") - before, ==, 2);
}

/* Restricted_Access_Domains: refused before anything is sent, for the
 * proxy and for the outbound proxy. */
static void
test_register_outside_restricted_domains (void)
{
  /* Restricted_Access_Domains, Outbound_Proxy_1_ */
  const char *const settings[][2]
      = { { "voip.example.net", "" }, { "phonesec.test", "sip.example.org:5060" } };
  guint before = kamailio_count_requests (w.md5, "REGISTER");

  set_line ("TCP", SIP_TEST_SERVER_NAME ":5060", "No", "Yes");
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *out = NULL;

      apply ("Restricted_Access_Domains", settings[i][0], "Outbound_Proxy_1_", settings[i][1],
             NULL);
      g_assert_cmpint (register_line (&out), ==, 1);
      g_assert_cmpstr (out, ==,
                       "phonesecctl: Line 1's proxy is outside Restricted_Access_Domains\n");
    }
  apply ("Restricted_Access_Domains", "", "Outbound_Proxy_1_", "", NULL);
  g_assert_cmpuint (kamailio_count_requests (w.md5, "REGISTER"), ==, before);
}

/* stale=true (RFC 7616 §3.3): answered again once, without asking; a
 * second stale challenge for the new answer ends the registration. */
static void
test_register_stale_retried_once (void)
{
  g_autofree char *once = NULL;
  g_autofree char *always = NULL;
  guint before = kamailio_count_requests (w.md5, "REGISTER");

  set_line ("TCP", SIP_TEST_SERVER_NAME ":5060", "No", "Yes");
  apply ("User_ID_1_", "stale-once", NULL);
  g_assert_cmpint (register_line (&once), ==, 0);
  g_assert_cmpuint (kamailio_count_in (once, "401 Unauthorized\nanswered with MD5 digest\n"), ==,
                    2);
  assert_contains (once, "200 OK");
  g_assert_cmpuint (kamailio_count_requests (w.md5, "REGISTER") - before, ==, 3);

  apply ("User_ID_1_", "stale-always", NULL);
  g_assert_cmpint (register_line (&always), ==, 1);
  g_assert_cmpuint (kamailio_count_in (always, "401 Unauthorized"), ==, 3);
  assert_contains (always, "The registrar called the line's new answer stale too");
  g_assert_null (strstr (always, "200 OK"));
  g_assert_cmpuint (kamailio_count_requests (w.md5, "REGISTER") - before, ==, 6);
}

/* --- CheckServerCertificate ----------------------------------------------------------- */

static GVariant *
der_chain_of (const PhonesecTestCert *cert)
{
  g_autoptr (GTlsCertificate) tls = NULL;
  g_autoptr (GByteArray) der = NULL;
  g_autoptr (GError) error = NULL;
  GVariantBuilder chain;

  tls = g_tls_certificate_new_from_file (cert->cert_path, &error);
  g_assert_no_error (error);
  g_object_get (tls, "certificate", &der, NULL);
  g_variant_builder_init (&chain, G_VARIANT_TYPE ("aay"));
  g_variant_builder_add_value (
      &chain, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, der->data, der->len, 1));
  return g_variant_builder_end (&chain);
}

static gboolean
check_certificate (const PhonesecTestCert *cert, const char *host, char **reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = sip_call ("CheckServerCertificate",
                  g_variant_new ("(us@aay)", 1, host, der_chain_of (cert)), "(bs)", &error);
  gboolean trusted;

  g_assert_no_error (error);
  g_variant_get (reply, "(bs)", &trusted, reason);
  g_test_message ("%s for %s: %s", cert->name, host, trusted ? "trusted" : *reason);
  return trusted;
}

static void
test_check_server_certificate (void)
{
  g_autofree char *reason = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) garbage = NULL;

  set_line ("TLS", SIP_TEST_SERVER_NAME ":5061", "Yes", "Yes");
  g_assert_true (check_certificate (w.cert, SIP_TEST_SERVER_NAME, &reason));
  g_assert_cmpstr (reason, ==, "");
  g_clear_pointer (&reason, g_free);
  g_assert_false (check_certificate (w.cert, "other.phonesec.test", &reason));
  assert_contains (reason, "not for other.phonesec.test");
  g_clear_pointer (&reason, g_free);
  g_assert_false (check_certificate (w.other_cert, SIP_TEST_SERVER_NAME, &reason));
  assert_contains (reason, "not issued by a CA of the phone's trust store");
  g_clear_pointer (&reason, g_free);
  /* TLS_Name_Validate_1_=No: only the name check goes. */
  apply ("TLS_Name_Validate_1_", "No", NULL);
  g_assert_true (check_certificate (w.cert, "other.phonesec.test", &reason));
  g_clear_pointer (&reason, g_free);
  g_assert_false (check_certificate (w.other_cert, SIP_TEST_SERVER_NAME, &reason));
  /* Not DER: a clear error, no crash. */
  garbage = sip_call ("CheckServerCertificate",
                      g_variant_new_parsed ("(@u 1, 'x', [b'not a certificate'])"), "(bs)", &error);
  g_assert_null (garbage);
  g_assert_nonnull (strstr (error->message, "Certificate 1 of the chain is not a DER X.509"));
}

/* --- Auth INVITE with sipsak ---------------------------------------------------------- */

static gboolean
has_exited (gpointer data)
{
  /* The identifier goes once the child has been reaped. */
  return g_subprocess_get_identifier (data) == NULL;
}

/* sipsak sends an INVITE (from a file) and answers the 401 with MD5 digest
 * and qop auth, as the proxy would with the line's credentials. With
 * @to_tag, a re-INVITE of dialog @call_id (NULL: a new call). */
static int
run_sipsak_invite (SipInviteResponder *r, const char *password, const char *call_id,
                   const char *to_tag)
{
  g_autofree char *file = g_build_filename (w.dir, "invite.sip", NULL);
  g_autofree char *target
      = g_strdup_printf ("sip:1001@127.0.0.1:%u", sip_invite_responder_get_port (r));
  g_autofree char *new_call = g_strdup_printf ("%08x@proxy", g_random_int ());
  g_autofree char *tag = to_tag != NULL ? g_strconcat (";tag=", to_tag, NULL) : g_strdup ("");
  g_autofree char *invite = g_strdup_printf (
      "INVITE %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-proxy%08x\r\n"
      "From: <sip:proxy@127.0.0.1>;tag=p1\r\nTo: <sip:1001@127.0.0.1>%s\r\n"
      "Call-ID: %s\r\nCSeq: %u INVITE\r\nContact: <sip:proxy@127.0.0.1:9>\r\n"
      "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
      target, g_random_int (), tag, call_id != NULL ? call_id : new_call, to_tag != NULL ? 2 : 1);
  g_autoptr (GSubprocess) sipsak = NULL;
  g_autoptr (GError) error = NULL;

  g_file_set_contents (file, invite, -1, &error);
  g_assert_no_error (error);
  sipsak = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                             &error, "sipsak", "-f", file, "-s", target, "-u", "1001", "-a",
                             password, NULL);
  g_assert_no_error (error);
  g_assert_true (phonesec_test_wait_until (has_exited, sipsak, 20000));
  g_test_message ("sipsak → %d; reasons so far: %u", g_subprocess_get_exit_status (sipsak),
                  sip_invite_responder_get_reasons (r)->len);
  return g_subprocess_get_if_exited (sipsak) ? g_subprocess_get_exit_status (sipsak) : -1;
}

static int
run_sipsak (SipInviteResponder *r, const char *password)
{
  return run_sipsak_invite (r, password, NULL, NULL);
}

static gboolean
verify_again (const char *uri, const char *authorization, gint64 offset, char **reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_auto (GStrv) challenges = NULL;
  gboolean verified;

  reply = sip_call ("Verify",
                    g_variant_new_parsed ("(@u 1, 'INVITE', %s, %s, {'time-offset': <@x %x>})", uri,
                                          authorization, offset),
                    "(bsas)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(bs^as)", &verified, reason, &challenges);
  if (g_str_equal (*reason, "stale"))
    assert_contains (challenges[0], "stale=true");
  return verified;
}

static void
test_auth_invite (void)
{
  SipInviteResponder *r = sip_invite_responder_new (sip_call);
  const GPtrArray *reasons = sip_invite_responder_get_reasons (r);
  const GPtrArray *authorizations = sip_invite_responder_get_authorizations (r);
  g_autofree char *reason = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *first = NULL;

  /* sipsak digests with MD5 only: the line allows MD5 only. */
  set_line ("UDP", SIP_TEST_SERVER_NAME, "No", "Yes");
  apply ("Auth_INVITE_1_", "Yes", NULL);

  /* The right password: challenged, answered, verified. */
  g_assert_cmpint (run_sipsak (r, PASSWORD), ==, 0);
  g_assert_cmpuint (sip_invite_responder_get_verified (r), ==, 1);
  g_assert_cmpstr (reasons->pdata[0], ==, "");
  assert_contains (authorizations->pdata[0], "algorithm=MD5");
  assert_contains (authorizations->pdata[0], "qop=auth");
  assert_contains (authorizations->pdata[0], "realm=\"" SIP_TEST_SERVER_NAME "\"");
  first = g_strdup (authorizations->pdata[0]);

  /* The same answer played again: refused. */
  uri = g_strdup_printf ("sip:1001@127.0.0.1:%u", sip_invite_responder_get_port (r));
  {
    g_autoptr (GVariant) reply
        = sip_call ("Verify",
                    g_variant_new ("(usss@a{sv})", 1, "INVITE", uri, first,
                                   g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                    "(bsas)", NULL);
    gboolean verified;
    const char *why;

    g_variant_get (reply, "(b&sas)", &verified, &why, NULL);
    g_assert_false (verified);
    g_assert_cmpstr (why, ==, "replayed");
  }

  /* A wrong password: sipsak is refused. */
  g_assert_cmpint (run_sipsak (r, "wrong-password"), !=, 0);
  g_assert_cmpuint (sip_invite_responder_get_verified (r), ==, 1);
  g_assert_cmpstr (reasons->pdata[1], ==, "wrong-credentials");
  g_assert_null (strstr (sip_invite_responder_get_last_challenge (r), "stale"));

  /* A stale answer (right credentials, the nonce seen 60 s later): refused
   * as stale, with a new challenge marked stale=true (sipsak answers one
   * 401 per request, so it stops there). */
  sip_invite_responder_set_time_offset (r, 60);
  g_assert_cmpint (run_sipsak (r, PASSWORD), !=, 0);
  g_assert_cmpstr (reasons->pdata[reasons->len - 1], ==, "stale");
  assert_contains (sip_invite_responder_get_last_challenge (r), "stale=true");
  g_assert_cmpuint (sip_invite_responder_get_verified (r), ==, 1);
  /* ...and the next INVITE passes again. */
  g_assert_cmpint (run_sipsak (r, PASSWORD), ==, 0);
  g_assert_cmpuint (sip_invite_responder_get_verified (r), ==, 2);

  /* Stale through Verify itself; then Auth_INVITE_1_=No: nothing to
   * challenge. */
  g_assert_false (verify_again (uri, first, 60, &reason));
  g_assert_cmpstr (reason, ==, "stale");
  apply ("Auth_INVITE_1_", "No", NULL);
  {
    g_autoptr (GVariant) reply
        = sip_call ("Challenge", g_variant_new ("(us)", 1, "INVITE"), "(as)", NULL);
    g_auto (GStrv) none = NULL;

    g_variant_get (reply, "(^as)", &none);
    g_assert_cmpuint (g_strv_length (none), ==, 0);
  }
  sip_invite_responder_free (r);
}

/* "Re-INVITEs inside a dialog are not challenged": phonesecd cannot see
 * dialogs, so Challenge's contract gives it to the stack (XML, README).
 * The responder playing the stack keeps it: a re-INVITE of the dialog
 * sipsak's verified INVITE made is accepted without Challenge or Verify; a
 * To tag of no dialog gets 481, not a way around Auth INVITE. */
static void
test_auth_invite_re_invite (void)
{
  SipInviteResponder *r = sip_invite_responder_new (sip_call);
  g_autofree char *call_id = g_strdup_printf ("%08x@proxy", g_random_int ());

  set_line ("UDP", SIP_TEST_SERVER_NAME, "No", "Yes");
  apply ("Auth_INVITE_1_", "Yes", NULL);
  g_assert_cmpint (run_sipsak_invite (r, PASSWORD, call_id, NULL), ==, 0);
  g_assert_cmpuint (sip_invite_responder_get_challenged (r), ==, 1);
  g_assert_cmpuint (sip_invite_responder_get_verified (r), ==, 1);

  g_assert_cmpint (run_sipsak_invite (r, PASSWORD, call_id, "phone"), ==, 0);
  g_assert_cmpuint (sip_invite_responder_get_in_dialog (r), ==, 1);
  g_assert_cmpuint (sip_invite_responder_get_challenged (r), ==, 1);
  g_assert_cmpuint (sip_invite_responder_get_reasons (r)->len, ==, 1); /* no Verify */

  g_assert_cmpint (run_sipsak_invite (r, PASSWORD, "forged@proxy", "phone"), !=, 0);
  g_assert_cmpuint (sip_invite_responder_get_in_dialog (r), ==, 1);
  g_assert_cmpuint (sip_invite_responder_get_challenged (r), ==, 1);
  g_assert_cmpuint (sip_invite_responder_get_verified (r), ==, 1);
  apply ("Auth_INVITE_1_", "No", NULL);
  sip_invite_responder_free (r);
}

/* What ends up in a header must be one: a method that is a token, a
 * Request-URI without blanks or line breaks. */
static void
test_authorize_refuses_a_bad_request (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  set_line ("UDP", SIP_TEST_SERVER_NAME, "No", "Yes");
  reply = sip_call ("Authorize",
                    g_variant_new_parsed ("(@u 1, 'REGISTER', 'sip:x\r\nX-Evil: 1', "
                                          "['Digest realm=\"r\", nonce=\"n\"'], @a{sv} {})"),
                    "(ss)", &error);
  g_assert_null (reply);
  {
    g_autofree char *name = g_dbus_error_get_remote_error (error);

    g_assert_cmpstr (name, ==, "org.phonesec.PhoneSec1.Error.InvalidValue");
  }
  assert_contains (error->message,
                   "Not a SIP request: method 'REGISTER', Request-URI 'sip:x\\r\\n");
}

/* --- auth-int over D-Bus ------------------------------------------------------------- */

#define SDP_BODY "v=0\r\no=1001 1 1 IN IP4 10.77.0.2\r\ns=-\r\nc=IN IP4 10.77.0.2\r\n"

/* The value of @name in a Digest header (quoted or token). */
static char *
param_of (const char *header, const char *name)
{
  g_autofree char *key = g_strdup_printf (" %s=", name);
  const char *p = strstr (header, key);
  gsize n;

  g_assert_nonnull (p);
  p += strlen (key);
  if (*p == '"')
    p++;
  n = strcspn (p, "\",");
  return g_strndup (p, n);
}

/* The response for qop auth-int and nc 1 as digest_reference.py (Python's
 * hashlib, written from RFC 7616 alone) computes it. */
static char *
python_auth_int (const char *algorithm, const char *realm, const char *nonce, const char *cnonce,
                 const char *method, const char *uri, const char *body)
{
  const char *script = g_getenv ("SIP_DIGEST_REFERENCE");
  g_autoptr (GString) hex = g_string_new (NULL);
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autoptr (GSubprocess) python = NULL;
  g_autoptr (GError) error = NULL;

  for (const char *p = body; *p != '\0'; p++)
    g_string_append_printf (hex, "%02x", (guchar) *p);
  input = g_strdup_printf ("{\"algorithm\": \"%s\", \"username\": \"1001\", \"realm\": \"%s\", "
                           "\"password\": \"%s\", \"nonce\": \"%s\", \"cnonce\": \"%s\", "
                           "\"nc\": \"00000001\", \"qop\": \"auth-int\", \"method\": \"%s\", "
                           "\"uri\": \"%s\", \"body\": \"%s\"}\n",
                           algorithm, realm, PASSWORD, nonce, cnonce, method, uri, hex->str);
  python = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             "python3", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (python, input, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (python));
  g_assert_true (g_str_has_prefix (output, "{\"response\": \""));
  return g_strndup (output + strlen ("{\"response\": \""),
                    strcspn (output + strlen ("{\"response\": \""), "\""));
}

/* The body's bytes exactly: g_variant_new_bytestring would add its NUL,
 * which auth-int would then hash. */
static GVariant *
body_bytes (const char *body)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, body, strlen (body), 1);
}

static GVariant *
body_options (const char *body)
{
  return g_variant_new_parsed ("{'body': <%@ay>, 'cnonce': <'0a4f113b'>, 'nc': <@u 1>}",
                               body_bytes (body));
}

/* Authorize with option body against a qop="auth-int" challenge, per
 * algorithm: the response is Python's for that body, and another body's
 * is not. */
static void
test_authorize_auth_int (void)
{
  const char *const algorithms[] = { "MD5", "SHA-256", "SHA-512-256", "SHA-256-sess" };
  const char *uri = "sip:1001@10.77.0.2";

  set_line ("UDP", SIP_TEST_SERVER_NAME, "Yes", "Yes");
  for (guint i = 0; i < G_N_ELEMENTS (algorithms); i++)
    {
      g_autofree char *challenge
          = g_strdup_printf ("Digest realm=\"sip.phonesec.test\", nonce=\"bm9uY2UtYXV0aC1pbnQ\", "
                             "qop=\"auth-int\", algorithm=%s",
                             algorithms[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = NULL;
      g_autofree char *expected
          = python_auth_int (algorithms[i], "sip.phonesec.test", "bm9uY2UtYXV0aC1pbnQ", "0a4f113b",
                             "INVITE", uri, SDP_BODY);
      g_autofree char *other
          = python_auth_int (algorithms[i], "sip.phonesec.test", "bm9uY2UtYXV0aC1pbnQ", "0a4f113b",
                             "INVITE", uri, SDP_BODY "a=sendrecv\r\n");
      g_autofree char *response = NULL;
      const char *value;

      reply
          = sip_call ("Authorize",
                      g_variant_new ("(uss^as@a{sv})", 1, "INVITE", uri,
                                     (const char *[]){ challenge, NULL }, body_options (SDP_BODY)),
                      "(ss)", &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(&s&s)", NULL, &value);
      g_test_message ("%s: %s", algorithms[i], value);
      assert_contains (value, "qop=auth-int");
      response = param_of (value, "response");
      g_assert_cmpstr (response, ==, expected);
      g_assert_cmpstr (response, !=, other);
    }
}

static gboolean
verify_with_body (const char *uri, const char *authorization, const char *body, char **reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) options = g_variant_new_parsed ("{'body': <%@ay>}", body_bytes (body));
  g_autoptr (GVariant) reply = sip_call (
      "Verify",
      g_variant_new ("(usss@a{sv})", 1, "INVITE", uri, authorization, g_steal_pointer (&options)),
      "(bsas)", &error);
  gboolean verified;

  g_assert_no_error (error);
  g_variant_get (reply, "(bsas)", &verified, reason, NULL);
  return verified;
}

/* Verify with option body: an auth-int answer Python computed over the
 * phone's own challenge passes with that body, and not with another. */
static void
test_verify_auth_int (void)
{
  const char *uri = "sip:1001@10.77.0.2:5060";
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_auto (GStrv) challenges = NULL;
  g_autofree char *realm = NULL, *nonce = NULL, *algorithm = NULL, *response = NULL;
  g_autofree char *authorization = NULL;
  g_autofree char *reason = NULL;

  set_line ("UDP", SIP_TEST_SERVER_NAME, "Yes", "Yes");
  apply ("Auth_INVITE_1_", "Yes", NULL);
  reply = sip_call ("Challenge", g_variant_new ("(us)", 1, "INVITE"), "(as)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(^as)", &challenges);
  realm = param_of (challenges[0], "realm");
  nonce = param_of (challenges[0], "nonce");
  algorithm = param_of (challenges[0], "algorithm");
  response = python_auth_int (algorithm, realm, nonce, "c0ffee01", "INVITE", uri, SDP_BODY);
  authorization = g_strdup_printf ("Digest username=\"1001\", realm=\"%s\", nonce=\"%s\", "
                                   "uri=\"%s\", response=\"%s\", algorithm=%s, qop=auth-int, "
                                   "nc=00000001, cnonce=\"c0ffee01\"",
                                   realm, nonce, uri, response, algorithm);
  /* Another body first: a wrong answer leaves the nonce count unused. */
  g_assert_false (verify_with_body (uri, authorization, SDP_BODY "a=inactive\r\n", &reason));
  g_assert_cmpstr (reason, ==, "wrong-credentials");
  g_clear_pointer (&reason, g_free);
  g_assert_true (verify_with_body (uri, authorization, SDP_BODY, &reason));
  g_assert_cmpstr (reason, ==, "");
  apply ("Auth_INVITE_1_", "No", NULL);
}

/* --- policy, signals, access ------------------------------------------------------------ */

static GVariant *
line_policy (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = sip_call ("GetLinePolicy", g_variant_new ("(u)", 1), "(a{sv})", &error);

  g_assert_no_error (error);
  return g_variant_get_child_value (reply, 0);
}

/* @policy has exactly the keys of @expected (GVariant text of an a{sv}),
 * each with the same value. */
static void
assert_policy (GVariant *policy, const char *expected_text)
{
  g_autoptr (GVariant) expected
      = g_variant_parse (G_VARIANT_TYPE_VARDICT, expected_text, NULL, NULL, NULL);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_assert_nonnull (expected);
  g_variant_iter_init (&iter, expected);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      g_autoptr (GVariant) want = value;
      g_autoptr (GVariant) got = g_variant_lookup_value (policy, key, NULL);
      g_autofree char *got_text = got != NULL ? g_variant_print (got, TRUE) : g_strdup ("none");
      g_autofree char *want_text = g_variant_print (want, TRUE);

      g_assert_cmpstr (got_text, ==, want_text);
    }
  g_assert_cmpuint (g_variant_n_children (policy), ==, g_variant_n_children (expected));
}

/* The TLS keys: the priority is TlsPolicy.Resolve("sip")'s, the CA file
 * the bundle phonesecd trusts (with the test's --ca-file CA in it). */
static void
assert_policy_tls (GVariant *policy)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) resolved = phonesec_test_call (
      w.bus, PHONESEC_DBUS_INTERFACE_TLS_POLICY, "Resolve", g_variant_new ("(s)", "sip"), &error);
  const char *priority, *resolved_priority, *ca_file;
  g_autofree char *bundle = NULL;
  g_autofree char *test_ca = NULL;

  g_assert_no_error (error);
  g_variant_get (resolved, "(&sas)", &resolved_priority, NULL);
  g_assert_true (g_variant_lookup (policy, "tls-priority", "&s", &priority));
  g_assert_cmpstr (priority, ==, resolved_priority);
  g_assert_true (g_variant_lookup (policy, "tls-ca-file", "&s", &ca_file));
  g_assert_true (g_file_get_contents (ca_file, &bundle, NULL, NULL));
  g_assert_true (g_file_get_contents (w.ca->cert->cert_path, &test_ca, NULL, NULL));
  g_assert_nonnull (strstr (bundle, g_strstrip (test_ca)));
}

#define POLICY_TLS_MEDIASEC_REQUEST                                                                \
  "{'line': <@u 1>, 'enabled': <true>, 'transport': <'TLS'>, 'port': <@u 5061>,"                   \
  " 'proxy': <'sip.phonesec.test:5061'>, 'user-id': <'1001'>,"                                     \
  " 'auth-user': <'1001'>, 'has-password': <true>, 'auth-invite': <false>, 'rfc8760': <true>,"     \
  " 'digest-algorithms': <['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5',"   \
  " 'MD5-sess']>, 'tls-app-class': <'sip'>, 'tls-priority': <'%s'>, 'tls-ca-file': <'%s'>,"        \
  " 'tls-name-validate': <%s>, 'mediasec-request': <%s>, 'mediasec-over-tls-only': <true>,"        \
  " 'mediasec-applies': <true>, 'security-client': <%s>, 'require': <%s>, 'proxy-require': <%s>,"  \
  " 'srtp-profiles': <['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']>,"                    \
  " 'proxy-allowed': <%s>, 'outbound-proxy-allowed': <%s>, 'outbound-proxy': <'%s'>}"

static void
assert_tls_policy (gboolean validate, gboolean request, gboolean outbound_allowed,
                   const char *outbound)
{
  g_autoptr (GVariant) policy = line_policy ();
  const char *priority, *ca_file;
  const char *mediasec = request ? "['mediasec']" : "@as []";
  g_autofree char *expected = NULL;

  assert_policy_tls (policy);
  g_variant_lookup (policy, "tls-priority", "&s", &priority);
  g_variant_lookup (policy, "tls-ca-file", "&s", &ca_file);
  expected = g_strdup_printf (POLICY_TLS_MEDIASEC_REQUEST, priority, ca_file,
                              validate ? "true" : "false", request ? "true" : "false",
                              request ? "['sdes-srtp;mediasec']" : "@as []", mediasec, mediasec,
                              "true", outbound_allowed ? "true" : "false", outbound);
  assert_policy (policy, expected);
}

static void
test_line_policy (void)
{
  g_autoptr (GVariant) policy = NULL;
  g_autoptr (GVariant) lines = NULL;
  g_autoptr (GVariant) first = NULL;
  const char *mediasec;
  guint number;
  g_autofree const char **client = NULL;
  gboolean applies;

  set_line ("TLS", SIP_TEST_SERVER_NAME ":5061", "Yes", "Yes");
  apply ("SIP_Port_1_", "5061", "Auth_INVITE_1_", "No", "Use_Auth_ID_1_", "No",
         "MediaSec_Request_1_", "Yes", "MediaSec_Over_TLS_Only_1_", "Yes", NULL);
  /* Every key, every value. */
  assert_tls_policy (TRUE, TRUE, TRUE, "");
  /* No host-name check; MediaSec in answer mode (the phone answers a
   * server's Security-Server, sends no Security-Client, requires nothing);
   * an outbound proxy outside Restricted_Access_Domains. */
  apply ("TLS_Name_Validate_1_", "No", "MediaSec_Request_1_", "No", "Restricted_Access_Domains",
         "phonesec.test", "Outbound_Proxy_1_", "sip.example.org", NULL);
  assert_tls_policy (FALSE, FALSE, FALSE, "sip.example.org");
  lines = phonesec_test_get_property (w.bus, SIP_PATH, SIP_IFACE, "Lines");
  first = g_variant_get_child_value (lines, 0);
  g_assert_true (g_variant_lookup (first, "line", "u", &number));
  g_assert_cmpuint (number, ==, 1);
  g_assert_true (g_variant_lookup (first, "mediasec", "&s", &mediasec));
  g_assert_cmpstr (mediasec, ==, "answer");

  /* Over TLS only, and the line on UDP: MediaSec does not apply. */
  apply ("SIP_Transport_1_", "UDP", "MediaSec_Request_1_", "Yes", NULL);
  policy = line_policy ();
  g_assert_true (g_variant_lookup (policy, "security-client", "^a&s", &client));
  g_assert_null (client[0]);
  g_assert_true (g_variant_lookup (policy, "mediasec-applies", "b", &applies));
  g_assert_false (applies);

  /* Restricted_Access_Domains without the proxy's domain. */
  apply ("Restricted_Access_Domains", "voip.example.net", "Outbound_Proxy_1_", "", NULL);
  g_clear_pointer (&policy, g_variant_unref);
  policy = line_policy ();
  g_assert_true (g_variant_lookup (policy, "proxy-allowed", "b", &applies));
  g_assert_false (applies);
  apply ("Restricted_Access_Domains", "", "MediaSec_Request_1_", "No", "TLS_Name_Validate_1_",
         "Yes", NULL);
}

static char *
gid_text (void)
{
  return g_strdup_printf ("%u", w.sip_gid);
}

/* Who may call: the SIP stack's group and admins, never the phone's user. */
static void
test_access_by_group (void)
{
  g_autofree char *gid = gid_text ();
  g_autofree char *user = NULL;
  g_autofree char *member = NULL;
  const char *args = "(@u 1, 'REGISTER', 'sip:sip.phonesec.test', "
                     "['Digest realm=\"sip.phonesec.test\", nonce=\"n\"'], @a{sv} {})";

  set_line ("UDP", SIP_TEST_SERVER_NAME, "No", "Yes");
  user = phonesec_test_call_as_nobody_at (w.bus, NULL, SIP_PATH, SIP_IFACE, "Authorize", args);
  member = phonesec_test_call_as_nobody_at (w.bus, gid, SIP_PATH, SIP_IFACE, "Authorize", args);
  g_test_message ("user: %s\nmember: %s", user, member);
  g_string_append (w.seen, user);
  g_string_append (w.seen, member);
  g_assert_true (g_str_has_prefix (user, "ERROR org.phonesec.PhoneSec1.Error.PermissionDenied"));
  assert_contains (user, "members of group " SIP_GROUP);
  g_assert_true (g_str_has_prefix (member, "OK ('Authorization', 'Digest username=\"1001\""));
  /* The test-only options are the admin's. */
  g_free (member);
  member = phonesec_test_call_as_nobody_at (
      w.bus, gid, SIP_PATH, SIP_IFACE, "Authorize",
      "(@u 1, 'REGISTER', 'sip:x', ['Digest realm=\"r\", nonce=\"n\"'], {'cnonce': <'c'>})");
  g_assert_true (g_str_has_prefix (member, "ERROR org.phonesec.PhoneSec1.Error.PermissionDenied"));
}

static void
test_lines_changed_to_the_stack (void)
{
  g_autofree char *gid = gid_text ();
  g_autofree char *member_out = g_build_filename (w.bus->tmpdir, "member.out", NULL);
  g_autofree char *user_out = g_build_filename (w.bus->tmpdir, "user.out", NULL);
  g_autofree char *user_text = NULL;
  GSubprocess *member = phonesec_test_start_probe_as_nobody (w.bus, gid, member_out);
  GSubprocess *user = phonesec_test_start_probe_as_nobody (w.bus, NULL, user_out);

  apply ("SIP_Transport_2_", "TCP", NULL);
  g_assert_true (phonesec_test_wait_file_contains (
      member_out, "SipSecurity.LinesChanged ([uint32 2],)", 10000));
  /* A setting of every line (here Restricted_Access_Domains). */
  apply ("Restricted_Access_Domains", "phonesec.test", NULL);
  g_assert_true (phonesec_test_wait_file_contains (
      member_out, "SipSecurity.LinesChanged ([uint32 1, 2, 3, 4],)", 10000));
  apply ("Restricted_Access_Domains", "", "Proxy_Port", "3130", NULL);
  g_assert_true (phonesec_test_wait_file_contains (user_out, "Config.Changed", 10000));
  g_assert_true (g_file_get_contents (user_out, &user_text, NULL, NULL));
  g_assert_null (strstr (user_text, "LinesChanged"));
  g_subprocess_force_exit (member);
  g_subprocess_force_exit (user);
  g_object_unref (member);
  g_object_unref (user);
}

/* --- secrets -------------------------------------------------------------------------------- */

static char *
reports_text (void)
{
  g_autofree char *cmd
      = g_strdup_printf ("find '%s' -name '*.tar.gz' -exec tar -xzOf {} ';'", w.bus->state_dir);
  const char *argv[] = { "sh", "-c", cmd, NULL };
  char *out = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, NULL, NULL));
  return out;
}

static void
test_password_never_shown (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) export = NULL;
  g_autoptr (GVariant) get = NULL;
  g_autoptr (GVariant) lines = NULL;
  g_autoptr (GVariant) report = NULL;
  g_autofree char *log = NULL;
  g_autofree char *reports = NULL;
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;

  set_line ("UDP", SIP_TEST_SERVER_NAME ":5060", "No", "Yes");
  /* Errors that quote what they can: a refused algorithm, a hostile
   * challenge, a line without a user. */
  g_assert_null (
      sip_call ("Authorize",
                g_variant_new_parsed ("(@u 1, 'REGISTER', 'sip:x', ['Digest realm=\"r\", "
                                      "nonce=\"n\", algorithm=SHA-256', 'Digest "
                                      "realm=\"r, nonce'], @a{sv} {})"),
                "(ss)", &error));
  g_clear_error (&error);
  apply ("User_ID_1_", "", NULL);
  g_assert_null (
      sip_call ("Authorize",
                g_variant_new_parsed ("(@u 1, 'REGISTER', 'sip:x', ['Digest realm=\"r\", "
                                      "nonce=\"n\"'], @a{sv} {})"),
                "(ss)", &error));
  g_clear_error (&error);
  apply ("User_ID_1_", "1001", NULL);
  g_assert_cmpint (register_line (&out), ==, 0);
  export = phonesec_test_call (w.bus, "org.phonesec.PhoneSec1.Config", "ExportProfile",
                               g_variant_new_parsed ("(@a{sv} {},)"), &error);
  g_assert_no_error (error);
  get = phonesec_test_call (w.bus, "org.phonesec.PhoneSec1.Config", "Get",
                            g_variant_new_parsed ("(['Password_1_', 'User_ID_1_'],)"), &error);
  g_assert_no_error (error);
  lines = phonesec_test_get_property (w.bus, SIP_PATH, SIP_IFACE, "Lines");
  report = g_dbus_connection_call_sync (
      w.bus->connection, "org.phonesec.PhoneSec1", "/org/phonesec/PhoneSec1/plugins/prt_uploader",
      "org.phonesec.PhoneSec1.ProblemReport", "Generate", g_variant_new ("(s)", "sip secrets test"),
      NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);

  {
    g_autofree char *a = g_variant_print (export, FALSE);
    g_autofree char *b = g_variant_print (get, FALSE);
    g_autofree char *c = g_variant_print (lines, FALSE);

    text = g_strdup_printf ("%s\n%s\n%s", a, b, c);
  }
  log = phonesec_test_bus_dup_log (w.bus);
  reports = reports_text ();
  g_test_message ("looked at %u bytes of replies and outputs, %u of log, %u of reports",
                  (guint) (w.seen->len + strlen (text)), (guint) strlen (log),
                  (guint) strlen (reports));
  g_assert_cmpuint (strlen (reports), >, 1000);
  assert_contains (reports, "Password_1_"); /* the export names it... */
  g_assert_null (strstr (text, PASSWORD));  /* ...never its value */
  g_assert_null (strstr (w.seen->str, PASSWORD));
  g_assert_null (strstr (log, PASSWORD));
  g_assert_null (strstr (reports, PASSWORD));
  assert_contains (text, "'Password_1_': <''>");
}

int
main (int argc, char **argv)
{
  static const RegisterCase cases[] = {
    { "UDP", SIP_TEST_SERVER_NAME ":5060", "MD5" },
    { "TCP", SIP_TEST_SERVER_NAME ":5060", "MD5" },
    { "TLS", SIP_TEST_SERVER_NAME ":5061", "MD5" },
    { "UDP", SIP_TEST_SERVER_NAME ":5070", "SHA-256" },
    { "TCP", SIP_TEST_SERVER_NAME ":5070", "SHA-256" },
    { "TLS", SIP_TEST_SERVER_NAME ":5071", "SHA-256" },
  };
  int status;

  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path
          = g_strdup_printf ("/sip/register/%s-%s", cases[i].transport, cases[i].algorithm);

      g_test_add_data_func (path, &cases[i], test_register);
    }
  g_test_add_func ("/sip/register/wrong-password", test_register_wrong_password);
  g_test_add_func ("/sip/register/sha256-without-rfc8760", test_register_sha256_without_rfc8760);
  g_test_add_func ("/sip/register/tls-name-mismatch", test_register_tls_name_mismatch);
  g_test_add_func ("/sip/register/proxy-challenge", test_register_proxy_challenge);
  g_test_add_func ("/sip/register/outside-restricted-domains",
                   test_register_outside_restricted_domains);
  g_test_add_func ("/sip/register/stale-retried-once", test_register_stale_retried_once);
  g_test_add_func ("/sip/check-server-certificate", test_check_server_certificate);
  g_test_add_func ("/sip/authorize/bad-request", test_authorize_refuses_a_bad_request);
  g_test_add_func ("/sip/auth-invite/sipsak", test_auth_invite);
  g_test_add_func ("/sip/auth-invite/re-invite-in-dialog", test_auth_invite_re_invite);
  g_test_add_func ("/sip/auth-int/authorize", test_authorize_auth_int);
  g_test_add_func ("/sip/auth-int/verify", test_verify_auth_int);
  g_test_add_func ("/sip/line-policy", test_line_policy);
  g_test_add_func ("/sip/access/group", test_access_by_group);
  g_test_add_func ("/sip/lines-changed", test_lines_changed_to_the_stack);
  g_test_add_func ("/sip/secrets/password-never-shown", test_password_never_shown);
  world_start ();
  status = g_test_run ();
  world_stop ();
  return status;
}
