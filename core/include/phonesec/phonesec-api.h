/* phonesec-api.h: what libphonesec exports.
 *
 * libphonesec is built with -fvisibility=hidden: only declarations marked
 * PHONESEC_API (the SDK, and the few calls phonesecd makes) are in its
 * dynamic symbol table. The rest stays internal, so the linker can drop or
 * inline it, and plugins cannot come to depend on it. A GType's get_type()
 * is declared once more, marked, before its G_DECLARE_* macro.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define PHONESEC_API __attribute__ ((visibility ("default")))
