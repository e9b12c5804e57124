/* phonesec-ui-locale.h: the language of a ui-bridge program, from its
 * environment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets the locale from the environment (LANGUAGE, LC_ALL, LC_MESSAGES,
 * LANG) and binds the "phonesec" domain to $PHONESEC_LOCALEDIR, or to the
 * installed locale folder. A phone image has no compiled locales: when the
 * one named cannot be set, messages still follow its language (C.UTF-8
 * with LANGUAGE set to it), so LANG=fr_FR.UTF-8 gives French everywhere. */
void phonesec_ui_locale_init (void);

G_END_DECLS
