/* phonesec-validators.c: the value checks behind the schema's `Kind=`.
 *
 * Every check says what is wrong and what is allowed, and quotes at most a
 * short, escaped excerpt of the offending part: values come from remote
 * provisioning files and end up in D-Bus replies and logs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-validators.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-rule.h"

#define HOST_MAX_LENGTH 253
#define LABEL_MAX_LENGTH 63
#define HEADER_MAX_LENGTH 127
#define FIREWALL_MAX_PER_PROTOCOL 5

/* Bytes of the character at @p: 1 when @p is not valid UTF-8. */
static gssize
char_length (const char *p)
{
  gunichar c = g_utf8_get_char_validated (p, -1);

  return c == (gunichar) -1 || c == (gunichar) -2 ? 1 : g_utf8_next_char (p) - p;
}

/* Sets PHONESEC_ERROR_INVALID_VALUE; FALSE, for `return invalid (...)`. */
static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, message);
  return FALSE;
}

static gboolean
set_invalid (GError **error, const char *message)
{
  g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, message);
  return FALSE;
}

/* invalid() for a message whose one conversion is a "%s" for @part,
 * quoted (@len bytes, -1 = all). */
static gboolean invalid_quoting (GError **error, const char *format, const char *part, gssize len)
    G_GNUC_PRINTF (2, 0);

static gboolean
invalid_quoting (GError **error, const char *format, const char *part, gssize len)
{
  g_autofree char *q = phonesec_quote_for_message (part, len);

  /* @format is checked at each call site (the attribute above). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  return invalid (error, format, q);
#pragma GCC diagnostic pop
}

/* ---- numbers and booleans ---------------------------------------------- */

gboolean
phonesec_parse_int64 (const char *text, gint64 *out)
{
  gboolean negative = FALSE;
  guint64 limit, acc = 0;
  const char *p = text;

  if (text == NULL)
    return FALSE;
  if (*p == '+' || *p == '-')
    negative = (*p++ == '-');
  if (!g_ascii_isdigit (*p))
    return FALSE;

  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  for (; g_ascii_isdigit (*p); p++)
    {
      guint digit = (guint) (*p - '0');

      if (acc > (limit - digit) / 10)
        return FALSE;
      acc = acc * 10 + digit;
    }
  if (*p != '\0')
    return FALSE;

  if (out != NULL)
    {
      if (!negative)
        *out = (gint64) acc;
      else if (acc == (guint64) G_MAXINT64 + 1)
        *out = G_MININT64;
      else
        *out = -(gint64) acc;
    }
  return TRUE;
}

/* Lower case, NFC: compared with the case-folded, composed input. */
static const char *const true_words[] = {
  "yes", "oui", "true", "1", "on", "enabled", "activ\xc3\xa9", NULL,
};
static const char *const false_words[] = {
  "no", "non", "false", "0", "off", "disabled", "d\xc3\xa9sactiv\xc3\xa9", NULL,
};

gboolean
phonesec_parse_bool (const char *text, gboolean *out)
{
  g_autofree char *composed = NULL;
  g_autofree char *folded = NULL;

  /* No word is longer than this: spare the allocations for junk. */
  if (text == NULL || strlen (text) > 32 || !g_utf8_validate (text, -1, NULL))
    return FALSE;

  /* Composing first makes "de\u0301sactive\u0301" equal "désactivé". */
  composed = g_utf8_normalize (text, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  if (composed == NULL)
    return FALSE;
  folded = g_utf8_casefold (composed, -1);

  if (g_strv_contains (true_words, folded))
    {
      if (out != NULL)
        *out = TRUE;
      return TRUE;
    }
  if (g_strv_contains (false_words, folded))
    {
      if (out != NULL)
        *out = FALSE;
      return TRUE;
    }
  return FALSE;
}

/* ---- host names and addresses ------------------------------------------ */

static gboolean
all_digits (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (p[i]))
      return FALSE;
  return len > 0;
}

static gboolean
check_label (const char *label, gsize len, GError **error)
{
  g_autofree char *q = phonesec_quote_for_message (label, len);

  if (len > LABEL_MAX_LENGTH)
    return invalid (error,
                    _ ("the label '%s' is too long (%lu characters); allowed: at most %d between "
                       "dots"),
                    q, (gulong) len, LABEL_MAX_LENGTH);
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) label[i];

      if (c >= 0x80)
        return set_invalid (error, _ ("a host name may only contain ASCII; write an "
                                      "international name in its xn-- form"));
      if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return invalid_quoting (error,
                                _ ("the character '%s' is not allowed in a host name; allowed: "
                                   "letters, digits, '-', '_' and '.'"),
                                label + i, 1);
    }
  if (label[0] == '-' || label[len - 1] == '-')
    return invalid (
        error, _ ("the label '%s' starts or ends with '-'; allowed: '-' only inside a label"), q);
  return TRUE;
}

