/* phonesec-web-forms.c: the configuration tabs: a form built from
 * Config.Describe and Config.Get, posted as one Config.Apply.
 *
 * Layer 3, a page: it calls the page frame and the request leaf below
 * it, never the router (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-forms.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* --- the form of a parameter ---------------------------------------------------- */

/* The cfg.xml text of a parameter's current value, as a form holds it. */
static char *
form_text (GVariant *facts, GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    {
      const char *word = NULL;

      g_variant_lookup (facts, g_variant_get_boolean (value) ? "true-word" : "false-word", "&s",
                        &word);
      return g_strdup (word != NULL ? word : (g_variant_get_boolean (value) ? "Yes" : "No"));
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);
      return g_strjoinv (",", (char **) items);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf ("%d", g_variant_get_int32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  return g_variant_print (value, FALSE);
}

static void
append_option (GString *out, const char *value, const char *label, gboolean selected)
{
  g_string_append (out, "<option value=\"");
  phonesec_web_append_escaped (out, value);
  g_string_append_printf (out, "\"%s>", selected ? " selected" : "");
  phonesec_web_append_escaped (out, label);
  g_string_append (out, "</option>");
}

static void
append_control (PhonesecWebRequest *req, GString *out, const char *name, GVariant *facts,
                const char *text, gboolean writable)
{
  const char *type = "string";
  gboolean secret = FALSE;
  const char *disabled = writable ? "" : " disabled";
  g_autofree char *id_attr = g_markup_escape_text (name, -1);

  g_variant_lookup (facts, "type", "&s", &type);
  g_variant_lookup (facts, "secret", "b", &secret);

  if (secret)
    {
      gboolean is_set = FALSE;

      g_variant_lookup (facts, "is-set", "b", &is_set);
      /* Never prefilled: empty keeps the stored secret. */
      g_string_append_printf (out,
                              "<input type=\"password\" id=\"f-%s\" name=\"%s\" value=\"\" "
                              "autocomplete=\"new-password\" placeholder=\"%s\"%s>",
                              id_attr, id_attr, is_set ? T (req, N_ ("(set)")) : "", disabled);
      return;
    }
  if (strcmp (type, "bool") == 0)
    {
      const char *yes = "Yes", *no = "No";

      g_variant_lookup (facts, "true-word", "&s", &yes);
      g_variant_lookup (facts, "false-word", "&s", &no);
      g_string_append_printf (out, "<select id=\"f-%s\" name=\"%s\"%s>", id_attr, id_attr,
                              disabled);
      append_option (out, yes, T (req, yes), g_ascii_strcasecmp (text, yes) == 0);
      append_option (out, no, T (req, no), g_ascii_strcasecmp (text, yes) != 0);
      g_string_append (out, "</select>");
      return;
    }
  if (strcmp (type, "enum") == 0)
    {
      g_autofree const char **choices = NULL;
      gboolean found = FALSE;

      g_variant_lookup (facts, "choices", "^a&s", &choices);
      g_string_append_printf (out, "<select id=\"f-%s\" name=\"%s\"%s>", id_attr, id_attr,
                              disabled);
      for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
        {
          gboolean selected = strcmp (choices[i], text) == 0;
          found |= selected;
          append_option (out, choices[i], choices[i], selected);
        }
      /* A value the user typed (a forged or stale form) stays visible. */
      if (!found)
        append_option (out, text, text, TRUE);
      g_string_append (out, "</select>");
      return;
    }
  if (strcmp (type, "int") == 0 || strcmp (type, "port") == 0)
    {
      gint64 min = 0, max = 0;

      g_string_append_printf (out, "<input type=\"number\" id=\"f-%s\" name=\"%s\"", id_attr,
                              id_attr);
      /* No min/max attributes: the daemon is the judge, and its message is
       * what the user must see (the browser would block the submit). */
      if (g_variant_lookup (facts, "min", "x", &min) && g_variant_lookup (facts, "max", "x", &max))
        g_string_append_printf (
            out, " data-min=\"%" G_GINT64_FORMAT "\" data-max=\"%" G_GINT64_FORMAT "\"", min, max);
      g_string_append (out, " value=\"");
      phonesec_web_append_escaped (out, text);
      g_string_append_printf (out, "\"%s>", disabled);
      return;
    }
  {
    guint max_length = 0;

    g_string_append_printf (out, "<input type=\"text\" id=\"f-%s\" name=\"%s\"", id_attr, id_attr);
    if (g_variant_lookup (facts, "max-length", "u", &max_length))
      g_string_append_printf (out, " data-maxlength=\"%u\"", max_length);
    g_string_append (out, " value=\"");
    phonesec_web_append_escaped (out, text);
    g_string_append_printf (out, "\"%s>", disabled);
  }
}

static gboolean
param_on_page (PhonesecWebRequest *req, GVariant *facts)
{
  const char *tab = "", *access = "na";
  guint line = 0;

  g_variant_lookup (facts, "tab", "&s", &tab);
  g_variant_lookup (facts, "access", "&s", &access);
  g_variant_lookup (facts, "line", "u", &line);
  return strcmp (tab, req->tab) == 0 && line == req->line
         && phonesec_web_param_visible (req->role, access);
}

/* The text a parameter's field shows: the user's input when the daemon
 * refused the form, else the current value. */
static char *
field_text (PhonesecWebRequest *req, const char *name, GVariant *facts)
{
  g_autoptr (GVariant) value = NULL;

  if (req->form != NULL && g_hash_table_contains (req->form, name))
    return g_strdup (g_hash_table_lookup (req->form, name));
  value = req->values != NULL ? g_variant_lookup_value (req->values, name, NULL) : NULL;
  return form_text (facts, value);
}

/* One parameter: its label, its control, the daemon's complaint about it,
 * its help. */
static void
append_param_row (PhonesecWebRequest *req, GString *out, const char *name, GVariant *facts)
{
  const char *label = name, *help = NULL, *access = "na";
  g_autofree char *text = field_text (req, name, facts);
  const char *error = req->errors != NULL ? g_hash_table_lookup (req->errors, name) : NULL;
  gboolean active;

  g_variant_lookup (facts, "label", "&s", &label);
  g_variant_lookup (facts, "help", "&s", &help);
  g_variant_lookup (facts, "access", "&s", &access);
  g_string_append_printf (out, "<tr class=\"param%s\" data-param=\"%s\"><th><label for=\"f-%s\">",
                          error != NULL ? " invalid" : "", name, name);
  phonesec_web_append_escaped (out, T (req, label));
  g_string_append (out, "</label></th><td>");
  append_control (req, out, name, facts, text, phonesec_web_param_writable (req->role, access));
  if (error != NULL)
    {
      g_string_append_printf (out, "<div class=\"error field-error\" id=\"err-%s\">", name);
      phonesec_web_append_escaped (out, error);
      g_string_append (out, "</div>");
    }
  g_string_append (out, "</td><td class=\"help\">");
  if (help != NULL)
    phonesec_web_append_escaped (out, T (req, help));
  /* Never let a setting look like a protection that is on when
   * nothing on this phone acts on it. */
  if (g_variant_lookup (facts, "active", "b", &active) && !active)
    g_string_append_printf (out, "<div class=\"inactive\" id=\"inactive-%s\">%s</div>", name,
                            T (req, N_ ("Not active on this phone: nothing on this phone "
                                        "acts on this setting.")));
  g_string_append (out, "</td></tr>\n");
}

/* The sections of the page in order of first appearance: a section's
 * parameters stay together even when the schema lists them apart. */
static GPtrArray *
page_sections (PhonesecWebRequest *req)
{
  GPtrArray *sections = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  g_variant_iter_init (&iter, req->describe);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      const char *sec = "";

      if (!param_on_page (req, facts))
        continue;
      g_variant_lookup (facts, "section", "&s", &sec);
      if (!g_ptr_array_find_with_equal_func (sections, sec, g_str_equal, NULL))
        g_ptr_array_add (sections, g_strdup (sec));
    }
  return sections;
}

