/* test-vpn-openconnect.c: the pure part of vpn-anyconnect: the openconnect
 * command line, the classification of its output, secret masking, and the
 * reports of phonesec-vpn-script (good and bad lines).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#include "phonesec-vpn-openconnect.h"

#define PASSWORD "S3cret-Pass-9x"

static PhonesecVpnSettings *
settings_new (const char *server, const char *user, const char *group)
{
  PhonesecVpnSettings *s = g_new0 (PhonesecVpnSettings, 1);

  s->openconnect = g_strdup ("/usr/sbin/openconnect");
  s->server = g_strdup (server);
  s->user = g_strdup (user);
  s->group = g_strdup (group);
  s->cafile = g_strdup ("/state/ca-bundle.pem");
  s->priority = g_strdup ("NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3");
  s->script = g_strdup ("/usr/libexec/phonesec/phonesec-vpn-script");
  return s;
}

static void
test_argv (void)
{
  g_autoptr (PhonesecVpnSettings) s = settings_new ("vpn.example.com", "alice", "Phones");
  g_auto (GStrv) argv = phonesec_vpn_build_argv (s);
  g_autofree char *joined = g_strjoinv (" ", argv);
  guint n = g_strv_length (argv);

  g_assert_cmpstr (argv[0], ==, "/usr/sbin/openconnect");
  g_assert_true (g_strv_contains ((const char *const *) argv, "--passwd-on-stdin"));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--non-inter"));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--user=alice"));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--authgroup=Phones"));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--cafile=/state/ca-bundle.pem"));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--no-system-trust"));
  g_assert_true (g_strv_contains ((const char *const *) argv, "--interface=" PHONESEC_VPN_IFNAME));
  g_assert_true (g_strv_contains ((const char *const *) argv,
                                  "--gnutls-priority=NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.3"));
  /* No trust on first use, no pinning. */
  g_assert_null (strstr (joined, "--servercert"));
  /* The URL is last, after "--". */
  g_assert_cmpstr (argv[n - 2], ==, "--");
  g_assert_cmpstr (argv[n - 1], ==, "https://vpn.example.com/");
}

static void
test_argv_no_group (void)
{
  g_autoptr (PhonesecVpnSettings) s = settings_new ("10.0.0.1", "bob", "");
  g_auto (GStrv) argv = phonesec_vpn_build_argv (s);
  g_autofree char *joined = g_strjoinv (" ", argv);

  g_assert_null (strstr (joined, "--authgroup"));
  g_assert_cmpstr (argv[g_strv_length (argv) - 1], ==, "https://10.0.0.1/");
}

static void
test_url (void)
{
  g_autofree char *v6 = phonesec_vpn_server_url ("2001:db8::1");
  g_autofree char *v4 = phonesec_vpn_server_url ("192.0.2.7");

  g_assert_cmpstr (v6, ==, "https://[2001:db8::1]/");
  g_assert_cmpstr (v4, ==, "https://192.0.2.7/");
}

static void
test_settings_check (void)
{
  const struct
  {
    const char *server, *user, *group, *names;
  } bad[] = {
    { "", "alice", "", "VPN_Server" },
    { "-oProxyCommand", "alice", "", "VPN_Server" },
    { "https://vpn.example.com", "alice", "", "VPN_Server" },
    { "vpn.example.com/x", "alice", "", "VPN_Server" },
    { "vpn.example.com", "", "", "VPN_User_Name" },
    { "vpn.example.com", "al\nice", "", "VPN_User_Name" },
    { "vpn.example.com", "alice", "grp\x01", "VPN_Tunnel_Group" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (PhonesecVpnSettings) s = settings_new (bad[i].server, bad[i].user, bad[i].group);
      g_autoptr (GError) error = NULL;

      g_assert_false (phonesec_vpn_settings_check (s, &error));
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, bad[i].names));
    }
  {
    g_autoptr (PhonesecVpnSettings) s = settings_new ("vpn.example.com", "alice", "");
    g_autoptr (GError) error = NULL;

    g_assert_true (phonesec_vpn_settings_check (s, &error));
    g_assert_no_error (error);
  }
}

