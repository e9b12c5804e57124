/* phonesec-web-mo.h: a GNU .mo message catalogue, read into memory.
 *
 * phonesec-web answers each request in the language the browser asked for,
 * so it cannot use the process-wide gettext locale (and the phone image has
 * no fr_FR locale to uselocale() into). It reads the same
 * <localedir>/<lang>/LC_MESSAGES/phonesec.mo the build produces and looks
 * strings up per request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PhonesecWebMo PhonesecWebMo;

/* Parses a .mo file image (either byte order). Every offset and length is
 * checked against @size; anything malformed fails with G_FILE_ERROR_INVAL
 * and a message saying what. */
PhonesecWebMo *phonesec_web_mo_new_from_data (const guint8 *data, gsize size, GError **error);
PhonesecWebMo *phonesec_web_mo_new_from_file (const char *path, GError **error);
void phonesec_web_mo_free (PhonesecWebMo *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecWebMo, phonesec_web_mo_free)

/* The translation of @msgid, or @msgid itself (also when @self is NULL).
 * For plural entries, the key is the singular and the result the first form. */
const char *phonesec_web_mo_lookup (const PhonesecWebMo *self, const char *msgid);
guint phonesec_web_mo_count (const PhonesecWebMo *self);

G_END_DECLS
