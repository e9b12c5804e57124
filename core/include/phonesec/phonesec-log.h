/* phonesec-log.h: structured logging that never prints a secret.
 *
 * Plugins log with the usual g_message()/g_warning()/g_debug() under their
 * own G_LOG_DOMAIN ("phonesec-<name>" by convention); the daemon installs a
 * writer that keeps a ring of recent records and masks every secret value
 * currently configured. Secrets are a
 * separate type (#PhonesecSecret) precisely so they cannot be passed as a
 * string by accident.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

/* Message IDs (for journalctl MESSAGE_ID=) of the events worth finding. */
#define PHONESEC_MESSAGE_ID_TRANSACTION "5b1e4e7a0c4f4e27a4d2f9b0c1d2e3f4"
#define PHONESEC_MESSAGE_ID_PLUGIN_STATE "6c2f5f8b1d504f38b5e30a1c2d3e4f50"
#define PHONESEC_MESSAGE_ID_STORE_CORRUPT "7d3060902e614049c6f41b2d3e4f5061"

/**
 * phonesec_log_event:
 * @message_id: (nullable): one of the PHONESEC_MESSAGE_ID_* ids
 * @level: the log level
 * @format: printf format; never pass a secret (there is no way to: secrets
 *   are #PhonesecSecret)
 *
 * A structured log record with a message id, in the caller's G_LOG_DOMAIN.
 */
#define phonesec_log_event(message_id, level, ...)                                                 \
  phonesec_log_event_full (G_LOG_DOMAIN, message_id, level, __VA_ARGS__)

PHONESEC_API void phonesec_log_event_full (const char *domain, const char *message_id,
                                           GLogLevelFlags level, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

G_END_DECLS
