/* fuzz-sip-response.c: libFuzzer target for what a registrar sends
 * `phonesecctl sip register` (ui-bridge/phonesecctl-sip-message.c).
 *
 * Invariants: no crash, no leak; an error has a one-line, valid UTF-8
 * message under 512 bytes; a parsed response has a status of 100-699, a
 * length within the input, and names and values (the reason too) free of
 * control characters but HT, so nothing the server sends reaches the
 * terminal raw or forges a header of the next request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <string.h>

#include "phonesecctl-sip-message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_text (const char *text)
{
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\t');
}

static void
check_response (const PhonesecctlSipResponse *response, size_t size)
{
  g_autoptr (GPtrArray) challenges = NULL;

  g_assert_cmpuint (response->status, >=, 100);
  g_assert_cmpuint (response->status, <=, 699);
  g_assert_cmpuint (response->length, <=, size);
  g_assert_cmpuint (response->names->len, ==, response->values->len);
  g_assert_cmpuint (response->names->len, <=, PHONESECCTL_SIP_MAX_HEADERS);
  check_text (response->reason);
  for (guint i = 0; i < response->names->len; i++)
    {
      const char *name = response->names->pdata[i];

      check_text (name);
      check_text (response->values->pdata[i]);
      g_assert_cmpuint (strlen (name), >, 0);
      g_assert_null (strpbrk (name, " \t:"));
    }
  challenges = phonesecctl_sip_response_get_all (response, "WWW-Authenticate");
  g_assert_cmpuint (challenges->len, <=, response->names->len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  gboolean complete = TRUE;
  g_autoptr (PhonesecctlSipResponse) response
      = phonesecctl_sip_response_parse ((const char *) data, size, &complete, &error);

  if (response != NULL)
    {
      g_assert_true (complete);
      g_assert_no_error (error);
      check_response (response, size);
    }
  else
    {
      g_assert_false (complete);
      if (error != NULL)
        {
          g_assert_null (strchr (error->message, '\n'));
          g_assert_null (strchr (error->message, '\r'));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
          g_assert_cmpuint (strlen (error->message), <, 512);
        }
    }
  return 0;
}
