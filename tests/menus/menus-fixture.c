/* menus-fixture.c: phonesec-menus and its clients, for tests and the
 * benchmark.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "menus-fixture.h"

#include <signal.h>
#include <string.h>

#define LOAD_TIMEOUT_MS 10000

static gboolean
has_items (gpointer data)
{
  return g_menu_model_get_n_items (data) > 0;
}

void
phonesec_test_menus_load (GMenuModel *model)
{
  g_assert_true (phonesec_test_wait_until (has_items, model, LOAD_TIMEOUT_MS));
}

static gboolean
actions_ready (gpointer data)
{
  return g_action_group_has_action (data, PHONESEC_MENUS_ACTION_MESSAGE)
         && g_action_group_has_action (data, "param.VPN-Server");
}

/* Ready: Home > Applications > Network configuration has loaded, which
 * phonesec-menus shows only once it has read phonesecd. */
static gboolean
network_ready (gpointer data)
{
  GMenuModel *applications = data;

  return g_menu_model_get_n_items (applications) > 1;
}

static gboolean
name_owned (gpointer data)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      data, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
      g_variant_new ("(s)", PHONESEC_MENUS_DBUS_NAME), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static G_NORETURN void
fail_with_log (PhonesecTestMenus *self, const char *what)
{
  g_autofree char *log = NULL;

  g_file_get_contents (self->log_path, &log, NULL, NULL);
  g_error ("%s in %d ms; phonesec-menus log:\n%s", what, LOAD_TIMEOUT_MS, log);
}

PhonesecTestMenus *
phonesec_test_menus_start (PhonesecTestBus *bus, const char *lang)
{
  PhonesecTestMenus *self = g_new0 (PhonesecTestMenus, 1);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *bus_arg = g_strdup_printf ("--bus=%s", bus->address);
  g_autoptr (GMenuModel) applications = NULL;
  const char *program = g_getenv ("PHONESEC_MENUS");

  g_assert_nonnull (program);
  self->log_path = g_build_filename (bus->tmpdir, "menus.log", NULL);
  g_subprocess_launcher_setenv (launcher, "LANG", lang, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "LC_ALL");
  g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  self->process
      = g_subprocess_launcher_spawn (launcher, &error, program, bus_arg, "--verbose", NULL);
  g_assert_no_error (error);
  /* GDBusMenuModel asks once: the menus must be there first. */
  g_assert_true (phonesec_test_wait_until (name_owned, bus->connection, LOAD_TIMEOUT_MS));

  self->home = G_MENU_MODEL (
      g_dbus_menu_model_get (bus->connection, PHONESEC_MENUS_DBUS_NAME, PHONESEC_MENUS_DBUS_PATH));
  self->actions = G_ACTION_GROUP (g_dbus_action_group_get (
      bus->connection, PHONESEC_MENUS_DBUS_NAME, PHONESEC_MENUS_DBUS_PATH));
  g_strfreev (g_action_group_list_actions (self->actions));
  if (!phonesec_test_wait_until (has_items, self->home, LOAD_TIMEOUT_MS))
    fail_with_log (self, "home did not load");
  applications = g_menu_model_get_item_link (self->home, 0, G_MENU_LINK_SUBMENU);
  g_assert_nonnull (applications);
  if (!phonesec_test_wait_until (network_ready, applications, LOAD_TIMEOUT_MS))
    fail_with_log (self, "Applications did not load");
  if (!phonesec_test_wait_until (actions_ready, self->actions, LOAD_TIMEOUT_MS))
    fail_with_log (self, "the actions did not load");
  return self;
}

void
phonesec_test_menus_stop (PhonesecTestMenus *self)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (self->process) || g_subprocess_get_exit_status (self->process))
    {
      g_autofree char *log = NULL;
      g_file_get_contents (self->log_path, &log, NULL, NULL);
      g_error ("phonesec-menus did not exit cleanly:\n%s", log);
    }
  g_clear_object (&self->process);
}

void
phonesec_test_menus_free (PhonesecTestMenus *self)
{
  if (self->process != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_object_unref (self->process);
    }
  g_clear_object (&self->home);
  g_clear_object (&self->actions);
  g_free (self->log_path);
  g_free (self);
}

static gboolean
item_has_parameter (GMenuModel *model, int index, const char *parameter)
{
  g_autofree char *name = NULL;

  return g_menu_model_get_item_attribute (model, index, PHONESEC_MENUS_ATTR_PARAMETER, "s", &name)
         && strcmp (name, parameter) == 0;
}

int
phonesec_test_menus_find_parameter (GMenuModel *model, const char *parameter)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    if (item_has_parameter (model, i, parameter))
      return i;
  return -1;
}

int
phonesec_test_menus_find_label (GMenuModel *model, const char *label)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autofree char *text = NULL;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &text)
          && strcmp (text, label) == 0)
        return i;
    }
  return -1;
}

