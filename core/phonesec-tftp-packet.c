/* phonesec-tftp-packet.c: TFTP packet encoding and strict decoding.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-tftp-packet.h"

#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#define MAX_FILENAME 255

static void
put16 (GByteArray *out, guint16 v)
{
  guint8 b[2] = { v >> 8, v & 0xff };

  g_byte_array_append (out, b, 2);
}

static guint16
get16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

GBytes *
phonesec_tftp_encode_rrq (const char *filename, GError **error)
{
  GByteArray *out;
  gsize len = filename != NULL ? strlen (filename) : 0;

  if (len == 0 || len > MAX_FILENAME)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("A TFTP file name must be 1 to %d bytes long"), MAX_FILENAME);
      return NULL;
    }
  out = g_byte_array_sized_new (2 + len + 1 + 6);
  put16 (out, PHONESEC_TFTP_RRQ);
  g_byte_array_append (out, (const guint8 *) filename, len + 1);
  g_byte_array_append (out, (const guint8 *) "octet", 6);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
phonesec_tftp_encode_ack (guint16 block)
{
  GByteArray *out = g_byte_array_sized_new (4);

  put16 (out, PHONESEC_TFTP_ACK);
  put16 (out, block);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
phonesec_tftp_encode_error (guint16 code, const char *message)
{
  GByteArray *out = g_byte_array_sized_new (4 + PHONESEC_TFTP_MAX_MESSAGE + 1);
  gsize len = message != NULL ? strnlen (message, PHONESEC_TFTP_MAX_MESSAGE) : 0;

  put16 (out, PHONESEC_TFTP_ERROR);
  put16 (out, code);
  if (len > 0)
    g_byte_array_append (out, (const guint8 *) message, len);
  g_byte_array_append (out, (const guint8 *) "", 1);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("Malformed TFTP packet: %s"),
               what);
  return FALSE;
}

/* Reads a NUL-terminated string of at most @max bytes at *@p (< @end) and
 * moves *@p past its NUL. */
static const char *
take_string (const guint8 **p, const guint8 *end, gsize max, gsize *out_len)
{
  const guint8 *nul = memchr (*p, '\0', end - *p);
  const char *s = (const char *) *p;

  if (nul == NULL || (gsize) (nul - *p) > max)
    return NULL;
  *out_len = nul - *p;
  *p = nul + 1;
  return s;
}

/* Server text is shown to admins: printable ASCII only, bounded. */
static char *
printable (const char *s, gsize len)
{
  GString *out = g_string_sized_new (MIN (len, PHONESEC_TFTP_MAX_MESSAGE) + 1);

  for (gsize i = 0; i < len && out->len < PHONESEC_TFTP_MAX_MESSAGE; i++)
    g_string_append_c (out, (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?');
  return g_string_free (out, FALSE);
}

gboolean
phonesec_tftp_decode (const guint8 *buf, gsize len, PhonesecTftpPacket *packet, GError **error)
{
  const guint8 *end = buf + len;
  const guint8 *p;
  guint16 opcode;

  memset (packet, 0, sizeof *packet);
  if (buf == NULL || len < 2)
    return fail (error, _ ("shorter than an opcode"));
  if (len > 4 + 65464)
    return fail (error, _ ("longer than any TFTP packet"));
  opcode = get16 (buf);
  p = buf + 2;
  switch (opcode)
    {
      case PHONESEC_TFTP_RRQ:
      case PHONESEC_TFTP_WRQ:
        {
          gsize flen, mlen;
          const char *file = take_string (&p, end, MAX_FILENAME, &flen);
          const char *mode = file != NULL ? take_string (&p, end, 8, &mlen) : NULL;

          if (file == NULL || flen == 0)
            return fail (error, _ ("request without a valid file name"));
          if (mode == NULL)
            return fail (error, _ ("request without a valid mode"));
          packet->mode = g_ascii_strdown (mode, mlen);
          if (!g_str_equal (packet->mode, "octet") && !g_str_equal (packet->mode, "netascii")
              && !g_str_equal (packet->mode, "mail"))
            {
              phonesec_tftp_packet_clear (packet);
              return fail (error, _ ("unknown transfer mode"));
            }
          packet->filename = g_strndup (file, flen);
          /* RFC 2347 options may follow; they are not used. */
          break;
        }
      case PHONESEC_TFTP_DATA:
        if (len < PHONESEC_TFTP_HEADER_SIZE)
          return fail (error, _ ("DATA without a block number"));
        if (len > PHONESEC_TFTP_MAX_PACKET)
          return fail (error, _ ("DATA larger than 512 bytes"));
        packet->block = get16 (p);
        packet->data = buf + PHONESEC_TFTP_HEADER_SIZE;
        packet->data_len = len - PHONESEC_TFTP_HEADER_SIZE;
        break;
      case PHONESEC_TFTP_ACK:
        if (len != PHONESEC_TFTP_HEADER_SIZE)
          return fail (error, _ ("ACK not 4 bytes long"));
        packet->block = get16 (p);
        break;
      case PHONESEC_TFTP_ERROR:
        {
          const guint8 *nul;

          if (len < PHONESEC_TFTP_HEADER_SIZE)
            return fail (error, _ ("ERROR without a code"));
          packet->error_code = get16 (p);
          p += 2;
          /* Some servers leave out the final NUL: the text is still worth
           * showing, so the rest of the packet is taken. */
          nul = memchr (p, '\0', end - p);
          packet->error_message
              = printable ((const char *) p, nul != NULL ? (gsize) (nul - p) : (gsize) (end - p));
          break;
        }
      case PHONESEC_TFTP_OACK:
        if (len > 2 && buf[len - 1] != '\0')
          return fail (error, _ ("OACK options not terminated"));
        break;
      default:
        return fail (error, _ ("unknown opcode"));
    }
  packet->opcode = opcode;
  return TRUE;
}

void
phonesec_tftp_packet_clear (PhonesecTftpPacket *packet)
{
  g_clear_pointer (&packet->error_message, g_free);
  g_clear_pointer (&packet->filename, g_free);
  g_clear_pointer (&packet->mode, g_free);
  packet->data = NULL;
  packet->data_len = 0;
}

const char *
phonesec_tftp_error_code_describe (guint16 code)
{
  switch (code)
    {
      case PHONESEC_TFTP_ERR_UNDEFINED:
        return _ ("error");
      case PHONESEC_TFTP_ERR_NOT_FOUND:
        return _ ("file not found");
      case PHONESEC_TFTP_ERR_ACCESS:
        return _ ("access violation");
      case PHONESEC_TFTP_ERR_DISK_FULL:
        return _ ("disk full or allocation exceeded");
      case PHONESEC_TFTP_ERR_ILLEGAL_OP:
        return _ ("illegal TFTP operation");
      case PHONESEC_TFTP_ERR_UNKNOWN_TID:
        return _ ("unknown transfer ID");
      case PHONESEC_TFTP_ERR_EXISTS:
        return _ ("file already exists");
      case PHONESEC_TFTP_ERR_NO_USER:
        return _ ("no such user");
      case PHONESEC_TFTP_ERR_OPTION:
        return _ ("option negotiation refused");
      default:
        return _ ("unknown error code");
    }
}
