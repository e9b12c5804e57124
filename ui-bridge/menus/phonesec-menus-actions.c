/* phonesec-menus-actions.c: parameters, the VPN switch and problem reports
 * as stateful GActions.
 *
 * State always follows phonesecd: an action's state changes when the
 * daemon says so (Config.Changed, PropertiesChanged), never because a
 * client asked; a refused change leaves it and shows the reason as the
 * phone's message. Writes act for the phone's user: Config.Apply with
 * access-level=user (phonesecd refuses a ro parameter even if this process
 * is an administrator), and ro parameters' actions are disabled.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-menus-actions.h"

#include <string.h>

#include <glib/gi18n.h>

#include "phonesec-menus-api.h"

#define VPN_INTERFACE PHONESEC_DBUS_INTERFACE_PREFIX "Vpn"
#define REPORT_INTERFACE PHONESEC_DBUS_INTERFACE_PREFIX "ProblemReport"
#define PARAMETER_KEY "phonesec-parameter"

struct _PhonesecMenusActions
{
  PhonesecMenusSource *source;
  GSimpleActionGroup *group;
  guint message_serial;
  char *vpn_path;
  char *report_path;
};

/* A call in flight and what to say if it fails. */
typedef struct
{
  PhonesecMenusActions *self;
  char *parameter; /* Apply: the parameter, to name it by its label */
  char *success;   /* message on success, or NULL */
} Call;

static void
call_free (Call *call)
{
  g_free (call->parameter);
  g_free (call->success);
  g_free (call);
}

char *
phonesec_menus_param_action_name (const char *parameter)
{
  g_autofree char *name = g_strconcat (PHONESEC_MENUS_ACTION_PARAM_PREFIX, parameter, NULL);

  g_strdelimit (name, "_", '-');
  return g_action_name_is_valid (name) ? g_steal_pointer (&name) : NULL;
}

void
phonesec_menus_actions_show_message (PhonesecMenusActions *self, const char *text)
{
  GAction *action
      = g_action_map_lookup_action (G_ACTION_MAP (self->group), PHONESEC_MENUS_ACTION_MESSAGE);

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new ("(us)", ++self->message_serial, text));
}

/* The label of a parameter in the phone's language, or its name. */
static const char *
parameter_label (PhonesecMenusActions *self, const char *parameter)
{
  GVariant *description = phonesec_menus_source_get_description (self->source, parameter);
  const char *label = NULL;

  if (description != NULL && g_variant_lookup (description, "label", "&s", &label)
      && label[0] != '\0')
    return g_dgettext (GETTEXT_PACKAGE, label);
  return parameter;
}

/* phonesecd's message, one line, each "NAME: " as the label the screen
 * shows. */
static char *
phone_message (PhonesecMenusActions *self, GError *error, const char *parameter)
{
  g_auto (GStrv) lines = NULL;
  g_autofree char *prefix = NULL;

  g_dbus_error_strip_remote_error (error);
  lines = g_strsplit (error->message, "\n", -1);
  prefix = parameter != NULL ? g_strconcat (parameter, ": ", NULL) : NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    if (prefix != NULL && g_str_has_prefix (lines[i], prefix))
      {
        char *relabelled = g_strconcat (parameter_label (self, parameter), ": ",
                                        lines[i] + strlen (prefix), NULL);
        g_free (lines[i]);
        lines[i] = relabelled;
      }
  return g_strjoinv (" ", lines);
}

static void
on_call_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_menus_source_call_finish (call->self->source, result, &error);

  if (reply == NULL)
    {
      g_autofree char *text = phone_message (call->self, error, call->parameter);
      phonesec_menus_actions_show_message (call->self, text);
    }
  else if (call->success != NULL)
    phonesec_menus_actions_show_message (call->self, call->success);
  call_free (call);
}

