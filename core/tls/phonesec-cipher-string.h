/* phonesec-cipher-string.h: OpenSSL's reading of a cipher string (what
 * `openssl ciphers -V STRING` lists), without GnuTLS. Internal to
 * phonesec-cipher-list.c and its tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-cipher-suites.h"

G_BEGIN_DECLS

/* The longest TLS_Cipher_List value the parameter accepts. */
#define PHONESEC_CIPHER_LIST_MAX_LENGTH 521

/**
 * PhonesecCipherSelection:
 * @suites: (element-type guint16): table indices, OpenSSL's order
 * @security_level: from @SECLEVEL=n, else @default_level
 * @suite_b: the Suite B keyword the string starts with, or %NULL
 * @warnings: (element-type utf8): ignored words, one sentence each
 */
typedef struct
{
  GArray *suites;
  guint security_level;
  const char *suite_b;
  GPtrArray *warnings;
} PhonesecCipherSelection;

gboolean phonesec_cipher_string_select (const char *str, guint default_level,
                                        PhonesecCipherSelection *selection, GError **error);
void phonesec_cipher_selection_clear (PhonesecCipherSelection *selection);

/* OpenSSL's built-in preference order of every selectable suite (the
 * order ALL would list them in if ALL included eNULL), as table indices. */
const guint16 *phonesec_cipher_string_get_default_order (guint *n_suites);

G_END_DECLS
