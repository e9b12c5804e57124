/* phonesec-web-login.h: the login page and its form (the password hash
 * checked in a worker thread, behind the login throttle).
 *
 * Layer 3, a page: it calls the request leaf below it, never the router
 * (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-web-request.h"

G_BEGIN_DECLS

/* Login attempts the throttle keeps waiting for others, at most. */
#define PHONESEC_WEB_MAX_WAITING_LOGINS 64

void phonesec_web_render_login (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                                guint status, const char *error);
void phonesec_web_login_post (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                              GHashTable *form);
void phonesec_web_login_shutdown (PhonesecWeb *web);

G_END_DECLS
