/* phonesec-sip-auth-header.c: auth-param lists, parsed and written.
 *
 * A hand-written scanner rather than a regular expression: one value may
 * hold several challenges ("Digest realm=..., nonce=..., Digest ..."), and
 * only the grammar tells a parameter's name from the next scheme (a token
 * not followed by '='). Control characters are refused everywhere: what is
 * parsed here is echoed into headers the phone sends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-sip-auth-header.h"

typedef struct
{
  const char *text;
  gsize len;
  gsize pos;
} Scanner;

void
phonesec_sip_auth_params_free (PhonesecSipAuthParams *params)
{
  if (params == NULL)
    return;
  g_free (params->scheme);
  g_free (params->token68);
  g_ptr_array_unref (params->names);
  g_ptr_array_unref (params->values);
  g_free (params);
}

static PhonesecSipAuthParams *
params_new (char *scheme)
{
  PhonesecSipAuthParams *params = g_new0 (PhonesecSipAuthParams, 1);

  params->scheme = scheme;
  params->names = g_ptr_array_new_with_free_func (g_free);
  params->values = g_ptr_array_new_with_free_func (g_free);
  return params;
}

const char *
phonesec_sip_auth_params_lookup (const PhonesecSipAuthParams *params, const char *name)
{
  for (guint i = 0; i < params->names->len; i++)
    if (g_str_equal (params->names->pdata[i], name))
      return params->values->pdata[i];
  return NULL;
}

/* --- scanning ------------------------------------------------------------- */

static gboolean
at_end (const Scanner *s)
{
  return s->pos >= s->len;
}

static char
peek (const Scanner *s)
{
  return at_end (s) ? '\0' : s->text[s->pos];
}

/* tchar of RFC 7230 §3.2.6. */
static gboolean
is_tchar (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

static gboolean
is_token68_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("-._~+/", c) != NULL);
}

/* CTL of RFC 5234, HTAB aside. */
static gboolean
is_control (char c)
{
  return ((guchar) c < 0x20 && c != '\t') || c == 0x7f;
}

static void
skip_ows (Scanner *s)
{
  while (!at_end (s) && (peek (s) == ' ' || peek (s) == '\t'))
    s->pos++;
}

static gboolean fail (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, format, args);
  va_end (args);
  return FALSE;
}

/* What is at the scanner, for a message. */
static char *
describe_here (const Scanner *s)
{
  g_autofree char *quoted = NULL;

  if (at_end (s))
    return g_strdup (_ ("the end of the value"));
  quoted = phonesec_quote_for_message (s->text + s->pos, MIN (s->len - s->pos, 8));
  return g_strdup_printf (_ ("'%s' at byte %zu"), quoted, s->pos + 1);
}

static char *
read_token (Scanner *s, gsize max)
{
  gsize start = s->pos;

  while (!at_end (s) && is_tchar (peek (s)) && s->pos - start <= max)
    s->pos++;
  return s->pos > start ? g_strndup (s->text + start, s->pos - start) : NULL;
}

/* A quoted-string (RFC 7230 §3.2.6), the scanner on its opening quote. */
static char *
read_quoted (Scanner *s, const char *name, GError **error)
{
  g_autoptr (GString) value = g_string_new (NULL);

  s->pos++;
  while (!at_end (s) && peek (s) != '"')
    {
      char c = peek (s);

      if (c == '\\')
        {
          s->pos++;
          if (at_end (s))
            break;
          c = peek (s);
        }
      if (is_control (c))
        {
          fail (error, _ ("Parameter %s holds a control character (byte %zu)"), name, s->pos + 1);
          return NULL;
        }
      if (value->len >= PHONESEC_SIP_AUTH_MAX_VALUE)
        {
          fail (error, _ ("Parameter %s is longer than %d bytes"), name,
                PHONESEC_SIP_AUTH_MAX_VALUE);
          return NULL;
        }
      g_string_append_c (value, c);
      s->pos++;
    }
  if (at_end (s))
    {
      fail (error, _ ("Parameter %s has an unterminated quoted string"), name);
      return NULL;
    }
  s->pos++;
  return g_string_free (g_steal_pointer (&value), FALSE);
}

