/* phonesec-prov-macros.h: the macro values of one resync or upgrade and
 * the syslog messages built from them.
 *
 * The values: the device and network macros ($MA, $SWVER, $IP...), $A..$P
 * from GPP_A..GPP_P (secrets: they stay in this table), and the fetch's
 * own $SCHEME, $SERV, $SERVIP, $PORT, $PATH and $ERR.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

#include "phonesec-prov-server.h"

G_BEGIN_DECLS

/* Returns: (transfer full): name → value, for phonesec_macro_expand(). */
GHashTable *phonesec_prov_vars_new (PhonesecContext *context);

/**
 * phonesec_prov_log:
 * @template: the message with its macros; empty: nothing sent
 *
 * Sends @template, expanded, to Syslog_Server (nothing when it is empty).
 */
void phonesec_prov_log (PhonesecContext *context, GHashTable *vars, const char *template);

/* The same with the text of @parameter (Log_Request_Msg...). */
void phonesec_prov_log_parameter (PhonesecContext *context, GHashTable *vars,
                                  const char *parameter);

G_END_DECLS