static void
call_daemon (PhonesecMenusActions *self, const char *path, const char *interface,
             const char *method, GVariant *parameters, const char *parameter, const char *success)
{
  Call *call = g_new0 (Call, 1);

  call->self = self;
  call->parameter = g_strdup (parameter);
  call->success = g_strdup (success);
  phonesec_menus_source_call (self->source, path, interface, method, parameters, on_call_done,
                              call);
}

/* --- parameters ------------------------------------------------------------------ */

/* Config.Apply of one value, as the phone's user. */
static void
apply_value (PhonesecMenusActions *self, const char *parameter, GVariant *value)
{
  GVariantBuilder values, options;

  g_variant_builder_init (&values, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&values, "{sv}", parameter, value);
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));
  g_variant_builder_add (&options, "{sv}", "source", g_variant_new_string ("menu"));
  call_daemon (self, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Apply",
               g_variant_new ("(a{sv}a{sv})", &values, &options), parameter, NULL);
}

static void
request_change (PhonesecMenusActions *self, GSimpleAction *action, GVariant *value)
{
  const char *parameter = g_object_get_data (G_OBJECT (action), PARAMETER_KEY);

  /* org.gtk.Actions.SetState reaches a disabled action too. */
  if (!g_action_get_enabled (G_ACTION (action)))
    {
      g_autofree char *text
          = g_strdup_printf (_ ("%s cannot be changed"), parameter_label (self, parameter));
      phonesec_menus_actions_show_message (self, text);
      return;
    }
  apply_value (self, parameter, value);
}

static void
on_param_activate (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  if (g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
    request_change (user_data, action, g_variant_new_boolean (!g_variant_get_boolean (state)));
  else if (parameter != NULL)
    request_change (user_data, action, parameter);
}

static void
on_param_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  request_change (user_data, action, value);
}

/* The value as the action's state: b for bool, the cfg.xml string form for
 * the rest (what a text entry shows and takes back). */
static GVariant *
state_of_value (GVariant *value, gboolean is_bool)
{
  if (is_bool)
    return g_variant_new_boolean (value != NULL
                                  && g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)
                                  && g_variant_get_boolean (value));
  if (value == NULL)
    return g_variant_new_string ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_new_string (g_variant_get_string (value, NULL));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);
      g_autofree char *joined = g_strjoinv (",", (char **) items);
      return g_variant_new_string (joined);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_variant_new_take_string (g_strdup_printf ("%u", g_variant_get_uint32 (value)));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_variant_new_take_string (g_strdup_printf ("%d", g_variant_get_int32 (value)));
  return g_variant_new_take_string (g_variant_print (value, FALSE));
}

static gboolean
is_bool_parameter (GVariant *description)
{
  const char *type = NULL;

  return g_variant_lookup (description, "type", "&s", &type) && strcmp (type, "bool") == 0;
}

/* The action of a parameter, made (or made again with another state type)
 * as needed. */
static GSimpleAction *
ensure_param_action (PhonesecMenusActions *self, const char *parameter, gboolean is_bool)
{
  g_autofree char *name = phonesec_menus_param_action_name (parameter);
  GAction *existing;
  GSimpleAction *action;

  if (name == NULL)
    return NULL;
  existing = g_action_map_lookup_action (G_ACTION_MAP (self->group), name);
  if (existing != NULL)
    {
      g_autoptr (GVariant) state = g_action_get_state (existing);
      if (g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN) == is_bool)
        return G_SIMPLE_ACTION (existing);
    }
  action = is_bool ? g_simple_action_new_stateful (name, NULL, g_variant_new_boolean (FALSE))
                   : g_simple_action_new_stateful (name, G_VARIANT_TYPE_STRING,
                                                   g_variant_new_string (""));
  g_object_set_data_full (G_OBJECT (action), PARAMETER_KEY, g_strdup (parameter), g_free);
  g_signal_connect (action, "activate", G_CALLBACK (on_param_activate), self);
  g_signal_connect (action, "change-state", G_CALLBACK (on_param_change_state), self);
  g_action_map_add_action (G_ACTION_MAP (self->group), G_ACTION (action));
  g_object_unref (action);
  return action;
}

