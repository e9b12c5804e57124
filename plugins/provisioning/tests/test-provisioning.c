/* test-provisioning.c: the provisioning plugin (org.phonesec.PhoneSec1.
 * Provisioning) in a real phonesecd against real peers: a libsoup HTTPS
 * server in this process that requires the phone's client certificate
 * (issued by a "phone CA" made with certtool), a real in.tftpd (tftpd-hpa)
 * serving gzip and `openssl enc` profiles, and a UDP socket as the syslog
 * receiver. The redundant-server and server-name tests run in a private
 * mount namespace whose /etc/hosts gives their names (one name three
 * addresses; a certificate's name its address, or another one).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include "prov-test-fixture.h"
#include "prov-test-util.h"

#define KEY "Pr0file-K3y"

/* --- an HTTPS server that requires the phone's certificate ---------------- */

/* `openssl s_server -WWW` serving @root on 127.0.0.1, requiring a client
 * certificate from the phone CA (-Verify) and logging its subject. (A
 * SoupServer with tls-auth-mode REQUIRED resets every connection once a
 * client certificate arrived here, curl's as well: glib-networking 2.74.) */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_client_cert_server (const char *root, const char *log, guint16 *port)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *server = NULL;

  for (guint attempt = 0; attempt < 5 && server == NULL; attempt++)
    {
      g_autofree char *accept = NULL;

      *port = phonesec_test_pick_free_port ();
      accept = g_strdup_printf ("127.0.0.1:%u", *port);
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                            | G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      g_subprocess_launcher_set_cwd (launcher, root);
      g_subprocess_launcher_set_stdout_file_path (launcher, log);
      server = g_subprocess_launcher_spawn (
          launcher, &error, "openssl", "s_server", "-accept", accept, "-cert",
          prov_pki.server->cert_path, "-key", prov_pki.server->key_path, "-CAfile",
          prov_pki.phone_ca->cert->cert_path, "-Verify", "1", "-WWW", NULL);
      g_assert_no_error (error);
      for (guint i = 0; i < 50 && !phonesec_test_port_accepts (*port); i++)
        g_usleep (50000);
      if (!phonesec_test_port_accepts (*port))
        {
          g_subprocess_force_exit (server);
          g_clear_object (&server);
          g_clear_object (&launcher);
        }
    }
  g_assert_nonnull (server);
  return server;
}

/* --- tests ----------------------------------------------------------------- */

/* At start (Resync_On_Reset), over HTTPS with the phone's certificate. */
static void
test_https_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "www", NULL);
  g_autofree char *log = g_build_filename (f->bus->tmpdir, "s_server.log", NULL);
  g_autofree char *file = g_build_filename (root, DEV_MA ".xml", NULL);
  g_autofree char *rule = NULL, *result = NULL, *server = NULL, *name = NULL, *expected = NULL;
  g_autofree char *seen = NULL;
  g_autoptr (GSubprocess) s_server = NULL;
  guint16 port;

  g_mkdir (root, 0755);
  g_assert_true (g_file_set_contents (file, PROFILE ("From HTTPS"), -1, NULL));
  s_server = start_client_cert_server (root, log, &port);
  rule = g_strdup_printf ("https://127.0.0.1:%u/$MA.xml", port);
  prov_test_start_with (f, "Profile_Rule", rule, "Resync_On_Reset", "Yes", NULL);
  result = prov_test_wait_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "From HTTPS");
  prov_test_assert_log_contains (f, "(provisioning, admin): LDAP_Corp_Dir_Name");
  server = prov_test_string (f, "LastServer");
  expected = g_strdup_printf ("https://127.0.0.1:%u", port);
  g_assert_cmpstr (server, ==, expected);
  /* The server saw the guide's subject. */
  g_assert_true (g_file_get_contents (log, &seen, NULL, NULL));
  g_test_message ("s_server: %s", seen);
  g_assert_nonnull (strstr (seen, "depth=0 ST = " DEV_MA ", L = FCH0000DEV1, OU = CP-8841-3PCC"));
  /* Resync_Periodic (3600 by default) plans the next one. */
  g_assert_cmpuint (prov_test_u64 (f, "NextResync"), >, g_get_real_time () / G_USEC_PER_SEC + 3500);
  g_subprocess_force_exit (s_server);
}