/* A DNS name (RFC 1123 labels, '_' tolerated: the guide's own example is
 * "vpn_server.example.com"), or with @allow_ip an IPv4/IPv6 address. */
static gboolean
check_host (const char *value, gsize len, gboolean allow_ip, GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *q = NULL;
  const char *label, *dot;
  gboolean numeric = TRUE, last_numeric = FALSE;

  if (len == 0)
    return set_invalid (error, _ ("the host name is empty"));
  if (len > HOST_MAX_LENGTH)
    return invalid (error, _ ("the host name is too long (%lu characters); allowed: at most %d"),
                    (gulong) len, HOST_MAX_LENGTH);

  host = g_strndup (value, len);
  q = phonesec_quote_for_message (host, -1);
  if (strstr (host, "://") != NULL)
    return set_invalid (error, _ ("a scheme (such as http://) is not allowed here; give only the "
                                  "host, e.g. proxy.example.com"));
  if (strchr (host, '@') != NULL) /* never quoted: it may hold a password */
    return set_invalid (error, _ ("user information ('user@') is not allowed here; give only "
                                  "the host"));
  if (strchr (host, '/') != NULL)
    return invalid (
        error, _ ("'%s' contains a path ('/'); give only the host, e.g. proxy.example.com"), q);
  if (g_hostname_is_ip_address (host))
    return allow_ip ? TRUE
                    : invalid (error,
                               _ ("'%s' is an IP address; allowed: a domain name such as "
                                  "example.com"),
                               q);
  if (strchr (host, ':') != NULL || host[0] == '[')
    {
      if (!allow_ip)
        return invalid (error, _ ("'%s' is not a domain name; ':' is not allowed"), q);
      if (host[0] == '[')
        return invalid (error, _ ("'%s': write an IPv6 address without brackets here"), q);
      if (strchr (host, ':') == strrchr (host, ':'))
        return invalid (error,
                        _ ("'%s' contains a port; give only the host (the port is a separate "
                           "setting)"),
                        q);
      return invalid (error, _ ("'%s' is not a valid IPv6 address"), q);
    }
  if (host[0] == '.')
    return invalid (error, _ ("'%s' starts with '.'; allowed: labels separated by single dots"), q);
  if (host[len - 1] == '.')
    return invalid (error, _ ("'%s' ends with '.'; write the name without the final dot"), q);

  for (label = host;; label = dot + 1)
    {
      gsize label_len;

      dot = strchr (label, '.');
      label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);
      if (label_len == 0)
        return invalid (error,
                        _ ("'%s' has an empty label ('..'); allowed: labels separated by single "
                           "dots"),
                        q);
      if (!check_label (label, label_len, error))
        return FALSE;
      last_numeric = all_digits (label, label_len);
      numeric = numeric && last_numeric;
      if (dot == NULL)
        break;
    }
  /* "10.0.0.256" is a mistyped address, not a host name. */
  if (numeric)
    return invalid (error, _ ("'%s' is not a valid IPv4 address"), q);
  if (last_numeric)
    return invalid (error, _ ("'%s' is not a valid host name: the last label is all digits"), q);
  return TRUE;
}

static gboolean
check_port_text (const char *text, GError **error)
{
  gint64 n;

  if (text[0] == '\0')
    return set_invalid (error, _ ("the port after ':' is missing; allowed: 1 to 65535"));
  if (!phonesec_parse_int64 (text, &n) || n < 1 || n > 65535)
    return invalid_quoting (error, _ ("'%s' is not a valid port; allowed: 1 to 65535"), text, -1);
  return TRUE;
}

