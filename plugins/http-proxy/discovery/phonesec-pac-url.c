/* phonesec-pac-url.c: PAC URL checks and redaction.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-url.h"

#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#define REDACTED_MAX_CHARS 200

/* Removes "userinfo@" from the authority of a text that GUri may not parse. */
static char *
strip_userinfo_by_hand (const char *url)
{
  const char *authority = strstr (url, "://");
  const char *end;
  const char *at = NULL;

  if (authority == NULL)
    return g_strdup (url);
  authority += 3;
  end = authority + strcspn (authority, "/?#");
  for (const char *p = authority; p < end; p++)
    if (*p == '@')
      at = p;
  if (at == NULL)
    return g_strdup (url);
  return g_strdup_printf ("%.*s%s", (int) (authority - url), url, at + 1);
}

char *
phonesec_pac_url_redact (const char *url)
{
  g_autofree char *stripped = NULL;
  g_autoptr (GUri) uri = NULL;
  GString *out;
  guint n = 0;

  if (url == NULL)
    return g_strdup ("");
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  if (uri != NULL && g_uri_get_host (uri) != NULL)
    stripped = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);
  else
    stripped = strip_userinfo_by_hand (url);

  out = g_string_new (NULL);
  for (const char *p = stripped; *p != '\0'; p++)
    {
      if (n++ == REDACTED_MAX_CHARS)
        {
          g_string_append (out, "...");
          break;
        }
      /* Bytes only: a message must stay valid UTF-8 whatever was typed. */
      g_string_append_c (out, (*p > 0x20 && *p < 0x7f) ? *p : '?');
    }
  return g_string_free (out, FALSE);
}

GUri *
phonesec_pac_url_parse (const char *url, PhonesecPacScheme *scheme, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autofree char *shown = phonesec_pac_url_redact (url);
  const char *s;
  const char *host;
  PhonesecPacScheme which;

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("The PAC URL is empty; give a tftp://, http:// or https:// URL"));
      return NULL;
    }
  if (strlen (url) > PHONESEC_PAC_URL_MAX_LENGTH)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The PAC URL %s is longer than %d characters"), shown,
                   PHONESEC_PAC_URL_MAX_LENGTH);
      return NULL;
    }
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f)
      {
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                     _ ("The PAC URL %s holds a space or a control character; encode it "
                        "(%%20)"),
                     shown);
        return NULL;
      }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, &parse_error);
  if (uri == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The PAC URL %s is not a valid URL"), shown);
      return NULL;
    }
  s = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (s, "http") == 0)
    which = PHONESEC_PAC_SCHEME_HTTP;
  else if (g_ascii_strcasecmp (s, "https") == 0)
    which = PHONESEC_PAC_SCHEME_HTTPS;
  else if (g_ascii_strcasecmp (s, "tftp") == 0)
    which = PHONESEC_PAC_SCHEME_TFTP;
  else
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The PAC URL %s uses an unsupported scheme; allowed: tftp, http, https"),
                   shown);
      return NULL;
    }
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The PAC URL %s names no server"), shown);
      return NULL;
    }
  /* GUri accepts any port number it can read; 0 and >65535 are not ports. */
  if (g_uri_get_port (uri) == 0 || g_uri_get_port (uri) > 65535)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The PAC URL %s has a port outside 1-65535"), shown);
      return NULL;
    }
  if (which == PHONESEC_PAC_SCHEME_TFTP)
    {
      g_autofree char *file = phonesec_pac_url_tftp_file (uri, error);

      if (file == NULL)
        return NULL;
    }
  if (scheme != NULL)
    *scheme = which;
  return g_steal_pointer (&uri);
}

char *
phonesec_pac_url_tftp_file (GUri *uri, GError **error)
{
  const char *path = g_uri_get_path (uri);
  g_autofree char *shown = NULL;
  g_autofree char *decoded = NULL;

  while (*path == '/')
    path++;
  /* g_uri_unescape_string refuses an encoded NUL (and "/" is allowed). */
  decoded = g_uri_unescape_string (path, NULL);
  if (decoded != NULL && *decoded != '\0' && strlen (decoded) <= 255)
    return g_steal_pointer (&decoded);
  shown = g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("The TFTP URL %s names no valid file (1 to 255 bytes, no NUL)"), shown);
  return NULL;
}
