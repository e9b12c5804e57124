/* test-device.c: reading the phone's identity from its key file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "phonesec/phonesec-device.h"
#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-macro.h"
#include "phonesec-test-bus.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("test-device-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "device-info", NULL);
}

static void
fixture_teardown (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  phonesec_test_rm_rf (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static PhonesecDevice *
load (Fixture *f, const char *contents, GError **error)
{
  g_assert_true (g_file_set_contents (f->path, contents, -1, NULL));
  return phonesec_device_new_from_file (f->path, error);
}

static void
test_device_default (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = phonesec_device_new_from_file (NULL, &error);

  g_assert_no_error (error);
  g_assert_true (PHONESEC_IS_DEVICE (device));
  g_assert_cmpstr (phonesec_device_get_mac (device), ==, "001122334455");
  g_assert_cmpstr (phonesec_device_get_mac_upper (device), ==, "001122334455");
  g_assert_cmpstr (phonesec_device_get_mac_colon (device), ==, "00:11:22:33:44:55");
  g_assert_cmpstr (phonesec_device_get_serial (device), ==, "FCH0000DEV1");
  g_assert_cmpstr (phonesec_device_get_product_name (device), ==, "CP-8841-3PCC");
  g_assert_cmpstr (phonesec_device_get_product_series (device), ==, "8800");
  g_assert_cmpstr (phonesec_device_get_software_version (device), ==, "sip88xx.12-0-1MPP-0001");
  g_assert_cmpstr (phonesec_device_get_hardware_version (device), ==, "1.0.0");
  g_assert_false (phonesec_device_get_client_certificate (device));
  g_assert_null (phonesec_device_get_client_certificate_file (device));
  g_assert_null (phonesec_device_get_client_key_file (device));
  g_assert_null (phonesec_device_get_client_certificate_error (device));
  g_assert_cmpstr (phonesec_device_get_network_interface (device), ==, "eth0");
}

static void
test_device_full_file (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;

  device = load (f,
                 "# a comment\n"
                 "[Device]\n"
                 "MAC=A0:B1:C2:D3:E4:F5\n"
                 "Serial=FCH2233ABCD\n"
                 "ProductName=CP-6871-3PCC\n"
                 "ProductSeries=6800\n"
                 "SoftwareVersion=sip68xx.12-0-1MPP-0002\n"
                 "HardwareVersion=3.0\n"
                 "ClientCertificate=true\n"
                 "FutureKey=ignored\n"
                 "[Other]\n"
                 "MAC=nonsense\n",
                 &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_device_get_mac (device), ==, "a0b1c2d3e4f5");
  g_assert_cmpstr (phonesec_device_get_mac_upper (device), ==, "A0B1C2D3E4F5");
  g_assert_cmpstr (phonesec_device_get_mac_colon (device), ==, "a0:b1:c2:d3:e4:f5");
  g_assert_cmpstr (phonesec_device_get_serial (device), ==, "FCH2233ABCD");
  g_assert_cmpstr (phonesec_device_get_product_name (device), ==, "CP-6871-3PCC");
  g_assert_cmpstr (phonesec_device_get_product_series (device), ==, "6800");
  g_assert_cmpstr (phonesec_device_get_software_version (device), ==, "sip68xx.12-0-1MPP-0002");
  g_assert_cmpstr (phonesec_device_get_hardware_version (device), ==, "3.0");
  g_assert_true (phonesec_device_get_client_certificate (device));
}

static void
test_device_minimal_file (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = load (f, "[Device]\nMAC=001122aabbcc\n", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_device_get_mac (device), ==, "001122aabbcc");
  /* Optional keys: product defaults; the serial is never the development one. */
  g_assert_cmpstr (phonesec_device_get_serial (device), ==, "");
  g_assert_cmpstr (phonesec_device_get_product_name (device), ==, "CP-8841-3PCC");
  g_assert_cmpstr (phonesec_device_get_product_series (device), ==, "8800");
  g_assert_cmpstr (phonesec_device_get_software_version (device), ==, "sip88xx.12-0-1MPP-0001");
  g_assert_cmpstr (phonesec_device_get_hardware_version (device), ==, "1.0.0");
  g_assert_false (phonesec_device_get_client_certificate (device));
  g_assert_cmpstr (phonesec_device_get_network_interface (device), ==, "eth0");
}