static void
update_parameters (PhonesecMenusActions *self)
{
  const GPtrArray *names = phonesec_menus_source_get_names (self->source);
  g_autoptr (GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) existing = NULL;

  for (guint i = 0; i < names->len; i++)
    {
      const char *parameter = names->pdata[i];
      GVariant *description = phonesec_menus_source_get_description (self->source, parameter);
      const char *access = NULL;
      gboolean is_bool = is_bool_parameter (description);
      GSimpleAction *action = ensure_param_action (self, parameter, is_bool);

      if (action == NULL)
        continue;
      g_variant_lookup (description, "access", "&s", &access);
      g_simple_action_set_state (
          action,
          state_of_value (phonesec_menus_source_get_value (self->source, parameter), is_bool));
      g_simple_action_set_enabled (action, g_strcmp0 (access, "rw") == 0);
      g_hash_table_add (wanted, g_strdup (g_action_get_name (G_ACTION (action))));
    }
  /* A parameter the user no longer sees loses its action. */
  existing = g_action_group_list_actions (G_ACTION_GROUP (self->group));
  for (guint i = 0; existing[i] != NULL; i++)
    if (g_str_has_prefix (existing[i], PHONESEC_MENUS_ACTION_PARAM_PREFIX)
        && !g_hash_table_contains (wanted, existing[i]))
      g_action_map_remove_action (G_ACTION_MAP (self->group), existing[i]);
}

/* --- VPN and problem reports ------------------------------------------------------ */

static void
remove_actions (PhonesecMenusActions *self, const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    g_action_map_remove_action (G_ACTION_MAP (self->group), names[i]);
}

static GSimpleAction *
ensure_action (PhonesecMenusActions *self, const char *name, const GVariantType *parameter_type,
               GVariant *initial_state, GCallback activate, GCallback change_state)
{
  GAction *existing = g_action_map_lookup_action (G_ACTION_MAP (self->group), name);
  GSimpleAction *action;

  if (existing != NULL)
    {
      if (initial_state != NULL)
        g_variant_unref (g_variant_ref_sink (initial_state));
      return G_SIMPLE_ACTION (existing);
    }
  action = initial_state != NULL
               ? g_simple_action_new_stateful (name, parameter_type, initial_state)
               : g_simple_action_new (name, parameter_type);
  if (activate != NULL)
    g_signal_connect (action, "activate", activate, self);
  if (change_state != NULL)
    g_signal_connect (action, "change-state", change_state, self);
  g_action_map_add_action (G_ACTION_MAP (self->group), G_ACTION (action));
  g_object_unref (action);
  return action;
}

static void
vpn_switch (PhonesecMenusActions *self, gboolean on)
{
  call_daemon (self, self->vpn_path, VPN_INTERFACE, on ? "Connect" : "Disconnect", NULL, NULL,
               NULL);
}

static void
on_vpn_enable_activate (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  vpn_switch (user_data, !g_variant_get_boolean (state));
}

static void
on_vpn_enable_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  vpn_switch (user_data, g_variant_get_boolean (value));
}

static void
update_vpn (PhonesecMenusActions *self)
{
  static const char *const names[]
      = { PHONESEC_MENUS_ACTION_VPN_ENABLE, PHONESEC_MENUS_ACTION_VPN_STATE, NULL };
  g_autofree char *path = NULL;
  g_autoptr (GVariant) props
      = phonesec_menus_source_dup_properties (self->source, VPN_INTERFACE, &path);
  const char *state = NULL;
  GSimpleAction *action;

  if (props == NULL || !g_variant_lookup (props, "State", "&s", &state))
    {
      remove_actions (self, names);
      return;
    }
  g_free (self->vpn_path);
  self->vpn_path = g_steal_pointer (&path);
  /* The state first: it is what the benchmark times. */
  action = ensure_action (self, PHONESEC_MENUS_ACTION_VPN_STATE, NULL, g_variant_new_string (""),
                          NULL, NULL);
  g_simple_action_set_enabled (action, FALSE);
  g_simple_action_set_state (action, g_variant_new_string (state));
  action = ensure_action (self, PHONESEC_MENUS_ACTION_VPN_ENABLE, NULL,
                          g_variant_new_boolean (FALSE), G_CALLBACK (on_vpn_enable_activate),
                          G_CALLBACK (on_vpn_enable_change_state));
  g_simple_action_set_state (action, g_variant_new_boolean (strcmp (state, "connecting") == 0
                                                            || strcmp (state, "connected") == 0));
}