static char *
read_value (Scanner *s, const char *name, GError **error)
{
  char *value;

  if (peek (s) == '"')
    return read_quoted (s, name, error);
  value = read_token (s, PHONESEC_SIP_AUTH_MAX_VALUE);
  if (value == NULL)
    {
      g_autofree char *here = describe_here (s);

      fail (error, _ ("Parameter %s has no value (found %s)"), name, here);
      return NULL;
    }
  if (strlen (value) > PHONESEC_SIP_AUTH_MAX_VALUE)
    {
      g_free (value);
      fail (error, _ ("Parameter %s is longer than %d bytes"), name, PHONESEC_SIP_AUTH_MAX_VALUE);
      return NULL;
    }
  return value;
}

/* token68 (RFC 7235 §2.1): only for schemes other than Digest, which
 * always has parameters. TRUE when one was read. */
static gboolean
read_token68 (Scanner *s, PhonesecSipAuthParams *params)
{
  gsize start = s->pos, end;
  Scanner after;

  while (!at_end (s) && is_token68_char (peek (s)))
    s->pos++;
  if (s->pos == start)
    return FALSE;
  while (!at_end (s) && peek (s) == '=')
    s->pos++;
  end = s->pos;
  after = *s;
  skip_ows (&after);
  if ((at_end (&after) || peek (&after) == ',') && end - start <= PHONESEC_SIP_AUTH_MAX_VALUE)
    {
      params->token68 = g_strndup (s->text + start, end - start);
      *s = after;
      return TRUE;
    }
  s->pos = start;
  return FALSE;
}

typedef enum
{
  PARAMS_END,         /* the value ends */
  PARAMS_NEXT_SCHEME, /* a new challenge starts at the scanner */
  PARAMS_ERROR,
} ParamsResult;

typedef enum
{
  PARAM_ADDED,
  PARAM_NONE, /* a token without '=': the next challenge's scheme */
  PARAM_ERROR,
} ParamResult;

static ParamResult
read_one_param (Scanner *s, PhonesecSipAuthParams *params, GError **error)
{
  gsize start = s->pos;
  g_autofree char *name = read_token (s, PHONESEC_SIP_AUTH_MAX_NAME);
  g_autofree char *quoted_name = NULL;
  char *value;

  if (name == NULL)
    {
      g_autofree char *here = describe_here (s);

      fail (error, _ ("Expected a parameter name, found %s"), here);
      return PARAM_ERROR;
    }
  quoted_name = phonesec_quote_for_message (name, -1);
  if (strlen (name) > PHONESEC_SIP_AUTH_MAX_NAME)
    {
      fail (error, _ ("Parameter name %s is longer than %d bytes"), quoted_name,
            PHONESEC_SIP_AUTH_MAX_NAME);
      return PARAM_ERROR;
    }
  skip_ows (s);
  if (peek (s) != '=')
    {
      s->pos = start;
      return PARAM_NONE;
    }
  s->pos++;
  skip_ows (s);
  for (char *p = name; *p != '\0'; p++)
    *p = g_ascii_tolower (*p);
  if (phonesec_sip_auth_params_lookup (params, name) != NULL)
    {
      fail (error, _ ("Parameter %s is given twice"), quoted_name);
      return PARAM_ERROR;
    }
  if (params->names->len >= PHONESEC_SIP_AUTH_MAX_PARAMS)
    {
      fail (error, _ ("More than %d parameters"), PHONESEC_SIP_AUTH_MAX_PARAMS);
      return PARAM_ERROR;
    }
  value = read_value (s, quoted_name, error);
  if (value == NULL)
    return PARAM_ERROR;
  g_ptr_array_add (params->names, g_steal_pointer (&name));
  g_ptr_array_add (params->values, value);
  return PARAM_ADDED;
}

