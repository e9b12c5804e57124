/* phonesec-secret.c: a reference-counted secret whose memory is wiped on free.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec/phonesec-secret.h"

/* The clear text is not the first member, so passing a PhonesecSecret* to a
 * "%s" by mistake prints the magic's bytes, never the secret. */
struct _PhonesecSecret
{
  guint32 magic;
  gint ref_count;
  gsize len;
  char *data;
};

#define PHONESEC_SECRET_MAGIC 0x53454352u /* "SECR" */

G_DEFINE_BOXED_TYPE (PhonesecSecret, phonesec_secret, phonesec_secret_ref, phonesec_secret_unref)

PhonesecSecret *
phonesec_secret_new (const char *value, gssize len)
{
  PhonesecSecret *self = g_new0 (PhonesecSecret, 1);

  if (value == NULL)
    value = "";
  if (len < 0)
    len = strlen (value);
  self->magic = PHONESEC_SECRET_MAGIC;
  self->ref_count = 1;
  self->len = len;
  self->data = g_malloc (len + 1);
  memcpy (self->data, value, len);
  self->data[len] = '\0';
  return self;
}

PhonesecSecret *
phonesec_secret_ref (PhonesecSecret *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  g_atomic_int_inc (&secret->ref_count);
  return secret;
}

void
phonesec_secret_unref (PhonesecSecret *secret)
{
  if (secret == NULL)
    return;
  if (!g_atomic_int_dec_and_test (&secret->ref_count))
    return;
  /* explicit_bzero cannot be optimised away, unlike a memset before free. */
  explicit_bzero (secret->data, secret->len);
  g_free (secret->data);
  g_free (secret);
}

gboolean
phonesec_secret_is_empty (const PhonesecSecret *secret)
{
  return secret == NULL || secret->len == 0;
}

gsize
phonesec_secret_get_length (const PhonesecSecret *secret)
{
  return secret != NULL ? secret->len : 0;
}

const char *
phonesec_secret_peek (const PhonesecSecret *secret)
{
  g_return_val_if_fail (secret != NULL, "");
  return secret->data;
}

gboolean
phonesec_secret_equal (const PhonesecSecret *a, const PhonesecSecret *b)
{
  gsize len_a = phonesec_secret_get_length (a);
  guchar diff = 0;

  if (len_a != phonesec_secret_get_length (b))
    return FALSE;
  /* Constant time over the length, so a timing probe learns nothing. */
  for (gsize i = 0; i < len_a; i++)
    diff |= (guchar) (a->data[i] ^ b->data[i]);
  return diff == 0;
}
