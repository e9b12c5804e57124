/* phonesecctl-format.h: values as text — cfg.xml string form, JSON, tables.
 *
 * Internal to phonesecctl (not installed). No D-Bus calls here, so this part
 * can be checked on its own.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/**
 * phonesecctl_format_value:
 * @value: a typed value (a `v` is unwrapped)
 *
 * The cfg.xml string form: booleans Yes/No, integers in decimal, string
 * lists joined with ",", strings as they are (no quoting). Other types fall
 * back to GVariant text format.
 *
 * Returns: (transfer full): the text
 */
char *phonesecctl_format_value (GVariant *value);

/* Appends @text as a JSON string literal, quotes included: `"`, `\` and
 * every control character escaped, non-ASCII passed through as UTF-8.
 * Invalid UTF-8 is replaced by U+FFFD so the output always parses. */
void phonesecctl_json_append_string (GString *out, const char *text);

/**
 * phonesecctl_json_append_variant:
 * @indent: current indentation level, or -1 for compact one-line output
 *
 * Appends @value as JSON with its type kept: b → true/false, integers and
 * doubles → numbers (NaN/Inf → null), s/o/g → strings, arrays and tuples →
 * arrays, dictionaries → objects (non-string keys written as strings),
 * maybe → null or the value, `v` → the value inside.
 */
void phonesecctl_json_append_variant (GString *out, GVariant *value, int indent);

/* A whole JSON document for @value, ending with a newline. */
char *phonesecctl_json_from_variant (GVariant *value, gboolean pretty);

/* Text safe for one table cell: control characters shown as \n, \t, \xNN. */
char *phonesecctl_sanitize_cell (const char *text);

/* At most @max_chars characters: longer text is cut and ends with "…". */
char *phonesecctl_ellipsize (const char *text, glong max_chars);

typedef struct _PhonesecctlTable PhonesecctlTable;

/* A plain text table: columns padded to the widest cell (in characters),
 * the last column unpadded. */
PhonesecctlTable *phonesecctl_table_new (guint n_columns, const char *const *headers);
/* Takes a copy of @cells (n_columns strings; NULL prints as empty). */
void phonesecctl_table_add_row (PhonesecctlTable *table, const char *const *cells);
guint phonesecctl_table_get_n_rows (PhonesecctlTable *table);
void phonesecctl_table_print (PhonesecctlTable *table, FILE *stream);
void phonesecctl_table_free (PhonesecctlTable *table);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecctlTable, phonesecctl_table_free)

G_END_DECLS
