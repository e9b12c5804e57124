/* phonesec-web-status-view.c: Info > Status in words, from one
 * Manager.GetObjects answer (see the header).
 *
 * Whatever the view holds is what the reader may see: the user's view is
 * read with access-level=user, and phonesec-status-words gives no line
 * for an absent property. Nothing here reads D-Bus.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-status-view.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* The guide's order of the status screens; the slots (802.1X, SIP,
 * provisioning) show only when their plugin's object is there. */
static const char *const feature_order[] = {
  "Vpn",           "TlsPolicy", "HttpProxy",   "Ldap",         "Firewall",
  "ProblemReport", "Dot1x",     "SipSecurity", "Provisioning", "Metrics",
};

typedef struct
{
  PhonesecWeb *web;
  PhonesecWebLang lang;
} Reader;

static const char *
reader_translate (const char *msgid, gpointer data)
{
  Reader *reader = data;

  return phonesec_web_gettext (reader->web, reader->lang, msgid);
}

void
phonesec_web_status_section_free (PhonesecWebStatusSection *section)
{
  if (section == NULL)
    return;
  g_free (section->key);
  g_free (section->title);
  g_clear_pointer (&section->lines, g_ptr_array_unref);
  g_free (section);
}

GVariant *
phonesec_web_status_view_options (PhonesecWebRole role)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  if (role != PHONESEC_WEB_ROLE_ADMIN)
    g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));
  return g_variant_builder_end (&options);
}

char *
phonesec_web_status_prop_key (const char *path, const char *iface, const char *prop)
{
  return g_strdup_printf ("%s|%s|%s", path, iface, prop);
}

static PhonesecWebStatusSection *
section_new (const char *key, const char *title, GPtrArray *lines)
{
  PhonesecWebStatusSection *section = g_new0 (PhonesecWebStatusSection, 1);

  section->key = g_strdup (key);
  section->title = g_strdup (title);
  section->lines = lines;
  return section;
}

/* A plugin's interface that has no status screen: its properties as they
 * are (name and value), as a newer plugin's state must still show. */
static GPtrArray *
raw_lines (PhonesecWeb *web, PhonesecWebLang lang, GVariant *props)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_status_line_free);
  PhonesecWebRequest tmp = { .web = web, .lang = lang };
  GVariantIter iter;
  const char *prop;
  GVariant *value;

  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &prop, &value))
    {
      PhonesecStatusLine *line = g_new0 (PhonesecStatusLine, 1);

      line->id = g_strconcat ("raw.", prop, NULL);
      line->label = g_strdup (prop);
      line->value = phonesec_web_format_value (&tmp, value);
      g_ptr_array_add (lines, line);
    }
  return lines;
}

/* Where @iface goes in the page: its place in feature_order, after them
 * for any other plugin interface, -1 for none (D-Bus's own, Plugin,
 * and the root's but TlsPolicy). */
static int
feature_rank (const char *path, const char *iface)
{
  const char *feature;

  if (!g_str_has_prefix (iface, PHONESEC_DBUS_INTERFACE_PREFIX)
      || strcmp (iface, PHONESEC_DBUS_INTERFACE_PLUGIN) == 0)
    return -1;
  feature = iface + strlen (PHONESEC_DBUS_INTERFACE_PREFIX);
  for (guint i = 0; i < G_N_ELEMENTS (feature_order); i++)
    if (strcmp (feature_order[i], feature) == 0)
      return (int) i;
  return strcmp (path, PHONESEC_DBUS_PATH) == 0 ? -1 : (int) G_N_ELEMENTS (feature_order);
}

typedef struct
{
  int rank;
  const char *path;
  const char *iface;
  GVariant *props; /* owned */
} Slot;

static int
compare_slots (gconstpointer a, gconstpointer b)
{
  const Slot *sa = a, *sb = b;
  int by_path;

  if (sa->rank != sb->rank)
    return sa->rank - sb->rank;
  by_path = strcmp (sa->path, sb->path);
  return by_path != 0 ? by_path : strcmp (sa->iface, sb->iface);
}

static void
slot_clear (gpointer data)
{
  g_variant_unref (((Slot *) data)->props);
}

