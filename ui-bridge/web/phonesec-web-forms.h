/* phonesec-web-forms.h: the configuration tabs: a form built from
 * Config.Describe and Config.Get, posted as one Config.Apply.
 *
 * Layer 3, a page: it calls the page frame and the request leaf below
 * it, never the router (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-web-page.h"

G_BEGIN_DECLS

/* GET of the tab @req->tab (@req->line): answers and finishes @req. */
void phonesec_web_forms_show (PhonesecWebRequest *req);
/* POST of that tab's form, @form its fields (CSRF token already
 * checked): one Config.Apply with the changed ones. Answers and finishes
 * @req. */
void phonesec_web_forms_submit (PhonesecWebRequest *req, GHashTable *form);

G_END_DECLS
