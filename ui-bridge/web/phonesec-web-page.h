/* phonesec-web-page.h: the frame of a logged-in page (head, header, the
 * tab bar built from Config.Describe) and values as display text.
 *
 * Layer 2: it calls only the request leaf (phonesec-web-request.h) below
 * it, never the pages or the router (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-web-request.h"

G_BEGIN_DECLS

/* Whether @role sees, or may change, a parameter of Describe's @access
 * ("na", "ro" or "rw"). */
gboolean phonesec_web_param_visible (PhonesecWebRole role, const char *access);
gboolean phonesec_web_param_writable (PhonesecWebRole role, const char *access);

typedef void (*PhonesecWebPageReady) (PhonesecWebRequest *req);
/* Pauses @req's message and reads Config.Describe into @req->describe
 * (the tab bar needs it), then calls @ready. On failure answers 502 and
 * finishes @req. */
void phonesec_web_page_start (PhonesecWebRequest *req, PhonesecWebPageReady ready);

/* "/tab/ID" or "/tab/ID/LINE": the path of a tab. */
char *phonesec_web_tab_path (const char *tab, guint line);
/* The title of @req's tab (req->tab, req->line), or NULL when @req->role
 * sees no such tab. */
char *phonesec_web_page_tab_title (PhonesecWebRequest *req);

/* Page frame: doctype, head, header with the tab bar; _end closes it. */
void phonesec_web_page_begin (PhonesecWebRequest *req, GString *out, const char *title,
                              const char *current);
void phonesec_web_page_end (PhonesecWebRequest *req, GString *out);
/* A property or parameter value as display text. */
char *phonesec_web_format_value (PhonesecWebRequest *req, GVariant *value);

G_END_DECLS
