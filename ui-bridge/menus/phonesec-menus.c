/* phonesec-menus: the phone's security screen menus on D-Bus.
 *
 * Owns org.phonesec.PhoneMenus1 and exports, at /org/phonesec/PhoneMenus1,
 * the guide's screens as a GMenuModel (org.gtk.Menus) and their actions as
 * a GActionGroup (org.gtk.Actions); see phonesec-menus-api.h. It reaches
 * phonesecd over D-Bus only and acts for the phone's user
 * (phonesec-menus-source.h says how it sees exactly the user's view).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include <phonesec/phonesec-bus.h>

#include "phonesec-menus-actions.h"
#include "phonesec-menus-api.h"
#include "phonesec-menus-screens.h"
#include "phonesec-menus-source.h"
#include "phonesec-ui-locale.h"
#include "phonesec-ui-options.h"

typedef struct
{
  GMainLoop *loop;
  GDBusConnection *connection;
  PhonesecMenusSource *source;
  PhonesecMenusActions *actions;
  PhonesecMenusScreens *screens;
  guint menu_export;
  guint actions_export;
  guint name_id;
  guint screens_update_id;
  gboolean screens_all;           /* the next redraw is of every screen */
  GHashTable *screens_interfaces; /* else these interfaces' status lines */
  int status;
} Menus;

static gboolean
on_update_screens (gpointer user_data)
{
  Menus *menus = user_data;

  menus->screens_update_id = 0;
  if (menus->screens_all)
    phonesec_menus_screens_update (menus->screens);
  else
    {
      GHashTableIter iter;
      const char *interface;

      g_hash_table_iter_init (&iter, menus->screens_interfaces);
      while (g_hash_table_iter_next (&iter, (gpointer *) &interface, NULL))
        phonesec_menus_screens_update_interface (menus->screens, interface);
    }
  menus->screens_all = FALSE;
  g_hash_table_remove_all (menus->screens_interfaces);
  return G_SOURCE_REMOVE;
}

/* Action states at once; the screens after the action group's exporter has
 * sent them (its idle runs first) and once for a burst of changes: a Vpn
 * state reaches clients before the lines are redrawn. A property change
 * redraws only its feature's status lines (a whole redraw took most of
 * the time between two Vpn states). */
static void
on_source_changed (PhonesecMenusSource *source, const char *path, const char *interface,
                   gpointer user_data)
{
  Menus *menus = user_data;

  if (menus->actions == NULL || menus->screens == NULL)
    return;
  if (interface == NULL)
    {
      phonesec_menus_actions_update (menus->actions);
      menus->screens_all = TRUE;
    }
  else
    {
      phonesec_menus_actions_update_interface (menus->actions, interface);
      g_hash_table_add (menus->screens_interfaces, g_strdup (interface));
    }
  if (menus->screens_update_id == 0)
    menus->screens_update_id = g_idle_add_full (G_PRIORITY_LOW, on_update_screens, menus, NULL);
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  g_debug ("serving %s", name);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  Menus *menus = user_data;

  g_printerr (_ ("phonesec-menus: cannot own %s on this bus (another instance, or the bus "
                 "policy refuses it)\n"),
              name);
  menus->status = EXIT_FAILURE;
  g_main_loop_quit (menus->loop);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Menus *menus = user_data;

  g_main_loop_quit (menus->loop);
  return G_SOURCE_CONTINUE;
}

/* Exports first, then owns the name: a client that sees the name finds the
 * menus there. */
static gboolean export(Menus *menus, GError **error)
{
  menus->screens_interfaces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  menus->source = phonesec_menus_source_new (menus->connection, on_source_changed, menus);
  menus->actions = phonesec_menus_actions_new (menus->source);
  menus->screens = phonesec_menus_screens_new (menus->source);
  menus->menu_export = g_dbus_connection_export_menu_model (
      menus->connection, PHONESEC_MENUS_DBUS_PATH,
      phonesec_menus_screens_get_model (menus->screens), error);
  if (menus->menu_export == 0)
    return FALSE;
  menus->actions_export = g_dbus_connection_export_action_group (
      menus->connection, PHONESEC_MENUS_DBUS_PATH,
      phonesec_menus_actions_get_group (menus->actions), error);
  if (menus->actions_export == 0)
    return FALSE;
  menus->name_id = g_bus_own_name_on_connection (menus->connection, PHONESEC_MENUS_DBUS_NAME,
                                                 G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                 on_name_acquired, on_name_lost, menus, NULL);
  return TRUE;
}

static void
unexport (Menus *menus)
{
  if (menus->name_id != 0)
    g_bus_unown_name (menus->name_id);
  if (menus->screens_update_id != 0)
    g_source_remove (menus->screens_update_id);
  if (menus->actions_export != 0)
    g_dbus_connection_unexport_action_group (menus->connection, menus->actions_export);
  if (menus->menu_export != 0)
    g_dbus_connection_unexport_menu_model (menus->connection, menus->menu_export);
  g_clear_pointer (&menus->screens, phonesec_menus_screens_free);
  g_clear_pointer (&menus->actions, phonesec_menus_actions_free);
  g_clear_pointer (&menus->source, phonesec_menus_source_free);
  g_clear_pointer (&menus->screens_interfaces, g_hash_table_unref);
}

static char *
parse_options (int *argc, char ***argv)
{
  static gboolean verbose = FALSE;
  static const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_ ("Log debug messages"), NULL },
    { NULL },
  };
  char *bus = phonesec_ui_options_parse (
      "phonesec-menus", _ ("— the phone's security menus on D-Bus"), entries, argc, argv);

  if (verbose)
    g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  return bus;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bus = NULL;
  Menus menus = { 0 };

  phonesec_ui_locale_init ();
  bus = parse_options (&argc, &argv);
  menus.connection = phonesec_bus_connect (bus, &error);
  if (menus.connection == NULL)
    {
      g_printerr (_ ("phonesec-menus: cannot connect to the bus: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  g_dbus_connection_set_exit_on_close (menus.connection, TRUE);
  menus.loop = g_main_loop_new (NULL, FALSE);
  menus.status = EXIT_SUCCESS;
  if (!export(&menus, &error))
    {
      g_printerr ("phonesec-menus: %s\n", error->message);
      menus.status = EXIT_FAILURE;
    }
  else
    {
      guint sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, &menus);
      guint sigint = g_unix_signal_add (SIGINT, on_quit_signal, &menus);

      g_main_loop_run (menus.loop);
      g_source_remove (sigterm);
      g_source_remove (sigint);
    }
  unexport (&menus);
  g_main_loop_unref (menus.loop);
  g_object_unref (menus.connection);
  return menus.status;
}
