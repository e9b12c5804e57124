/* phonesec-ldap-filter.c: RFC 4515 escaping, filter templates, attribute
 * lists. Pure functions: the user's query only ever reaches the directory
 * through phonesec_ldap_escape_filter_value().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-ldap-filter.h"

#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>
#include <string.h>

#define VALUE_MACRO "$VALUE"
#define MAX_ATTRIBUTE_LEN 64

char *
phonesec_ldap_escape_filter_value (const char *value, gssize len)
{
  GString *out;
  const char *p, *end;

  g_return_val_if_fail (value != NULL || len == 0, NULL);
  if (len < 0)
    len = strlen (value);
  out = g_string_sized_new (len + 8);
  p = value;
  end = value + len;
  while (p < end)
    {
      guchar c = (guchar) *p;
      gunichar ch;

      if (c < 0x80)
        {
          /* RFC 4515 requires \2a \28 \29 \5c \00; control characters are
           * escaped too so nothing unprintable reaches a log or the wire. */
          if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\%02x", c);
          else
            g_string_append_c (out, (char) c);
          p++;
          continue;
        }
      ch = g_utf8_get_char_validated (p, end - p);
      if (ch == (gunichar) -1 || ch == (gunichar) -2)
        {
          /* Not UTF-8: escaped byte by byte, never passed raw. */
          g_string_append_printf (out, "\\%02x", c);
          p++;
          continue;
        }
      {
        const char *next = g_utf8_next_char (p);
        g_string_append_len (out, p, next - p);
        p = next;
      }
    }
  return g_string_free (out, FALSE);
}

gboolean
phonesec_ldap_attribute_name_is_valid (const char *name)
{
  gsize n;

  if (name == NULL || name[0] == '\0')
    return FALSE;
  n = strlen (name);
  if (n > MAX_ATTRIBUTE_LEN)
    return FALSE;
  if (g_ascii_isalpha (name[0]))
    {
      for (gsize i = 1; i < n; i++)
        if (!g_ascii_isalnum (name[i]) && name[i] != '-')
          return FALSE;
      return TRUE;
    }
  /* numericoid: number *( "." number ) */
  for (gsize i = 0; i < n; i++)
    {
      if (g_ascii_isdigit (name[i]))
        continue;
      if (name[i] == '.' && i > 0 && i + 1 < n && name[i - 1] != '.')
        continue;
      return FALSE;
    }
  return TRUE;
}

/* Parentheses balance and never go below zero; backslash escapes in the
 * template itself (`\2a`) are passed through as written. */
static gboolean
parens_balanced (const char *filter)
{
  int depth = 0;

  for (const char *p = filter; *p != '\0'; p++)
    {
      if (*p == '(')
        depth++;
      else if (*p == ')')
        {
          if (--depth < 0)
            return FALSE;
          /* A top-level filter ends with its closing parenthesis. */
          if (depth == 0 && p[1] != '\0')
            return FALSE;
        }
    }
  return depth == 0;
}

