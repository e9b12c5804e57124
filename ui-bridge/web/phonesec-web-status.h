/* phonesec-web-status.h: Info > Status and its live updates
 * (server-sent events).
 *
 * Layer 3, a page: it calls the page frame and the request leaf below
 * it, never the router (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-web-page.h"

G_BEGIN_DECLS

/* Live-status streams per account; the account's oldest ends when it
 * opens one more. */
#define PHONESEC_WEB_MAX_EVENT_STREAMS_PER_ACCOUNT 16

/* GET /status: answers and finishes @req. */
void phonesec_web_status_page (PhonesecWebRequest *req);
/* GET /events: a server-sent event stream for @role. */
void phonesec_web_events_open (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                               PhonesecWebRole role);
void phonesec_web_events_init (PhonesecWeb *web);
void phonesec_web_events_shutdown (PhonesecWeb *web);

G_END_DECLS
