/* phonesec-device.h: the phone's identity (what the macros and reports need).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_DEVICE (phonesec_device_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecDevice, phonesec_device, PHONESEC, DEVICE, GObject)

/**
 * phonesec_device_new_from_file:
 * @path: (nullable): a key file with a `[Device]` group, or %NULL for the
 *   built-in development identity
 * @error: return location for a #GError
 *
 * Keys of the `[Device]` group: `MAC` (any of 001122334455,
 * 00:11:22:33:44:55, 00-11-22-33-44-55, either case), `Serial`,
 * `ProductName` (CP-8841-3PCC), `ProductSeries` (8800), `SoftwareVersion`,
 * `HardwareVersion`, `ClientCertificate` (bool: a unique client certificate
 * is installed, feeds `$CCERT`).
 *
 * Returns: (transfer full): the identity, or %NULL with @error set when the
 *   file cannot be read or a value is malformed (the error says which key)
 */
PhonesecDevice *phonesec_device_new_from_file (const char *path, GError **error);

/** Lower-case hex MAC without separators: `001122aabbcc` (`$MA`). */
const char *phonesec_device_get_mac (PhonesecDevice *self);
/** Upper-case hex MAC without separators: `001122AABBCC` (`$MAU`). */
const char *phonesec_device_get_mac_upper (PhonesecDevice *self);
/** Colon-separated lower-case MAC: `00:11:22:aa:bb:cc` (`$MAC`). */
const char *phonesec_device_get_mac_colon (PhonesecDevice *self);
const char *phonesec_device_get_serial (PhonesecDevice *self);
const char *phonesec_device_get_product_name (PhonesecDevice *self);
const char *phonesec_device_get_product_series (PhonesecDevice *self);
const char *phonesec_device_get_software_version (PhonesecDevice *self);
const char *phonesec_device_get_hardware_version (PhonesecDevice *self);
gboolean phonesec_device_get_client_certificate (PhonesecDevice *self);

G_END_DECLS
