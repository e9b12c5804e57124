/* phonesec-profile.c: the phone's cfg.xml (flat profile) reader and writer.
 *
 * The reader is a GMarkup state machine that only counts depth: no DOM, no
 * recursion, so memory and time stay linear in the document whatever its
 * shape. GMarkup expands no DTD entities, so "billion laughs" documents are
 * plain errors.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib.h>
#include <glib/gi18n-lib.h>

#include "phonesec-profile.h"
#include "phonesec/phonesec-error.h"

#define PROFILE_MAX_SIZE (16 * 1024 * 1024)
#define PROFILE_MAX_DEPTH 64
/* A full phone profile has a few thousand parameters. Without a cap, 16 MiB
 * of "<A/>" would become 4 million entries (~500 MB on a phone). */
#define PROFILE_MAX_ENTRIES 200000
/* An import report is read by a person: past this, count instead of list. */
#define PROFILE_MAX_PROBLEMS 100
/* Messages quote at most this many characters of user input. */
#define QUOTE_MAX_CHARS 40
/* Longest GMarkup error detail we pass on. */
#define DETAIL_MAX_CHARS 200

static const char root_name[] = "flat-profile";
static const char device_name[] = "device";

/* ---------------------------------------------------------------- helpers */

static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A short, single-line excerpt of user input (the core's one quoting rule). */
static char *
excerpt (const char *text, gsize len)
{
  return phonesec_quote_for_message (text, (gssize) len);
}

static char *
excerpt0 (const char *text)
{
  return phonesec_quote_for_message (text, -1);
}

/* Matches @msg against a printf template made only of literals and %d (how
 * GMarkup prefixes its messages, in whatever language GLib speaks) and
 * returns what follows the prefix, or NULL when it does not match. */
static const char *
skip_printf_prefix (const char *msg, const char *template)
{
  const char *m = msg;
  const char *t = template;

  while (*t != '\0')
    {
      if (t[0] == '%' && t[1] == 'd')
        {
          if (*m == '-')
            m++;
          if (!g_ascii_isdigit (*m))
            return NULL;
          while (g_ascii_isdigit (*m))
            m++;
          t += 2;
        }
      else if (*t == '%')
        return NULL; /* positional or other conversions: give up */
      else if (*m++ != *t++)
        return NULL;
    }
  return m;
}

/* GMarkup's message without its position prefix (we give our own), with
 * over-long words (element names, text) cut, so a hostile document cannot
 * make a megabyte-long error message. */
static char *
markup_detail (const char *message)
{
  static const char *const prefixes[] = {
    "Error on line %d char %d: ",
    "Error on line %d: ",
  };
  g_autofree char *valid = NULL;
  GString *out = g_string_new (NULL);
  GString *tail = g_string_new (NULL); /* punctuation ending a cut word: “…” */
  guint word_chars = 0;
  guint total = 0;
  gboolean cutting = FALSE;

  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      const char *rest = skip_printf_prefix (message, g_dgettext ("glib20", prefixes[i]));

      if (rest == NULL)
        rest = skip_printf_prefix (message, prefixes[i]);
      if (rest != NULL)
        {
          message = rest;
          break;
        }
    }

  /* GMarkup may quote invalid UTF-8 as is. */
  valid = g_utf8_make_valid (message, -1);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          if (cutting)
            g_string_append (out, tail->str);
          cutting = FALSE;
          word_chars = 0;
        }
      else if (cutting)
        {
          if (g_unichar_ispunct (c) && tail->len < 12)
            g_string_append_unichar (tail, c);
          else
            g_string_truncate (tail, 0);
          continue;
        }
      else if (++word_chars > QUOTE_MAX_CHARS)
        {
          g_string_append (out, "…");
          g_string_truncate (tail, 0);
          if (g_unichar_ispunct (c))
            g_string_append_unichar (tail, c);
          cutting = TRUE;
          continue;
        }

      if (++total > DETAIL_MAX_CHARS)
        {
          g_string_append (out, "…");
          cutting = FALSE;
          break;
        }
      g_string_append_unichar (out, c < 0x20 ? ' ' : c);
    }
  if (cutting)
    g_string_append (out, tail->str);

  g_string_free (tail, TRUE);
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- profile */