char *
phonesec_ldap_filter_template_normalize (const char *template, GError **error)
{
  g_autofree char *stripped = NULL;
  const char *filter;
  const char *colon;

  g_return_val_if_fail (template != NULL, NULL);
  stripped = g_strstrip (g_strdup (template));
  for (const char *p = stripped; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                     _ ("The search filter “%s” contains a control character"), stripped);
        return NULL;
      }
  if (!g_utf8_validate (stripped, -1, NULL))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("The search filter is not valid UTF-8"));
      return NULL;
    }

  filter = stripped;
  /* Cisco's form "sn:(sn=$VALUE*)": the part before the first colon is the
   * attribute the phone UI searches by; only the filter matters here. A
   * colon inside the filter (extensible match "cn:dn:=") comes after "(". */
  colon = strchr (stripped, ':');
  if (stripped[0] != '(' && colon != NULL && colon[1 + strspn (colon + 1, " ")] == '(')
    {
      g_autofree char *attr = g_strndup (stripped, colon - stripped);

      if (!phonesec_ldap_attribute_name_is_valid (g_strstrip (attr)))
        {
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("The search filter “%s” does not start with an attribute name or “(”"),
                       stripped);
          return NULL;
        }
      filter = colon + 1 + strspn (colon + 1, " ");
    }

  if (strstr (filter, VALUE_MACRO) == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The search filter “%s” does not contain $VALUE"), stripped);
      return NULL;
    }

  {
    g_autofree char *wrapped
        = filter[0] == '(' ? g_strdup (filter) : g_strdup_printf ("(%s)", filter);

    if (!parens_balanced (wrapped) || strcmp (wrapped, "()") == 0)
      {
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                     _ ("The search filter “%s” has unbalanced parentheses"), stripped);
        return NULL;
      }
    return g_steal_pointer (&wrapped);
  }
}

static char *
substitute (const char *filter, const char *escaped)
{
  g_autoptr (GString) out = g_string_new (filter);

  g_string_replace (out, VALUE_MACRO, escaped, 0);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
phonesec_ldap_build_filter (const char *last_name_template, const char *first_name_template,
                            const char *query, GError **error)
{
  g_autofree char *escaped = NULL;
  g_autofree char *last = NULL;
  g_autofree char *first = NULL;
  gboolean has_last = last_name_template != NULL && *last_name_template != '\0';
  gboolean has_first = first_name_template != NULL && *first_name_template != '\0';

  g_return_val_if_fail (query != NULL, NULL);
  /* Escape first, substitute second: the substituted text is never parsed
   * again, so the query cannot close a parenthesis of the template. */
  escaped = phonesec_ldap_escape_filter_value (query, -1);

  if (!has_last && !has_first)
    return substitute (PHONESEC_LDAP_DEFAULT_FILTER, escaped);
  if (has_last)
    {
      g_autofree char *norm = phonesec_ldap_filter_template_normalize (last_name_template, error);
      if (norm == NULL)
        return NULL;
      last = substitute (norm, escaped);
    }
  if (has_first)
    {
      g_autofree char *norm = phonesec_ldap_filter_template_normalize (first_name_template, error);
      if (norm == NULL)
        return NULL;
      first = substitute (norm, escaped);
    }
  if (last != NULL && first != NULL)
    return g_strdup_printf ("(|%s%s)", last, first);
  if (last != NULL)
    return g_steal_pointer (&last);
  return g_steal_pointer (&first);
}

void
phonesec_ldap_display_attr_free (PhonesecLdapDisplayAttr *attr)
{
  if (attr == NULL)
    return;
  g_free (attr->attribute);
  g_free (attr->label);
  g_free (attr);
}

static PhonesecLdapDisplayAttr *
find_attr (GPtrArray *attrs, const char *name)
{
  for (guint i = 0; i < attrs->len; i++)
    {
      PhonesecLdapDisplayAttr *a = g_ptr_array_index (attrs, i);
      if (g_ascii_strcasecmp (a->attribute, name) == 0)
        return a;
    }
  return NULL;
}

static gboolean
add_attr (GPtrArray *attrs, const char *name, const char *label, gboolean number, GError **error)
{
  PhonesecLdapDisplayAttr *a;

  if (!phonesec_ldap_attribute_name_is_valid (name))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("“%s” is not an LDAP attribute name"), name);
      return FALSE;
    }
  a = find_attr (attrs, name);
  if (a == NULL)
    {
      a = g_new0 (PhonesecLdapDisplayAttr, 1);
      a->attribute = g_strdup (name);
      g_ptr_array_add (attrs, a);
    }
  if (label != NULL && *label != '\0')
    {
      g_free (a->label);
      a->label = g_strdup (label);
    }
  a->number = a->number || number;
  return TRUE;
}

