/* phonesec-cipher-list.h: OpenSSL cipher strings (TLS_Cipher_List)
 * compiled to an ordered suite list and a GnuTLS priority string.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <gnutls/gnutls.h>

#include "phonesec-cipher-string.h"

G_BEGIN_DECLS

/* OpenSSL 1.1.1's default security level, the phone's; `@SECLEVEL=n`
 * in the string overrides it. */
#define PHONESEC_CIPHER_LIST_DEFAULT_SECURITY_LEVEL 1

/**
 * PhonesecCipherListFlags:
 * @PHONESEC_CIPHER_LIST_FLAGS_NONE: TLS 1.3 kept, with OpenSSL's default
 *   TLS 1.3 suites (AES-256-GCM, CHACHA20, AES-128-GCM)
 * @PHONESEC_CIPHER_LIST_NO_TLS13: the priority string disables TLS 1.3
 * @PHONESEC_CIPHER_LIST_FIPS: keep only FIPS-approved suites (AES, no MD5,
 *   not anonymous), TLS 1.3 without CHACHA20
 * @PHONESEC_CIPHER_LIST_ALLOW_EMPTY: compile a string whose suites are all
 *   unusable here (no GnuTLS support, refused by the security level or by
 *   FIPS) instead of failing; the list then allows nothing and has no
 *   priority string. Strings OpenSSL itself refuses still fail.
 */
typedef enum
{
  PHONESEC_CIPHER_LIST_FLAGS_NONE = 0,
  PHONESEC_CIPHER_LIST_NO_TLS13 = 1 << 0,
  PHONESEC_CIPHER_LIST_FIPS = 1 << 1,
  PHONESEC_CIPHER_LIST_ALLOW_EMPTY = 1 << 2,
} PhonesecCipherListFlags;

/**
 * PhonesecCipherAppClass:
 * @PHONESEC_CIPHER_APP_WEB_SERVER: the phone's HTTPS server (web UI)
 * @PHONESEC_CIPHER_APP_XMPP: XMPP
 * @PHONESEC_CIPHER_APP_DEFAULT: SIP, TR-069, downloads and every other client
 *
 * Which fallback an empty or invalid TLS_Cipher_List gets, as the admin
 * guide lists them.
 */
typedef enum
{
  PHONESEC_CIPHER_APP_WEB_SERVER,
  PHONESEC_CIPHER_APP_XMPP,
  PHONESEC_CIPHER_APP_DEFAULT,
} PhonesecCipherAppClass;

/**
 * PhonesecCipherList:
 *
 * An immutable, reference-counted compiled cipher list; safe to share
 * between threads.
 */
typedef struct _PhonesecCipherList PhonesecCipherList;

#define PHONESEC_TYPE_CIPHER_LIST (phonesec_cipher_list_get_type ())
GType phonesec_cipher_list_get_type (void) G_GNUC_CONST;

PhonesecCipherList *phonesec_cipher_list_compile (const char *openssl_string, GError **error);
PhonesecCipherList *phonesec_cipher_list_compile_full (const char *openssl_string,
                                                       PhonesecCipherListFlags flags,
                                                       GError **error);

const char *phonesec_cipher_list_get_fallback_string (PhonesecCipherAppClass app);
PhonesecCipherList *phonesec_cipher_list_resolve (const char *configured,
                                                  PhonesecCipherAppClass app,
                                                  PhonesecCipherListFlags flags);

PhonesecCipherList *phonesec_cipher_list_ref (PhonesecCipherList *list);
void phonesec_cipher_list_unref (PhonesecCipherList *list);

const char *phonesec_cipher_list_get_source (PhonesecCipherList *list);
gboolean phonesec_cipher_list_is_fallback (PhonesecCipherList *list);
const GError *phonesec_cipher_list_get_problem (PhonesecCipherList *list);
const char *const *phonesec_cipher_list_get_warnings (PhonesecCipherList *list);
guint phonesec_cipher_list_get_security_level (PhonesecCipherList *list);

guint phonesec_cipher_list_get_n_suites (PhonesecCipherList *list);
const PhonesecCipherSuite *phonesec_cipher_list_get_suite (PhonesecCipherList *list, guint index);
GStrv phonesec_cipher_list_dup_iana_names (PhonesecCipherList *list);
GStrv phonesec_cipher_list_dup_openssl_names (PhonesecCipherList *list);
char *phonesec_cipher_list_dup_openssl_string (PhonesecCipherList *list);

guint phonesec_cipher_list_get_n_selected (PhonesecCipherList *list);
const PhonesecCipherSuite *phonesec_cipher_list_get_selected (PhonesecCipherList *list,
                                                              guint index);

const char *phonesec_cipher_list_get_priority (PhonesecCipherList *list);
const guint16 *phonesec_cipher_list_get_enabled_codes (PhonesecCipherList *list, guint *n_codes);
GStrv phonesec_cipher_list_dup_extra_names (PhonesecCipherList *list);

gboolean phonesec_cipher_list_allows (PhonesecCipherList *list, const guint8 code[2]);
gboolean phonesec_cipher_list_allows_name (PhonesecCipherList *list, const char *iana_name);
gboolean phonesec_cipher_list_check_session (PhonesecCipherList *list, gnutls_session_t session,
                                             GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecCipherList, phonesec_cipher_list_unref)

G_END_DECLS
