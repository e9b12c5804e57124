/* fuzz-tftp-packet.c: libFuzzer target for the TFTP packet decoder: every
 * datagram the client receives is untrusted input.
 *
 * Invariants: decoding never crashes or reads out of bounds; a DATA payload
 * lies inside the input and holds at most 512 bytes; server text is
 * printable ASCII of bounded length; a decoded ACK re-encodes to the same
 * bytes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <stdint.h>
#include <string.h>

#include "phonesec-tftp-packet.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  PhonesecTftpPacket packet;
  g_autoptr (GError) error = NULL;

  if (!phonesec_tftp_decode (data, size, &packet, &error))
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (packet.error_message);
      g_assert_null (packet.filename);
      return 0;
    }
  switch (packet.opcode)
    {
      case PHONESEC_TFTP_DATA:
        g_assert_cmpuint (packet.data_len, <=, PHONESEC_TFTP_BLOCK_SIZE);
        g_assert_true (packet.data == data + PHONESEC_TFTP_HEADER_SIZE);
        g_assert_cmpuint (packet.data_len + PHONESEC_TFTP_HEADER_SIZE, ==, size);
        break;
      case PHONESEC_TFTP_ACK:
        {
          g_autoptr (GBytes) again = phonesec_tftp_encode_ack (packet.block);

          g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), data, size);
          break;
        }
      case PHONESEC_TFTP_ERROR:
        g_assert_nonnull (packet.error_message);
        g_assert_cmpuint (strlen (packet.error_message), <=, PHONESEC_TFTP_MAX_MESSAGE);
        for (const char *p = packet.error_message; *p != '\0'; p++)
          g_assert_true (*p >= 0x20 && *p < 0x7f);
        g_assert_nonnull (phonesec_tftp_error_code_describe (packet.error_code));
        break;
      case PHONESEC_TFTP_RRQ:
      case PHONESEC_TFTP_WRQ:
        g_assert_nonnull (packet.filename);
        g_assert_cmpuint (strlen (packet.filename), >=, 1);
        g_assert_nonnull (packet.mode);
        break;
      case PHONESEC_TFTP_OACK:
        break;
      default:
        g_assert_not_reached ();
    }
  phonesec_tftp_packet_clear (&packet);
  return 0;
}