/* One Cisco entry: "a=telephoneNumber,n=Tel,t=p". */
static gboolean
parse_cisco_entry (GPtrArray *attrs, const char *entry, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (entry, ",", -1);
  const char *attr = NULL, *label = NULL;
  gboolean number = FALSE;

  for (guint i = 0; fields[i] != NULL; i++)
    {
      char *f = g_strstrip (fields[i]);
      char *eq = strchr (f, '=');

      if (*f == '\0')
        continue;
      if (eq == NULL || eq - f != 1)
        {
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("“%s” in LDAP_Display_Attrs is not a=, n= or t="), f);
          return FALSE;
        }
      *eq = '\0';
      switch (g_ascii_tolower (f[0]))
        {
          case 'a':
            attr = g_strstrip (eq + 1);
            break;
          case 'n':
            label = g_strstrip (eq + 1);
            break;
          case 't':
            number = g_ascii_strcasecmp (g_strstrip (eq + 1), "p") == 0;
            break;
          default:
            g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                         _ ("“%s=” in LDAP_Display_Attrs is not a=, n= or t="), f);
            return FALSE;
        }
    }
  if (attr == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("An entry of LDAP_Display_Attrs has no a=attribute"));
      return FALSE;
    }
  return add_attr (attrs, attr, label, number, error);
}

GPtrArray *
phonesec_ldap_parse_display_attrs (const char *text, GError **error)
{
  g_autoptr (GPtrArray) attrs
      = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_ldap_display_attr_free);
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (*copy == '\0')
    {
      static const char *const defaults[] = { "cn", "sn", "givenName" };
      for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
        add_attr (attrs, defaults[i], NULL, FALSE, NULL);
      add_attr (attrs, "telephoneNumber", NULL, TRUE, NULL);
      add_attr (attrs, "mobile", NULL, TRUE, NULL);
      return g_steal_pointer (&attrs);
    }

  if (strchr (copy, '=') != NULL)
    {
      g_auto (GStrv) entries = g_strsplit (copy, ";", -1);
      for (guint i = 0; entries[i] != NULL; i++)
        {
          char *e = g_strstrip (entries[i]);
          if (*e != '\0' && !parse_cisco_entry (attrs, e, error))
            return NULL;
        }
    }
  else
    {
      g_auto (GStrv) names = g_strsplit_set (copy, ",;", -1);
      for (guint i = 0; names[i] != NULL; i++)
        {
          char *n = g_strstrip (names[i]);
          if (*n != '\0' && !add_attr (attrs, n, NULL, FALSE, error))
            return NULL;
        }
    }
  if (attrs->len == 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("LDAP_Display_Attrs names no attribute"));
      return NULL;
    }
  return g_steal_pointer (&attrs);
}

GStrv
phonesec_ldap_parse_number_mapping (const char *text, GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_auto (GStrv) names = NULL;

  if (*copy == '\0')
    {
      g_strv_builder_add_many (builder, "telephoneNumber", "mobile", NULL);
      return g_strv_builder_end (builder);
    }
  names = g_strsplit_set (copy, ",;", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      char *n = g_strstrip (names[i]);
      gboolean dup = FALSE;

      if (*n == '\0')
        continue;
      if (!phonesec_ldap_attribute_name_is_valid (n))
        {
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("LDAP_Number_Mapping: “%s” is not an LDAP attribute name (expected a "
                          "list such as telephoneNumber,mobile)"),
                       n);
          return NULL;
        }
      for (guint j = 0; j < seen->len; j++)
        dup = dup || g_ascii_strcasecmp (g_ptr_array_index (seen, j), n) == 0;
      if (dup)
        continue;
      g_ptr_array_add (seen, g_strdup (n));
      g_strv_builder_add (builder, n);
    }
  if (seen->len == 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("LDAP_Number_Mapping names no attribute"));
      return NULL;
    }
  return g_strv_builder_end (builder);
}