/* A server whose certificate the phone's trust store does not know. */
static void
test_https_untrusted_server (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Untrusted"));
  g_autofree char *rule = NULL, *result = NULL, *error = NULL, *name = NULL, *state = NULL;

  f->web = prov_test_web_new (prov_pki.other);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("https://127.0.0.1:%u/p.xml", f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, "Resync_Error_Retry_Delay", "600", NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_test_string (f, "LastError");
  g_test_message ("LastError: %s", error);
  g_assert_true (g_str_has_prefix (error, "Profile_Rule: "));
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "");
  state = prov_test_string (f, "State");
  g_assert_cmpstr (state, ==, "failed");
  g_assert_cmpuint (f->web->paths->len, ==, 0);
  /* Resync_Error_Retry_Delay plans the retry. */
  g_assert_cmpuint (prov_test_u64 (f, "NextResync"), <=, g_get_real_time () / G_USEC_PER_SEC + 600);
  g_assert_cmpuint (prov_test_u64 (f, "NextResync"), >, g_get_real_time () / G_USEC_PER_SEC + 500);
}

/* Without the client certificate the server refuses the phone. */
static void
test_https_needs_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "www", NULL);
  g_autofree char *log = g_build_filename (f->bus->tmpdir, "s_server.log", NULL);
  g_autofree char *file = g_build_filename (root, "p.xml", NULL);
  g_autofree char *rule = NULL, *result = NULL, *name = NULL;
  g_autoptr (GSubprocess) s_server = NULL;
  guint16 port;

  g_mkdir (root, 0755);
  g_assert_true (g_file_set_contents (file, PROFILE ("No client cert"), -1, NULL));
  s_server = start_client_cert_server (root, log, &port);
  g_ptr_array_remove_index (f->bus->extra_args, f->bus->extra_args->len - 1); /* device */
  rule = g_strdup_printf ("https://127.0.0.1:%u/p.xml", port);
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "");
  g_subprocess_force_exit (s_server);
}

/* --uid/--pwd answer the server's challenge; they are shown nowhere. */
static void
test_http_uid_pwd (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("With password"));
  g_autofree char *rule = NULL, *result = NULL, *name = NULL;

  f->web = prov_test_web_new (NULL);
  f->web->require_auth = TRUE;
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("[--uid phone --pwd " PASSWORD "] http://127.0.0.1:%u/p.xml",
                          f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "With password");
  prov_test_assert_nowhere (f, PASSWORD);
  /* Profile_Authentication_Type=Disabled: no answer, so a failure. */
  prov_test_apply (f, "Profile_Authentication_Type", "Disabled");
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
}

/* --uid/--pwd against libsoup's Digest server: answered; under FIPS_Mode
 * (Digest is MD5) not answered, with a clear LastError, the password
 * never sent in any form. */
static void
test_http_digest_fips (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("With Digest"));
  g_autofree char *rule = NULL, *result = NULL, *name = NULL, *last_error = NULL;
  guint before;

  f->web = prov_test_web_new (NULL);
  prov_test_web_require_digest (f->web);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("[--uid phone --pwd " PASSWORD "] http://127.0.0.1:%u/p.xml",
                          f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "With Digest");
  g_assert_cmpuint (f->web->authorizations, >, 0);
  prov_test_apply (f, "FIPS_Mode", "Yes");
  before = f->web->authorizations;
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  last_error = prov_test_string (f, "LastError");
  g_assert_nonnull (strstr (last_error, "FIPS_Mode does not allow"));
  g_assert_cmpuint (f->web->authorizations, ==, before);
  prov_test_assert_nowhere (f, PASSWORD);
}

/* tftp: an `openssl enc` + gzip profile with --key from GPP_A, then
 * Profile_Rule_B (applied after, so it wins), via a real in.tftpd. */
