/* fuzz-ldap-filter.c: libFuzzer target for the filter building of
 * ldap-starttls: the user's query is the untrusted input.
 *
 * Input: template '\n' query (the template is tried as the last-name
 * filter). Invariants: the escaped query holds no unescaped `*`, `(`, `)`
 * or NUL; a built filter has balanced parentheses; the attribute parsers
 * never crash on the same bytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <stdint.h>
#include <string.h>

#include "phonesec-ldap-filter.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_balanced (const char *f)
{
  int depth = 0;

  for (const char *p = f; *p != '\0'; p++)
    {
      if (*p == '\\')
        {
          /* An escape is a backslash and two hex digits. */
          g_assert_true (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]));
          p += 2;
          continue;
        }
      if (*p == '(')
        depth++;
      else if (*p == ')')
        g_assert_cmpint (--depth, >=, 0);
    }
  g_assert_cmpint (depth, ==, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *nl = memchr (data, '\n', size);
  g_autofree char *template = NULL;
  g_autofree char *query = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *plain = NULL;
  gsize qlen;

  if (nl == NULL)
    {
      template = g_strdup ("");
      query = g_strndup ((const char *) data, size);
      qlen = size;
    }
  else
    {
      template = g_strndup ((const char *) data, nl - (const char *) data);
      qlen = size - (nl + 1 - (const char *) data);
      query = g_strndup (nl + 1, qlen);
    }

  escaped = phonesec_ldap_escape_filter_value ((const char *) (nl ? nl + 1 : (const char *) data),
                                               qlen);
  g_assert_null (strpbrk (escaped, "*()"));
  g_assert_true (g_utf8_validate (escaped, -1, NULL));
  check_balanced (escaped);

  /* The query as a D-Bus string: UTF-8 without NUL. */
  if (g_utf8_validate (query, -1, NULL))
    {
      plain = phonesec_ldap_build_filter ("", "", query, NULL);
      g_assert_nonnull (plain);
      check_balanced (plain);
      filter = phonesec_ldap_build_filter (template, "cn:(cn=$VALUE*)", query, NULL);
      if (filter != NULL && strchr (template, '\\') == NULL)
        check_balanced (filter);
    }

  {
    g_autoptr (GPtrArray) a = phonesec_ldap_parse_display_attrs (template, NULL);
    g_auto (GStrv) n = phonesec_ldap_parse_number_mapping (template, NULL);
    (void) a;
    (void) n;
  }
  return 0;
}
