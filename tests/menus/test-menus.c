/* test-menus.c: the menu model phonesec-menus exports, read through
 * GDBusMenuModel and GDBusActionGroup as any toolkit reads it, against a
 * real phonesecd (vpn-anyconnect and prt-uploader loaded, no VPN server).
 *
 * phonesec-menus runs as root here, an administrator to phonesecd: what
 * the phone's user may not see stays out of its menus by its own rule
 * (phonesec-menus-source.h), not because the daemon hid it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "menus-fixture.h"

#define MARKER "MARKER-7c1e55d0"
#define WAIT_MS 10000

typedef struct
{
  PhonesecTestBus *bus;
  PhonesecTestMenus *menus;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_VPN_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (f->bus);
  f->menus = phonesec_test_menus_start (f->bus, data != NULL ? data : "C.UTF-8");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  if (f->menus->process != NULL)
    phonesec_test_menus_stop (f->menus);
  g_clear_pointer (&f->menus, phonesec_test_menus_free);
  phonesec_test_bus_stop_daemon (f->bus);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
}

static void
import_profile (Fixture *f, const char *elements)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = g_strdup_printf ("<flat-profile>%s</flat-profile>", elements);
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, PHONESEC_DBUS_INTERFACE_CONFIG, "ImportProfile",
                            g_variant_new_parsed ("(%s, @a{sv} {'strict': <true>})", xml), &error);

  g_assert_no_error (error);
}

static char *
item_label (GMenuModel *model, int index)
{
  char *label = NULL;

  g_assert_true (
      g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &label));
  return label;
}

/* Labels come from Config.Describe's msgids, translated in the menus'
 * language: the guide's French with LANG=fr_FR.UTF-8 (no compiled locale
 * needed), the schema's English otherwise. */
static void
test_labels (Fixture *f, gconstpointer data)
{
  gboolean french = data != NULL && g_str_has_prefix (data, "fr");
  g_autofree char *screen_label = NULL;
  g_autoptr (GMenuModel) vpn
      = phonesec_test_menus_find_screen_of (f->menus->home, "VPN_Server", &screen_label);
  int server, bootup;
  g_autofree char *server_label = NULL;
  g_autofree char *bootup_label = NULL;

  g_assert_nonnull (vpn);
  server = phonesec_test_menus_find_parameter (vpn, "VPN_Server");
  bootup = phonesec_test_menus_find_parameter (vpn, "Connect_on_Bootup");
  server_label = item_label (vpn, server);
  bootup_label = item_label (vpn, bootup);
  g_assert_cmpstr (screen_label, ==, french ? "Paramètres VPN" : "VPN Settings");
  g_assert_cmpstr (server_label, ==, french ? "Serveur VPN" : "VPN Server");
  g_assert_cmpstr (bootup_label, ==, french ? "Se connecter au démarrage" : "Connect on Bootup");
  /* The schema's order: server, user name, password, tunnel group, boot. */
  g_assert_cmpint (server, <, bootup);
  g_assert_cmpint (phonesec_test_menus_find_parameter (vpn, "VPN_Password"), >, server);
}

/* A value changed elsewhere (the web UI, cfg.xml) changes the action's
 * state, pushed by phonesec-menus from Config.Changed. */
static void
test_state_follows_config (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.Connect-on-Bootup", "false", WAIT_MS));
  phonesec_test_apply_strings (f->bus, &error, "Connect_on_Bootup", "Yes", NULL);
  g_assert_no_error (error);
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.Connect-on-Bootup", "true", WAIT_MS));
  g_assert_true (phonesec_test_menus_wait_state (f->menus, PHONESEC_MENUS_ACTION_VPN_STATE,
                                                 "'disconnected'", WAIT_MS));
  g_assert_true (phonesec_test_menus_wait_state (f->menus, PHONESEC_MENUS_ACTION_VPN_ENABLE,
                                                 "false", WAIT_MS));
}

/* Select on a text field, typed text, Set: Config.Apply as the user. */
static void
test_activate_applies (Fixture *f, gconstpointer data)
{
  g_autofree char *value = NULL;

  g_action_group_activate_action (f->menus->actions, "param.VPN-Server",
                                  g_variant_new_string ("vpn.example.com"));
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.VPN-Server", "'vpn.example.com'", WAIT_MS));
  value = phonesec_test_dup_string (f->bus, "VPN_Server");
  g_assert_cmpstr (value, ==, "vpn.example.com");
  /* A bool toggles. */
  g_action_group_activate_action (f->menus->actions, "param.Connect-on-Bootup", NULL);
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.Connect-on-Bootup", "true", WAIT_MS));
}

/* A refused value is the phone's message, naming the field by its label;
 * nothing changes and phonesec-menus keeps serving. */
static gboolean
has_message (gpointer data)
{
  g_autoptr (GVariant) state
      = g_action_group_get_action_state (data, PHONESEC_MENUS_ACTION_MESSAGE);
  guint32 serial = 0;

  if (state != NULL)
    g_variant_get (state, "(u&s)", &serial, NULL);
  return serial > 0;
}

