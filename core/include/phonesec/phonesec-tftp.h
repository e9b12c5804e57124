/* phonesec-tftp.h: reads one file from a TFTP server (RFC 1350).
 *
 * Asynchronous on the caller's main context (GSocket UDP, no thread):
 * octet mode, one ACK per block, the last packet retransmitted after a
 * per-packet timeout, a total timeout, a size cap enforced while receiving,
 * and the transfer ID checked (packets from another port of the server are
 * answered with "unknown transfer ID" and otherwise ignored; packets from
 * another host are dropped).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_TFTP_DEFAULT_PORT 69

/* Zero fields take the defaults in brackets. */
typedef struct
{
  guint packet_timeout_ms; /* wait for each answer [1000] */
  guint retries;           /* retransmissions of one packet [4] */
  guint total_timeout_ms;  /* the whole transfer, name lookup included [15000] */
  gsize max_size;          /* largest file accepted [1 MiB] */
} PhonesecTftpOptions;

/**
 * phonesec_tftp_fetch_async:
 * @host: a host name or an IP address
 * @port: the server's port (69 by default)
 * @filename: the file to read
 * @options: (nullable): limits; NULL for the defaults
 *
 * Errors (messages name the server, never a file's content):
 * G_IO_ERROR_TIMED_OUT (no answer, or not complete in time),
 * G_IO_ERROR_NOT_FOUND (the server says file not found),
 * G_IO_ERROR_PERMISSION_DENIED (access violation),
 * G_IO_ERROR_MESSAGE_TOO_LARGE (larger than max_size),
 * G_IO_ERROR_FAILED (any other server error), resolver errors,
 * G_IO_ERROR_CANCELLED.
 */
PHONESEC_API void phonesec_tftp_fetch_async (const char *host, guint16 port, const char *filename,
                                             const PhonesecTftpOptions *options,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
PHONESEC_API GBytes *phonesec_tftp_fetch_finish (GAsyncResult *result, GError **error);

/**
 * phonesec_tftp_fetch_to_stream_async:
 * @sink: where the file goes, block by block (not closed)
 *
 * As phonesec_tftp_fetch_async(), for files too large to hold in memory
 * (firmware images): each 512-byte block is written to @sink before it is
 * acknowledged, so the server waits for the disk and nothing piles up.
 * @options' max_size still caps the file. On an error @sink holds what
 * arrived before it: the caller discards it. Same errors, and @sink's.
 */
PHONESEC_API void
phonesec_tftp_fetch_to_stream_async (const char *host, guint16 port, const char *filename,
                                     const PhonesecTftpOptions *options, GOutputStream *sink,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
/* @size: (out) (optional): how many bytes went to the sink. */
PHONESEC_API gboolean phonesec_tftp_fetch_to_stream_finish (GAsyncResult *result, gsize *size,
                                                            GError **error);

G_END_DECLS
