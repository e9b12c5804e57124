/* test-phone-vpn.c: phonesec-phone in tmux, as a person uses the phone.
 *
 * The guide's scenario against a real ocserv (tests/integration's VPN
 * fixture: phonesecd in a network namespace of its own, ocserv in
 * another): Applications > Configuration réseau > Paramètres VPN, type the
 * server, the user name and the password, "Activer la connexion VPN", see
 * the VPN icon, then Applications > Statut > Statut du VPN with the
 * address ocserv assigned; in French (LANG=fr_FR.UTF-8, the build's
 * catalogues, no compiled locale needed). Keys go in with tmux send-keys,
 * the screen comes back with capture-pane.
 *
 * Expected words are looked up in the same catalogue (fr), so the test
 * follows po/fr.po; the guide's French that fr.po has today is checked
 * literally as well.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>
#include <string.h>

#include "menus-fixture.h"
#include "tls-fixture.h"
#include "vpn-fixture.h"

#define USER "alice"
#define PASSWORD "Vpn-Pass-4d7e1c9b"
#define SCREEN_TIMEOUT_MS 20000
#define T(msgid) g_dgettext ("phonesec", msgid)

typedef struct
{
  PhonesecTestCa *ca;
  PhonesecTestCert *server;
  PhonesecVpnNet *net;
  PhonesecTestBus *bus;
  PhonesecOcserv *ocserv;
  PhonesecTestMenus *menus;
  char *tmux_socket;
  char *pki_dir;
} Fixture;

/* --- tmux ---------------------------------------------------------------------- */

static void
tmux (Fixture *f, const char *const *args, char **output)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) "tmux");
  g_ptr_array_add (argv, (gpointer) "-L");
  g_ptr_array_add (argv, f->tmux_socket);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, output, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
keys (Fixture *f, const char *key)
{
  const char *args[] = { "send-keys", "-t", "phone", key, NULL };

  tmux (f, args, NULL);
}

static void
type (Fixture *f, const char *text)
{
  const char *args[] = { "send-keys", "-t", "phone", "-l", text, NULL };

  tmux (f, args, NULL);
}

static char **
screen_lines (Fixture *f)
{
  const char *args[] = { "capture-pane", "-p", "-t", "phone", NULL };
  g_autofree char *out = NULL;

  tmux (f, args, &out);
  return g_strsplit (out, "\n", -1);
}

static char *
screen (Fixture *f)
{
  g_auto (GStrv) lines = screen_lines (f);

  return g_strjoinv ("\n", lines);
}

/* Waits until the screen shows @text; fails the test with the screen. */
static void
wait_screen (Fixture *f, const char *text)
{
  gint64 deadline = g_get_monotonic_time () + SCREEN_TIMEOUT_MS * 1000;

  for (;;)
    {
      g_autofree char *now = screen (f);

      if (strstr (now, text) != NULL)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("the phone never showed “%s”; it shows:\n%s", text, now);
      g_usleep (50000);
    }
}

/* The row (0 = first list line) whose label is @label, and the selected
 * row; -1 when not shown. */
static void
find_rows (char **lines, const char *label, int *row, int *selected)
{
  *row = *selected = -1;
  for (int i = 1; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "> "))
        *selected = i - 1;
      if (strlen (lines[i]) > 2 && g_str_has_prefix (lines[i] + 2, label))
        *row = i - 1;
    }
}

/* Moves the highlight to @label with the arrow keys, then presses Select. */
static void
select_line (Fixture *f, const char *label)
{
  gint64 deadline = g_get_monotonic_time () + SCREEN_TIMEOUT_MS * 1000;

  for (;;)
    {
      g_auto (GStrv) lines = screen_lines (f);
      int row, selected;

      find_rows (lines, label, &row, &selected);
      if (row >= 0 && row == selected)
        break;
      if (row >= 0 && selected >= 0)
        keys (f, row > selected ? "Down" : "Up");
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *now = g_strjoinv ("\n", lines);
          g_error ("cannot select “%s” on:\n%s", label, now);
        }
      g_usleep (50000);
    }
  keys (f, "Enter");
}

static void
start_phone (Fixture *f)
{
  g_autofree char *command = g_strdup_printf (
      "env -u LC_ALL -u LANGUAGE LANG=fr_FR.UTF-8 PHONESEC_LOCALEDIR='%s' '%s' --bus='%s'",
      g_getenv ("PHONESEC_LOCALEDIR"), g_getenv ("PHONESEC_PHONE"), f->bus->address);
  const char *args[]
      = { "new-session", "-d", "-s", "phone", "-x", "100", "-y", "24", command, NULL };

  tmux (f, args, NULL);
}

/* --- fixture ------------------------------------------------------------------ */

static void
require_tmux (void)
{
  g_autofree char *path = g_find_program_in_path ("tmux");

  if (path == NULL)
    g_error ("tmux is not installed (scripts/install-deps): the phone tests drive it");
}