static void
test_tftp_encrypted_gzip (Fixture *f, gconstpointer data)
{
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "tftp", NULL);
  g_autoptr (GBytes) plain_a = prov_test_text_bytes (PROFILE ("Rule A"));
  g_autoptr (GBytes) plain_b = prov_test_text_bytes (PROFILE ("Rule B"));
  g_autoptr (GBytes) enc = prov_test_run_filter (
      "gzip -c | openssl enc -e -aes-256-cbc -pass 'pass:" KEY "'", plain_a);
  g_autoptr (GBytes) gz = prov_test_run_filter ("gzip -c", plain_b);
  g_autofree char *port = NULL, *rule_a = NULL, *rule_b = NULL, *result = NULL, *name = NULL;
  g_autofree char *server = NULL, *expected = NULL;
  g_autoptr (GSubprocess) tftpd = NULL;
  g_autoptr (GError) error = NULL;
  guint16 p = phonesec_test_pick_free_port ();

  g_mkdir (root, 0755);
  prov_test_write_file (root, "a.cfg", g_bytes_get_data (enc, NULL), g_bytes_get_size (enc));
  prov_test_write_file (root, "b.xml.gz", g_bytes_get_data (gz, NULL), g_bytes_get_size (gz));
  port = g_strdup_printf ("127.0.0.1:%u", p);
  tftpd = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "in.tftpd", "-L", "-s", "-a", port,
                            root, NULL);
  g_assert_no_error (error);
  rule_a = g_strdup_printf ("[--key $A]tftp://127.0.0.1:%u/a.cfg", p);
  rule_b = g_strdup_printf ("tftp://127.0.0.1:%u/b.xml.gz", p);
  prov_test_start_with (f, "Profile_Rule", rule_a, "Profile_Rule_B", rule_b, "GPP_A", KEY, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Rule B");
  server = prov_test_string (f, "LastServer");
  expected = g_strdup_printf ("tftp://127.0.0.1:%u", p);
  g_assert_cmpstr (server, ==, expected);
  prov_test_assert_log_contains (f, "Profile_Rule applied");
  prov_test_assert_nowhere (f, KEY);
  /* Without Profile_Rule_B, rule A's own profile. */
  prov_test_apply (f, "Profile_Rule_B", "");
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_free (name);
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Rule A");
  g_subprocess_force_exit (tftpd);
}

/* Hostile profiles change nothing and say why. */
static void
test_bad_profiles (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *path, *rule_options, *error;
  } cases[] = {
    { "/truncated.xml.gz", "", "damaged" },  { "/wrong-key.cfg", "[--key nope] ", "wrong key" },
    { "/broken.xml", "", "Profile_Rule: " }, { "/huge.xml", "", "larger than" },
    { "/latin1-bad.xml", "", "UTF-16" },     { "/missing.xml", "", "404" },
  };
  g_autoptr (GBytes) good = prov_test_text_bytes (PROFILE ("Untouched"));
  g_autoptr (GBytes) gz = prov_test_run_filter ("gzip -c", good);
  g_autoptr (GBytes) enc
      = prov_test_run_filter ("openssl enc -e -aes-256-cbc -pass pass:right", good);
  g_autoptr (GBytes) truncated = NULL;
  g_autoptr (GBytes) broken
      = prov_test_text_bytes ("<flat-profile><LDAP_Corp_Dir_Name>x</flat-profile>");
  g_autoptr (GBytes) other
      = prov_test_text_bytes ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><x/>");
  g_autofree char *huge_text = g_strnfill (5 * 1024 * 1024, ' ');
  g_autoptr (GBytes) huge = prov_test_text_bytes (huge_text);
  guint64 generation;

  f->web = prov_test_web_new (NULL);
  truncated = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) / 2);
  prov_test_web_put (f->web, "/truncated.xml.gz", truncated);
  prov_test_web_put (f->web, "/wrong-key.cfg", enc);
  prov_test_web_put (f->web, "/broken.xml", broken);
  prov_test_web_put (f->web, "/huge.xml", huge);
  prov_test_web_put (f->web, "/latin1-bad.xml", other);
  prov_test_web_put (f->web, "/good.xml", good);
  prov_test_start_with (f, NULL);
  generation = phonesec_test_get_generation (f->bus);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rule = g_strdup_printf ("%shttp://127.0.0.1:%u%s", cases[i].rule_options,
                                               f->web->port, cases[i].path);
      g_autofree char *result = NULL, *error = NULL;

      prov_test_apply (f, "Profile_Rule", rule);
      generation = phonesec_test_get_generation (f->bus);
      result = prov_test_resync (f);
      error = prov_test_string (f, "LastError");
      g_test_message ("%s: %s", cases[i].path, error);
      g_assert_cmpstr (result, ==, "failed");
      g_assert_nonnull (strstr (error, cases[i].error));
      g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, generation);
    }
}