/* The parameters after a scheme, up to the end or the next scheme. */
static ParamsResult
read_params (Scanner *s, PhonesecSipAuthParams *params, GError **error)
{
  for (;;)
    {
      skip_ows (s);
      if (at_end (s))
        return PARAMS_END;
      if (peek (s) == ',')
        {
          s->pos++; /* empty list elements are allowed */
          continue;
        }
      switch (read_one_param (s, params, error))
        {
          case PARAM_ERROR:
            return PARAMS_ERROR;
          case PARAM_NONE:
            return PARAMS_NEXT_SCHEME;
          case PARAM_ADDED:
          default:
            break;
        }
      skip_ows (s);
      if (at_end (s))
        return PARAMS_END;
      if (peek (s) != ',')
        {
          g_autofree char *here = describe_here (s);
          g_autofree char *name
              = phonesec_quote_for_message (params->names->pdata[params->names->len - 1], -1);

          fail (error, _ ("Expected ',' after parameter %s, found %s"), name, here);
          return PARAMS_ERROR;
        }
    }
}

static PhonesecSipAuthParams *
read_scheme (Scanner *s, GError **error)
{
  g_autofree char *scheme = read_token (s, PHONESEC_SIP_AUTH_MAX_NAME);
  PhonesecSipAuthParams *params;

  if (scheme == NULL || strlen (scheme) > PHONESEC_SIP_AUTH_MAX_NAME)
    {
      g_autofree char *here = describe_here (s);

      fail (error, _ ("Expected an authentication scheme (Digest), found %s"), here);
      return NULL;
    }
  if (!at_end (s) && peek (s) != ' ' && peek (s) != '\t' && peek (s) != ',')
    {
      g_autofree char *here = describe_here (s);

      fail (error, _ ("Expected a space after the scheme, found %s"), here);
      return NULL;
    }
  params = params_new (g_steal_pointer (&scheme));
  skip_ows (s);
  if (g_ascii_strcasecmp (params->scheme, "Digest") != 0)
    read_token68 (s, params);
  return params;
}

static GPtrArray *
parse (const char *text, gsize len, guint max, GError **error)
{
  Scanner s = { text, len, 0 };
  g_autoptr (GPtrArray) list
      = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_sip_auth_params_free);

  if (len > PHONESEC_SIP_AUTH_MAX_HEADER)
    {
      fail (error, _ ("The value is %zu bytes long; at most %d"), len,
            PHONESEC_SIP_AUTH_MAX_HEADER);
      return NULL;
    }
  for (;;)
    {
      PhonesecSipAuthParams *params;
      ParamsResult result;

      while (!at_end (&s) && (peek (&s) == ' ' || peek (&s) == '\t' || peek (&s) == ','))
        s.pos++;
      if (at_end (&s))
        break;
      if (list->len >= max)
        {
          fail (error,
                max == 1 ? _ ("More than one scheme in one value")
                         : _ ("More than %u challenges in one value"),
                max);
          return NULL;
        }
      params = read_scheme (&s, error);
      if (params == NULL)
        return NULL;
      g_ptr_array_add (list, params);
      result = params->token68 != NULL ? PARAMS_NEXT_SCHEME : read_params (&s, params, error);
      if (result == PARAMS_ERROR)
        return NULL;
      if (result == PARAMS_END)
        break;
    }
  if (list->len == 0)
    {
      fail (error, _ ("The value is empty"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
phonesec_sip_auth_parse_challenges (const char *text, gsize len, GError **error)
{
  return parse (text, len, PHONESEC_SIP_AUTH_MAX_CHALLENGES, error);
}

PhonesecSipAuthParams *
phonesec_sip_auth_parse_credentials (const char *text, gsize len, GError **error)
{
  g_autoptr (GPtrArray) list = parse (text, len, 1, error);

  if (list == NULL)
    return NULL;
  return g_ptr_array_steal_index (list, 0);
}

/* --- writing ---------------------------------------------------------------- */

void
phonesec_sip_auth_append_quoted (GString *out, const char *name, const char *value)
{
  g_string_append_printf (out, "%s=\"", name);
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}