static void
entry_free (gpointer data)
{
  PhonesecProfileEntry *entry = data;

  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->value);
  g_free (entry->ua);
  g_free (entry);
}

void
phonesec_profile_free (PhonesecProfile *profile)
{
  if (profile == NULL)
    return;
  g_clear_pointer (&profile->entries, g_ptr_array_unref);
  g_clear_pointer (&profile->problems, g_ptr_array_unref);
  g_free (profile);
}

typedef struct
{
  PhonesecProfile *profile;
  const char *doc; /* what GMarkup reads, for positions in messages */
  gsize doc_len;
  guint depth;      /* open elements; the root is 1 */
  guint fp_depth;   /* depth of the open <flat-profile>, 0 when none is open */
  guint skip_depth; /* depth of an element whose content is ignored, or 0 */
  gboolean root_seen;
  gboolean root_closed;
  gboolean device_root;
  gboolean fp_seen;
  guint root_line;
  PhonesecProfileEntry *current; /* the parameter being read */
  GString *text;                 /* its text so far (GMarkup calls text() per chunk) */
  guint n_omitted;               /* problems beyond PROFILE_MAX_PROBLEMS */
} ParseState;

/* GMarkup counts a newline when it arrives on it, so the newline ending line
 * L reports as (L + 1, 1); after line 1 its columns are bytes + 2; and a
 * newline as the very first byte is never counted. Maps that to a true
 * line and, when @column is wanted, a column in characters (1-based). */
static void
get_position (const ParseState *st, GMarkupParseContext *context, guint *line, guint *column)
{
  int gm_line = 1;
  int gm_char = 1;
  guint l;
  gsize byte;
  const char *start;
  const char *end;
  const char *stop;
  guint n = 1;

  g_markup_parse_context_get_position (context, &gm_line, &gm_char);
  l = (guint) MAX (gm_line, 1) + (st->doc_len > 0 && st->doc[0] == '\n' ? 1 : 0);
  if (l > 1 && gm_char <= 1)
    {
      l--;
      byte = G_MAXSIZE; /* on the newline ending line l */
    }
  else
    byte = (gsize) MAX (gm_char - (l > 1 ? 2 : 1), 0);
  *line = l;
  if (column == NULL)
    return;

  /* Error path only: a linear scan is fine. */
  start = st->doc;
  end = st->doc + st->doc_len;
  for (guint i = 1; i < l && start < end; i++)
    {
      const char *nl = memchr (start, '\n', end - start);

      start = nl != NULL ? nl + 1 : end;
    }
  stop = memchr (start, '\n', end - start);
  if (stop == NULL)
    stop = end;
  if (byte < (gsize) (stop - start))
    stop = start + byte;
  for (const char *p = start; p < stop; p++)
    if (((guchar) *p & 0xC0) != 0x80)
      n++;
  *column = n;
}

static guint
current_line (const ParseState *st, GMarkupParseContext *context)
{
  guint line;

  get_position (st, context, &line, NULL);
  return line;
}

/* FALSE (and counted) when the report is full, so callers skip formatting. */
static gboolean
problem_slot (ParseState *st)
{
  if (st->profile->problems->len < PROFILE_MAX_PROBLEMS)
    return TRUE;
  st->n_omitted++;
  return FALSE;
}