/* Resync_Fails_On_FNF=No: a missing profile is no failure. */
static void
test_file_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = NULL, *result = NULL;

  f->web = prov_test_web_new (NULL);
  rule = g_strdup_printf ("http://127.0.0.1:%u/none.xml", f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, "Resync_Fails_On_FNF", "No", NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
}

/* Log_Request_Msg and Log_Success_Msg (macros expanded) at a success,
 * Log_Failure_Msg with $ERR when no server answers. */
static void
test_syslog (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Logged"));
  g_autofree char *rule = NULL, *syslog = NULL, *result = NULL, *m1 = NULL, *m2 = NULL;
  g_autofree char *m3 = NULL, *m4 = NULL, *expected = NULL, *down = NULL;
  guint16 closed = phonesec_test_pick_free_port ();

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://localhost:%u/p.xml", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  prov_test_start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  m1 = prov_test_next_syslog (f);
  m2 = prov_test_next_syslog (f);
  g_test_message ("%s\n%s", m1, m2);
  g_assert_true (g_str_has_prefix (m1, "<133>"));
  expected = g_strdup_printf ("CP-8841-3PCC 00:11:22:33:44:55 -- Requesting resync "
                              "http://localhost:%u/p.xml",
                              f->web->port);
  g_assert_nonnull (strstr (m1, expected));
  g_free (expected);
  expected = g_strdup_printf ("-- Successful resync http://127.0.0.1:%u/p.xml", f->web->port);
  g_assert_nonnull (strstr (m2, expected));
  g_assert_nonnull (strstr (m2, " SEP001122334455 "));
  /* Nobody at that port. */
  down = g_strdup_printf ("http://127.0.0.1:%u/p.xml", closed);
  prov_test_apply (f, "Profile_Rule", down);
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  m3 = prov_test_next_syslog (f);
  m4 = prov_test_next_syslog (f);
  g_test_message ("%s\n%s", m3, m4);
  g_assert_nonnull (strstr (m3, "Requesting resync"));
  g_assert_nonnull (strstr (m4, "-- Resync failed: "));
  g_free (expected);
  expected = g_strdup_printf ("127.0.0.1:%u", closed);
  g_assert_nonnull (strstr (m4, expected));
}

/* Restricted_Access_Domains refuses a server outside the list. */
static void
test_restricted_domains (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Outside"));
  g_autofree char *rule = NULL, *result = NULL, *error = NULL;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://127.0.0.1:%u/p.xml", f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, "Restricted_Access_Domains", "prov.example.com",
                        NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_test_string (f, "LastError");
  g_assert_nonnull (strstr (error, "Profile_Rule: the server '127.0.0.1' is outside "
                                   "Restricted_Access_Domains (prov.example.com)"));
  g_assert_cmpuint (f->web->paths->len, ==, 0);
}

/* A relative rule goes to the server the DHCP options give, in the order
 * of DHCP_Option_To_Use. */
