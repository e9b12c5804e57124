/* phonesec-prt-form.h: the multipart/form-data body of a problem report
 * upload (RFC 7578), as the phones send it.
 *
 * Written here rather than with libsoup's SoupMultipart: phonesecd no
 * longer loads libsoup at all (the network service does the HTTP).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PhonesecPrtForm PhonesecPrtForm;

PhonesecPrtForm *phonesec_prt_form_new (void);
void phonesec_prt_form_add_field (PhonesecPrtForm *self, const char *name, const char *value);
void phonesec_prt_form_add_file (PhonesecPrtForm *self, const char *name, const char *filename,
                                 const char *content_type, GBytes *data);
/* The body, and its Content-Type (with the boundary) in @content_type;
 * frees @self. */
GBytes *phonesec_prt_form_finish (PhonesecPrtForm *self, char **content_type);

G_END_DECLS