static gboolean
is_screen (GMenuModel *model, int index)
{
  g_autofree char *kind = NULL;

  return g_menu_model_get_item_attribute (model, index, PHONESEC_MENUS_ATTR_KIND, "s", &kind)
         && strcmp (kind, "submenu") == 0;
}

/* Depth-first from @model; FALSE when a screen on the way stays empty
 * (see dump_model), else TRUE with *found set or NULL. */
static gboolean
find_screen_once (GMenuModel *model, const char *parameter, char **out_label, GMenuModel **found)
{
  if (!phonesec_test_wait_until (has_items, model, 2000))
    return FALSE;
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr (GMenuModel) screen = NULL;

      if (!is_screen (model, i))
        continue;
      screen = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);
      if (screen == NULL || !phonesec_test_wait_until (has_items, screen, 2000))
        return FALSE;
      if (phonesec_test_menus_find_parameter (screen, parameter) >= 0)
        {
          if (out_label != NULL)
            g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", out_label);
          *found = g_steal_pointer (&screen);
          return TRUE;
        }
      if (!find_screen_once (screen, parameter, out_label, found))
        return FALSE;
      if (*found != NULL)
        return TRUE;
    }
  return TRUE;
}

typedef struct
{
  GMenuModel *model;
  const char *parameter;
  char **out_label;
  GMenuModel *found;
} FindWait;

static gboolean
find_completes (gpointer data)
{
  FindWait *w = data;

  g_clear_object (&w->found);
  return find_screen_once (w->model, w->parameter, w->out_label, &w->found);
}

GMenuModel *
phonesec_test_menus_find_screen_of (GMenuModel *model, const char *parameter, char **out_label)
{
  FindWait w = { model, parameter, out_label, NULL };

  g_assert_true (phonesec_test_wait_until (find_completes, &w, LOAD_TIMEOUT_MS));
  return w.found;
}

/* One walk from @model down; FALSE when a screen on the way stays empty
 * for 2 s: a link taken while phonesec-menus redraws may point to a
 * group it has just withdrawn, which never loads (GDBusMenuModel does not
 * ask again), so the caller walks again from home. */
static gboolean
dump_model (GString *out, GMenuModel *model, guint depth)
{
  if (!phonesec_test_wait_until (has_items, model, 2000))
    return FALSE;
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr (GMenuAttributeIter) attributes = g_menu_model_iterate_item_attributes (model, i);
      g_autoptr (GMenuLinkIter) links = g_menu_model_iterate_item_links (model, i);
      const char *name;
      GVariant *value;
      GMenuModel *linked;

      while (g_menu_attribute_iter_get_next (attributes, &name, &value))
        {
          g_autofree char *text = g_variant_print (value, FALSE);
          g_string_append_printf (out, "%*s%s=%s\n", depth * 2, "", name, text);
          g_variant_unref (value);
        }
      while (g_menu_link_iter_get_next (links, &name, &linked))
        {
          g_autoptr (GMenuModel) owned = linked;

          g_string_append_printf (out, "%*s[%s]\n", depth * 2, "", name);
          if (!dump_model (out, linked, depth + 1))
            return FALSE;
        }
    }
  return TRUE;
}

typedef struct
{
  PhonesecTestMenus *menus;
  GString *out;
} DumpWait;

static gboolean
dump_completes (gpointer data)
{
  DumpWait *w = data;

  g_string_truncate (w->out, 0);
  return dump_model (w->out, w->menus->home, 0);
}

char *
phonesec_test_menus_dump (PhonesecTestMenus *self)
{
  DumpWait w = { self, g_string_new (NULL) };
  g_auto (GStrv) names = NULL;

  if (!phonesec_test_wait_until (dump_completes, &w, LOAD_TIMEOUT_MS))
    {
      g_printerr ("walked:\n%s\n", w.out->str);
      fail_with_log (self, "a screen did not load");
    }
  names = g_action_group_list_actions (self->actions);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GVariant) state = g_action_group_get_action_state (self->actions, names[i]);
      g_autofree char *text = state != NULL ? g_variant_print (state, FALSE) : g_strdup ("-");
      g_string_append_printf (w.out, "action %s = %s\n", names[i], text);
    }
  return g_string_free (w.out, FALSE);
}

typedef struct
{
  PhonesecTestMenus *menus;
  const char *action;
  const char *printed;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *wait = data;
  g_autoptr (GVariant) state = NULL;
  g_autofree char *text = NULL;

  if (!g_action_group_has_action (wait->menus->actions, wait->action))
    return wait->printed == NULL;
  if (wait->printed == NULL)
    return FALSE;
  state = g_action_group_get_action_state (wait->menus->actions, wait->action);
  text = state != NULL ? g_variant_print (state, FALSE) : NULL;
  return g_strcmp0 (text, wait->printed) == 0;
}

gboolean
phonesec_test_menus_wait_state (PhonesecTestMenus *self, const char *action, const char *printed,
                                guint ms)
{
  StateWait wait = { self, action, printed };

  return phonesec_test_wait_until (state_is, &wait, ms);
}