static void
append_section (PhonesecWebRequest *req, GString *out, const char *section)
{
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  g_string_append (out, "<section><h2>");
  phonesec_web_append_escaped (out, T (req, section));
  g_string_append (out, "</h2><table>\n");
  g_variant_iter_init (&iter, req->describe);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      const char *sec = "";

      g_variant_lookup (facts, "section", "&s", &sec);
      if (param_on_page (req, facts) && strcmp (sec, section) == 0)
        append_param_row (req, out, name, facts);
    }
  g_string_append (out, "</table></section>\n");
}

/* The daemon's refusal or our notice, above the form. */
static void
append_messages (PhonesecWebRequest *req, GString *out)
{
  if (req->general_error != NULL)
    {
      g_string_append (out, "<p class=\"error\" id=\"form-error\">");
      phonesec_web_append_escaped (out, req->general_error);
      g_string_append (out, "</p>\n");
    }
  if (req->notice != NULL)
    {
      g_string_append (out, "<p class=\"notice\" id=\"form-notice\">");
      phonesec_web_append_escaped (out, req->notice);
      g_string_append (out, "</p>\n");
    }
}

static void
append_form (PhonesecWebRequest *req, GString *out, const char *current)
{
  g_autoptr (GPtrArray) sections = page_sections (req);

  g_string_append_printf (out,
                          "<form method=\"post\" action=\"%s\" id=\"config-form\">\n"
                          "<input type=\"hidden\" name=\"csrf\" value=\"",
                          current);
  phonesec_web_append_escaped (out, req->csrf);
  /* The values below are of this generation: Apply refuses (Conflict)
   * when someone changed the configuration since, instead of silently
   * putting back the values this page showed. */
  g_string_append_printf (
      out, "\">\n<input type=\"hidden\" name=\"generation\" value=\"%" G_GUINT64_FORMAT "\">\n",
      req->generation);
  for (guint i = 0; i < sections->len; i++)
    append_section (req, out, sections->pdata[i]);
  g_string_append_printf (out,
                          "<p class=\"actions\"><button type=\"submit\" id=\"submit\">%s</button>"
                          " <a href=\"%s\" id=\"undo\">%s</a></p>\n</form>\n",
                          T (req, N_ ("Submit All Changes")), current,
                          T (req, N_ ("Undo All Changes")));
}