static void
test_dhcp_options (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) a = prov_test_text_bytes (PROFILE ("Option 159"));
  g_autoptr (GBytes) b = prov_test_text_bytes (PROFILE ("Option 160"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *o159 = NULL, *o160 = NULL, *result = NULL, *name = NULL;
  GVariantBuilder options, facts;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/a/8800.xml", a);
  prov_test_web_put (f->web, "/b/8800.xml", b);
  prov_test_start_with (f, "Profile_Rule", "/$PSN.xml", "DHCP_Option_To_Use", "159,160", NULL);
  o159 = g_strdup_printf ("http://127.0.0.1:%u/a", f->web->port);
  o160 = g_strdup_printf ("http://127.0.0.1:%u/b/", f->web->port);
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{us}"));
  g_variant_builder_add (&options, "{us}", 160, o160);
  g_variant_builder_add (&options, "{us}", 159, o159);
  g_variant_builder_init (&facts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&facts, "{sv}", "dhcp-options", g_variant_builder_end (&options));
  reply = phonesec_test_call (f->bus, PHONESEC_DBUS_INTERFACE_NETWORK, "Update",
                              g_variant_new ("(a{sv})", &facts), &error);
  g_assert_no_error (error);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Option 159");
  prov_test_apply (f, "DHCP_Option_To_Use", "160,159");
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_free (name);
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Option 160");
}

/* A conditional rule from a real cfg.xml picks its alternative by $SWVER. */
static void
test_conditional_rule (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) old = prov_test_text_bytes (PROFILE ("Old firmware"));
  g_autoptr (GBytes) recent = prov_test_text_bytes (PROFILE ("Recent firmware"));
  g_autofree char *rule = NULL, *result = NULL, *name = NULL;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/old.xml", old);
  prov_test_web_put (f->web, "/new.xml", recent);
  /* The development identity runs sip88xx.12-0-1MPP-0001. */
  rule = g_strdup_printf ("( $SWVER lt sip88xx.11-9 )? http://127.0.0.1:%u/old.xml | "
                          "http://127.0.0.1:%u/new.xml",
                          f->web->port, f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Recent firmware");
}

/* gds:// is accepted in the rule and reported as not supported. */
static void
test_gds (Fixture *f, gconstpointer data)
{
  g_autofree char *result = NULL, *error = NULL;

  prov_test_start_with (f, "Profile_Rule", "gds://", NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_test_string (f, "LastError");
  g_assert_nonnull (strstr (error, "gds://"));
  g_assert_nonnull (strstr (error, "not supported"));
}

/* Provision_Enable=No: no resync, and Resync() says why. */
static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *name = NULL;

  prov_test_start_with (f, "Provision_Enable", "No", "Resync_On_Reset", "Yes", NULL);
  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Resync", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &error);

  g_assert_nonnull (error);
  name = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "NotSupported");
  g_assert_cmpuint (prov_test_u64 (f, "LastResync"), ==, 0);
  g_assert_cmpuint (prov_test_u64 (f, "NextResync"), ==, 0);
}

/* One name, three addresses (a private /etc/hosts): the first two do not
 * answer, the third does; LastServer says which. When none answers, the
 * resync fails and syslog says so. */
static void
test_redundant_servers (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Third address"));
  g_autofree char *hosts = g_build_filename (f->bus->tmpdir, "hosts", NULL);
  g_autofree char *rule = NULL, *result = NULL, *server = NULL, *expected = NULL;
  g_autofree char *syslog = NULL, *m1 = NULL, *m2 = NULL, *root = NULL, *tftp_rule = NULL;
  g_autofree char *listen = NULL;
  g_autoptr (GSubprocess) tftpd = NULL;
  g_autoptr (GError) error = NULL;
  guint16 tftp_port;

  g_assert_true (g_file_set_contents (hosts,
                                      "127.0.0.1 localhost\n127.0.0.2 prov.test\n"
                                      "127.0.0.3 prov.test\n127.0.0.1 prov.test\n",
                                      -1, NULL));
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount (hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
    g_error ("a private /etc/hosts needs root (unshare, mount): %s", g_strerror (errno));
  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://prov.test:%u/p.xml", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  prov_test_start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  server = prov_test_string (f, "LastServer");
  expected = g_strdup_printf ("http://127.0.0.1:%u", f->web->port);
  g_assert_cmpstr (server, ==, expected);
  g_free (prov_test_next_syslog (f));
  g_free (prov_test_next_syslog (f));
  /* tftp: the same (silent addresses time out), then none answering. */
  root = g_build_filename (f->bus->tmpdir, "tftp", NULL);
  g_mkdir (root, 0755);
  prov_test_write_file (root, "p.xml", PROFILE ("Third tftp address"), -1);
  tftp_port = phonesec_test_pick_free_port ();
  listen = g_strdup_printf ("127.0.0.1:%u", tftp_port);
  tftpd = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "in.tftpd", "-L", "-s", "-a", listen,
                            root, NULL);
  g_assert_no_error (error);
  tftp_rule = g_strdup_printf ("tftp://prov.test:%u/p.xml", tftp_port);
  prov_test_apply (f, "Profile_Rule", tftp_rule);
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_free (server);
  server = prov_test_string (f, "LastServer");
  g_free (expected);
  expected = g_strdup_printf ("tftp://127.0.0.1:%u", tftp_port);
  g_assert_cmpstr (server, ==, expected);
  g_free (prov_test_next_syslog (f));
  g_free (prov_test_next_syslog (f));
  g_subprocess_force_exit (tftpd);
  g_subprocess_wait (tftpd, NULL, NULL);
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  m1 = prov_test_next_syslog (f);
  m2 = prov_test_next_syslog (f);
  g_test_message ("%s\n%s", m1, m2);
  g_assert_nonnull (strstr (m2, "Resync failed: no address of tftp server prov.test answered"));
  umount ("/etc/hosts");
}