static void
setup (Fixture *f, gconstpointer data)
{
  const PhonesecTestCertSpec names = { .cn = PHONESEC_VPN_SERVER_NAME,
                                       .ip_address = PHONESEC_VPN_SERVER_IP,
                                       .dns_name = PHONESEC_VPN_SERVER_NAME };
  const PhonesecOcservSpec spec = { .user = USER, .password = PASSWORD };
  PhonesecOcservSpec server = spec;
  g_autoptr (GError) error = NULL;
  g_autofree char *wrapper = NULL;

  phonesec_test_require_gnutls_bin ();
  phonesec_test_require_vpn_tools ();
  require_tmux ();
  f->pki_dir = g_dir_make_tmp ("phonesec-phone-pki-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (f->pki_dir, 0755);
  f->ca = phonesec_test_ca_new (f->pki_dir, "phonesec phone test CA");
  f->server = phonesec_test_ca_issue (f->ca, "vpn-server", &names);

  f->net = phonesec_vpn_net_new ();
  f->bus = phonesec_test_bus_new ();
  phonesec_vpn_add_plugin (f->bus);
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", f->ca->cert->cert_path));
  wrapper = g_strdup_printf ("ip netns exec %s", f->net->client_ns);
  g_setenv ("PHONESEC_DAEMON_WRAPPER", wrapper, TRUE);
  phonesec_test_bus_start_daemon (f->bus);
  server.cert = f->server;
  f->ocserv = phonesec_ocserv_start (f->net, &server, f->bus->tmpdir);
  f->menus = phonesec_test_menus_start (f->bus, "fr_FR.UTF-8");
  f->tmux_socket = g_strdup_printf ("phonesec-phone-test-%d", getpid ());
  start_phone (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  const char *kill[] = { "kill-server", NULL };

  tmux (f, kill, NULL);
  phonesec_test_menus_stop (f->menus);
  g_clear_pointer (&f->menus, phonesec_test_menus_free);
  phonesec_test_bus_stop_daemon (f->bus);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->ocserv, phonesec_ocserv_free);
  g_clear_pointer (&f->net, phonesec_vpn_net_free);
  g_clear_pointer (&f->server, phonesec_test_cert_free);
  g_clear_pointer (&f->ca, phonesec_test_ca_free);
  phonesec_test_rm_rf (f->pki_dir);
  g_free (f->pki_dir);
  g_free (f->tmux_socket);
}

/* --- the scenario -------------------------------------------------------------- */

static void
type_field (Fixture *f, const char *label, const char *text)
{
  select_line (f, label);
  wait_screen (f, "_");
  type (f, text);
  keys (f, "Enter");
}

static void
test_connect_from_the_phone (Fixture *f, gconstpointer data)
{
  g_autofree char *vpn_status = NULL;

  wait_screen (f, T ("Applications"));
  select_line (f, T ("Applications"));
  wait_screen (f, "Statut");
  select_line (f, T ("Network configuration"));
  wait_screen (f, "Paramètres VPN");
  select_line (f, "Paramètres VPN");
  wait_screen (f, "Serveur VPN");
  wait_screen (f, "Se connecter au démarrage");

  type_field (f, "Serveur VPN", PHONESEC_VPN_SERVER_NAME);
  wait_screen (f, PHONESEC_VPN_SERVER_NAME);
  type_field (f, T ("VPN User Name"), USER);
  wait_screen (f, " " USER "\n");
  type_field (f, T ("VPN Password"), PASSWORD);
  wait_screen (f, "********");

  select_line (f, T ("Enable VPN connection"));
  /* The guide's VPN icon, top right, once the tunnel is up. */
  wait_screen (f, "[VPN]");

  keys (f, "Escape");
  wait_screen (f, T ("Ethernet configuration"));
  keys (f, "Escape");
  wait_screen (f, "Statut");
  select_line (f, "Statut");
  select_line (f, T ("VPN Status"));
  wait_screen (f, "10.77.0.");
  vpn_status = screen (f);
  g_assert_nonnull (strstr (vpn_status, T ("VPN connection")));
  g_assert_nonnull (strstr (vpn_status, T ("Connected")));
  g_assert_nonnull (strstr (vpn_status, PHONESEC_VPN_POOL_NETMASK));
  g_assert_nonnull (strstr (vpn_status, T ("Bytes received")));
  /* Soft keys in French too (fr.po has "Back"). */
  g_assert_nonnull (strstr (vpn_status, T ("Back")));
}

int
main (int argc, char **argv)
{
  /* Expected words in French, from the build's catalogue. */
  g_setenv ("LANGUAGE", "fr", TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain ("phonesec", g_getenv ("PHONESEC_LOCALEDIR"));
  bind_textdomain_codeset ("phonesec", "UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/phone/vpn/connect-from-the-phone", Fixture, NULL, setup,
              test_connect_from_the_phone, teardown);
  return g_test_run ();
}
