/* test-menus.c: the menu model phonesec-menus exports, read through
 * GDBusMenuModel and GDBusActionGroup as any toolkit reads it, against a
 * real phonesecd (vpn-anyconnect, prt-uploader and dot1x loaded, no VPN
 * server, no system bus: enabled 802.1X fails, as it says).
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
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_DOT1X_PLUGIN_DIR");
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

/* --- 802.1X -------------------------------------------------------------------- */

#define DOT1X_SWITCH "Enable_802.1X_Authentication"
#define DOT1X_ACTION "param.Enable-802.1X-Authentication"

static gboolean
has_items (gpointer model)
{
  return g_menu_model_get_n_items (model) > 0;
}

/* The screen reached from home by @labels (NULL-terminated), or NULL when
 * one on the way does not load. Polling opens the same screens again and
 * again while the menus redraw, and a GDBusMenuModel link taken then may
 * never load (its group withdrawn, or this client just let go of it):
 * callers try again from home, as a person pressing Back would. */
static GMenuModel *
try_open_screen (Fixture *f, const char *const *labels)
{
  g_autoptr (GMenuModel) model = g_object_ref (f->menus->home);

  for (guint i = 0;; i++)
    {
      int index;

      if (!phonesec_test_wait_until (has_items, model, 2000))
        return NULL;
      if (labels[i] == NULL)
        return g_steal_pointer (&model);
      index = phonesec_test_menus_find_label (model, labels[i]);
      if (index < 0)
        return NULL;
      g_set_object (&model, g_menu_model_get_item_link (model, index, G_MENU_LINK_SUBMENU));
      if (model == NULL)
        return NULL;
    }
}

typedef struct
{
  Fixture *f;
  const char *const *labels;
  GMenuModel *screen;
  const char *without; /* a label the screen must not have, or NULL */
} ScreenWait;

static gboolean
screen_opens (gpointer data)
{
  ScreenWait *w = data;

  g_clear_object (&w->screen);
  w->screen = try_open_screen (w->f, w->labels);
  return w->screen != NULL
         && (w->without == NULL || phonesec_test_menus_find_label (w->screen, w->without) < 0);
}

/* The screen reached by @labels, once it loads (and has no line labelled
 * @without, when not NULL). */
static GMenuModel *
open_screen (Fixture *f, const char *const *labels, const char *without)
{
  ScreenWait w = { f, labels, NULL, without };

  if (!phonesec_test_wait_until (screen_opens, &w, WAIT_MS))
    g_error ("screen %s did not open%s%s", labels[g_strv_length ((char **) labels) - 1],
             without != NULL ? " without " : "", without != NULL ? without : "");
  return w.screen;
}

/* The guide's path: Applications > Configuration réseau > Configuration
 * Ethernet > Authentification 802.1X. */
static GMenuModel *
open_dot1x (Fixture *f, const char *without)
{
  static const char *const path[] = { "Applications", "Network configuration",
                                      "Ethernet configuration", "802.1X Authentication", NULL };

  return open_screen (f, path, without);
}

/* The value of the Transaction status line @id, or NULL. */
static char *
dot1x_status_value (Fixture *f, const char *id)
{
  static const char *const path[]
      = { "Applications",          "Network configuration", "Ethernet configuration",
          "802.1X Authentication", "Transaction status",    NULL };
  g_autoptr (GMenuModel) screen = try_open_screen (f, path);

  for (int i = 0; screen != NULL && i < g_menu_model_get_n_items (screen); i++)
    {
      g_autofree char *its_id = NULL;
      char *value = NULL;

      if (g_menu_model_get_item_attribute (screen, i, PHONESEC_MENUS_ATTR_ID, "s", &its_id)
          && strcmp (its_id, id) == 0
          && g_menu_model_get_item_attribute (screen, i, PHONESEC_MENUS_ATTR_VALUE, "s", &value))
        return value;
    }
  return NULL;
}

typedef struct
{
  Fixture *f;
  const char *id, *value;
} StatusWait;

static gboolean
status_shows (gpointer data)
{
  StatusWait *w = data;
  g_autofree char *value = dot1x_status_value (w->f, w->id);

  return g_strcmp0 (value, w->value) == 0;
}

static void
assert_status_shows (Fixture *f, const char *id, const char *value)
{
  StatusWait w = { f, id, value };

  if (!phonesec_test_wait_until (status_shows, &w, WAIT_MS))
    {
      g_autofree char *now = dot1x_status_value (f, id);

      g_error ("%s shows “%s”, waited for “%s”", id, now, value);
    }
}

static char *
item_string (GMenuModel *model, int index, const char *attribute)
{
  char *text = NULL;

  g_menu_model_get_item_attribute (model, index, attribute, "s", &text);
  return text;
}

/* The guide's 802.1X screen: Device authentication first (on/off, the
 * parameter's action), then the protocol chosen by the admin, then
 * Transaction status with the dot1x plugin's State and Method. Switching
 * it on is Config.Apply as the user, and the status follows the plugin
 * (failed here: no certificate, no EAP-FAST identity). */
