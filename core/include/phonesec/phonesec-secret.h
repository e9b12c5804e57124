/* phonesec-secret.h: a value the logger cannot print.
 *
 * Secrets (passwords) are handed to plugins as #PhonesecSecret, never as a
 * plain string, so that passing one to g_message() or a format string is a
 * type error rather than a leak.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

typedef struct _PhonesecSecret PhonesecSecret;

#define PHONESEC_TYPE_SECRET (phonesec_secret_get_type ())
PHONESEC_API GType phonesec_secret_get_type (void) G_GNUC_CONST;

PHONESEC_API PhonesecSecret *phonesec_secret_new (const char *value, gssize len);
PHONESEC_API PhonesecSecret *phonesec_secret_ref (PhonesecSecret *secret);
PHONESEC_API void phonesec_secret_unref (PhonesecSecret *secret);

PHONESEC_API gboolean phonesec_secret_is_empty (const PhonesecSecret *secret);
PHONESEC_API gsize phonesec_secret_get_length (const PhonesecSecret *secret);

/**
 * phonesec_secret_peek:
 * @secret: a #PhonesecSecret
 *
 * Returns the clear value, for handing to the library that needs it
 * (libldap, libopenconnect, an HTTP auth header). Never log it.
 *
 * Returns: (transfer none): the NUL-terminated clear value, valid while
 *   @secret lives
 */
PHONESEC_API const char *phonesec_secret_peek (const PhonesecSecret *secret);

PHONESEC_API gboolean phonesec_secret_equal (const PhonesecSecret *a, const PhonesecSecret *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSecret, phonesec_secret_unref)

G_END_DECLS
