/* phonesec-ui-options.h: the command line every ui-bridge program reads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses --bus, --version and the program's own @entries (NULL or
 * NULL-terminated) from @argv. A bad option prints "@program: message" and
 * exits with status 2; --version prints "@program VERSION" and exits 0.
 * Returns the bus to use: --bus, else $PHONESEC_BUS, else NULL (the
 * system bus, for phonesec_bus_connect()). */
char *phonesec_ui_options_parse (const char *program, const char *summary,
                                 const GOptionEntry *entries, int *argc, char ***argv);

G_END_DECLS
