/* phonesec-macro.c: the provisioning macro expander ($MA, $(SN:2:4), $$...).
 *
 * One left-to-right pass over the template: literal runs are copied in bulk
 * up to the next '$', and every '$' construct is parsed by looking ahead at
 * most over the characters it consumes, so the cost is linear in the template
 * plus the output. Expanded values are appended and never rescanned (no
 * recursion by construction).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec/phonesec-macro.h"

static inline gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static inline gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Returns the end of the name starting at @p, or @p when there is none. */
static const char *
scan_name (const char *p)
{
  if (!is_name_start (*p))
    return p;
  while (is_name_char (*p))
    p++;
  return p;
}

/* Parses a non-negative decimal at @p into @out. Saturates instead of
 * overflowing: a huge offset or length means "past the end" either way. */
static const char *
scan_number (const char *p, gsize *out)
{
  const gsize limit = G_MAXSIZE / 10 - 1;
  gsize n = 0;

  while (g_ascii_isdigit (*p))
    {
      if (n < limit)
        n = n * 10 + (gsize) (*p - '0');
      p++;
    }
  *out = n;
  return p;
}

/* Skips @n UTF-8 characters of [@s, @end). Counts lead bytes only, so it
 * cannot step past @end even on invalid UTF-8. */
static const char *
utf8_skip (const char *s, const char *end, gsize n)
{
  while (n > 0 && s < end)
    {
      s++;
      while (s < end && ((guchar) *s & 0xC0) == 0x80)
        s++;
      n--;
    }
  return s;
}

/* Looks up the name [@start, @end) in @vars; @key is a scratch buffer reused
 * across lookups so that expanding a large template does not allocate per
 * macro. */
static gboolean
lookup (GHashTable *vars, GString *key, const char *start, const char *end, const char **value)
{
  gpointer found;

  if (vars == NULL)
    return FALSE;

  g_string_truncate (key, 0);
  g_string_append_len (key, start, end - start);
  if (!g_hash_table_lookup_extended (vars, key->str, NULL, &found))
    return FALSE;

  *value = found != NULL ? found : "";
  return TRUE;
}

/* Parses "(NAME[:p[:q]])" at @p (just after the '$'). On success appends the
 * expansion and returns the position after ')'; on any malformation returns
 * NULL and the caller leaves the text as written. */
static const char *
expand_paren (const char *p, GHashTable *vars, GString *key, GString *out)
{
  const char *name, *name_end, *value, *value_end, *from, *to;
  gsize offset = 0, length = G_MAXSIZE;

  g_assert (*p == '(');
  name = p + 1;
  name_end = scan_name (name);
  if (name_end == name)
    return NULL;
  p = name_end;

  if (*p == ':')
    {
      const char *digits = p + 1;

      p = scan_number (digits, &offset);
      if (p == digits)
        return NULL;
      if (*p == ':')
        {
          digits = p + 1;
          p = scan_number (digits, &length);
          if (p == digits)
            return NULL;
        }
    }
  if (*p != ')')
    return NULL;

  if (!lookup (vars, key, name, name_end, &value))
    return NULL;

  value_end = value + strlen (value);
  from = utf8_skip (value, value_end, offset);
  to = length == G_MAXSIZE ? value_end : utf8_skip (from, value_end, length);
  g_string_append_len (out, from, to - from);

  return p + 1;
}

char *
phonesec_macro_expand (const char *template, GHashTable *vars)
{
  g_autoptr (GString) key = NULL;
  GString *out;
  const char *p = template;

  g_return_val_if_fail (template != NULL, NULL);

  out = g_string_sized_new (strlen (template) + 1);
  key = g_string_sized_new (32);

  for (;;)
    {
      const char *dollar = strchr (p, '$');
      const char *next;

      if (dollar == NULL)
        {
          g_string_append (out, p);
          break;
        }
      g_string_append_len (out, p, dollar - p);
      p = dollar + 1;

      if (*p == '$')
        {
          g_string_append_c (out, '$');
          p++;
        }
      else if (*p == '(')
        {
          next = expand_paren (p, vars, key, out);
          if (next != NULL)
            {
              p = next;
            }
          else
            {
              /* Left as written: the '$' stays, scanning resumes at '(' so
               * that a well-formed macro inside the text still expands. */
              g_string_append_c (out, '$');
            }
        }
      else
        {
          const char *name_end = scan_name (p);
          const char *value;

          if (name_end != p && lookup (vars, key, p, name_end, &value))
            {
              g_string_append (out, value);
            }
          else
            {
              /* Unknown (or no) name: names match whole, so "$MAX" stays
               * even though MA is known; the run holds no '$' to rescan. */
              g_string_append_c (out, '$');
              g_string_append_len (out, p, name_end - p);
            }
          p = name_end;
        }
    }

  return g_string_free (out, FALSE);
}

static void
insert (GHashTable *vars, const char *name, const char *value)
{
  g_hash_table_insert (vars, g_strdup (name), g_strdup (value != NULL ? value : ""));
}

GHashTable *
phonesec_macro_vars_new (PhonesecDevice *device, const char *ip)
{
  GHashTable *vars;

  g_return_val_if_fail (device == NULL || PHONESEC_IS_DEVICE (device), NULL);

  vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (device != NULL)
    {
      insert (vars, "MA", phonesec_device_get_mac (device));
      insert (vars, "MAU", phonesec_device_get_mac_upper (device));
      insert (vars, "MAC", phonesec_device_get_mac_colon (device));
      insert (vars, "SN", phonesec_device_get_serial (device));
      insert (vars, "PN", phonesec_device_get_product_name (device));
      insert (vars, "PSN", phonesec_device_get_product_series (device));
      insert (vars, "CCERT",
              phonesec_device_get_client_certificate (device) ? "Installed" : "Not Installed");
      insert (vars, "SWVER", phonesec_device_get_software_version (device));
      insert (vars, "HWVER", phonesec_device_get_hardware_version (device));
    }
  else
    {
      /* Unknown identity: the names still expand (to ""), so a rule never
       * carries a literal "$MA" to a server. */
      static const char *const device_names[] = {
        "MA", "MAU", "MAC", "SN", "PN", "PSN", "CCERT", "SWVER", "HWVER",
      };

      for (gsize i = 0; i < G_N_ELEMENTS (device_names); i++)
        insert (vars, device_names[i], "");
    }

  insert (vars, "IP", ip);
  /* No NAT discovery (STUN) is known here: the external address is the
   * phone's own until a caller that knows better overrides EXTIP. */
  insert (vars, "EXTIP", ip);

  return vars;
}