/* A private /etc/hosts for this test and the phonesecd it starts. */
static void
use_private_hosts (Fixture *f, const char *contents)
{
  g_autofree char *hosts = g_build_filename (f->bus->tmpdir, "hosts", NULL);

  g_assert_true (g_file_set_contents (hosts, contents, -1, NULL));
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount (hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
    g_error ("a private /etc/hosts needs root (unshare, mount): %s", g_strerror (errno));
}

static void
on_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* TlsPolicy.Probe: an ordinary client of the network service. The web
 * server lives in this process: the main context runs meanwhile. */
static gboolean
probe_ok (Fixture *f, const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GVariant) reply = NULL;
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "client", g_variant_new_string ("soup"));
  g_dbus_connection_call (f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_TLS_POLICY, "Probe",
                          g_variant_new ("(s@a{sv})", url, g_variant_builder_end (&options)), NULL,
                          G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL, on_probed, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = g_dbus_connection_call_finish (f->bus->connection, result, error);
  return reply != NULL;
}

/* An HTTPS server whose certificate (from the trusted CA, no SAN) has
 * the subject CN @cn, serving @text, behind a private /etc/hosts
 * @hosts; phonesecd starts with Profile_Rule https://@host:PORT/p.xml and
 * resyncs. Returns the result. */