static void
on_description_change_state (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  g_simple_action_set_state (action, value);
}

static void
on_description_activate (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_simple_action_set_state (action, parameter);
}

static void
on_submit_activate (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  PhonesecMenusActions *self = user_data;
  GAction *description = g_action_map_lookup_action (G_ACTION_MAP (self->group),
                                                     PHONESEC_MENUS_ACTION_REPORT_DESCRIPTION);
  g_autoptr (GVariant) text = description != NULL ? g_action_get_state (description) : NULL;
  const char *reason = text != NULL ? g_variant_get_string (text, NULL) : "";

  call_daemon (self, self->report_path, REPORT_INTERFACE, "Generate",
               g_variant_new ("(s)", reason[0] != '\0' ? reason : "phone menu"), NULL,
               _ ("Problem report created"));
}

static void
update_report (PhonesecMenusActions *self)
{
  static const char *const names[]
      = { PHONESEC_MENUS_ACTION_REPORT_DESCRIPTION, PHONESEC_MENUS_ACTION_REPORT_SUBMIT, NULL };
  g_autofree char *path = NULL;
  g_autoptr (GVariant) props
      = phonesec_menus_source_dup_properties (self->source, REPORT_INTERFACE, &path);

  if (props == NULL)
    {
      remove_actions (self, names);
      return;
    }
  g_free (self->report_path);
  self->report_path = g_steal_pointer (&path);
  ensure_action (self, PHONESEC_MENUS_ACTION_REPORT_DESCRIPTION, G_VARIANT_TYPE_STRING,
                 g_variant_new_string (""), G_CALLBACK (on_description_activate),
                 G_CALLBACK (on_description_change_state));
  ensure_action (self, PHONESEC_MENUS_ACTION_REPORT_SUBMIT, NULL, NULL,
                 G_CALLBACK (on_submit_activate), NULL);
}

/* --- public ------------------------------------------------------------------------ */

PhonesecMenusActions *
phonesec_menus_actions_new (PhonesecMenusSource *source)
{
  PhonesecMenusActions *self = g_new0 (PhonesecMenusActions, 1);
  GSimpleAction *message;

  self->source = source;
  self->group = g_simple_action_group_new ();
  message = ensure_action (self, PHONESEC_MENUS_ACTION_MESSAGE, NULL, g_variant_new ("(us)", 0, ""),
                           NULL, NULL);
  g_simple_action_set_enabled (message, FALSE);
  return self;
}

void
phonesec_menus_actions_free (PhonesecMenusActions *self)
{
  if (self == NULL)
    return;
  g_object_unref (self->group);
  g_free (self->vpn_path);
  g_free (self->report_path);
  g_free (self);
}

GActionGroup *
phonesec_menus_actions_get_group (PhonesecMenusActions *self)
{
  return G_ACTION_GROUP (self->group);
}

void
phonesec_menus_actions_update (PhonesecMenusActions *self)
{
  update_vpn (self);
  update_report (self);
  update_parameters (self);
}

void
phonesec_menus_actions_update_interface (PhonesecMenusActions *self, const char *interface)
{
  if (g_strcmp0 (interface, VPN_INTERFACE) == 0)
    update_vpn (self);
  else if (g_strcmp0 (interface, REPORT_INTERFACE) == 0)
    update_report (self);
}
