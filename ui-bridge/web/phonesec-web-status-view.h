/* phonesec-web-status-view.h: what Info > Status shows, in words: the
 * sections of the guide's status screens built from one Manager.GetObjects
 * answer, for the page and for its live stream alike.
 *
 * Layer 2, beside the page frame: it calls phonesec-web-page.h and the
 * request leaf, never a page (README.md, "Layers"). The words come from
 * ui-bridge/common/phonesec-status-words.c, as the phone menus' do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec-status-words.h>

#include "phonesec-web-page.h"

G_BEGIN_DECLS

/* Keys of the sections that are not one feature interface. */
#define PHONESEC_WEB_STATUS_MESSAGES "messages"
#define PHONESEC_WEB_STATUS_SERVICES "services"

typedef struct
{
  char *key;        /* "messages", "services" or "PATH|INTERFACE" */
  char *title;      /* translated */
  GPtrArray *lines; /* PhonesecStatusLine, translated */
} PhonesecWebStatusSection;

void phonesec_web_status_section_free (PhonesecWebStatusSection *section);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecWebStatusSection, phonesec_web_status_section_free)

/* The options of GetObjects for @role's view: the phone's user's is asked
 * with access-level=user, so it holds only what the user may see. */
GVariant *phonesec_web_status_view_options (PhonesecWebRole role);

/* The sections of @objects (a{oa{sa{sv}}}, a GetObjects answer) in the
 * guide's order, in @lang: Status messages, VPN Status, TLS Policy, HTTP
 * proxy, directory, firewall, problem report, then the slots (802.1X,
 * SIP, provisioning) when their objects exist, metrics, any other plugin's
 * properties as they are, and Services.
 * Returns: (transfer full) (element-type PhonesecWebStatusSection) */
GPtrArray *phonesec_web_status_sections (PhonesecWeb *web, PhonesecWebLang lang, GVariant *objects);

/* "path|interface|property": the key of a raw value cell (details). */
char *phonesec_web_status_prop_key (const char *path, const char *iface, const char *prop);

/* Appends @text as a JSON string, with <, > and & escaped too. */
void phonesec_web_status_append_json (GString *out, const char *text);
/* {"section":KEY,"lines":[{"id","label","value","level"}...]} */
void phonesec_web_status_section_json (GString *out, const PhonesecWebStatusSection *section);

G_END_DECLS