static gboolean
validate_host_port (const char *value, GError **error)
{
  const char *colon = strchr (value, ':');

  /* Caught first: "udp://h:514" would otherwise read as a bad IPv6 address. */
  if (strstr (value, "://") != NULL)
    return set_invalid (error, _ ("a scheme (such as http://) is not allowed here; give only the "
                                  "host, e.g. proxy.example.com"));
  if (value[0] == '[')
    {
      const char *close = strchr (value, ']');
      g_autofree char *inner = NULL;

      if (close == NULL)
        return set_invalid (error, _ ("the ']' closing the IPv6 address is missing"));
      inner = g_strndup (value + 1, close - value - 1);
      if (strchr (inner, ':') == NULL || !g_hostname_is_ip_address (inner))
        return invalid_quoting (error, _ ("'%s' is not a valid IPv6 address"), inner, -1);
      if (close[1] == '\0')
        return TRUE;
      if (close[1] != ':')
        return invalid_quoting (error,
                                _ ("unexpected '%s' after the IPv6 address; allowed: "
                                   "[address]:port"),
                                close + 1, -1);
      return check_port_text (close + 2, error);
    }
  if (colon == NULL)
    return check_host (value, strlen (value), TRUE, error);
  /* Two colons or more: a bare IPv6 address, which cannot carry a port. */
  if (strchr (colon + 1, ':') != NULL)
    return g_hostname_is_ip_address (value)
           || invalid_quoting (error,
                               _ ("'%s' is not valid; write an IPv6 address with a port as "
                                  "[address]:port"),
                               value, -1);
  return check_host (value, colon - value, TRUE, error) && check_port_text (colon + 1, error);
}

/* ---- HTTP headers, text, cipher lists, PRT names ------------------------ */

static gboolean
validate_header_name (const char *value, GError **error)
{
  gsize len = strlen (value);

  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("!#$%&'*+-.^_`|~", *p) == NULL)
      return invalid_quoting (error,
                              _ ("the character '%s' is not allowed in a header name; allowed: "
                                 "letters, digits and !#$%%&'*+-.^_`|~"),
                              p, char_length (p));
  if (len > HEADER_MAX_LENGTH)
    return invalid (error, _ ("the header name is too long (%lu characters); allowed: at most %d"),
                    (gulong) len, HEADER_MAX_LENGTH);
  return TRUE;
}

static gboolean
validate_header_value (const char *value, GError **error)
{
  gsize len = strlen (value);

  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '\r' || c == '\n')
        return set_invalid (error, _ ("a header value cannot contain a line break"));
      if (c >= 0x80)
        return set_invalid (error, _ ("a header value may only contain ASCII; allowed: visible "
                                      "ASCII characters, space and tab"));
      if (c != '\t' && (c < 0x20 || c == 0x7f))
        return invalid (error,
                        _ ("a header value cannot contain the control character \\x%02X; "
                           "allowed: visible ASCII characters, space and tab"),
                        c);
    }
  if (len > HEADER_MAX_LENGTH)
    return invalid (error, _ ("the header value is too long (%lu characters); allowed: at most %d"),
                    (gulong) len, HEADER_MAX_LENGTH);
  return TRUE;
}

static gboolean
check_utf8 (const char *value, GError **error)
{
  const char *bad;

  if (g_utf8_validate (value, -1, &bad))
    return TRUE;
  return invalid (error, _ ("the text is not valid UTF-8 (bad byte \\x%02X at byte %lu)"),
                  (guchar) *bad, (gulong) (bad - value));
}

static gboolean
validate_text (const char *value, GError **error)
{
  glong position = 1;

  if (!check_utf8 (value, error))
    return FALSE;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p), position++)
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return invalid (error,
                      _ ("the text contains the control character U+%04X at character %ld; "
                         "allowed: printable text"),
                      g_utf8_get_char (p), position);
  return TRUE;
}

static gboolean
validate_cipher_list (const char *value, GError **error)
{
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return invalid (error,
                      _ ("a cipher list cannot contain the byte \\x%02X; allowed: printable "
                         "ASCII such as HIGH:!aNULL:!MD5"),
                      (guchar) *p);
  return TRUE;
}

static gboolean
validate_int_text (const char *value, GError **error)
{
  return phonesec_parse_int64 (value, NULL)
         || invalid_quoting (error, _ ("'%s' is not a whole number"), value, -1);
}

/* Length of the macro at @p ('$' included), or 0 when it is not one:
 * $NAME, $(NAME), $(NAME:p), $(NAME:p:q). */