static void
test_device_series_from_name (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;

  device = load (f, "[Device]\nMAC=001122aabbcc\nProductName=CP-7841-3PCC\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_device_get_product_series (device), ==, "7800");
  g_clear_object (&device);

  /* A name outside the CP-NNNN scheme keeps the default series. */
  device = load (f, "[Device]\nMAC=001122aabbcc\nProductName=Lab Phone\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_device_get_product_series (device), ==, "8800");
}

static const struct
{
  const char *text;
  const char *ma;
  const char *colon;
} good_macs[] = {
  { "0a1b2c3d4e5f", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "0A1B2C3D4E5F", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "0a:1b:2c:3d:4e:5f", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "0A:1B:2C:3D:4E:5F", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "0a-1b-2c-3d-4e-5f", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "0A-1B-2C-3D-4E-5F", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "0a:1B:2c:3D:4e:5F", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "  0a1b2c3d4e5f  ", "0a1b2c3d4e5f", "0a:1b:2c:3d:4e:5f" },
  { "FFFFFFFFFFFF", "ffffffffffff", "ff:ff:ff:ff:ff:ff" },
};

static void
test_device_good_macs (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_macs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = g_strdup_printf ("[Device]\nMAC=%s\n", good_macs[i].text);
      g_autoptr (PhonesecDevice) device = load (f, contents, &error);
      g_autofree char *upper = NULL;

      g_test_message ("MAC=%s", good_macs[i].text);
      g_assert_no_error (error);
      upper = g_ascii_strup (good_macs[i].ma, -1);
      g_assert_cmpstr (phonesec_device_get_mac (device), ==, good_macs[i].ma);
      g_assert_cmpstr (phonesec_device_get_mac_upper (device), ==, upper);
      g_assert_cmpstr (phonesec_device_get_mac_colon (device), ==, good_macs[i].colon);
    }
}

static const char *const bad_macs[] = {
  "",
  "0a1b2c3d4e5",
  "0a1b2c3d4e5f0",
  "0a:1b:2c:3d:4e",
  "0a:1b:2c:3d:4e:5f:",
  "0a:1b-2c:3d:4e:5f",
  "0a-1b-2c-3d-4e:5f",
  "0a.1b.2c.3d.4e.5f",
  "0a1b.2c3d.4e5f",
  "0g1b2c3d4e5f",
  "0a:1b:2c:3d:4e:5g",
  "0a1:b2:c3:d4:e5:f",
  "0a::1b2c3d4e5f:::",
  "0x0a1b2c3d4e5f",
  "0a 1b 2c 3d 4e 5f",
  "0a1b2c3d4e5f # main port",
  "０a1b2c3d4e5f",
  "0a1b2c3d4e\xff\xfe",
};

static void
test_device_bad_macs (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_macs); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents = g_strdup_printf ("[Device]\nMAC=%s\n", bad_macs[i]);
      g_autoptr (PhonesecDevice) device = load (f, contents, &error);
      g_autofree char *shown = g_strescape (bad_macs[i], NULL);

      g_test_message ("MAC=%s: %s", shown, error != NULL ? error->message : "(accepted)");
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_null (device);
      /* Names the key and says what is allowed. */
      g_assert_nonnull (strstr (error->message, "MAC"));
      g_assert_nonnull (strstr (error->message, "00:11:22:aa:bb:cc"));
      g_assert_nonnull (strstr (error->message, f->path));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_device_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;

  device = phonesec_device_new_from_file ("/nonexistent/phonesec/device-info", &error);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_null (device);
  g_assert_nonnull (strstr (error->message, "/nonexistent/phonesec/device-info"));
}

static void
test_device_missing_mac (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  static const char *const files[] = {
    "[Device]\nSerial=FCH2233ABCD\n",
    "[Other]\nMAC=001122334455\n",
    "",
    "# only a comment\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecDevice) device = load (f, files[i], &error);

      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_null (device);
      g_assert_nonnull (strstr (error->message, "“MAC”"));
      g_assert_nonnull (strstr (error->message, "required"));
    }
}