static void add_problem (ParseState *st, guint line, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (ParseState *st, guint line, const char *format, ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (st->profile->problems, g_strdup_printf (_ ("line %u: %s"), line, detail));
}

static void set_fatal (const ParseState *st, GMarkupParseContext *context, GError **error,
                       const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
set_fatal (const ParseState *st, GMarkupParseContext *context, GError **error, const char *format,
           ...)
{
  g_autofree char *detail = NULL;
  guint line;
  guint column;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  get_position (st, context, &line, &column);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("line %u, column %u: %s"),
               line, column, detail);
}

/* The root element: <flat-profile>, or <device> around it. */
static void
start_root (ParseState *st, GMarkupParseContext *context, const char *element_name, GError **error)
{
  g_autofree char *name = excerpt0 (element_name);

  /* GMarkup itself accepts a sequence of root elements. */
  if (st->root_closed)
    {
      set_fatal (st, context, error,
                 _ ("a second root element <%s>; a profile has one <flat-profile>"), name);
      return;
    }
  st->root_seen = TRUE;
  st->root_line = current_line (st, context);
  if (g_str_equal (element_name, root_name))
    {
      st->fp_depth = 1;
      st->fp_seen = TRUE;
    }
  else if (g_str_equal (element_name, device_name))
    st->device_root = TRUE;
  else
    set_fatal (st, context, error,
               _ ("the root element is <%s>; a profile starts with <flat-profile> (or "
                  "<device> around it)"),
               name);
}

/* A child of <device>: only <flat-profile> is read. */
static void
start_device_child (ParseState *st, GMarkupParseContext *context, const char *element_name)
{
  g_assert (st->device_root && st->depth == 2);
  if (g_str_equal (element_name, root_name))
    {
      st->fp_depth = st->depth;
      st->fp_seen = TRUE;
      return;
    }
  if (problem_slot (st))
    {
      g_autofree char *name = excerpt0 (element_name);

      add_problem (st, current_line (st, context),
                   _ ("<device> contains <%s>, not <flat-profile>; it is ignored"), name);
    }
  st->skip_depth = st->depth;
}

/* A parameter: an element directly inside <flat-profile>. */
static void
start_parameter (ParseState *st, GMarkupParseContext *context, const char *element_name,
                 const char **attribute_names, const char **attribute_values, GError **error)
{
  const char *ua = NULL;
  PhonesecProfileEntry *entry;

  if (st->profile->entries->len >= PROFILE_MAX_ENTRIES)
    {
      set_fatal (st, context, error, _ ("more than %d parameters; the profile is refused"),
                 PROFILE_MAX_ENTRIES);
      return;
    }

  for (gsize i = 0; attribute_names[i] != NULL; i++)
    {
      if (!g_str_equal (attribute_names[i], "ua"))
        continue;
      /* Not well-formed XML, and we could not tell which one was meant. */
      if (ua != NULL)
        {
          g_autofree char *name = excerpt0 (element_name);

          set_fatal (st, context, error, _ ("<%s> has the attribute ua twice"), name);
          return;
        }
      ua = attribute_values[i];
    }

  entry = g_new0 (PhonesecProfileEntry, 1);
  entry->name = g_strdup (element_name);
  entry->ua = g_strdup (ua);
  entry->line = current_line (st, context);
  st->current = entry;
  g_string_truncate (st->text, 0);
}

/* An element inside a parameter: drop the parameter, keep going. */
static void
start_inside_parameter (ParseState *st, GMarkupParseContext *context, const char *element_name)
{
  g_assert (st->depth == st->fp_depth + 2 && st->current != NULL);
  if (problem_slot (st))
    {
      g_autofree char *parent = excerpt0 (st->current->name);
      g_autofree char *child = excerpt0 (element_name);

      add_problem (st, current_line (st, context),
                   _ ("<%s> contains the element <%s>; a parameter holds text only, so it is "
                      "ignored"),
                   parent, child);
    }
  g_clear_pointer (&st->current, entry_free);
  st->skip_depth = st->depth - 1;
}

static void
on_start_element (GMarkupParseContext *context, const char *element_name,
                  const char **attribute_names, const char **attribute_values, gpointer user_data,
                  GError **error)
{
  ParseState *st = user_data;

  /* Nothing legitimate is this deep; stopping here also bounds GMarkup's
   * own element stack. */
  if (st->depth >= PROFILE_MAX_DEPTH)
    {
      set_fatal (st, context, error, _ ("elements are nested more than %d levels deep"),
                 PROFILE_MAX_DEPTH);
      return;
    }
  st->depth++;

  if (st->skip_depth != 0)
    return;
  if (st->depth == 1)
    start_root (st, context, element_name, error);
  else if (st->fp_depth == 0)
    start_device_child (st, context, element_name);
  else if (st->depth == st->fp_depth + 1)
    start_parameter (st, context, element_name, attribute_names, attribute_values, error);
  else
    start_inside_parameter (st, context, element_name);
}

static char *
strip_xml_space (const char *text, gsize len)
{
  gsize start = 0;

  while (start < len && is_xml_space (text[start]))
    start++;
  while (len > start && is_xml_space (text[len - 1]))
    len--;
  return g_strndup (text + start, len - start);
}

static void
on_end_element (G_GNUC_UNUSED GMarkupParseContext *context, G_GNUC_UNUSED const char *element_name,
                gpointer user_data, G_GNUC_UNUSED GError **error)
{
  ParseState *st = user_data;

  if (st->skip_depth != 0)
    {
      if (st->depth == st->skip_depth)
        st->skip_depth = 0;
      st->depth--;
      return;
    }

  if (st->current != NULL)
    {
      st->current->value = strip_xml_space (st->text->str, st->text->len);
      g_ptr_array_add (st->profile->entries, g_steal_pointer (&st->current));
    }
  else if (st->depth == st->fp_depth)
    st->fp_depth = 0;

  if (st->depth == 1)
    st->root_closed = TRUE;
  st->depth--;
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize text_len, gpointer user_data,
         GError **error)
{
  ParseState *st = user_data;
  gsize first = 0;
  guint line;

  if (st->skip_depth != 0)
    return;
  if (st->current != NULL)
    {
      g_string_append_len (st->text, text, text_len);
      return;
    }

  while (first < text_len && is_xml_space (text[first]))
    first++;
  if (first == text_len)
    return;

  /* Only CDATA gets here outside the root: GMarkup rejects plain text. */
  if (st->depth == 0)
    {
      set_fatal (st, context, error, _ ("text outside the root element"));
      return;
    }

  if (!problem_slot (st))
    return;

  /* The position is at the end of the text; count back to where it starts. */
  line = current_line (st, context);
  for (gsize i = first; i < text_len; i++)
    if (text[i] == '\n' && line > 1)
      line--;

  while (text_len > first && is_xml_space (text[text_len - 1]))
    text_len--;
  {
    g_autofree char *quoted = excerpt (text + first, text_len - first);
    g_autofree char *parent = excerpt0 (g_markup_parse_context_get_element (context));

    add_problem (st, line, _ ("text “%s” directly inside <%s> is ignored; parameters are elements"),
                 quoted, parent);
  }
}

static const GMarkupParser profile_parser = {
  .start_element = on_start_element,
  .end_element = on_end_element,
  .text = on_text,
};

/* Turns a GMarkup error into ours: "line L, column C: what". */
static void
set_markup_error (GMarkupParseContext *context, const ParseState *st, const GError *markup_error,
                  GError **error)
{
  g_autofree char *detail = NULL;
  guint line;
  guint column;

  get_position (st, context, &line, &column);

  if (markup_error->code == G_MARKUP_ERROR_BAD_UTF8)
    detail = g_strdup (_ ("the text is not valid UTF-8"));
  else if (markup_error->code == G_MARKUP_ERROR_EMPTY)
    detail = g_strdup (_ ("the document is empty"));
  else
    {
      const char *outside
          = g_dgettext ("glib20", "Document must begin with an element (e.g. <book>)");

      detail = markup_detail (markup_error->message);
      /* GMarkup's wording is misleading after the root element. */
      if (st->depth == 0
          && (g_str_has_suffix (markup_error->message, outside)
              || g_str_has_suffix (markup_error->message,
                                   "Document must begin with an element (e.g. <book>)")))
        {
          g_free (detail);
          detail = g_strdup (st->root_closed
                                 ? _ ("text after the root element")
                                 : _ ("text before the root element; a profile starts with "
                                      "<flat-profile>"));
        }
    }

  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("line %u, column %u: %s"),
               line, column, detail);
}

