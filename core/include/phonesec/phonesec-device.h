/* phonesec-device.h: the phone's identity (what the macros and reports need).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_DEVICE (phonesec_device_get_type ())
PHONESEC_API GType phonesec_device_get_type (void);
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
 * `HardwareVersion`, `ClientCertificateFile` and `ClientKeyFile` (absolute
 * paths of the PEM certificate and private key that manufacturing
 * installed), `NetworkInterface` (the phone's network port, default
 * `eth0`), `ClientCertificate` (bool, for files without the two paths: a
 * unique client certificate is installed).
 *
 * `$CCERT` is "Installed" when both files load and belong together (the
 * old `ClientCertificate` flag is then ignored); a pair that does not load
 * is no error here: see phonesec_device_get_client_certificate_error().
 *
 * Returns: (transfer full): the identity, or %NULL with @error set when the
 *   file cannot be read or a value is malformed (the error says which key)
 */
PHONESEC_API PhonesecDevice *phonesec_device_new_from_file (const char *path, GError **error);

/** Lower-case hex MAC without separators: `001122aabbcc` (`$MA`). */
PHONESEC_API const char *phonesec_device_get_mac (PhonesecDevice *self);
/** Upper-case hex MAC without separators: `001122AABBCC` (`$MAU`). */
PHONESEC_API const char *phonesec_device_get_mac_upper (PhonesecDevice *self);
/** Colon-separated lower-case MAC: `00:11:22:aa:bb:cc` (`$MAC`). */
PHONESEC_API const char *phonesec_device_get_mac_colon (PhonesecDevice *self);
PHONESEC_API const char *phonesec_device_get_serial (PhonesecDevice *self);
PHONESEC_API const char *phonesec_device_get_product_name (PhonesecDevice *self);
PHONESEC_API const char *phonesec_device_get_product_series (PhonesecDevice *self);
PHONESEC_API const char *phonesec_device_get_software_version (PhonesecDevice *self);
PHONESEC_API const char *phonesec_device_get_hardware_version (PhonesecDevice *self);
/** Whether the phone has its own client certificate (`$CCERT`): the
 * configured files load, or (without them) the `ClientCertificate` flag. */
PHONESEC_API gboolean phonesec_device_get_client_certificate (PhonesecDevice *self);
/** (nullable): the certificate's PEM file, %NULL when not configured;
 * use it only when phonesec_device_get_client_certificate() is %TRUE. */
PHONESEC_API const char *phonesec_device_get_client_certificate_file (PhonesecDevice *self);
/** (nullable): the private key's PEM file, %NULL when not configured. */
PHONESEC_API const char *phonesec_device_get_client_key_file (PhonesecDevice *self);
/** (nullable): why the configured certificate and key are not usable (a
 * file is missing or unreadable, one of the two is not set, the key does
 * not match the certificate), in words for the admin; %NULL otherwise. */
PHONESEC_API const char *phonesec_device_get_client_certificate_error (PhonesecDevice *self);
/** The phone's network port, the `NetworkInterface` key: `eth0` by default. */
PHONESEC_API const char *phonesec_device_get_network_interface (PhonesecDevice *self);

G_END_DECLS