static gsize
macro_length (const char *p)
{
  const char *s = p + 1;
  gboolean parenthesized = (*s == '(');
  guint numbers = 0;

  if (parenthesized)
    s++;
  if (!g_ascii_isalpha (*s))
    return 0;
  while (g_ascii_isalnum (*s) || *s == '_')
    s++;
  if (!parenthesized)
    return s - p;
  for (; *s == ':' && numbers < 2; numbers++)
    {
      if (!g_ascii_isdigit (*++s))
        return 0;
      while (g_ascii_isdigit (*s))
        s++;
    }
  return *s == ')' ? (gsize) (s + 1 - p) : 0;
}

static gboolean
validate_prt_name (const char *value, GError **error)
{
  if (value[0] == '.')
    return set_invalid (error, _ ("a PRT name cannot start with '.'; allowed: letters, digits, "
                                  "'-', '_', '.' and macros such as $MA"));
  for (const char *p = value; *p != '\0';)
    {
      gsize n;

      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
        n = 1;
      else if (*p == '$' && (n = macro_length (p)) == 0)
        return invalid_quoting (error,
                                _ ("'%s' is not a macro; allowed: $NAME, $(NAME), $(NAME:p) or "
                                   "$(NAME:p:q)"),
                                p, MIN (strlen (p), 12));
      else if (*p != '$')
        return invalid_quoting (error,
                                _ ("the character '%s' is not allowed in a PRT name; allowed: "
                                   "letters, digits, '-', '_', '.' and macros such as $MA"),
                                p, char_length (p));
      p += n;
    }
  return TRUE;
}

/* ---- URLs and provisioning rules --------------------------------------- */

/* The lower-cased scheme of @value, or NULL. Not g_uri_peek_scheme(): it
 * interns every scheme it sees, which would let remote input grow memory. */
static char *
peek_scheme (const char *value)
{
  const char *p = value;

  if (!g_ascii_isalpha (*p))
    return NULL;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return *p == ':' ? g_ascii_strdown (value, p - value) : NULL;
}

static gboolean
check_scheme (const char *value, const char *const *schemes, char **out_scheme, GError **error)
{
  g_autofree char *scheme = peek_scheme (value);
  g_autofree char *allowed = schemes != NULL ? g_strjoinv (", ", (char **) schemes) : NULL;

  if (scheme == NULL && (schemes == NULL || schemes[0] == NULL))
    return set_invalid (error, _ ("not a URL: it must start with a scheme, e.g. "
                                  "https://server/path"));
  if (scheme == NULL)
    return invalid (error,
                    _ ("not a URL: it must start with a scheme, e.g. %s://server/path; allowed "
                       "schemes: %s"),
                    schemes[0], allowed);
  /* Lower-cased: "HTTPS://" matches "https". */
  if (schemes != NULL && !g_strv_contains (schemes, scheme))
    {
      g_autofree char *q = phonesec_quote_for_message (scheme, -1);
      return invalid (error, _ ("the scheme '%s' is not allowed; allowed: %s"), q, allowed);
    }
  if (out_scheme != NULL)
    *out_scheme = g_steal_pointer (&scheme);
  return TRUE;
}

/* GLib's own messages quote parts of the URL (maybe a password): say which
 * part is wrong in our words instead. */
static gboolean
set_uri_error (const GError *uri_error, GError **error)
{
  switch (uri_error->code)
    {
      case G_URI_ERROR_BAD_USER:
      case G_URI_ERROR_BAD_PASSWORD:
      case G_URI_ERROR_BAD_AUTH_PARAMS:
        return set_invalid (error, _ ("the user information of the URL is not valid"));
      case G_URI_ERROR_BAD_HOST:
        return set_invalid (error, _ ("the host of the URL is not valid; allowed: a host name, "
                                      "an IPv4 address or an IPv6 address in brackets"));
      case G_URI_ERROR_BAD_PORT:
        return set_invalid (error, _ ("the port of the URL is not valid; allowed: 1 to 65535"));
      case G_URI_ERROR_BAD_PATH:
      case G_URI_ERROR_BAD_QUERY:
      case G_URI_ERROR_BAD_FRAGMENT:
        /* xgettext:no-c-format */
        return set_invalid (error, _ ("the URL has an invalid %-escape; allowed: % followed by "
                                      "two hexadecimal digits"));
      default:
        return set_invalid (error, _ ("not a valid URL"));
    }
}