static void
test_device_syntax_error (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = load (f, "[Device\nMAC=001122334455\n", &error);

  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_assert_null (device);
  g_assert_nonnull (strstr (error->message, f->path));
}

static const struct
{
  const char *line;
  const char *key;
} bad_strings[] = {
  { "Serial=FCH\t2233", "Serial" },
  /* A key-file escape that decodes to a control character. */
  { "Serial=FCH\\n2233", "Serial" },
  { "Serial=FCH\x7f", "Serial" },
  { "Serial=Séri", "Serial" },
  { "Serial=FCH\xff\xfe", "Serial" },
  { "Serial=0123456789012345678901234567890123456789012345678901234567890123X", "Serial" },
  { "ProductName=CP-8841-3PCC\x01", "ProductName" },
  { "ProductName=0123456789012345678901234567890123456789012345678901234567890123X",
    "ProductName" },
  { "ProductSeries=8800™", "ProductSeries" },
  { "SoftwareVersion=sip\x1b[31m", "SoftwareVersion" },
  { "HardwareVersion=ÿ", "HardwareVersion" },
  { "ClientCertificate=maybe", "ClientCertificate" },
  { "ClientCertificate=", "ClientCertificate" },
  { "ClientCertificateFile=device-cert.pem", "ClientCertificateFile" },
  { "ClientCertificateFile=./device-cert.pem", "ClientCertificateFile" },
  { "ClientKeyFile=~/device-key.pem", "ClientKeyFile" },
  { "ClientKeyFile=/etc/phone/k\\tey.pem", "ClientKeyFile" },
  { "ClientKeyFile=/etc/phone/clé.pem", "ClientKeyFile" },
  { "NetworkInterface=", "NetworkInterface" },
  { "NetworkInterface=eth0123456789012", "NetworkInterface" },
  { "NetworkInterface=eth/0", "NetworkInterface" },
  { "NetworkInterface=eth0:1", "NetworkInterface" },
  { "NetworkInterface=eth 0", "NetworkInterface" },
  { "NetworkInterface=.", "NetworkInterface" },
  { "NetworkInterface=..", "NetworkInterface" },
  { "NetworkInterface=eth\\n0", "NetworkInterface" },
};

static void
test_device_bad_strings (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_strings); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents
          = g_strdup_printf ("[Device]\nMAC=001122334455\n%s\n", bad_strings[i].line);
      g_autoptr (PhonesecDevice) device = load (f, contents, &error);
      g_autofree char *quoted = g_strdup_printf ("“%s”", bad_strings[i].key);

      g_test_message ("%s: %s", bad_strings[i].key, error != NULL ? error->message : "(accepted)");
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_null (device);
      g_assert_nonnull (strstr (error->message, quoted));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_device_good_strings (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;
  const char *max = "0123456789012345678901234567890123456789012345678901234567890123";
  g_autofree char *contents
      = g_strdup_printf ("[Device]\nMAC=001122334455\nSerial=%s\nProductName= ~!@#$%%^&*()\n"
                         "SoftwareVersion=\nClientCertificate=Yes\n",
                         max);

  g_assert_cmpuint (strlen (max), ==, 64);
  device = load (f, contents, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_device_get_serial (device), ==, max);
  g_assert_cmpstr (phonesec_device_get_product_name (device), ==, "~!@#$%^&*()");
  g_assert_cmpstr (phonesec_device_get_software_version (device), ==, "");
  g_assert_true (phonesec_device_get_client_certificate (device));
}