/* Lines as openconnect 9.01 prints them (LC_ALL=C). */
static void
test_classify (void)
{
  const struct
  {
    const char *line;
    PhonesecVpnOutputKind kind;
    const char *detail;
  } cases[] = {
    { "Configured as 10.77.0.50, with SSL connected and DTLS connected",
      PHONESEC_VPN_OUTPUT_CONFIGURED, "10.77.0.50" },
    { "Established DTLS connection (using GnuTLS). Ciphersuite (DTLS1.2)-(PSK)-(AES-256-GCM).",
      PHONESEC_VPN_OUTPUT_DTLS_UP, NULL },
    { "Login failed.", PHONESEC_VPN_OUTPUT_AUTH_FAILED, NULL },
    { "Auth choice \"sales\" not available", PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE, "sales" },
    { "Auth choice \"sales", PHONESEC_VPN_OUTPUT_NONE, NULL },
    { "User input required in non-interactive mode", PHONESEC_VPN_OUTPUT_INPUT_REQUIRED, NULL },
    { "Reason: signer not found", PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED, "signer not found" },
    { "Server certificate verify failed: signer not found", PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED,
      "signer not found" },
    { "Reason: certificate does not match hostname", PHONESEC_VPN_OUTPUT_CERT_HOSTNAME,
      "certificate does not match hostname" },
    { "SSL connection failure: Error in the certificate.", PHONESEC_VPN_OUTPUT_TLS_FAILED,
      "Error in the certificate." },
    { "Failed to connect to 10.199.0.1:4444: Connection refused", PHONESEC_VPN_OUTPUT_UNREACHABLE,
      "10.199.0.1:4444: Connection refused" },
    { "getaddrinfo failed for host 'nowhere.test': Name or service not known",
      PHONESEC_VPN_OUTPUT_UNREACHABLE, NULL },
    { "Read error on SSL session: The TLS connection was non-properly terminated.",
      PHONESEC_VPN_OUTPUT_CONNECTION_LOST, NULL },
    { "Reconnect failed", PHONESEC_VPN_OUTPUT_CONNECTION_LOST, NULL },
    { "Cookie is no longer valid, ending session", PHONESEC_VPN_OUTPUT_SESSION_ENDED, NULL },
    { "POST https://10.199.0.1/", PHONESEC_VPN_OUTPUT_NONE, NULL },
    { "", PHONESEC_VPN_OUTPUT_NONE, NULL },
    { "Reason", PHONESEC_VPN_OUTPUT_NONE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *detail = NULL;

      g_assert_cmpint (phonesec_vpn_output_classify (cases[i].line, &detail), ==, cases[i].kind);
      if (cases[i].detail != NULL)
        g_assert_cmpstr (detail, ==, cases[i].detail);
    }
  g_assert_cmpint (phonesec_vpn_output_classify (NULL, NULL), ==, PHONESEC_VPN_OUTPUT_NONE);
  /* More specific failures rank higher: the tunnel keeps the highest. */
  g_assert_cmpint (PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED, >, PHONESEC_VPN_OUTPUT_TLS_FAILED);
  g_assert_cmpint (PHONESEC_VPN_OUTPUT_AUTH_FAILED, >, PHONESEC_VPN_OUTPUT_INPUT_REQUIRED);
  g_assert_cmpint (PHONESEC_VPN_OUTPUT_TLS_FAILED, >, PHONESEC_VPN_OUTPUT_UNREACHABLE);
  g_assert_true (phonesec_vpn_output_is_fatal (PHONESEC_VPN_OUTPUT_AUTH_FAILED));
  g_assert_true (phonesec_vpn_output_is_fatal (PHONESEC_VPN_OUTPUT_CERT_HOSTNAME));
  g_assert_true (phonesec_vpn_output_is_fatal (PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE));
  g_assert_true (phonesec_vpn_output_must_abort (PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE));
  g_assert_false (phonesec_vpn_output_must_abort (PHONESEC_VPN_OUTPUT_AUTH_FAILED));
  g_assert_false (phonesec_vpn_output_is_fatal (PHONESEC_VPN_OUTPUT_UNREACHABLE));
  g_assert_false (phonesec_vpn_output_is_fatal (PHONESEC_VPN_OUTPUT_CONNECTION_LOST));
}

static void
test_describe (void)
{
  g_autofree char *auth
      = phonesec_vpn_output_describe (PHONESEC_VPN_OUTPUT_AUTH_FAILED, NULL, "vpn.test");
  g_autofree char *ca = phonesec_vpn_output_describe (PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED,
                                                      "signer not found", "vpn.test");
  g_autofree char *name
      = phonesec_vpn_output_describe (PHONESEC_VPN_OUTPUT_CERT_HOSTNAME, NULL, "other.test");

  g_assert_nonnull (strstr (auth, "VPN_Password"));
  g_assert_nonnull (strstr (ca, "not trusted"));
  g_assert_nonnull (strstr (ca, "signer not found"));
  g_assert_nonnull (strstr (name, "other.test"));
}

static void
test_mask (void)
{
  g_autofree char *a = phonesec_vpn_mask_line ("pw=" PASSWORD " again " PASSWORD, PASSWORD, 300);
  g_autofree char *b = phonesec_vpn_mask_line ("tab\there\x1b[0m", NULL, 300);
  g_autofree char *c = phonesec_vpn_mask_line ("abcdefgh", "", 4);
  g_autofree char *d = phonesec_vpn_mask_line ("bad \xff utf8", NULL, 300);

  g_assert_cmpstr (a, ==, "pw=*** again ***");
  g_assert_cmpstr (b, ==, "tab here [0m");
  g_assert_cmpstr (c, ==, "abcd");
  g_assert_true (g_utf8_validate (d, -1, NULL));
}

static void
test_netmask (void)
{
  g_assert_cmpint (phonesec_vpn_netmask_prefix ("255.255.255.0"), ==, 24);
  g_assert_cmpint (phonesec_vpn_netmask_prefix ("255.255.255.255"), ==, 32);
  g_assert_cmpint (phonesec_vpn_netmask_prefix ("0.0.0.0"), ==, 0);
  g_assert_cmpint (phonesec_vpn_netmask_prefix ("255.0.255.0"), ==, -1);
  g_assert_cmpint (phonesec_vpn_netmask_prefix ("255.255.255"), ==, -1);
  g_assert_cmpint (phonesec_vpn_netmask_prefix ("::"), ==, -1);
}

static void
test_script_event_connect (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecVpnScriptEvent) e = phonesec_vpn_script_event_parse (
      "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.50\tnetmask=255.255.255.0"
      "\tmtu=1434\tgateway=10.199.0.1\tdns=10.77.0.1,10.77.0.2\troutes=10.77.0.0/24\tdomain=\t"
      "future=ignored",
      &error);

  g_assert_no_error (error);
  g_assert_cmpstr (e->reason, ==, "connect");
  g_assert_cmpstr (e->ifname, ==, "vpn0");
  g_assert_cmpstr (e->address, ==, "10.77.0.50");
  g_assert_cmpstr (e->netmask, ==, "255.255.255.0");
  g_assert_cmpuint (e->prefix, ==, 24);
  g_assert_cmpuint (e->mtu, ==, 1434);
  g_assert_cmpstr (e->gateway, ==, "10.199.0.1");
  g_assert_cmpuint (g_strv_length (e->dns), ==, 2);
  g_assert_cmpstr (e->routes[0], ==, "10.77.0.0/24");
}

