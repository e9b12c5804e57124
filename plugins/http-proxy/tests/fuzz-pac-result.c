/* fuzz-pac-result.c: libFuzzer target for phonesec_pac_result_parse(): the
 * FindProxyForURL result comes from an untrusted script.
 *
 * Invariants: an input with a NUL byte is parsed up to it (as the runner
 * would never pass it); a success is a non-empty list of URIs that each
 * start with a known scheme and end with a port 1..65535; a failure sets a
 * UTF-8 message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-pac-result.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_uri (const char *uri)
{
  static const char *const schemes[]
      = { "http://", "https://", "socks://", "socks4://", "socks5://" };
  const char *colon;
  long port;

  if (strcmp (uri, "direct://") == 0)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_has_prefix (uri, schemes[i]))
      {
        colon = strrchr (uri, ':');
        g_assert_nonnull (colon);
        port = strtol (colon + 1, NULL, 10);
        g_assert_cmpint (port, >=, 1);
        g_assert_cmpint (port, <=, 65535);
        g_assert_true (g_uri_is_valid (uri, G_URI_FLAGS_NONE, NULL));
        return;
      }
  g_assert_not_reached ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) uris = phonesec_pac_result_parse (text, &error);

  if (uris == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_null (error);
  g_assert_nonnull (uris[0]);
  for (guint i = 0; uris[i] != NULL; i++)
    check_uri (uris[i]);
  return 0;
}
