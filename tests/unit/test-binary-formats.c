/* test-binary-formats.c: every format phonesec reads whose bytes could mean
 * something else on another machine, read from fixture files (formats/)
 * written in the layouts that differ: a big-endian and a little-endian
 * .mo catalogue (one is foreign on any host), TFTP packets in network
 * order with bytes that a swapped read would change, and store seals whose
 * Length only a 32-bit size would truncate. scripts/cross-test runs it on
 * arm64 and armhf.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>

#include "phonesec-store-file.h"
#include "phonesec-tftp-packet.h"
#include "phonesec-web-mo.h"

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "formats", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, &error);

  g_assert_no_error (error);
  return g_mapped_file_get_bytes (file);
}

static void
check_catalogue (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "formats", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecWebMo) mo = phonesec_web_mo_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_web_mo_count (mo), ==, 2);
  g_assert_cmpstr (phonesec_web_mo_lookup (mo, "Proxy Mode"), ==, "Mode du proxy");
  g_assert_cmpstr (phonesec_web_mo_lookup (mo, "Certificate"), ==, "Certificat");
  g_assert_cmpstr (phonesec_web_mo_lookup (mo, "Untranslated"), ==, "Untranslated");
}

static void
test_mo_big_endian (void)
{
  g_autoptr (GBytes) bytes = read_fixture ("catalog-be.mo");
  const guint8 *p = g_bytes_get_data (bytes, NULL);

  /* The fixture is what it claims: the magic in big-endian order. */
  g_assert_cmphex (p[0], ==, 0x95);
  g_assert_cmphex (p[3], ==, 0xde);
  check_catalogue ("catalog-be.mo");
}

static void
test_mo_little_endian (void)
{
  g_autoptr (GBytes) bytes = read_fixture ("catalog-le.mo");
  const guint8 *p = g_bytes_get_data (bytes, NULL);

  g_assert_cmphex (p[0], ==, 0xde);
  g_assert_cmphex (p[3], ==, 0x95);
  check_catalogue ("catalog-le.mo");
}

/* Returns the packet's bytes, which its data points into. */
static GBytes *
decode_fixture (const char *name, PhonesecTftpPacket *packet)
{
  GBytes *bytes = read_fixture (name);
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (phonesec_tftp_decode (data, len, packet, &error));
  g_assert_no_error (error);
  return bytes;
}

static void
test_tftp_network_order (void)
{
  PhonesecTftpPacket packet;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) ack = NULL;
  g_autoptr (GBytes) err = NULL;

  /* 00 03 01 02: DATA block 258 (513 if read in host order here). */
  data = decode_fixture ("tftp-data.bin", &packet);
  g_assert_cmpint (packet.opcode, ==, PHONESEC_TFTP_DATA);
  g_assert_cmpuint (packet.block, ==, 258);
  g_assert_cmpuint (packet.data_len, ==, 52);
  g_assert_true (memcmp (packet.data, "function FindProxyForURL", 24) == 0);
  phonesec_tftp_packet_clear (&packet);

  /* 00 04 ff 00: ACK of block 65280. */
  ack = decode_fixture ("tftp-ack.bin", &packet);
  g_assert_cmpint (packet.opcode, ==, PHONESEC_TFTP_ACK);
  g_assert_cmpuint (packet.block, ==, 65280);
  phonesec_tftp_packet_clear (&packet);

  /* 00 05 01 00: ERROR code 256, not 1 ("file not found"). */
  err = decode_fixture ("tftp-error.bin", &packet);
  g_assert_cmpint (packet.opcode, ==, PHONESEC_TFTP_ERROR);
  g_assert_cmpuint (packet.error_code, ==, 256);
  g_assert_cmpstr (packet.error_message, ==, "Disk full");
  phonesec_tftp_packet_clear (&packet);
}

static void
test_tftp_encode_network_order (void)
{
  g_autoptr (GBytes) ack = phonesec_tftp_encode_ack (65280);
  g_autoptr (GBytes) expected = read_fixture ("tftp-ack.bin");

  g_assert_true (g_bytes_equal (ack, expected));
}

static void
test_store_seal_sizes (void)
{
  g_autoptr (GBytes) good = read_fixture ("store-sealed.conf");
  g_autoptr (GBytes) wrapped = read_fixture ("store-length-wrap.conf");
  g_autoptr (GError) error = NULL;
  gboolean sealed = FALSE;
  gsize len;
  const char *text = g_bytes_get_data (good, &len);

  g_assert_true (phonesec_store_file_check_seal (text, len, &sealed, &error));
  g_assert_no_error (error);
  g_assert_true (sealed);

  /* Length = the real length + 2^32: equal to it only through a 32-bit
   * truncation, which must not happen. */
  text = g_bytes_get_data (wrapped, &len);
  g_assert_false (phonesec_store_file_check_seal (text, len, &sealed, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_true (sealed);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/formats/mo/big-endian", test_mo_big_endian);
  g_test_add_func ("/formats/mo/little-endian", test_mo_little_endian);
  g_test_add_func ("/formats/tftp/network-order", test_tftp_network_order);
  g_test_add_func ("/formats/tftp/encode", test_tftp_encode_network_order);
  g_test_add_func ("/formats/store/seal-sizes", test_store_seal_sizes);
  return g_test_run ();
}