static void
render_tab (PhonesecWebRequest *req, guint status)
{
  g_autofree char *current = phonesec_web_tab_path (req->tab, req->line);
  g_autofree char *title = phonesec_web_page_tab_title (req);
  GString *out;

  if (title == NULL)
    {
      phonesec_web_respond_error (req, SOUP_STATUS_NOT_FOUND, T (req, N_ ("No such page.")));
      return;
    }
  out = g_string_new (NULL);
  phonesec_web_page_begin (req, out, title, current);
  append_messages (req, out);
  append_form (req, out, current);
  phonesec_web_page_end (req, out);
  phonesec_web_respond_html (req->msg, status, out);
}

/* --- Apply ------------------------------------------------------------------------ */

/* "NAME: reason" lines of a refused transaction, beside their fields; other
 * lines (the summary) go on top. */
static void
split_errors (PhonesecWebRequest *req, const char *message)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", 0);
  GString *general = g_string_new (NULL);

  req->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strstr (lines[i], ": ");
      g_autofree char *name = colon != NULL ? g_strndup (lines[i], colon - lines[i]) : NULL;
      g_autoptr (GVariant) facts = NULL;

      if (lines[i][0] == '\0')
        continue;
      if (name != NULL && req->describe != NULL)
        facts = g_variant_lookup_value (req->describe, name, G_VARIANT_TYPE_VARDICT);
      if (facts != NULL && param_on_page (req, facts))
        g_hash_table_replace (req->errors, g_steal_pointer (&name), g_strdup (colon + 2));
      else
        g_string_append_printf (general, "%s%s", general->len > 0 ? " " : "", lines[i]);
    }
  req->general_error = general->len > 0 ? g_string_free (general, FALSE)
                                        : (g_string_free (general, TRUE),
                                           g_strdup (T (req, N_ ("Nothing was changed."))));
}

static void
apply_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      g_dbus_error_strip_remote_error (error);
      if (g_strcmp0 (remote, PHONESEC_DBUS_ERROR_PREFIX "Conflict") == 0)
        {
          /* Show what is there now; the user decides again. */
          g_clear_pointer (&req->form, g_hash_table_unref);
          req->general_error = g_strdup (
              T (req, N_ ("The configuration was changed meanwhile; nothing was changed. "
                          "Check the values and submit again.")));
          render_tab (req, SOUP_STATUS_CONFLICT);
        }
      else
        {
          split_errors (req, error->message);
          render_tab (req, SOUP_STATUS_UNPROCESSABLE_ENTITY);
        }
    }
  else
    {
      g_autofree char *path = phonesec_web_tab_path (req->tab, req->line);
      g_autofree char *location = g_strconcat (path, "?saved=1", NULL);

      phonesec_web_redirect (req->msg, location);
    }
  phonesec_web_request_finish (req);
}

/* Checks the posted fields and sends one Config.Apply with the changed
 * ones. A field that is not a writable parameter of this page for this
 * account (a forged form) refuses the whole post: nothing is sent. */
