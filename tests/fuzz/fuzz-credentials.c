/* fuzz-credentials.c: libFuzzer target for credentials inside values.
 *
 * Input: the first byte selects the kind (data[0] % 3: URL, rule, header
 * secret), the rest is the value. Beyond "no crash", it aborts when:
 *  - masking is not idempotent (a masked value read and masked again moves);
 *  - writing back the masked value does not give the stored value back
 *    (the round trip the web UI makes with every form);
 *  - the value refused by its parameter rules gets an error quoting one of
 *    its credentials (judged for credentials a message cannot contain by
 *    chance: 6 characters or more, with a capital and a digit).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "phonesec-credentials.h"
#include "phonesec-param-spec.h"

static void
fail (const char *what, const char *text, const char *detail)
{
  fprintf (stderr, "fuzz-credentials: %s\n  input: %s\n  detail: %s\n", what, text,
           detail != NULL ? detail : "");
  abort ();
}

static gboolean
telling (const char *credential)
{
  gboolean upper = FALSE, digit = FALSE;

  if (strlen (credential) < 6)
    return FALSE;
  for (const char *p = credential; *p != '\0'; p++)
    {
      upper = upper || g_ascii_isupper (*p);
      digit = digit || g_ascii_isdigit (*p);
    }
  return upper && digit;
}

static PhonesecParamSpec *
make_spec (PhonesecCredentialsKind kind)
{
  PhonesecParamSpec *spec = g_new0 (PhonesecParamSpec, 1);

  spec->name = g_strdup ("Fuzz");
  spec->type = kind == PHONESEC_CREDENTIALS_URL ? PHONESEC_PARAM_URL : PHONESEC_PARAM_STRING;
  spec->kind = kind == PHONESEC_CREDENTIALS_RULE    ? g_strdup ("rule")
               : kind == PHONESEC_CREDENTIALS_WHOLE ? g_strdup ("header-secret")
                                                    : NULL;
  spec->max_length = 1023;
  spec->default_value = g_variant_ref_sink (g_variant_new_string (""));
  return spec;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const PhonesecCredentialsKind kinds[]
      = { PHONESEC_CREDENTIALS_URL, PHONESEC_CREDENTIALS_RULE, PHONESEC_CREDENTIALS_WHOLE };
  PhonesecCredentialsKind kind;
  g_autofree char *value = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *again = NULL;
  g_autofree char *merged = NULL;
  g_autofree char *stripped = NULL;
  g_autofree char *userinfo = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) credentials = NULL;
  g_autoptr (PhonesecParamSpec) spec = NULL;
  g_autoptr (GVariant) parsed = NULL;

  if (size < 1 || size > 4096)
    return 0;
  kind = kinds[data[0] % G_N_ELEMENTS (kinds)];
  value = g_strndup ((const char *) data + 1, size - 1); /* stops at a NUL, as D-Bus strings do */

  masked = phonesec_credentials_mask (kind, value);
  again = phonesec_credentials_mask (kind, masked);
  if (strcmp (masked, again) != 0)
    fail ("masking is not idempotent", value, again);
  merged = phonesec_credentials_merge (kind, masked, value, &error);
  if (merged == NULL)
    fail ("the masked value written back is refused", value, error->message);
  if (strcmp (merged, value) != 0)
    fail ("the masked value written back does not keep the credentials", value, merged);
  g_clear_error (&error);

  stripped = phonesec_credentials_strip_url (value, &userinfo);
  if (userinfo != NULL && strlen (stripped) + strlen (userinfo) + 1 != strlen (value))
    fail ("strip_url lost more than the user information", value, stripped);

  phonesec_credentials_collect (kind, value, builder);
  credentials = g_strv_builder_end (builder);
  spec = make_spec (kind);
  parsed = phonesec_param_spec_parse_string (spec, value, &error);
  if (parsed == NULL)
    for (guint i = 0; credentials[i] != NULL; i++)
      if (telling (credentials[i]) && strstr (error->message, credentials[i]) != NULL)
        fail ("an error quotes a credential", value, error->message);
  return 0;
}
