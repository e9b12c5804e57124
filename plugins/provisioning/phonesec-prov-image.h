/* phonesec-prov-image.h: what phonesec itself does to a firmware image
 * before the install hook gets it: its version against
 * Downgrade_Rev_Limit, and the decryption of an image fetched with
 * --key. No state: a file name or a file descriptor in, an answer out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/**
 * phonesec_prov_image_version:
 * @file_name: the image's file name, as the rule's URL gives it
 *   (`sip88xx.12-1-1MPP0001-12.loads`)
 *
 * The image's version as its file name says it: the name without its
 * trailing extensions that hold no digit (`.loads`, `.bin`, `.enc`...).
 * Cisco names images PRODUCT.VERSION.loads; the version is what
 * `$SWVER` shows once the phone runs it.
 *
 * Returns: (transfer full) (nullable): the version, or %NULL when the
 *   name holds no digit (no version to read)
 */
char *phonesec_prov_image_version (const char *file_name);

/**
 * phonesec_prov_image_check_limit:
 * @file_name: the image's file name
 * @limit: (nullable): Downgrade_Rev_Limit; %NULL or blank: no limit
 *
 * Cisco's Downgrade_Rev_Limit: an image whose version is below the limit
 * is refused. Versions compare as `$SWVER lt ...` conditions do
 * (phonesec_rule_compare_versions(): runs of digits as numbers), with `.`,
 * `-` and `_` alike (`7.4.8` = `7-4-8`); a limit starting with a digit is
 * compared with the version without its product prefix (`12-0-1` with
 * `sip88xx.12-1-1`: the part after the first `.` or `-` that a digit
 * follows, else from the first digit).
 *
 * Returns: %TRUE when the image may be installed, else %FALSE with
 *   @error (PHONESEC_ERROR_INVALID_VALUE) naming the image, its version
 *   and the limit, or saying that its name holds no version
 */
gboolean phonesec_prov_image_check_limit (const char *file_name, const char *limit, GError **error);

/**
 * phonesec_prov_image_decrypt_fd:
 * @fd: the image file, open for reading and writing, as `openssl enc
 *   -aes-256-cbc -k KEY` writes it ("Salted__", 8 bytes of salt, then the
 *   cipher text)
 * @key: the rule's --key
 * @cancellable: (nullable): checked between chunks
 *
 * Decrypts the file in place, 64 KiB at a time: the image is never held
 * whole in memory, nor twice on disk. The key derivation (those of
 * phonesec_prov_derive_key()) is the one that gives the last block a
 * valid padding (the longest one when two do), tried on the last two
 * blocks before anything is written; as with `openssl enc -d`, the
 * padding is the only check of the key (a wrong key passes it about once
 * in 255 salts, and for about one image in 4000 encrypted with the MD5 or
 * PBKDF2 derivation an earlier derivation fits as well as the right one:
 * the install hook checks the image's own signature). Blocking: call it
 * from a thread.
 *
 * Returns: %TRUE once @fd holds the clear image (truncated to its length),
 *   else %FALSE with @error: G_IO_ERROR_INVALID_DATA (not encrypted, a
 *   length that is not whole blocks, a wrong key: the file is then left as
 *   it was), or an I/O error
 */
gboolean phonesec_prov_image_decrypt_fd (int fd, PhonesecSecret *key, GCancellable *cancellable,
                                         GError **error);

G_END_DECLS
