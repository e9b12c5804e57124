/* phonesec-web-server.h: routing every request to its page, static
 * files, and request bodies watched as they are read.
 *
 * Layer 4: it calls the pages and the leaf below it; only main
 * (phonesec-web.c) calls it (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-web.h"

G_BEGIN_DECLS

/* Watches each request's body as it is read ("request-started"). */
void phonesec_web_request_started (SoupServer *server, SoupServerMessage *msg, gpointer data);
/* Routes every request (the SoupServer handler of "/"). */
void phonesec_web_handle (SoupServer *server, SoupServerMessage *msg, const char *path,
                          GHashTable *query, gpointer data);

G_END_DECLS
