/* phonesec-prov-image.h: what phonesec itself does to a firmware image
 * before the install hook gets it: its version against
 * Downgrade_Rev_Limit. Pure functions.
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

G_END_DECLS