gboolean
phonesec_validate_url (const char *value, const char *const *schemes, GError **error)
{
  static const char *const with_host[] = { "http", "https", "tftp", "ldap", "ldaps", NULL };
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *scheme = NULL;
  const char *host;

  g_return_val_if_fail (value != NULL, FALSE);

  if (!check_utf8 (value, error))
    return FALSE;
  /* Spaces and controls are refused up front: GUri tolerates some of them. */
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ' || *p == '\t')
        return set_invalid (error, _ ("a URL cannot contain spaces; write them as %20"));
      if ((guchar) *p < 0x20 || *p == 0x7f)
        return invalid (error, _ ("a URL cannot contain the control character \\x%02X"),
                        (guchar) *p);
    }
  if (!check_scheme (value, schemes, &scheme, error))
    return FALSE;

  uri = g_uri_parse (value, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    return set_uri_error (local_error, error);

  host = g_uri_get_host (uri);
  if (g_strv_contains (with_host, scheme))
    {
      if (host == NULL || host[0] == '\0')
        return invalid (error, _ ("the URL has no server; write %s://server/path"), scheme);
      /* GUri converts IDNs to xn-- and unbrackets IPv6: plain host rules apply. */
      if (!check_host (host, strlen (host), TRUE, &local_error))
        return invalid (error, _ ("the server of the URL is not valid: %s"), local_error->message);
    }
  if (g_uri_get_port (uri) == 0)
    return set_invalid (error, _ ("the port of the URL is not valid; allowed: 1 to 65535"));
  return TRUE;
}

static gboolean
validate_rule_url (const char *url, GError **error)
{
  static const char *const rule_schemes[] = { "tftp", "http", "https", NULL };
  g_autofree char *scheme = peek_scheme (url);
  const char *authority;

  if (url[0] == '/')
    return TRUE; /* relative to the DHCP-given server */
  if (g_ascii_strncasecmp (url, "gds://", 6) == 0)
    return TRUE; /* activation-code onboarding: the plugin says it is not supported */
  if (scheme == NULL)
    return set_invalid (error, _ ("the rule has no URL; allowed: a tftp://, http:// or https:// "
                                  "URL, or a path starting with '/'"));
  g_clear_pointer (&scheme, g_free);
  if (!check_scheme (url, rule_schemes, &scheme, error))
    return FALSE;
  if (strchr (url, '$') == NULL)
    return phonesec_validate_url (url, rule_schemes, error);

  /* Macros ($SERV, $(MA)) cannot be judged before expansion: check the shape. */
  authority = strstr (url, "://");
  if (authority == NULL || authority[3] == '\0' || strchr ("/?#", authority[3]) != NULL)
    return invalid (error, _ ("the URL has no server; write %s://server/path"), scheme);
  return TRUE;
}

/* The whole rule grammar of phonesec-rule.h (conditions, alternatives,
 * options in or out of brackets); then each entry's URL. */
static gboolean
validate_rule (const char *value, GError **error)
{
  g_autoptr (PhonesecRule) rule = phonesec_rule_parse (value, error);

  if (rule == NULL)
    return FALSE;
  for (guint a = 0; a < phonesec_rule_get_n_alternatives (rule); a++)
    {
      guint n = 0;
      const PhonesecRuleEntry *entries = phonesec_rule_get_entries (rule, a, &n);

      for (guint i = 0; i < n; i++)
        if (!validate_rule_url (entries[i].url, error))
          return FALSE;
    }
  return TRUE;
}

/* ---- firewall options --------------------------------------------------- */

static gboolean
parse_firewall_port (const char *item, const char *text, guint *out, GError **error)
{
  g_autofree char *qi = NULL;
  g_autofree char *qp = NULL;
  gint64 n;

  if (phonesec_parse_int64 (text, &n) && n >= 1 && n <= 65535)
    {
      *out = (guint) n;
      return TRUE;
    }
  qi = phonesec_quote_for_message (item, -1);
  qp = phonesec_quote_for_message (text, -1);
  return invalid (error, _ ("%s: '%s' is not a port; allowed: 1 to 65535"), qi, qp);
}

