/* phonesec-ui-locale.c: setlocale and the message catalogue.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-ui-locale.h"

#include <locale.h>
#include <libintl.h>

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

/* The first language the environment names, e.g. "fr_FR.UTF-8"; NULL for
 * C/POSIX. */
static const char *
environment_language (void)
{
  const char *const *names = g_get_language_names ();

  if (names[0] == NULL || g_str_equal (names[0], "C") || g_str_equal (names[0], "POSIX"))
    return NULL;
  return names[0];
}

void
phonesec_ui_locale_init (void)
{
  const char *localedir = g_getenv ("PHONESEC_LOCALEDIR");

  if (setlocale (LC_ALL, "") == NULL)
    {
      const char *language = environment_language ();

      /* gettext ignores LANGUAGE only in the plain "C" locale. */
      setlocale (LC_ALL, "C.UTF-8");
      if (language != NULL && g_getenv ("LANGUAGE") == NULL)
        g_setenv ("LANGUAGE", language, TRUE);
    }
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