/* Every interface with a section, in the page's order. The paths and
 * names point into @objects. */
static GArray *
collect_slots (GVariant *objects)
{
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  GVariantIter iter;
  const char *path;
  GVariant *ifaces;

  g_array_set_clear_func (slots, slot_clear);
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      GVariantIter iiter;
      const char *iface;
      GVariant *props;

      g_variant_iter_init (&iiter, ifaces);
      while (g_variant_iter_next (&iiter, "{&s@a{sv}}", &iface, &props))
        {
          Slot slot = { feature_rank (path, iface), path, iface, props };

          /* An interface whose every property is hidden from the
           * reader says nothing: no section. */
          if (slot.rank >= 0 && g_variant_n_children (props) > 0)
            g_array_append_val (slots, slot);
          else
            g_variant_unref (props);
        }
      /* @objects keeps the strings alive. */
      g_variant_unref (ifaces);
    }
  g_array_sort (slots, compare_slots);
  return slots;
}

static PhonesecWebStatusSection *
feature_section (PhonesecWeb *web, PhonesecWebLang lang, const PhonesecStatusWords *words,
                 const Slot *slot, GVariant *objects)
{
  g_autofree char *key = g_strdup_printf ("%s|%s", slot->path, slot->iface);
  GPtrArray *lines = phonesec_status_words_feature (words, slot->iface, slot->props);
  const char *title = phonesec_status_words_title (words, slot->iface);
  g_autoptr (GVariant) ifaces = NULL;
  g_autoptr (GVariant) plugin = NULL;
  const char *name = strrchr (slot->path, '/') + 1;

  if (lines != NULL)
    return section_new (key, title, lines);
  /* Another plugin: titled with its name. */
  ifaces = g_variant_lookup_value (objects, slot->path, NULL);
  plugin = ifaces != NULL ? g_variant_lookup_value (ifaces, PHONESEC_DBUS_INTERFACE_PLUGIN, NULL)
                          : NULL;
  if (plugin != NULL)
    g_variant_lookup (plugin, "Name", "&s", &name);
  return section_new (key, name, raw_lines (web, lang, slot->props));
}

GPtrArray *
phonesec_web_status_sections (PhonesecWeb *web, PhonesecWebLang lang, GVariant *objects)
{
  Reader reader = { web, lang };
  PhonesecStatusWords words = { reader_translate, &reader };
  GPtrArray *sections
      = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_web_status_section_free);
  g_autoptr (GArray) slots = NULL;

  g_ptr_array_add (sections, section_new (PHONESEC_WEB_STATUS_MESSAGES,
                                          phonesec_web_gettext (web, lang, N_ ("Status messages")),
                                          phonesec_status_words_messages (&words, objects)));
  if (objects == NULL)
    return sections;
  slots = collect_slots (objects);
  for (guint i = 0; i < slots->len; i++)
    g_ptr_array_add (sections,
                     feature_section (web, lang, &words, &g_array_index (slots, Slot, i), objects));
  g_ptr_array_add (sections, section_new (PHONESEC_WEB_STATUS_SERVICES,
                                          phonesec_web_gettext (web, lang, N_ ("Services")),
                                          phonesec_status_words_services (&words, objects)));
  return sections;
}

void
phonesec_web_status_append_json (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == '<' || c == '>' || c == '&')
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

void
phonesec_web_status_section_json (GString *out, const PhonesecWebStatusSection *section)
{
  g_string_append (out, "{\"section\":");
  phonesec_web_status_append_json (out, section->key);
  g_string_append (out, ",\"lines\":[");
  for (guint i = 0; i < section->lines->len; i++)
    {
      const PhonesecStatusLine *line = g_ptr_array_index (section->lines, i);

      g_string_append (out, i > 0 ? ",{\"id\":" : "{\"id\":");
      phonesec_web_status_append_json (out, line->id);
      g_string_append (out, ",\"label\":");
      phonesec_web_status_append_json (out, line->label);
      g_string_append (out, ",\"value\":");
      phonesec_web_status_append_json (out, line->value);
      g_string_append_printf (out, ",\"level\":\"%s\"}",
                              phonesec_status_level_to_string (line->level));
    }
  g_string_append (out, "]}");
}