static void
test_dot1x_screen (Fixture *f, gconstpointer data)
{
  g_autoptr (GMenuModel) screen = open_dot1x (f, NULL);
  g_autofree char *label = NULL, *kind = NULL, *on = NULL, *off = NULL, *action = NULL;
  g_autoptr (GVariant) value = NULL;
  int device;

  g_assert_nonnull (screen);
  device = phonesec_test_menus_find_parameter (screen, DOT1X_SWITCH);
  g_assert_cmpint (device, ==, 0);
  label = item_string (screen, device, G_MENU_ATTRIBUTE_LABEL);
  kind = item_string (screen, device, PHONESEC_MENUS_ATTR_KIND);
  on = item_string (screen, device, PHONESEC_MENUS_ATTR_TRUE_WORD);
  off = item_string (screen, device, PHONESEC_MENUS_ATTR_FALSE_WORD);
  action = item_string (screen, device, G_MENU_ATTRIBUTE_ACTION);
  g_assert_cmpstr (label, ==, "Device authentication");
  g_assert_cmpstr (kind, ==, "bool");
  g_assert_cmpstr (on, ==, "Enabled");
  g_assert_cmpstr (off, ==, "Disabled");
  g_assert_cmpstr (action, ==, "phone." DOT1X_ACTION);
  g_assert_cmpint (phonesec_test_menus_find_parameter (screen, "Dot1x_EAP_Method"), >, device);
  /* na by default: not on the screen. */
  g_assert_cmpint (phonesec_test_menus_find_parameter (screen, "Dot1x_Identity"), ==, -1);
  g_assert_cmpint (phonesec_test_menus_find_parameter (screen, "Dot1x_Password"), ==, -1);
  g_assert_cmpint (phonesec_test_menus_find_label (screen, "Transaction status"), >, device);
  assert_status_shows (f, "dot1x.state", "Disabled");
  assert_status_shows (f, "dot1x.method", "None");
  g_assert_true (phonesec_test_menus_wait_state (f->menus, DOT1X_ACTION, "false", WAIT_MS));
  g_assert_true (g_action_group_get_action_enabled (f->menus->actions, DOT1X_ACTION));

  /* Select: on, applied as the user. */
  g_action_group_activate_action (f->menus->actions, DOT1X_ACTION, NULL);
  g_assert_true (phonesec_test_menus_wait_state (f->menus, DOT1X_ACTION, "true", WAIT_MS));
  value = phonesec_test_get (f->bus, DOT1X_SWITCH);
  g_assert_true (g_variant_get_boolean (value));
  assert_status_shows (f, "dot1x.state", "Authentication failed");
  assert_status_shows (f, "dot1x.method", "EAP-FAST");
  /* Why it failed may name the hidden TLS policy: the admin's only. */
  g_assert_null (dot1x_status_value (f, "dot1x.last-error"));

  /* Select again: off. */
  g_action_group_activate_action (f->menus->actions, DOT1X_ACTION, NULL);
  g_assert_true (phonesec_test_menus_wait_state (f->menus, DOT1X_ACTION, "false", WAIT_MS));
  assert_status_shows (f, "dot1x.state", "Disabled");
  assert_status_shows (f, "dot1x.method", "None");
}

/* ua="ro": the switch is shown with its value and cannot be changed from
 * the phone; ua="na": it is not on the screen at all. */
static void
test_dot1x_read_only_and_hidden (Fixture *f, gconstpointer data)
{
  g_autofree char *message = NULL;
  g_autoptr (GVariant) value = NULL;

  import_profile (f, "<" DOT1X_SWITCH " ua=\"ro\">Yes</" DOT1X_SWITCH ">");
  g_assert_true (phonesec_test_menus_wait_state (f->menus, DOT1X_ACTION, "true", WAIT_MS));
  g_assert_false (g_action_group_get_action_enabled (f->menus->actions, DOT1X_ACTION));
  assert_status_shows (f, "dot1x.state", "Authentication failed");
  g_action_group_activate_action (f->menus->actions, DOT1X_ACTION, NULL);
  g_action_group_change_action_state (f->menus->actions, DOT1X_ACTION,
                                      g_variant_new_boolean (FALSE));
  message = wait_message (f);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "802.1X"));
  value = phonesec_test_get (f->bus, DOT1X_SWITCH);
  g_assert_true (g_variant_get_boolean (value));
  g_assert_true (phonesec_test_menus_wait_state (f->menus, DOT1X_ACTION, "true", WAIT_MS));

  import_profile (f, "<" DOT1X_SWITCH " ua=\"na\">No</" DOT1X_SWITCH ">");
  g_assert_true (phonesec_test_menus_wait_state (f->menus, DOT1X_ACTION, NULL, WAIT_MS));
  {
    g_autoptr (GMenuModel) screen = open_dot1x (f, "Device authentication");
    g_autofree char *dump = phonesec_test_menus_dump (f->menus);

    /* The admin's protocol choice (ro) still is. */
    g_assert_nonnull (screen);
    g_assert_cmpint (phonesec_test_menus_find_parameter (screen, DOT1X_SWITCH), ==, -1);
    g_assert_cmpint (phonesec_test_menus_find_label (screen, "Device authentication"), ==, -1);
    g_assert_null (strstr (dump, DOT1X_SWITCH));
    g_assert_null (strstr (dump, "Device authentication"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* 802.1X switched on from a menu must never drive the machine's own
   * wpa_supplicant: phonesecd gets no system bus at all. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/system_bus_socket", TRUE);
#define ADD(path, lang, fn) g_test_add (path, Fixture, lang, setup, fn, teardown)
  ADD ("/menus/labels/en", "C.UTF-8", test_labels);
  ADD ("/menus/labels/fr", "fr_FR.UTF-8", test_labels);
  ADD ("/menus/state-follows-config", NULL, test_state_follows_config);
  ADD ("/menus/activate-applies", NULL, test_activate_applies);
  ADD ("/menus/error-is-a-message", NULL, test_error_is_a_message);
  ADD ("/menus/read-only", NULL, test_read_only);
  ADD ("/menus/hidden-absent", NULL, test_hidden_absent);
  ADD ("/menus/daemon-restart", NULL, test_daemon_restart);
  ADD ("/menus/dot1x/screen", NULL, test_dot1x_screen);
  ADD ("/menus/dot1x/read-only-and-hidden", NULL, test_dot1x_read_only_and_hidden);
  return g_test_run ();
}