/* The phone's message after it changed, or NULL. */
static char *
wait_message (Fixture *f)
{
  g_autoptr (GVariant) state = NULL;
  char *text = NULL;

  if (!phonesec_test_wait_until (has_message, f->menus->actions, WAIT_MS))
    return NULL;
  state = g_action_group_get_action_state (f->menus->actions, PHONESEC_MENUS_ACTION_MESSAGE);
  g_variant_get (state, "(us)", NULL, &text);
  return text;
}

static void
test_error_is_a_message (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;
  g_autofree char *value = NULL;

  g_action_group_activate_action (f->menus->actions, "param.VPN-Server",
                                  g_variant_new_string ("bad host!"));
  text = wait_message (f);
  g_assert_nonnull (text);
  g_assert_true (g_str_has_prefix (text, "VPN Server: "));
  value = phonesec_test_dup_string (f->bus, "VPN_Server");
  g_assert_cmpstr (value, ==, "");
  g_assert_true (phonesec_test_menus_wait_state (f->menus, "param.VPN-Server", "''", WAIT_MS));
  g_assert_nonnull (g_subprocess_get_identifier (f->menus->process));
}

/* ua="ro": shown with its value, its action disabled; neither SetState nor
 * Activate changes it. */
static void
test_read_only (Fixture *f, gconstpointer data)
{
  g_autofree char *value = NULL;
  g_autofree char *message = NULL;

  import_profile (f, "<VPN_User_Name ua=\"ro\">alice</VPN_User_Name>");
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.VPN-User-Name", "'alice'", WAIT_MS));
  g_assert_false (g_action_group_get_action_enabled (f->menus->actions, "param.VPN-User-Name"));
  g_action_group_change_action_state (f->menus->actions, "param.VPN-User-Name",
                                      g_variant_new_string ("mallory"));
  g_action_group_activate_action (f->menus->actions, "param.VPN-User-Name",
                                  g_variant_new_string ("mallory"));
  message = wait_message (f);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "VPN User Name"));
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.VPN-User-Name", "'alice'", WAIT_MS));
  value = phonesec_test_dup_string (f->bus, "VPN_User_Name");
  g_assert_cmpstr (value, ==, "alice");
}

static void
assert_hidden (PhonesecTestMenus *menus)
{
  g_autofree char *dump = phonesec_test_menus_dump (menus);

  g_assert_null (strstr (dump, MARKER));
  g_assert_null (strstr (dump, "VPN_Tunnel_Group"));
  g_assert_null (strstr (dump, "VPN-Tunnel-Group"));
  /* The dump does show the other parameters: it looks where values are. */
  g_assert_nonnull (strstr (dump, "VPN_Server"));
}

/* ua="na": the parameter is not in the menus at all, nor its value, live
 * (hidden while the menus run) and from the start. */
static void
test_hidden_absent (Fixture *f, gconstpointer data)
{
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.VPN-Tunnel-Group", "''", WAIT_MS));
  import_profile (f, "<VPN_Tunnel_Group ua=\"na\">" MARKER "</VPN_Tunnel_Group>");
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.VPN-Tunnel-Group", NULL, WAIT_MS));
  assert_hidden (f->menus);

  phonesec_test_menus_stop (f->menus);
  g_clear_pointer (&f->menus, phonesec_test_menus_free);
  f->menus = phonesec_test_menus_start (f->bus, "C.UTF-8");
  assert_hidden (f->menus);

  /* Visible again: back, with its value. */
  import_profile (f, "<VPN_Tunnel_Group ua=\"rw\">" MARKER "</VPN_Tunnel_Group>");
  g_assert_true (
      phonesec_test_menus_wait_state (f->menus, "param.VPN-Tunnel-Group", "'" MARKER "'", WAIT_MS));
}

/* phonesecd restarts (Manager.Restart re-executes it): the menus read it
 * again and subscribe again; later changes still arrive. */
static void
test_daemon_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, PHONESEC_DBUS_INTERFACE_MANAGER, "Restart", NULL, &error);

  g_assert_no_error (error);
  phonesec_test_bus_wait_running (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "VPN_Server", "after.example.com", NULL);
  g_assert_no_error (error);
  g_assert_true (phonesec_test_menus_wait_state (f->menus, "param.VPN-Server",
                                                 "'after.example.com'", WAIT_MS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, lang, fn) g_test_add (path, Fixture, lang, setup, fn, teardown)
  ADD ("/menus/labels/en", "C.UTF-8", test_labels);
  ADD ("/menus/labels/fr", "fr_FR.UTF-8", test_labels);
  ADD ("/menus/state-follows-config", NULL, test_state_follows_config);
  ADD ("/menus/activate-applies", NULL, test_activate_applies);
  ADD ("/menus/error-is-a-message", NULL, test_error_is_a_message);
  ADD ("/menus/read-only", NULL, test_read_only);
  ADD ("/menus/hidden-absent", NULL, test_hidden_absent);
  ADD ("/menus/daemon-restart", NULL, test_daemon_restart);
  return g_test_run ();
}