static char *
resync_from_named_server (Fixture *f, const char *cn, const char *hosts, const char *text,
                          const char *host)
{
  const PhonesecTestCertSpec spec = { .cn = cn };
  g_autoptr (PhonesecTestCert) cert = phonesec_test_ca_issue (prov_pki.ca, "named", &spec);
  g_autoptr (GBytes) profile = prov_test_text_bytes (text);
  g_autofree char *rule = NULL;

  use_private_hosts (f, hosts);
  f->web = prov_test_web_new (cert);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("https://%s:%u/p.xml", host, f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  return prov_test_resync (f);
}

/* The guide's "Mise à disposition HTTPS": a server certificate whose CN is
 * "host/mailto:..." (no SAN) is accepted for provisioning, by name and by
 * IP address (DNS gives that address for the name); other clients keep
 * RFC 6125 and refuse it. */
static void
test_https_guide_cn_form (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *rule = NULL, *result = NULL, *name = NULL, *url = NULL, *last = NULL;
  guint requests;

  result = resync_from_named_server (f, "prov.guide.test/mailto:admin@guide.test",
                                     "127.0.0.1 localhost\n127.0.0.1 prov.guide.test\n",
                                     PROFILE ("Guide CN"), "prov.guide.test");
  last = prov_test_string (f, "LastError");
  g_test_message ("by name: %s %s", result, last);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Guide CN");

  /* By IP address: DNS gives 127.0.0.1 for prov.guide.test. The second
   * attempt (after the lookup) still answers the server's challenge. */
  f->web->require_auth = TRUE;
  rule = g_strdup_printf ("[--uid phone --pwd " PASSWORD "] https://127.0.0.1:%u/p.xml",
                          f->web->port);
  prov_test_apply (f, "Profile_Rule", rule);
  g_free (result);
  result = prov_test_resync (f);
  g_free (last);
  last = prov_test_string (f, "LastError");
  g_test_message ("by address: %s %s", result, last);
  g_assert_cmpstr (result, ==, "success");
  prov_test_assert_nowhere (f, PASSWORD);

  /* Not a provisioning request: plain RFC 6125. */
  requests = f->web->paths->len;
  url = g_strdup_printf ("https://prov.guide.test:%u/p.xml", f->web->port);
  g_assert_false (probe_ok (f, url, &error));
  g_test_message ("Probe: %s", error->message);
  g_assert_nonnull (strstr (error->message, "certificate"));
  g_assert_cmpuint (f->web->paths->len, ==, requests);
  umount ("/etc/hosts");
}

/* A server reached by IP address whose certificate names a host that DNS
 * puts elsewhere is refused before the request is written. */
static void
test_https_name_resolves_elsewhere (Fixture *f, gconstpointer data)
{
  g_autofree char *result = NULL, *error = NULL, *name = NULL;

  result = resync_from_named_server (f, "elsewhere.guide.test/mailto:admin@guide.test",
                                     "127.0.0.1 localhost\n127.0.0.2 elsewhere.guide.test\n",
                                     PROFILE ("Elsewhere"), "127.0.0.1");
  g_assert_cmpstr (result, ==, "failed");
  error = prov_test_string (f, "LastError");
  g_test_message ("LastError: %s", error);
  g_assert_true (g_str_has_prefix (error, "Profile_Rule: "));
  g_assert_nonnull (strstr (error, "127.0.0.1"));
  g_assert_nonnull (strstr (error, "elsewhere.guide.test: 127.0.0.2"));
  g_assert_cmpuint (f->web->paths->len, ==, 0);
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "");

  /* A name that does not resolve at all: the same file rewritten in place
   * (the bind mount holds its inode). */
  {
    g_autofree char *hosts = g_build_filename (f->bus->tmpdir, "hosts", NULL);
    FILE *file = fopen (hosts, "w");

    g_assert_nonnull (file);
    fputs ("127.0.0.1 localhost\n", file);
    fclose (file);
  }
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  g_free (error);
  error = prov_test_string (f, "LastError");
  g_test_message ("LastError: %s", error);
  g_assert_nonnull (strstr (error, "elsewhere.guide.test: no address"));
  g_assert_cmpuint (f->web->paths->len, ==, 0);
  umount ("/etc/hosts");
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, prov_test_setup, func, prov_test_teardown)

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL && g_getenv ("PHONESEC_DAEMON_WRAPPER")[0])
    prov_test_timeout_scale = 6;
  g_setenv ("PHONESEC_PROV_TFTP_TIMEOUT_MS", "600", TRUE);
  prov_test_pki_make ();
  ADD ("/provisioning/https-client-certificate", test_https_client_certificate);
  ADD ("/provisioning/https-untrusted-server", test_https_untrusted_server);
  ADD ("/provisioning/https-needs-client-certificate", test_https_needs_client_certificate);
  ADD ("/provisioning/http-uid-pwd", test_http_uid_pwd);
  ADD ("/provisioning/http-digest-fips", test_http_digest_fips);
  ADD ("/provisioning/tftp-encrypted-gzip", test_tftp_encrypted_gzip);
  ADD ("/provisioning/bad-profiles", test_bad_profiles);
  ADD ("/provisioning/file-not-found", test_file_not_found);
  ADD ("/provisioning/syslog", test_syslog);
  ADD ("/provisioning/restricted-domains", test_restricted_domains);
  ADD ("/provisioning/dhcp-options", test_dhcp_options);
  ADD ("/provisioning/conditional-rule", test_conditional_rule);
  ADD ("/provisioning/gds", test_gds);
  ADD ("/provisioning/disabled", test_disabled);
  ADD ("/provisioning/redundant-servers", test_redundant_servers);
  ADD ("/provisioning/https-guide-cn-form", test_https_guide_cn_form);
  ADD ("/provisioning/https-name-resolves-elsewhere", test_https_name_resolves_elsewhere);
  status = g_test_run ();
  prov_test_pki_free ();
  return status;
}