static void
test_device_client_certificate (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  static const struct
  {
    const char *text;
    gboolean value;
  } values[] = {
    { "true", TRUE },   { "TRUE", TRUE }, { "yes", TRUE }, { "1", TRUE },
    { "false", FALSE }, { "No", FALSE },  { "0", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents
          = g_strdup_printf ("[Device]\nMAC=001122334455\nClientCertificate=%s\n", values[i].text);
      g_autoptr (PhonesecDevice) device = load (f, contents, &error);

      g_assert_no_error (error);
      g_assert_cmpint (phonesec_device_get_client_certificate (device), ==, values[i].value);
    }
}

static void
test_device_network_interface (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  /* 15 characters is the kernel's longest name. */
  static const char *const good[] = { "eth1", "enp0s31f6", "lan.100", "br-lan", "e01234567890123" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *contents
          = g_strdup_printf ("[Device]\nMAC=001122334455\nNetworkInterface= %s \n", good[i]);
      g_autoptr (PhonesecDevice) device = load (f, contents, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (phonesec_device_get_network_interface (device), ==, good[i]);
    }
}

/* --- the client certificate ------------------------------------------------- */

/* Writes a fresh self-signed certificate and its key (ECDSA P-256: quick
 * to make) as @dir/@name-cert.pem and @dir/@name-key.pem. */
static void
write_cert_pair (const char *dir, const char *name)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t out = { NULL, 0 };
  g_autofree char *cert_path = g_strdup_printf ("%s/%s-cert.pem", dir, name);
  g_autofree char *key_path = g_strdup_printf ("%s/%s-key.pem", dir, name);
  time_t now = time (NULL);
  const unsigned char serial[] = { 0x01, 0x23 };

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (
                       key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                   ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 60), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 3600), ==, 0);
  g_assert_cmpint (
      gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, name, strlen (name)), ==,
      0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  g_assert_true (g_file_set_contents (cert_path, (const char *) out.data, out.size, NULL));
  gnutls_free (out.data);
  g_assert_cmpint (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  g_assert_true (g_file_set_contents (key_path, (const char *) out.data, out.size, NULL));
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

static PhonesecDevice *
load_pair (Fixture *f, const char *cert, const char *key, const char *flag, GError **error)
{
  g_autofree char *contents
      = g_strdup_printf ("[Device]\nMAC=001122334455\n%s%s%s%s%s%s%s%s%s",
                         cert != NULL ? "ClientCertificateFile=" : "", cert != NULL ? f->dir : "",
                         cert != NULL ? cert : "", cert != NULL ? "\n" : "",
                         key != NULL ? "ClientKeyFile=" : "", key != NULL ? f->dir : "",
                         key != NULL ? key : "", key != NULL ? "\n" : "", flag != NULL ? flag : "");

  return load (f, contents, error);
}

static char *
expand_ccert (PhonesecDevice *device)
{
  g_autoptr (GHashTable) vars = phonesec_macro_vars_new (device, NULL);

  return phonesec_macro_expand ("$CCERT", vars);
}

static void
test_device_certificate_pair_loads (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;
  g_autofree char *cert = g_build_filename (f->dir, "dev-cert.pem", NULL);
  g_autofree char *ccert = NULL;

  write_cert_pair (f->dir, "dev");
  /* The files decide, whatever the old flag says. */
  device = load_pair (f, "/dev-cert.pem", "/dev-key.pem", "ClientCertificate=false\n", &error);
  g_assert_no_error (error);
  g_assert_true (phonesec_device_get_client_certificate (device));
  g_assert_cmpstr (phonesec_device_get_client_certificate_file (device), ==, cert);
  g_assert_true (g_str_has_suffix (phonesec_device_get_client_key_file (device), "/dev-key.pem"));
  g_assert_null (phonesec_device_get_client_certificate_error (device));
  ccert = expand_ccert (device);
  g_assert_cmpstr (ccert, ==, "Installed");
}

static void
test_device_certificate_pair_unusable (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  static const struct
  {
    const char *cert;
    const char *key;
    const char *in_error;
  } cases[] = {
    { "/missing-cert.pem", "/dev-key.pem", "missing-cert.pem" },
    { "/dev-cert.pem", "/missing-key.pem", "missing-key.pem" },
    { "/dev-cert.pem", "/other-key.pem", "dev-cert.pem" }, /* the key of another pair */
    { "/garbage.pem", "/dev-key.pem", "garbage.pem" },
    { "/dev-cert.pem", NULL, "ClientKeyFile" },
    { NULL, "/dev-key.pem", "ClientCertificateFile" },
  };
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.pem", NULL);

  write_cert_pair (f->dir, "dev");
  write_cert_pair (f->dir, "other");
  g_assert_true (g_file_set_contents (garbage, "-----BEGIN CERTIFICATE-----\nAAAA\n", -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecDevice) device = NULL;
      g_autofree char *ccert = NULL;
      const char *why;

      /* The old flag no longer counts once a file is named. */
      device = load_pair (f, cases[i].cert, cases[i].key, "ClientCertificate=true\n", &error);
      g_assert_no_error (error);
      why = phonesec_device_get_client_certificate_error (device);
      g_test_message ("%s + %s: %s", cases[i].cert != NULL ? cases[i].cert : "-",
                      cases[i].key != NULL ? cases[i].key : "-", why);
      g_assert_false (phonesec_device_get_client_certificate (device));
      g_assert_nonnull (why);
      g_assert_nonnull (strstr (why, cases[i].in_error));
      g_assert_true (g_utf8_validate (why, -1, NULL));
      ccert = expand_ccert (device);
      g_assert_cmpstr (ccert, ==, "Not Installed");
    }
}

static void
test_device_certificate_paths_empty (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;

  /* Empty values are "not configured": the flag decides, as before. */
  device = load (f,
                 "[Device]\nMAC=001122334455\nClientCertificateFile=\nClientKeyFile=\n"
                 "ClientCertificate=yes\n",
                 &error);
  g_assert_no_error (error);
  g_assert_true (phonesec_device_get_client_certificate (device));
  g_assert_null (phonesec_device_get_client_certificate_file (device));
  g_assert_null (phonesec_device_get_client_key_file (device));
  g_assert_null (phonesec_device_get_client_certificate_error (device));
}

static void
test_device_certificate_path_too_long (Fixture *f, G_GNUC_UNUSED gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDevice) device = NULL;
  g_autofree char *name = g_strnfill (255, 'c');
  g_autofree char *contents
      = g_strdup_printf ("[Device]\nMAC=001122334455\nClientCertificateFile=/%s\n", name);

  device = load (f, contents, &error);
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_null (device);
  g_assert_nonnull (strstr (error->message, "“ClientCertificateFile”"));
  g_assert_nonnull (strstr (error->message, "255"));
}