/* Refuses what GMarkup would mishandle (size, NUL bytes, bad UTF-8) and
 * skips a byte order mark. */
static gboolean
check_document (const char **text, gsize *len, GError **error)
{
  const char *nul;
  const char *bad = NULL;

  if (*len > PROFILE_MAX_SIZE)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("the profile is larger than 16 MiB; it is refused"));
      return FALSE;
    }

  /* GMarkup in GLib 2.74 rejects a byte order mark. */
  if (*len >= 3 && memcmp (*text, "\xEF\xBB\xBF", 3) == 0)
    {
      *text += 3;
      *len -= 3;
    }

  /* GMarkup would silently cut text at a NUL byte. */
  nul = memchr (*text, '\0', *len);
  if (nul != NULL)
    {
      guint line = 1;

      for (const char *p = *text; p < nul; p++)
        if (*p == '\n')
          line++;
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("line %u: the document contains a NUL byte"), line);
      return FALSE;
    }

  /* Checked here because GMarkup (2.74) mishandles invalid UTF-8 in CDATA:
   * it records the error, then goes on parsing and may even succeed. */
  if (!g_utf8_validate_len (*text, *len, &bad))
    {
      guint line = 1;
      guint column = 1;

      for (const char *p = *text; p < bad; p++)
        {
          if (*p == '\n')
            {
              line++;
              column = 1;
            }
          else if (((guchar) *p & 0xC0) != 0x80)
            column++;
        }
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("line %u, column %u: %s"), line, column, _ ("the text is not valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}

/* What can only be told at the end: no root, an empty <device>, and how
 * many problems the report left out. */
static gboolean
finish_document (ParseState *st, GMarkupParseContext *context, GError **error)
{
  if (!st->root_seen)
    {
      set_fatal (st, context, error,
                 _ ("the document has no root element; a profile starts with "
                    "<flat-profile>"));
      return FALSE;
    }

  if (st->device_root && !st->fp_seen)
    {
      if (problem_slot (st))
        add_problem (st, st->root_line,
                     _ ("<device> contains no <flat-profile>; nothing to apply"));
    }

  if (st->n_omitted > 0)
    g_ptr_array_add (st->profile->problems,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u more problem not listed",
                                                   "%u more problems not listed", st->n_omitted),
                                      st->n_omitted));
  return TRUE;
}

