/* phonesec-pac-fetch.h: downloads a PAC script from a tftp, http or https URL.
 *
 * http(s) goes through the HTTP client given (the core's network service:
 * its TLS policy and trust apply), tftp through phonesec-tftp-client. Both are size-capped
 * while reading and bounded in time. Never blocks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/* Zero fields take the defaults in brackets. */
typedef struct
{
  gsize max_size;               /* [1 MiB] */
  guint timeout_ms;             /* the whole fetch [20000] */
  guint tftp_packet_timeout_ms; /* [1000] */
  guint tftp_retries;           /* [4] */
} PhonesecPacFetchOptions;

#define PHONESEC_PAC_FETCH_DEFAULT_MAX_SIZE (1024 * 1024)
#define PHONESEC_PAC_FETCH_DEFAULT_TIMEOUT_MS 20000

/**
 * phonesec_pac_fetch_async:
 * @client: used for http and https
 * @url: the PAC URL
 *
 * Errors have messages of the form "Could not fetch the PAC script from
 * URL: why", the URL without credentials: PHONESEC_ERROR_INVALID_VALUE for
 * a bad URL, G_IO_ERROR_TIMED_OUT, G_IO_ERROR_MESSAGE_TOO_LARGE,
 * G_IO_ERROR_NOT_FOUND (HTTP 404, TFTP file not found), G_IO_ERROR_FAILED
 * (other HTTP statuses, TFTP errors), or what the network layer said
 * (connection refused, TLS certificate...). G_IO_ERROR_CANCELLED when
 * @cancellable was cancelled.
 */
void phonesec_pac_fetch_async (PhonesecHttpClient *client, const char *url,
                               const PhonesecPacFetchOptions *options, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GBytes *phonesec_pac_fetch_finish (GAsyncResult *result, GError **error);

G_END_DECLS
