/* phonesec-validators.h: the value checks behind the schema's `Kind=`.
 *
 * Each returns TRUE or FALSE with PHONESEC_ERROR_INVALID_VALUE and a message
 * that says what is wrong and what is allowed, never naming the parameter
 * and never quoting more than the offending part of the input.
 *
 * Internal to the core (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec/phonesec-error.h" /* phonesec_quote_for_message() */

G_BEGIN_DECLS

/**
 * phonesec_validate_kind:
 * @kind: one of
 *   - "host": a host name (RFC 1123 labels) or an IPv4/IPv6 address; no
 *     scheme, port, path or user info ("proxy.example.com", "10.0.0.1", "::1")
 *   - "host-port": host, optionally ":port" (1..65535); IPv6 in brackets
 *     when a port follows ("[::1]:514")
 *   - "fqdn": a domain name of at least one label, no trailing garbage
 *   - "header-name": an HTTP field name (RFC 9110 token), 1..127 characters
 *   - "header-value": visible ASCII, space and tab, no CR/LF, ≤127 characters
 *   - "header-secret": the same, for a value that is a credential (a token):
 *     masked on every read (phonesec-credentials.h); never quoted here
 *   - "firewall-options": the Firewall_Config grammar (see
 *     phonesec_validate_firewall_options())
 *   - "rule": a provisioning rule `[--key K] [--uid U --pwd P] URL` where URL
 *     is a tftp/http/https URL or a path starting with '/', macros allowed
 *   - "text": any UTF-8 without control characters (macro text, names)
 *   - "cipher-list": printable ASCII (its meaning is checked by the TLS
 *     policy, which accepts but reports an invalid list, as the guide says)
 *   - "int": a decimal integer (for list items; bounds are checked by the caller)
 *   - "prt-name": letters, digits, '-', '_', '.', and macros ($NAME, $(NAME))
 *   An unknown kind is a programming error (FALSE with a message).
 * @value: the stripped, non-empty value
 */
gboolean phonesec_validate_kind (const char *kind, const char *value, GError **error);

/* Empty is allowed by the caller; here @value is non-empty. @schemes NULL = any. */
gboolean phonesec_validate_url (const char *value, const char *const *schemes, GError **error);

/**
 * phonesec_validate_firewall_options:
 *
 * Comma-separated keywords: NO_ICMP_PING, NO_ICMP_UNREACHABLE, NO_CISCO_TFTP,
 * UDP:x, UDP:x:y, TCP:x, TCP:x:y (ports 1..65535, x ≤ y), at most 5 UDP and 5
 * TCP entries; white space around items and ':' is tolerated, keywords are
 * case-insensitive.
 */
gboolean phonesec_validate_firewall_options (const char *value, GError **error);

/* Yes/No, Oui/Non, true/false, 1/0, on/off, enabled/disabled, activé/désactivé
 * (case-insensitive, UTF-8). */
gboolean phonesec_parse_bool (const char *text, gboolean *out);

/* A decimal integer with optional sign, no trailing characters. */
gboolean phonesec_parse_int64 (const char *text, gint64 *out);

G_END_DECLS