static void
test_script_event_bad (void)
{
  const char *const bad[] = {
    "",
    "reason=connect",
    "phonesec-vpn-v2\treason=connect",
    "phonesec-vpn-v1",
    "phonesec-vpn-v1\treason=explode",
    "phonesec-vpn-v1\treason=connect\treason=disconnect",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.300",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.5\tnetmask=255.0.255.0",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.5\tmtu=12",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.5\tmtu=x",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.5\tdns=1.2.3.4,evil",
    "phonesec-vpn-v1\treason=connect\tifname=vpn0\taddress=10.77.0.5\troutes=10.0.0.0/33",
    "phonesec-vpn-v1\treason=connect\tifname=../../etc\taddress=10.77.0.5",
    "phonesec-vpn-v1\treason=disconnect\tnovalue",
    "phonesec-vpn-v1\treason=disconnect\tifname=\xff",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecVpnScriptEvent) e = phonesec_vpn_script_event_parse (bad[i], &error);

      g_assert_null (e);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
    }
}

/* The script's own lines parse (the reasons that run no `ip`). */
static void
test_script_reports (void)
{
  const char *script = g_getenv ("PHONESEC_VPN_SCRIPT_SOURCE");
  const char *const reasons[] = { "pre-init", "attempt-reconnect", "disconnect", NULL };

  g_assert_nonnull (script);
  for (guint i = 0; reasons[i] != NULL; i++)
    {
      g_autoptr (GSubprocessLauncher) l
          = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr (GSubprocess) p = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *rundir = g_dir_make_tmp ("vpn-script-XXXXXX", NULL);
      g_autoptr (PhonesecVpnScriptEvent) e = NULL;

      g_subprocess_launcher_setenv (l, "reason", reasons[i], TRUE);
      g_subprocess_launcher_setenv (l, "TUNDEV", "vpn0", TRUE);
      g_subprocess_launcher_setenv (l, "PHONESEC_VPN_RUNTIME_DIR", rundir, TRUE);
      p = g_subprocess_launcher_spawn (l, &error, "/bin/sh", script, NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_successful (p));
      g_strchomp (out);
      e = phonesec_vpn_script_event_parse (out, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (e->reason, ==, reasons[i]);
      g_assert_cmpstr (e->ifname, ==, "vpn0");
      g_rmdir (rundir);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vpn/argv", test_argv);
  g_test_add_func ("/vpn/argv-no-group", test_argv_no_group);
  g_test_add_func ("/vpn/url", test_url);
  g_test_add_func ("/vpn/settings-check", test_settings_check);
  g_test_add_func ("/vpn/classify", test_classify);
  g_test_add_func ("/vpn/describe", test_describe);
  g_test_add_func ("/vpn/mask", test_mask);
  g_test_add_func ("/vpn/netmask", test_netmask);
  g_test_add_func ("/vpn/script-event/connect", test_script_event_connect);
  g_test_add_func ("/vpn/script-event/bad", test_script_event_bad);
  g_test_add_func ("/vpn/script-event/from-script", test_script_reports);
  return g_test_run ();
}
