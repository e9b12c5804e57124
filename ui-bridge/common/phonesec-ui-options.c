/* phonesec-ui-options.c: the command line every ui-bridge program reads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-ui-options.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib/gi18n.h>

char *
phonesec_ui_options_parse (const char *program, const char *summary, const GOptionEntry *entries,
                           int *argc, char ***argv)
{
  g_autofree char *bus = NULL;
  gboolean version = FALSE;
  const GOptionEntry common[] = {
    { "bus", 0, 0, G_OPTION_ARG_STRING, &bus,
      N_ ("Bus to use: system, session, or a D-Bus address (default: $PHONESEC_BUS, else "
          "system)"),
      N_ ("BUS") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version and exit"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new (summary);
  g_autoptr (GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s: %s\n", program, error->message);
      exit (2);
    }
  if (version)
    {
      printf ("%s %s\n", program, PACKAGE_VERSION);
      exit (0);
    }
  if (bus == NULL)
    return g_strdup (g_getenv ("PHONESEC_BUS"));
  return g_steal_pointer (&bus);
}
