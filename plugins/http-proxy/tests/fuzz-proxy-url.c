/* fuzz-proxy-url.c: libFuzzer target for the http-proxy plugin's parsing of
 * untrusted text: URLs from D-Bus callers (FindProxyForURL, GetProxies) and
 * proxy lists.
 *
 * Input: a URL, or lines (the first a URL, the rest proxy URIs / PAC URLs).
 * Invariants: an accepted URL carries no user information, no space or
 * control character, and is accepted again unchanged; the PAC form of any
 * list is non-empty; nothing crashes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <stdint.h>
#include <string.h>

#include "phonesec-proxy-list.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto (GStrv) lines = g_strsplit (text, "\n", 16);
  g_autoptr (GError) error = NULL;
  g_autofree char *clean = NULL;
  g_autofree char *pac = NULL;

  /* D-Bus strings are UTF-8. */
  if (!g_utf8_validate (text, -1, NULL) || lines[0] == NULL)
    return 0;
  clean = phonesec_proxy_check_url (lines[0], &error);
  if (clean != NULL)
    {
      g_autoptr (GUri) uri = g_uri_parse (clean, G_URI_FLAGS_ENCODED, NULL);
      g_autoptr (GError) again_error = NULL;
      g_autofree char *again = phonesec_proxy_check_url (clean, &again_error);

      g_assert_nonnull (uri);
      g_assert_null (g_uri_get_userinfo (uri));
      g_assert_nonnull (g_uri_get_host (uri));
      for (const char *p = clean; *p != '\0'; p++)
        g_assert_true ((guchar) *p > 0x20 && *p != 0x7f);
      g_assert_no_error (again_error);
      g_assert_cmpstr (again, ==, clean);
      (void) phonesec_proxy_url_is_pac (clean, (const char *const *) lines + 1);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS));
    }
  (void) phonesec_proxy_url_is_pac (lines[0], (const char *const *) lines + 1);
  pac = phonesec_proxy_list_to_pac ((const char *const *) lines);
  g_assert_true (pac != NULL && *pac != '\0');
  return 0;
}
