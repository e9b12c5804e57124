/* phonesec-prov-syslog.h: the resync messages (Log_Request_Msg,
 * Log_Success_Msg, Log_Failure_Msg) to Syslog_Server, as the phones send
 * them: one UDP datagram each, RFC 3164 framing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The default port when Syslog_Server has none. */
#define PHONESEC_PROV_SYSLOG_PORT 514

/**
 * phonesec_prov_syslog_format:
 * @hostname: the phone's name in the header (SEP + MAC)
 * @now: the time stamp (local time, as RFC 3164 wants)
 * @message: the expanded text; control characters become spaces
 *
 * `<PRI>Mmm dd hh:mm:ss HOSTNAME phonesec: MESSAGE`, facility local0,
 * severity notice (PRI 133), at most 1024 bytes (RFC 3164 §4.1), cut at a
 * character boundary.
 *
 * Returns: (transfer full): the datagram's text
 */
char *phonesec_prov_syslog_format (const char *hostname, GDateTime *now, const char *message);

/**
 * phonesec_prov_syslog_send:
 * @server: Syslog_Server: host[:port] ([v6]:port for IPv6), empty: nothing
 *
 * Resolves @server (asynchronously) and sends the datagram to its first
 * address. Fire and forget: a failure is logged, never returned (syslog is
 * best effort on the phone too).
 */
void phonesec_prov_syslog_send (const char *server, const char *hostname, const char *message);

G_END_DECLS
