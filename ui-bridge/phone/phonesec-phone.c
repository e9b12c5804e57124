/* phonesec-phone: the phone's screen in a terminal.
 *
 * Renders the menus that phonesec-menus exports (org.phonesec.PhoneMenus1:
 * org.gtk.Menus and org.gtk.Actions, see phonesec-menus-api.h) as the
 * phone shows them, and drives them with the arrow keys, Enter and Escape:
 * the engineer's way to use and test the phone menus without a phone.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include <phonesec/phonesec-bus.h>

#include "phonesec-phone.h"
#include "phonesec-ui-locale.h"
#include "phonesec-ui-options.h"

static struct termios saved_termios;
static gboolean termios_saved;

/* Keys one by one, no echo; signals (Ctrl+C) still work. */
static void
terminal_raw (void)
{
  struct termios raw;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    return;
  termios_saved = TRUE;
  raw = saved_termios;
  raw.c_lflag &= ~(ICANON | ECHO | IEXTEN);
  raw.c_iflag &= ~(IXON | ICRNL);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &raw);
  fputs ("\033[?25l", stdout); /* no cursor */
}

static void
terminal_restore (void)
{
  if (termios_saved)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  fputs ("\033[0m\033[?25h\r\n", stdout);
  fflush (stdout);
}

static gboolean
on_input (int fd, GIOCondition condition, gpointer user_data)
{
  PhonesecPhone *phone = user_data;
  char buffer[256];
  ssize_t length = read (fd, buffer, sizeof buffer);
  gsize offset = 0;

  if (length <= 0)
    {
      g_main_loop_quit (phone->loop);
      return G_SOURCE_REMOVE;
    }
  while (offset < (gsize) length)
    {
      PhonesecKeyEvent event;
      gsize used = phonesec_phone_keys_next (buffer + offset, (gsize) length - offset, &event);

      offset += MAX (used, 1);
      if (event.key != PHONESEC_KEY_NONE)
        phonesec_phone_handle_key (phone, &event);
    }
  return G_SOURCE_CONTINUE;
}

static void
on_action_changed (GActionGroup *group, const char *name, gpointer user_data)
{
  phonesec_phone_schedule_render (user_data);
}

/* The menus' message (a refused value, "report created"): shown once. */
static void
on_action_state_changed (GActionGroup *group, const char *name, GVariant *state, gpointer user_data)
{
  PhonesecPhone *phone = user_data;
  guint32 serial;
  const char *text;

  if (g_strcmp0 (name, PHONESEC_MENUS_ACTION_MESSAGE) == 0
      && g_variant_is_of_type (state, G_VARIANT_TYPE ("(us)")))
    {
      g_variant_get (state, "(u&s)", &serial, &text);
      if (serial != phone->message_serial && text[0] != '\0')
        {
          g_free (phone->message);
          phone->message = g_strdup (text);
        }
      phone->message_serial = serial;
    }
  phonesec_phone_schedule_render (phone);
}

static void
screen_free (PhonesecPhoneScreen *screen)
{
  g_signal_handler_disconnect (screen->model, screen->changed_id);
  g_object_unref (screen->model);
  g_free (screen->title);
  g_free (screen);
}

/* The menus' model and actions, from the top: at start and whenever
 * phonesec-menus (re)starts. */
static void
attach (PhonesecPhone *phone)
{
  g_ptr_array_set_size (phone->stack, 0);
  g_clear_object (&phone->home);
  g_clear_object (&phone->actions);
  phone->home = g_dbus_menu_model_get (phone->connection, PHONESEC_MENUS_DBUS_NAME,
                                       PHONESEC_MENUS_DBUS_PATH);
  phone->actions = g_dbus_action_group_get (phone->connection, PHONESEC_MENUS_DBUS_NAME,
                                            PHONESEC_MENUS_DBUS_PATH);
  g_signal_connect (phone->actions, "action-added", G_CALLBACK (on_action_changed), phone);
  g_signal_connect (phone->actions, "action-removed", G_CALLBACK (on_action_changed), phone);
  g_signal_connect (phone->actions, "action-enabled-changed", G_CALLBACK (on_action_changed),
                    phone);
  g_signal_connect (phone->actions, "action-state-changed", G_CALLBACK (on_action_state_changed),
                    phone);
  /* GDBusActionGroup reads the actions on first use. */
  g_strfreev (g_action_group_list_actions (G_ACTION_GROUP (phone->actions)));
  phonesec_phone_push (phone, G_MENU_MODEL (phone->home), _ ("Phone"));
  phonesec_phone_schedule_render (phone);
}

static void
on_menus_appeared (GDBusConnection *connection, const char *name, const char *owner,
                   gpointer user_data)
{
  PhonesecPhone *phone = user_data;

  phone->service_present = TRUE;
  attach (phone);
}

static void
on_menus_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  PhonesecPhone *phone = user_data;

  phone->service_present = FALSE;
  attach (phone);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (((PhonesecPhone *) user_data)->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bus = NULL;
  PhonesecPhone phone = { 0 };
  guint input, sigint, sigterm;

  phonesec_ui_locale_init ();
  bus = phonesec_ui_options_parse ("phonesec-phone", _ ("— the phone's screen menus in a terminal"),
                                   NULL, &argc, &argv);
  phone.connection = phonesec_bus_connect (bus, &error);
  if (phone.connection == NULL)
    {
      g_printerr (_ ("phonesec-phone: cannot connect to the bus: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  phone.loop = g_main_loop_new (NULL, FALSE);
  phone.stack = g_ptr_array_new_with_free_func ((GDestroyNotify) screen_free);
  phone.edit_text = g_string_new (NULL);
  terminal_raw ();
  attach (&phone);
  phone.name_watch = g_bus_watch_name_on_connection (
      phone.connection, PHONESEC_MENUS_DBUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_menus_appeared,
      on_menus_vanished, &phone, NULL);
  input = g_unix_fd_add (STDIN_FILENO, G_IO_IN | G_IO_HUP, on_input, &phone);
  sigint = g_unix_signal_add (SIGINT, on_quit_signal, &phone);
  sigterm = g_unix_signal_add (SIGTERM, on_quit_signal, &phone);
  g_main_loop_run (phone.loop);

  terminal_restore ();
  g_source_remove (input);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  if (phone.render_id != 0)
    g_source_remove (phone.render_id);
  g_bus_unwatch_name (phone.name_watch);
  g_ptr_array_unref (phone.stack);
  g_clear_object (&phone.home);
  g_clear_object (&phone.actions);
  g_string_free (phone.edit_text, TRUE);
  g_free (phone.edit_action);
  g_free (phone.edit_label);
  g_free (phone.message);
  g_main_loop_unref (phone.loop);
  g_object_unref (phone.connection);
  return EXIT_SUCCESS;
}
