/* phonesec-prov-server.h: the resync macros that name the server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $SCHEME, $SERV, $SERVIP, $PORT, $PATH of @url ($SERVIP: the name until
 * an address answered). An address is written bare, IPv6 without its
 * brackets ("2001:db8::1"), as phonesec_prov_vars_set_server() writes it.
 * A @url that does not parse leaves @vars as they were. */
void phonesec_prov_vars_set_url (GHashTable *vars, const char *url);

/* $SERVIP and $PORT from `scheme://address:port`, the server that
 * answered (IPv6 as `scheme://[address]:port`). Anything else leaves
 * @vars as they were. */
void phonesec_prov_vars_set_server (GHashTable *vars, const char *server);

G_END_DECLS
