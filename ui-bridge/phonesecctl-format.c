/* phonesecctl-format.c: values as text — cfg.xml string form, JSON, tables.
 *
 * The JSON writer is ours, not json-glib's: `--json` output is a contract
 * for scripts (tests/unit/test-phonesecctl-format.c pins its bytes) and
 * json-glib 1.6 cannot write those bytes. JsonGenerator writes a member as
 * `"key" : value` when it indents and `{"a":1,"b":2}` on one line (ours:
 * `"key": value` and `{"a": 1, "b": 2}`), an empty object as `{  }`, an
 * integral double as `100.0`, and DEL as `\u007f`; and
 * json_gvariant_serialize() turns a uint64 above G_MAXINT64 negative and a
 * boolean key into "true" (ours: the cfg.xml "Yes"). Keeping the bytes with
 * its tree would still need a printer of our own, no shorter than this
 * walk over the GVariant.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include "phonesecctl-format.h"

char *
phonesecctl_format_value (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");

  switch (g_variant_classify (value))
    {
      case G_VARIANT_CLASS_VARIANT:
        {
          g_autoptr (GVariant) inner = g_variant_get_variant (value);
          return phonesecctl_format_value (inner);
        }
      case G_VARIANT_CLASS_BOOLEAN:
        /* cfg.xml spelling: never translated, scripts parse it. */
        return g_strdup (g_variant_get_boolean (value) ? "Yes" : "No");
      case G_VARIANT_CLASS_BYTE:
        return g_strdup_printf ("%u", (guint) g_variant_get_byte (value));
      case G_VARIANT_CLASS_INT16:
        return g_strdup_printf ("%d", (int) g_variant_get_int16 (value));
      case G_VARIANT_CLASS_UINT16:
        return g_strdup_printf ("%u", (guint) g_variant_get_uint16 (value));
      case G_VARIANT_CLASS_INT32:
        return g_strdup_printf ("%" G_GINT32_FORMAT, g_variant_get_int32 (value));
      case G_VARIANT_CLASS_UINT32:
        return g_strdup_printf ("%" G_GUINT32_FORMAT, g_variant_get_uint32 (value));
      case G_VARIANT_CLASS_INT64:
        return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
      case G_VARIANT_CLASS_UINT64:
        return g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
      case G_VARIANT_CLASS_HANDLE:
        return g_strdup_printf ("%" G_GINT32_FORMAT, g_variant_get_handle (value));
      case G_VARIANT_CLASS_DOUBLE:
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          return g_strdup (g_ascii_dtostr (buf, sizeof buf, g_variant_get_double (value)));
        }
      case G_VARIANT_CLASS_STRING:
      case G_VARIANT_CLASS_OBJECT_PATH:
      case G_VARIANT_CLASS_SIGNATURE:
        return g_variant_dup_string (value, NULL);
      case G_VARIANT_CLASS_ARRAY:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY)
            || g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
          {
            g_autofree const char **items = g_variant_get_strv (value, NULL);
            return g_strjoinv (",", (char **) items);
          }
        break;
      default:
        break;
    }

  return g_variant_print (value, FALSE);
}

void
phonesecctl_json_append_string (GString *out, const char *text)
{
  g_autofree char *valid = NULL;
  const char *p;

  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  g_string_append_c (out, '"');
  for (p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
          case '"':
            g_string_append (out, "\\\"");
            break;
          case '\\':
            g_string_append (out, "\\\\");
            break;
          case '\b':
            g_string_append (out, "\\b");
            break;
          case '\f':
            g_string_append (out, "\\f");
            break;
          case '\n':
            g_string_append (out, "\\n");
            break;
          case '\r':
            g_string_append (out, "\\r");
            break;
          case '\t':
            g_string_append (out, "\\t");
            break;
          default:
            /* RFC 8259 requires escaping U+0000..U+001F only; bytes >= 0x80
             * are already valid UTF-8 here and pass through unchanged. */
            if (c < 0x20)
              g_string_append_printf (out, "\\u%04x", c);
            else
              g_string_append_c (out, (char) c);
            break;
        }
    }
  g_string_append_c (out, '"');
}