/* One comma-separated item; counts UDP/TCP entries in @n_udp/@n_tcp. */
static gboolean
check_firewall_item (const char *item, guint *n_udp, guint *n_tcp, GError **error)
{
  static const char *const flags[]
      = { "NO_ICMP_PING", "NO_ICMP_UNREACHABLE", "NO_CISCO_TFTP", NULL };
  g_auto (GStrv) parts = g_strsplit (item, ":", -1);
  g_autofree char *qi = phonesec_quote_for_message (item, -1);
  guint n_parts = g_strv_length (parts);
  guint first, last;
  const char *proto;

  for (guint i = 0; i < n_parts; i++)
    g_strstrip (parts[i]);
  for (guint i = 0; flags[i] != NULL; i++)
    if (g_ascii_strcasecmp (parts[0], flags[i]) == 0)
      return n_parts == 1 || invalid (error, _ ("%s: %s takes no value"), qi, flags[i]);

  if (g_ascii_strcasecmp (parts[0], "UDP") == 0)
    proto = "UDP";
  else if (g_ascii_strcasecmp (parts[0], "TCP") == 0)
    proto = "TCP";
  else
    return invalid_quoting (error,
                            _ ("'%s' is not a firewall option; allowed: NO_ICMP_PING, "
                               "NO_ICMP_UNREACHABLE, NO_CISCO_TFTP, UDP:port, UDP:first:last, "
                               "TCP:port, TCP:first:last"),
                            parts[0], -1);
  if (n_parts < 2)
    return invalid (error, _ ("%s: a port is missing; write %s:port or %s:first:last"), qi, proto,
                    proto);
  if (n_parts > 3)
    return invalid (error, _ ("%s: too many values; write %s:port or %s:first:last"), qi, proto,
                    proto);
  if (!parse_firewall_port (item, parts[1], &first, error))
    return FALSE;
  last = first;
  if (n_parts == 3 && !parse_firewall_port (item, parts[2], &last, error))
    return FALSE;
  if (first > last)
    return invalid (error, _ ("%s:%u:%u: the range is reversed; write %s:%u:%u"), proto, first,
                    last, proto, last, first);
  (*(proto[0] == 'U' ? n_udp : n_tcp))++;
  return TRUE;
}

gboolean
phonesec_validate_firewall_options (const char *value, GError **error)
{
  g_auto (GStrv) items = NULL;
  guint n_udp = 0, n_tcp = 0;

  g_return_val_if_fail (value != NULL, FALSE);

  if (!check_utf8 (value, error))
    return FALSE;
  items = g_strsplit (value, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      /* Empty items ("A,,B", a trailing comma) are harmless: skip them. */
      if (*g_strstrip (items[i]) != '\0' && !check_firewall_item (items[i], &n_udp, &n_tcp, error))
        return FALSE;
    }
  if (n_udp > FIREWALL_MAX_PER_PROTOCOL)
    return invalid (error,
                    _ ("%u %s options; allowed: at most %d (single ports and ranges together)"),
                    n_udp, "UDP", FIREWALL_MAX_PER_PROTOCOL);
  if (n_tcp > FIREWALL_MAX_PER_PROTOCOL)
    return invalid (error,
                    _ ("%u %s options; allowed: at most %d (single ports and ranges together)"),
                    n_tcp, "TCP", FIREWALL_MAX_PER_PROTOCOL);
  return TRUE;
}

/* ---- dispatch ----------------------------------------------------------- */

static gboolean
validate_any_host (const char *value, GError **error)
{
  return check_host (value, strlen (value), TRUE, error);
}

static gboolean
validate_fqdn (const char *value, GError **error)
{
  return check_host (value, strlen (value), FALSE, error);
}

gboolean
phonesec_validate_kind (const char *kind, const char *value, GError **error)
{
  static const struct
  {
    const char *kind;
    gboolean (*validate) (const char *value, GError **error);
  } kinds[] = {
    { "host", validate_any_host },
    { "host-port", validate_host_port },
    { "fqdn", validate_fqdn },
    { "header-name", validate_header_name },
    { "header-value", validate_header_value },
    /* The same text; the whole value is a credential (phonesec-credentials.h). */
    { "header-secret", validate_header_value },
    { "firewall-options", phonesec_validate_firewall_options },
    { "rule", validate_rule },
    { "text", validate_text },
    { "cipher-list", validate_cipher_list },
    { "int", validate_int_text },
    { "prt-name", validate_prt_name },
  };

  g_return_val_if_fail (kind != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kind, kinds[i].kind) == 0)
      return kinds[i].validate (value, error);
  /* A programming error in a schema file, not user input: not translated. */
  return invalid (error, "unknown value kind '%s' in the schema", kind);
}
