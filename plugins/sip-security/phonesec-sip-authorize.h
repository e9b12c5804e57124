/* phonesec-sip-authorize.h: answering a server's challenges for a line
 * (the client side: REGISTER, INVITE, SUBSCRIBE... that got a 401 or 407).
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-sip-line.h"

G_BEGIN_DECLS

/* The nonce counts of the nonces a line answered, so that a challenge
 * answered again (a stack reusing a nonce) gets the next count. Bounded:
 * forgetting only makes a server challenge again. */
typedef struct _PhonesecSipNonceCounts PhonesecSipNonceCounts;

PhonesecSipNonceCounts *phonesec_sip_nonce_counts_new (void);
void phonesec_sip_nonce_counts_free (PhonesecSipNonceCounts *counts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSipNonceCounts, phonesec_sip_nonce_counts_free)

/**
 * PhonesecSipAuthorizeRequest:
 * @challenges: header values the server sent, each maybe prefixed with its
 *   header name ("Proxy-Authenticate: Digest ...")
 * @proxy: the kind of a value without a header name: Proxy-Authenticate
 *   (407) when %TRUE, WWW-Authenticate (401) when %FALSE
 * @body: (nullable): the request's body, for qop auth-int (NULL: none)
 * @cnonce: (nullable): for tests; NULL draws one
 * @nc: for tests; 0 counts
 */
typedef struct
{
  const char *method;
  const char *uri;
  const char *const *challenges;
  gboolean proxy;
  GBytes *body;
  const char *cnonce;
  guint32 nc;
} PhonesecSipAuthorizeRequest;

/**
 * phonesec_sip_authorize:
 * @header_name: (out): "Authorization" or "Proxy-Authorization"
 * @header_value: (out): its value
 *
 * Picks the first challenge (in the order given, the server's preference)
 * that is Digest, well-formed, and of an algorithm the line allows, and
 * answers it with the line's user and @password.
 *
 * Returns: %FALSE with PHONESEC_ERROR_NOT_SUPPORTED when the line cannot
 *   answer any (no user, only algorithms it does not allow: the message
 *   names them and the parameter that decides), INVALID_VALUE when no
 *   challenge could be read (the message says why for the first)
 */
gboolean phonesec_sip_authorize (const PhonesecSipLine *line, const PhonesecSecret *password,
                                 const PhonesecSipAuthorizeRequest *request,
                                 PhonesecSipNonceCounts *counts, char **header_name,
                                 char **header_value, GError **error);

G_END_DECLS