static void
json_newline (GString *out, int indent)
{
  if (indent < 0)
    return;
  g_string_append_c (out, '\n');
  for (int i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

static void
json_append_key (GString *out, GVariant *key)
{
  if (g_variant_is_of_type (key, G_VARIANT_TYPE_STRING)
      || g_variant_is_of_type (key, G_VARIANT_TYPE_OBJECT_PATH)
      || g_variant_is_of_type (key, G_VARIANT_TYPE_SIGNATURE))
    {
      phonesecctl_json_append_string (out, g_variant_get_string (key, NULL));
    }
  else
    {
      /* JSON keys are strings: a{us} (DHCP options) becomes {"252": ...}. */
      g_autofree char *text = phonesecctl_format_value (key);
      phonesecctl_json_append_string (out, text);
    }
}

void
phonesecctl_json_append_variant (GString *out, GVariant *value, int indent)
{
  int inner = indent < 0 ? -1 : indent + 1;

  switch (g_variant_classify (value))
    {
      case G_VARIANT_CLASS_VARIANT:
        {
          g_autoptr (GVariant) child = g_variant_get_variant (value);
          phonesecctl_json_append_variant (out, child, indent);
          return;
        }
      case G_VARIANT_CLASS_MAYBE:
        {
          g_autoptr (GVariant) child = g_variant_get_maybe (value);
          if (child == NULL)
            g_string_append (out, "null");
          else
            phonesecctl_json_append_variant (out, child, indent);
          return;
        }
      case G_VARIANT_CLASS_BOOLEAN:
        g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
        return;
      case G_VARIANT_CLASS_DOUBLE:
        {
          double d = g_variant_get_double (value);
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          if (!isfinite (d))
            g_string_append (out, "null");
          else
            g_string_append (out, g_ascii_dtostr (buf, sizeof buf, d));
          return;
        }
      case G_VARIANT_CLASS_BYTE:
      case G_VARIANT_CLASS_INT16:
      case G_VARIANT_CLASS_UINT16:
      case G_VARIANT_CLASS_INT32:
      case G_VARIANT_CLASS_UINT32:
      case G_VARIANT_CLASS_INT64:
      case G_VARIANT_CLASS_UINT64:
      case G_VARIANT_CLASS_HANDLE:
        {
          g_autofree char *text = phonesecctl_format_value (value);
          g_string_append (out, text);
          return;
        }
      case G_VARIANT_CLASS_STRING:
      case G_VARIANT_CLASS_OBJECT_PATH:
      case G_VARIANT_CLASS_SIGNATURE:
        phonesecctl_json_append_string (out, g_variant_get_string (value, NULL));
        return;
      case G_VARIANT_CLASS_ARRAY:
      case G_VARIANT_CLASS_TUPLE:
        break;
      case G_VARIANT_CLASS_DICT_ENTRY:
        /* Only reached for a lone dict entry: write it as a pair. */
        break;
    }

  gsize n = g_variant_n_children (value);
  gboolean is_dict = g_variant_is_of_type (value, G_VARIANT_TYPE_DICTIONARY);

  if (n == 0)
    {
      g_string_append (out, is_dict ? "{}" : "[]");
      return;
    }

  g_string_append_c (out, is_dict ? '{' : '[');
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (value, i);

      /* Compact output stays one line but readable: ", " and ": ". */
      if (i > 0)
        g_string_append (out, indent < 0 ? ", " : ",");
      json_newline (out, inner);
      if (is_dict)
        {
          g_autoptr (GVariant) key = g_variant_get_child_value (child, 0);
          g_autoptr (GVariant) val = g_variant_get_child_value (child, 1);

          json_append_key (out, key);
          g_string_append (out, ": ");
          phonesecctl_json_append_variant (out, val, inner);
        }
      else
        {
          phonesecctl_json_append_variant (out, child, inner);
        }
    }
  json_newline (out, indent);
  g_string_append_c (out, is_dict ? '}' : ']');
}

char *
phonesecctl_json_from_variant (GVariant *value, gboolean pretty)
{
  GString *out = g_string_new (NULL);

  phonesecctl_json_append_variant (out, value, pretty ? 0 : -1);
  g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

char *
phonesecctl_sanitize_cell (const char *text)
{
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, (char) c);
    }
  return g_string_free (out, FALSE);
}

char *
phonesecctl_ellipsize (const char *text, glong max_chars)
{
  g_autofree char *head = NULL;

  if (text == NULL)
    return g_strdup ("");
  if (max_chars < 1 || g_utf8_strlen (text, -1) <= max_chars)
    return g_strdup (text);
  head = g_utf8_substring (text, 0, max_chars - 1);
  return g_strconcat (head, "…", NULL);
}

struct _PhonesecctlTable
{
  guint n_columns;
  GPtrArray *rows; /* of GStrv, the first being the headers */
};

PhonesecctlTable *
phonesecctl_table_new (guint n_columns, const char *const *headers)
{
  PhonesecctlTable *table = g_new0 (PhonesecctlTable, 1);

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  phonesecctl_table_add_row (table, headers);
  return table;
}

void
phonesecctl_table_add_row (PhonesecctlTable *table, const char *const *cells)
{
  char **row = g_new0 (char *, table->n_columns + 1);

  for (guint i = 0; i < table->n_columns; i++)
    row[i] = phonesecctl_sanitize_cell (cells[i]);
  g_ptr_array_add (table->rows, row);
}

guint
phonesecctl_table_get_n_rows (PhonesecctlTable *table)
{
  return table->rows->len - 1;
}

void
phonesecctl_table_print (PhonesecctlTable *table, FILE *stream)
{
  g_autofree glong *widths = g_new0 (glong, table->n_columns);

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      char **row = g_ptr_array_index (table->rows, r);
      GString *line = g_string_new (NULL);

      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (line, row[c]);
          if (c + 1 < table->n_columns)
            {
              /* Pad by characters, not bytes, so French labels line up. */
              glong pad = widths[c] - g_utf8_strlen (row[c], -1) + 2;
              for (glong i = 0; i < pad; i++)
                g_string_append_c (line, ' ');
            }
        }
      /* Trailing blanks of empty last cells help nobody. */
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      fprintf (stream, "%s\n", line->str);
      g_string_free (line, TRUE);
    }
}

void
phonesecctl_table_free (PhonesecctlTable *table)
{
  if (table == NULL)
    return;
  g_ptr_array_unref (table->rows);
  g_free (table);
}