static void
submit_tab (PhonesecWebRequest *req)
{
  GVariantBuilder values, options;
  GHashTableIter iter;
  const char *key, *text;
  guint changed = 0;

  g_variant_builder_init (&values, G_VARIANT_TYPE_VARDICT);
  g_hash_table_iter_init (&iter, req->form);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &text))
    {
      g_autoptr (GVariant) facts = NULL;
      g_autoptr (GVariant) value = NULL;
      g_autofree char *current = NULL;
      const char *access = "na";
      gboolean secret = FALSE;

      if (strcmp (key, "csrf") == 0)
        continue;
      facts = g_variant_lookup_value (req->describe, key, G_VARIANT_TYPE_VARDICT);
      if (facts != NULL)
        g_variant_lookup (facts, "access", "&s", &access);
      if (facts == NULL || !param_on_page (req, facts)
          || !phonesec_web_param_writable (req->role, access))
        {
          g_variant_builder_clear (&values);
          g_message ("refused a %s form with field %s on tab %s",
                     phonesec_web_role_to_string (req->role), key, req->tab);
          phonesec_web_respond_error (req, SOUP_STATUS_FORBIDDEN,
                                      T (req, N_ ("This form holds a field you may not change; "
                                                  "nothing was changed.")));
          phonesec_web_request_finish (req);
          return;
        }
      g_variant_lookup (facts, "secret", "b", &secret);
      if (secret)
        {
          /* Empty keeps the stored secret. */
          if (text[0] == '\0')
            continue;
        }
      else
        {
          value = g_variant_lookup_value (req->values, key, NULL);
          current = form_text (facts, value);
          if (strcmp (current, text) == 0)
            continue;
        }
      g_variant_builder_add (&values, "{sv}", key, g_variant_new_string (text));
      changed++;
    }
  if (changed == 0)
    {
      g_variant_builder_clear (&values);
      req->notice = g_strdup (T (req, N_ ("Nothing to change.")));
      g_clear_pointer (&req->form, g_hash_table_unref);
      render_tab (req, SOUP_STATUS_OK);
      phonesec_web_request_finish (req);
      return;
    }
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "source", g_variant_new_string ("web"));
  g_variant_builder_add (&options, "{sv}", "expected-generation",
                         g_variant_new_uint64 (req->posted_generation));
  if (req->role != PHONESEC_WEB_ROLE_ADMIN)
    g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));
  g_dbus_connection_call (
      req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG,
      "Apply", g_variant_new ("(a{sv}a{sv})", &values, &options), G_VARIANT_TYPE ("(t)"),
      G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, apply_done, req);
}

/* --- Describe then Get ----------------------------------------------------------------- */

static void
get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GVariant) reply = phonesec_web_call_finish (req, source, result);

  if (reply == NULL)
    return;
  g_variant_get (reply, "(@a{sv})", &req->values);
  if (req->form != NULL)
    {
      submit_tab (req);
      return;
    }
  {
    const char *q = g_uri_get_query (soup_server_message_get_uri (req->msg));

    if (g_strcmp0 (q, "saved=1") == 0)
      req->notice = g_strdup (T (req, N_ ("Your changes were saved.")));
  }
  render_tab (req, SOUP_STATUS_OK);
  phonesec_web_request_finish (req);
}

/* The generation first, then the values: a change in between makes the
 * page's generation older than its values, so a submit fails safe
 * (Conflict) rather than overwriting. */
static void
generation_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr (GVariant) value = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    {
      if (error != NULL)
        g_dbus_error_strip_remote_error (error);
      phonesec_web_respond_error (req, SOUP_STATUS_BAD_GATEWAY,
                                  error != NULL ? error->message : "Generation");
      phonesec_web_request_finish (req);
      return;
    }
  req->generation = g_variant_get_uint64 (value);
  g_dbus_connection_call (
      req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Get",
      g_variant_new ("(@as)", g_variant_new_strv (NULL, 0)), G_VARIANT_TYPE ("(a{sv})"),
      G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, get_done, req);
}

static void
describe_ready (PhonesecWebRequest *req)
{
  g_dbus_connection_call (req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", PHONESEC_DBUS_INTERFACE_CONFIG, "Generation"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                          PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, generation_done, req);
}

void
phonesec_web_forms_show (PhonesecWebRequest *req)
{
  phonesec_web_page_start (req, describe_ready);
}

void
phonesec_web_forms_submit (PhonesecWebRequest *req, GHashTable *form)
{
  const char *generation = g_hash_table_lookup (form, "generation");

  if (generation == NULL
      || !g_ascii_string_to_unsigned (generation, 10, 0, G_MAXUINT64, &req->posted_generation,
                                      NULL))
    {
      phonesec_web_respond_error (req, SOUP_STATUS_BAD_REQUEST,
                                  T (req, N_ ("This form is not valid; nothing was changed.")));
      phonesec_web_request_finish (req);
      return;
    }
  req->form = g_hash_table_ref (form);
  g_hash_table_remove (req->form, "csrf");
  g_hash_table_remove (req->form, "generation");
  phonesec_web_page_start (req, describe_ready);
}