static void
test_device_example_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path
      = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "device-info.example", NULL);
  g_autoptr (PhonesecDevice) device = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* Standalone runs may not find the source tree; CI must. */
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("%s not found: set G_TEST_SRCDIR to the source tests/unit", path);
      g_test_skip ("data/device-info.example not found (set G_TEST_SRCDIR to tests/unit)");
      return;
    }
  device = phonesec_device_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_device_get_mac_colon (device), ==, "00:11:22:33:44:55");
  g_assert_cmpstr (phonesec_device_get_serial (device), ==, "FCH0000DEV1");
  g_assert_false (phonesec_device_get_client_certificate (device));
  g_assert_cmpstr (phonesec_device_get_network_interface (device), ==, "eth0");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  g_test_add_func ("/device/default", test_device_default);
  g_test_add_func ("/device/missing-file", test_device_missing_file);
  g_test_add_func ("/device/example-file", test_device_example_file);
  ADD ("/device/full-file", test_device_full_file);
  ADD ("/device/minimal-file", test_device_minimal_file);
  ADD ("/device/series-from-name", test_device_series_from_name);
  ADD ("/device/mac/good", test_device_good_macs);
  ADD ("/device/mac/bad", test_device_bad_macs);
  ADD ("/device/mac/missing", test_device_missing_mac);
  ADD ("/device/syntax-error", test_device_syntax_error);
  ADD ("/device/strings/bad", test_device_bad_strings);
  ADD ("/device/strings/good", test_device_good_strings);
  ADD ("/device/client-certificate", test_device_client_certificate);
  ADD ("/device/network-interface", test_device_network_interface);
  ADD ("/device/certificate/pair-loads", test_device_certificate_pair_loads);
  ADD ("/device/certificate/pair-unusable", test_device_certificate_pair_unusable);
  ADD ("/device/certificate/paths-empty", test_device_certificate_paths_empty);
  ADD ("/device/certificate/path-too-long", test_device_certificate_path_too_long);
#undef ADD

  return g_test_run ();
}
