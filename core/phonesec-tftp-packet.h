/* phonesec-tftp-packet.h: TFTP packets (RFC 1350), encoded and decoded.
 *
 * Pure functions: the client (phonesec-tftp-client.c) and the fuzz target
 * use them. Every decoded field is checked; server text (error messages) is
 * made printable before anyone shows it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PHONESEC_TFTP_BLOCK_SIZE 512
/* Opcode and block number. */
#define PHONESEC_TFTP_HEADER_SIZE 4
/* The largest packet RFC 1350 allows: a full DATA packet. */
#define PHONESEC_TFTP_MAX_PACKET (PHONESEC_TFTP_HEADER_SIZE + PHONESEC_TFTP_BLOCK_SIZE)
/* Longest server error text we keep. */
#define PHONESEC_TFTP_MAX_MESSAGE 120

typedef enum
{
  PHONESEC_TFTP_RRQ = 1,
  PHONESEC_TFTP_WRQ = 2,
  PHONESEC_TFTP_DATA = 3,
  PHONESEC_TFTP_ACK = 4,
  PHONESEC_TFTP_ERROR = 5,
  PHONESEC_TFTP_OACK = 6, /* RFC 2347; we never ask for options */
} PhonesecTftpOpcode;

typedef enum
{
  PHONESEC_TFTP_ERR_UNDEFINED = 0,
  PHONESEC_TFTP_ERR_NOT_FOUND = 1,
  PHONESEC_TFTP_ERR_ACCESS = 2,
  PHONESEC_TFTP_ERR_DISK_FULL = 3,
  PHONESEC_TFTP_ERR_ILLEGAL_OP = 4,
  PHONESEC_TFTP_ERR_UNKNOWN_TID = 5,
  PHONESEC_TFTP_ERR_EXISTS = 6,
  PHONESEC_TFTP_ERR_NO_USER = 7,
  PHONESEC_TFTP_ERR_OPTION = 8,
} PhonesecTftpErrorCode;

/* A decoded packet. Pointers point into the decoded buffer (data) or are
 * owned (strings): clear with phonesec_tftp_packet_clear(). */
typedef struct
{
  PhonesecTftpOpcode opcode;
  guint16 block;       /* DATA, ACK */
  const guint8 *data;  /* DATA payload, inside the decoded buffer */
  gsize data_len;      /* 0..512 */
  guint16 error_code;  /* ERROR */
  char *error_message; /* ERROR: printable ASCII, at most 120 characters */
  char *filename;      /* RRQ, WRQ */
  char *mode;          /* RRQ, WRQ: lower case */
} PhonesecTftpPacket;

/**
 * phonesec_tftp_encode_rrq:
 * @filename: the file to read: not empty, no NUL, at most 255 bytes
 *
 * Returns: (transfer full) (nullable): an RRQ in octet mode, or NULL with
 * PHONESEC_ERROR_INVALID_VALUE.
 */
GBytes *phonesec_tftp_encode_rrq (const char *filename, GError **error);
GBytes *phonesec_tftp_encode_ack (guint16 block);
/* @message: ASCII text, cut at 120 bytes. */
GBytes *phonesec_tftp_encode_error (guint16 code, const char *message);

/**
 * phonesec_tftp_decode:
 * @buf: a received datagram
 * @len: its length (anything, including 0 or more than a packet)
 * @packet: (out caller-allocates): filled on success
 * @error: PHONESEC_ERROR_INVALID_VALUE saying what is malformed
 *
 * Returns: whether @buf is a well-formed packet.
 */
gboolean phonesec_tftp_decode (const guint8 *buf, gsize len, PhonesecTftpPacket *packet,
                               GError **error);
void phonesec_tftp_packet_clear (PhonesecTftpPacket *packet);

/* A short English-independent description of an RFC 1350 error code
 * (translated), e.g. "file not found". */
const char *phonesec_tftp_error_code_describe (guint16 code);

G_END_DECLS
