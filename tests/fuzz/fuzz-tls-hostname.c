/* fuzz-tls-hostname.c: libFuzzer target for the certificate name comparison
 * (phonesec_tls_name_matches).
 *
 * Input: "PATTERN\nNAME", PATTERN the raw bytes of a certificate dNSName (NULs
 * allowed), NAME the reference name up to its first NUL. Without a newline
 * the whole input is both. Besides memory safety (ASan/UBSan), checks:
 * - the result is deterministic, and independent of the pattern's case and
 *   of one trailing dot added to it;
 * - a match never involves a pattern with NUL or non-ASCII bytes, nor a
 *   name that is an IP address;
 * - a pattern without '*' matches only the name itself: equal ignoring
 *   ASCII case and one trailing dot on either side, after a non-ASCII name
 *   is turned into A-labels;
 * - a pattern with '*' matches only as "*.REST" with REST at least two
 *   labels, for a name whose first label is one non-A-label label followed
 *   by REST;
 * - a plain LDH host name (labels of 1 to 63 letters, digits and '-', the
 *   last one not numeric) always matches itself.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-tls-hostname.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT 4096

static gsize
without_trailing_dot (const char *s, gsize len)
{
  return len > 0 && s[len - 1] == '.' ? len - 1 : len;
}

/* The name as the comparison sees it: A-labels, or NULL when it has none. */
static char *
name_as_ascii (const char *name)
{
  if (g_str_is_ascii (name))
    return g_strdup (name);
  if (!g_utf8_validate (name, -1, NULL))
    return NULL;
  return g_hostname_to_ascii (name);
}

static gboolean
is_ip_address (const char *name)
{
  guint8 buf[16];

  return inet_pton (AF_INET, name, buf) == 1 || inet_pton (AF_INET6, name, buf) == 1;
}

/* Deliberately narrower than the implementation's rule: only what every
 * reading of RFC 1123 calls a host name. */
static gboolean
is_plain_ldh_name (const char *s, gsize len)
{
  gsize label = 0;
  gsize last_start = 0;
  gboolean last_numeric = TRUE;

  if (len == 0 || len > 253)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];

      if (c == '.')
        {
          if (label == 0)
            return FALSE;
          label = 0;
          last_start = i + 1;
          last_numeric = TRUE;
        }
      else if (g_ascii_isalnum (c) || c == '-')
        {
          if (++label > 63)
            return FALSE;
          if (!g_ascii_isdigit (c))
            last_numeric = FALSE;
        }
      else
        return FALSE;
    }
  /* "0x..." last labels are numbers too for resolvers. */
  if (len - last_start >= 2 && s[last_start] == '0'
      && (s[last_start + 1] == 'x' || s[last_start + 1] == 'X'))
    return FALSE;
  return label > 0 && !last_numeric;
}

static void
check_wildcard_match (const char *pattern, gsize plen, const char *ascii)
{
  gsize alen = without_trailing_dot (ascii, strlen (ascii));
  const char *dot;
  const char *rest;
  gsize rest_len;

  plen = without_trailing_dot (pattern, plen);
  g_assert_true (plen > 2 && pattern[0] == '*' && pattern[1] == '.');
  rest = pattern + 2;
  rest_len = plen - 2;
  g_assert_null (memchr (rest, '*', rest_len));
  g_assert_nonnull (memchr (rest, '.', rest_len));

  dot = memchr (ascii, '.', alen);
  g_assert_nonnull (dot);
  g_assert_true (dot > ascii);
  g_assert_false (g_ascii_strncasecmp (ascii, "xn--", 4) == 0);
  g_assert_cmpuint (alen - (dot + 1 - ascii), ==, rest_len);
  g_assert_true (g_ascii_strncasecmp (dot + 1, rest, rest_len) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *input = (const char *) data;
  const char *newline;
  const char *pattern;
  gsize plen;
  g_autofree char *name = NULL;
  g_autofree char *upper = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *dotted = NULL;
  gboolean matches;

  if (size > FUZZ_MAX_INPUT)
    return 0;

  newline = memchr (input, '\n', size);
  pattern = input;
  if (newline != NULL)
    {
      plen = newline - input;
      name = g_strndup (newline + 1, size - plen - 1);
    }
  else
    {
      plen = size;
      name = g_strndup (input, size);
    }

  matches = phonesec_tls_name_matches (pattern, plen, name);
  g_assert_true (matches == phonesec_tls_name_matches (pattern, plen, name));

  /* Case of the pattern does not matter (bytes >= 0x80 are left alone by
   * g_ascii_* and never match anyway). */
  upper = g_malloc (plen + 1);
  lower = g_malloc (plen + 1);
  for (gsize i = 0; i < plen; i++)
    {
      upper[i] = g_ascii_toupper (pattern[i]);
      lower[i] = g_ascii_tolower (pattern[i]);
    }
  g_assert_true (matches == phonesec_tls_name_matches (upper, plen, name));
  g_assert_true (matches == phonesec_tls_name_matches (lower, plen, name));

  /* Nor one trailing dot on the certificate side. */
  if (plen > 0 && pattern[plen - 1] != '.')
    {
      dotted = g_malloc (plen + 1);
      memcpy (dotted, pattern, plen);
      dotted[plen] = '.';
      g_assert_true (matches == phonesec_tls_name_matches (dotted, plen + 1, name));
    }

  if (matches)
    {
      g_autofree char *ascii = name_as_ascii (name);

      for (gsize i = 0; i < plen; i++)
        g_assert_true (pattern[i] != '\0' && (guchar) pattern[i] < 0x80);
      g_assert_false (is_ip_address (name));
      g_assert_nonnull (ascii);

      if (memchr (pattern, '*', plen) == NULL)
        {
          gsize p = without_trailing_dot (pattern, plen);
          gsize n = without_trailing_dot (ascii, strlen (ascii));

          g_assert_cmpuint (p, ==, n);
          g_assert_true (g_ascii_strncasecmp (pattern, ascii, p) == 0);
        }
      else
        check_wildcard_match (pattern, plen, ascii);
    }

  /* No false negative on the plainest names. */
  if (is_plain_ldh_name (pattern, plen) && strlen (name) == plen
      && g_ascii_strncasecmp (pattern, name, plen) == 0)
    g_assert_true (matches);

  return 0;
}
