/* fuzz-cipher-list.c: libFuzzer target for the OpenSSL cipher-string
 * compiler (TLS_Cipher_List).
 *
 * Input: the cipher string (a NUL-terminated copy; an embedded NUL ends
 * it). It is compiled twice, with no flags and with FIPS, no TLS 1.3 and
 * empty lists allowed.
 *
 * Beyond "no crash", it aborts when:
 *  - an error is not PHONESEC_ERROR_INVALID_VALUE, is not valid UTF-8 or
 *    is longer than MAX_MESSAGE bytes, or a string over the length limit
 *    compiles;
 *  - a list repeats a suite, offers a suite it did not select, or
 *    phonesec_cipher_list_allows() disagrees with the list;
 *  - GnuTLS refuses the priority string, or it does not enable every
 *    suite of the list, or the extras reported are not what it enables
 *    beyond the list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "phonesec-cipher-list.h"
#include "phonesec/phonesec-error.h"

#define MAX_MESSAGE 1024

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (const char *input, const GError *error)
{
  if (!g_error_matches (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE))
    g_error ("“%s”: unexpected error %s %d: %s", input, g_quark_to_string (error->domain),
             error->code, error->message);
  if (!g_utf8_validate (error->message, -1, NULL) || strlen (error->message) > MAX_MESSAGE)
    g_error ("“%s”: bad message (invalid UTF-8 or over %d bytes)", input, MAX_MESSAGE);
}

static gboolean
in_codes (const guint16 *codes, guint n, guint16 code)
{
  for (guint i = 0; i < n; i++)
    if (codes[i] == code)
      return TRUE;
  return FALSE;
}

static void
check_list (const char *input, PhonesecCipherList *list)
{
  guint n_table, n_suites = phonesec_cipher_list_get_n_suites (list);
  const PhonesecCipherSuite *table = phonesec_cipher_suites_get_table (&n_table);
  g_autofree guint8 *listed = g_new0 (guint8, n_table);
  g_autofree guint8 *selected = g_new0 (guint8, n_table);
  g_auto (GStrv) extras = phonesec_cipher_list_dup_extra_names (list);
  const guint16 *enabled;
  guint n_enabled, n_extra = 0;
  const char *priority = phonesec_cipher_list_get_priority (list);
  gnutls_priority_t gnutls_priority;

  if (strlen (input) > PHONESEC_CIPHER_LIST_MAX_LENGTH)
    g_error ("“%s”: compiled although over the length limit", input);
  for (const char *const *w = phonesec_cipher_list_get_warnings (list); *w != NULL; w++)
    if (!g_utf8_validate (*w, -1, NULL) || strlen (*w) > 4 * MAX_MESSAGE)
      g_error ("“%s”: bad warning", input);

  for (guint i = 0; i < phonesec_cipher_list_get_n_selected (list); i++)
    {
      guint index = phonesec_cipher_suite_get_index (phonesec_cipher_list_get_selected (list, i));

      if (selected[index]++)
        g_error ("“%s”: %s selected twice", input, table[index].iana_name);
    }
  for (guint i = 0; i < n_suites; i++)
    {
      const PhonesecCipherSuite *s = phonesec_cipher_list_get_suite (list, i);
      guint index = phonesec_cipher_suite_get_index (s);

      if (listed[index]++)
        g_error ("“%s”: %s listed twice", input, s->iana_name);
      if (!selected[index])
        g_error ("“%s”: %s offered but not selected", input, s->iana_name);
    }
  for (guint i = 0; i < n_table; i++)
    if (phonesec_cipher_list_allows (list, table[i].code) != (listed[i] != 0))
      g_error ("“%s”: allows() is wrong for %s", input, table[i].iana_name);

  if (n_suites == 0)
    {
      if (priority != NULL)
        g_error ("“%s”: an empty list has a priority string", input);
      return;
    }
  if (gnutls_priority_init (&gnutls_priority, priority, NULL) < 0)
    g_error ("“%s”: GnuTLS refuses “%s”", input, priority);
  gnutls_priority_deinit (gnutls_priority);

  enabled = phonesec_cipher_list_get_enabled_codes (list, &n_enabled);
  for (guint i = 0; i < n_suites; i++)
    {
      const guint8 *c = phonesec_cipher_list_get_suite (list, i)->code;

      if (!in_codes (enabled, n_enabled, (guint16) (c[0] << 8 | c[1])))
        g_error ("“%s”: “%s” does not enable %s", input, priority,
                 phonesec_cipher_list_get_suite (list, i)->iana_name);
    }
  for (guint i = 0; i < n_enabled; i++)
    {
      guint8 c[2] = { enabled[i] >> 8, enabled[i] & 0xff };

      if (c[0] != 0x13 && !phonesec_cipher_list_allows (list, c))
        n_extra++;
    }
  if (n_extra != g_strv_length (extras))
    g_error ("“%s”: %u extras reported, %u enabled", input, g_strv_length (extras), n_extra);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const PhonesecCipherListFlags variants[] = {
    PHONESEC_CIPHER_LIST_FLAGS_NONE,
    PHONESEC_CIPHER_LIST_FIPS | PHONESEC_CIPHER_LIST_NO_TLS13 | PHONESEC_CIPHER_LIST_ALLOW_EMPTY,
  };
  g_autofree char *input = g_strndup ((const char *) data, size);

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecCipherList) list
          = phonesec_cipher_list_compile_full (input, variants[v], &error);

      if (list == NULL)
        check_error (input, error);
      else
        check_list (input, list);
    }
  return 0;
}