PhonesecProfile *
phonesec_profile_parse (const char *text, gssize length, GError **error)
{
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GString) text_buffer = NULL;
  ParseState st = { 0 };
  gsize len;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length <= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (text == NULL)
    text = "";
  /* strnlen: a NUL-terminated document still must not be scanned forever. */
  len = length < 0 ? strnlen (text, PROFILE_MAX_SIZE + 1) : (gsize) length;
  if (!check_document (&text, &len, error))
    return NULL;

  profile = g_new0 (PhonesecProfile, 1);
  profile->entries = g_ptr_array_new_with_free_func (entry_free);
  profile->problems = g_ptr_array_new_with_free_func (g_free);
  text_buffer = g_string_new (NULL);

  st.profile = profile;
  st.doc = text;
  st.doc_len = len;
  st.text = text_buffer;
  context = g_markup_parse_context_new (&profile_parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &st, NULL);

  ok = g_markup_parse_context_parse (context, text, len, &local_error)
       && g_markup_parse_context_end_parse (context, &local_error);
  if (!ok)
    {
      /* A parse error can leave a parameter half read. */
      g_clear_pointer (&st.current, entry_free);
      if (local_error->domain == G_MARKUP_ERROR)
        set_markup_error (context, &st, local_error, error);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_assert (st.current == NULL);

  if (!finish_document (&st, context, error))
    return NULL;
  return g_steal_pointer (&profile);
}

/* ----------------------------------------------------------------- writer */

struct _PhonesecProfileWriter
{
  GString *out;
};

PhonesecProfileWriter *
phonesec_profile_writer_new (void)
{
  PhonesecProfileWriter *writer = g_new0 (PhonesecProfileWriter, 1);

  writer->out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n");
  return writer;
}

/* The names GMarkup accepts (its name_validate), so what we write reads back. */
static gboolean
is_valid_name (const char *name)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return FALSE;

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gboolean ok;

      if (c >= 0x80)
        ok = g_unichar_isalpha (c);
      else if (p == name)
        ok = g_ascii_isalpha (c) || c == '_' || c == ':';
      else
        ok = g_ascii_isalnum (c) || c == '_' || c == ':' || c == '.' || c == '-';
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
append_markup (GString *out, const char *text, gssize len)
{
  g_autofree char *escaped = NULL;

  if (len == 0)
    return;
  escaped = g_markup_escape_text (text, len);
  g_string_append (out, escaped);
}

/* g_markup_escape_text() keeps CR, and TAB/LF in attributes, as they are;
 * XML parsers turn those into LF or spaces, so write them as references. */
static void
append_escaped (GString *out, const char *text, gboolean attribute)
{
  const char *chunk = text;
  const char *p;

  for (p = text; *p != '\0'; p++)
    {
      const char *ref = NULL;

      if (*p == '\r')
        ref = "&#13;";
      else if (attribute && *p == '\n')
        ref = "&#10;";
      else if (attribute && *p == '\t')
        ref = "&#9;";
      if (ref == NULL)
        continue;
      append_markup (out, chunk, p - chunk);
      g_string_append (out, ref);
      chunk = p + 1;
    }
  append_markup (out, chunk, p - chunk);
}

void
phonesec_profile_writer_add (PhonesecProfileWriter *writer, const char *name, const char *value,
                             const char *ua)
{
  g_return_if_fail (writer != NULL);
  g_return_if_fail (is_valid_name (name));
  g_return_if_fail (value == NULL || g_utf8_validate (value, -1, NULL));
  g_return_if_fail (ua == NULL || g_utf8_validate (ua, -1, NULL));

  g_string_append_printf (writer->out, "  <%s", name);
  if (ua != NULL)
    {
      g_string_append (writer->out, " ua=\"");
      append_escaped (writer->out, ua, TRUE);
      g_string_append_c (writer->out, '"');
    }
  if (value == NULL || *value == '\0')
    {
      g_string_append (writer->out, "/>\n");
      return;
    }
  g_string_append_c (writer->out, '>');
  append_escaped (writer->out, value, FALSE);
  g_string_append_printf (writer->out, "</%s>\n", name);
}

void
phonesec_profile_writer_add_comment (PhonesecProfileWriter *writer, const char *text)
{
  g_autofree char *valid = NULL;
  char prev = ' ';

  g_return_if_fail (writer != NULL);
  g_return_if_fail (text != NULL);

  valid = g_utf8_make_valid (text, -1);
  /* "--" may not appear inside a comment; the spaces around the text keep a
   * trailing "-" from touching "-->". */
  g_string_append (writer->out, "  <!-- ");
  for (const char *p = valid; *p != '\0'; p++)
    {
      char c = *p;

      if ((guchar) c < 0x20 && c != '\n' && c != '\t')
        c = ' ';
      if (c == '-' && prev == '-')
        g_string_append_c (writer->out, ' ');
      g_string_append_c (writer->out, c);
      prev = c;
    }
  g_string_append (writer->out, " -->\n");
}

char *
phonesec_profile_writer_finish (PhonesecProfileWriter *writer)
{
  GString *out;

  g_return_val_if_fail (writer != NULL, NULL);

  out = writer->out;
  g_free (writer);
  g_string_append (out, "</flat-profile>\n");
  return g_string_free (out, FALSE);
}
