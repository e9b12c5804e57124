/* phonesec-device.c: the phone's identity, read once from a key file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>
#include <unistd.h>

#include "phonesec/phonesec-device.h"
#include "phonesec/phonesec-error.h"

#define GROUP "Device"
#define MAX_STRING_LEN 64
/* Paths written by manufacturing: absolute, printable ASCII. */
#define MAX_PATH_LEN 255
/* Linux's IFNAMSIZ, less the terminating NUL. */
#define MAX_IFNAME_LEN 15

/* The built-in development identity (path == NULL), also the defaults for
 * optional keys that a file leaves out. */
#define DEV_MAC "00:11:22:33:44:55"
#define DEV_SERIAL "FCH0000DEV1"
#define DEV_PRODUCT_NAME "CP-8841-3PCC"
#define DEV_PRODUCT_SERIES "8800"
#define DEV_SOFTWARE_VERSION "sip88xx.12-0-1MPP-0001"
#define DEV_HARDWARE_VERSION "1.0.0"
#define DEV_NETWORK_INTERFACE "eth0"

struct _PhonesecDevice
{
  GObject parent_instance;

  char *mac;       /* 001122aabbcc */
  char *mac_upper; /* 001122AABBCC */
  char *mac_colon; /* 00:11:22:aa:bb:cc */
  char *serial;
  char *product_name;
  char *product_series;
  char *software_version;
  char *hardware_version;
  gboolean client_certificate;
  char *client_certificate_file; /* NULL when not configured */
  char *client_key_file;
  char *client_certificate_error; /* why the configured pair did not load */
  char *network_interface;
};

G_DEFINE_FINAL_TYPE (PhonesecDevice, phonesec_device, G_TYPE_OBJECT)

static void
phonesec_device_finalize (GObject *object)
{
  PhonesecDevice *self = PHONESEC_DEVICE (object);

  g_free (self->mac);
  g_free (self->mac_upper);
  g_free (self->mac_colon);
  g_free (self->serial);
  g_free (self->product_name);
  g_free (self->product_series);
  g_free (self->software_version);
  g_free (self->hardware_version);
  g_free (self->client_certificate_file);
  g_free (self->client_key_file);
  g_free (self->client_certificate_error);
  g_free (self->network_interface);

  G_OBJECT_CLASS (phonesec_device_parent_class)->finalize (object);
}

static void
phonesec_device_class_init (PhonesecDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_device_finalize;
}

static void
phonesec_device_init (G_GNUC_UNUSED PhonesecDevice *self)
{
}

/* Normalises @text to 12 lower-case hex digits. Accepts the bare form or six
 * pairs joined by one separator used throughout (':' or '-'). */
static char *
parse_mac (const char *text)
{
  char digits[13];
  gsize len = strlen (text);
  gsize n = 0;
  char sep = '\0';

  if (len == 17)
    sep = text[2];
  else if (len != 12)
    return NULL;
  if (len == 17 && sep != ':' && sep != '-')
    return NULL;

  for (gsize i = 0; i < len; i++)
    {
      /* With separators, every third character must be that separator. */
      if (sep != '\0' && i % 3 == 2)
        {
          if (text[i] != sep)
            return NULL;
          continue;
        }
      if (!g_ascii_isxdigit (text[i]))
        return NULL;
      digits[n++] = g_ascii_tolower (text[i]);
    }
  g_assert (n == 12);
  digits[n] = '\0';

  return g_strdup (digits);
}

static gboolean
is_printable_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    if ((guchar) *s < 0x20 || (guchar) *s > 0x7e)
      return FALSE;
  return TRUE;
}

/* Reads optional string @key (at most @max_len characters) into @out;
 * keeps @out (the default) when the key is absent. */
static gboolean
read_string_max (GKeyFile *kf, const char *file, const char *key, gsize max_len, char **out,
                 GError **error)
{
  g_autofree char *value = NULL;

  if (!g_key_file_has_key (kf, GROUP, key, NULL))
    return TRUE;

  /* Key-file escapes ("\t", "\n") are decoded first, so the check below
   * sees the characters the value really holds. NULL: invalid UTF-8. */
  value = g_key_file_get_string (kf, GROUP, key, NULL);
  if (value != NULL)
    g_strstrip (value);

  /* The value is not echoed back: it may not even be valid UTF-8. */
  if (value == NULL || !is_printable_ascii (value))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: invalid value for key “%s” in group [%s]: it contains a control or "
                      "non-ASCII character; only printable ASCII is allowed (at most %d "
                      "characters)"),
                   file, key, GROUP, (int) max_len);
      return FALSE;
    }
  if (strlen (value) > max_len)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: invalid value for key “%s” in group [%s]: it is %zu characters long; "
                      "at most %d printable ASCII characters are allowed"),
                   file, key, GROUP, strlen (value), (int) max_len);
      return FALSE;
    }

  g_free (*out);
  *out = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
read_string (GKeyFile *kf, const char *file, const char *key, char **out, GError **error)
{
  return read_string_max (kf, file, key, MAX_STRING_LEN, out, error);
}

/* An optional absolute path; an empty value means "not configured". */
static gboolean
read_path (GKeyFile *kf, const char *file, const char *key, char **out, GError **error)
{
  if (!read_string_max (kf, file, key, MAX_PATH_LEN, out, error))
    return FALSE;
  if (*out != NULL && (*out)[0] == '\0')
    g_clear_pointer (out, g_free);
  if (*out != NULL && !g_path_is_absolute (*out))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: invalid value “%s” for key “%s” in group [%s]: expected an absolute "
                      "path (/etc/phone/device-cert.pem), or nothing"),
                   file, *out, key, GROUP);
      return FALSE;
    }
  return TRUE;
}

/* The rules of the Linux kernel's dev_valid_name(). */
static gboolean
read_interface_name (GKeyFile *kf, const char *file, char **out, GError **error)
{
  const char *key = "NetworkInterface";

  if (!read_string_max (kf, file, key, MAX_IFNAME_LEN, out, error))
    return FALSE;
  if ((*out)[0] == '\0' || g_str_equal (*out, ".") || g_str_equal (*out, "..")
      || strpbrk (*out, "/: ") != NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: invalid value “%s” for key “%s” in group [%s]: expected a network "
                      "interface name of 1 to %d characters without “/”, “:” or spaces "
                      "(eth0)"),
                   file, *out, key, GROUP, MAX_IFNAME_LEN);
      return FALSE;
    }
  return TRUE;
}

/* The SHA-256 id of the public key in @cert_path and in @key_path (PEM),
 * compared: a GnuTLS error code, 0 when they load and belong together.
 * (gnutls_certificate_set_x509_key_file2 says the same but leaks the
 * certificate on a mismatch in GnuTLS 3.7.) */
static int
check_pair (const char *cert_path, const char *key_path)
{
  gnutls_datum_t cert_pem = { NULL, 0 }, key_pem = { NULL, 0 };
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  guchar cert_id[32], key_id[32];
  size_t cert_id_len = sizeof cert_id, key_id_len = sizeof key_id;
  int ret;

  if ((ret = gnutls_load_file (cert_path, &cert_pem)) == 0
      && (ret = gnutls_load_file (key_path, &key_pem)) == 0
      && (ret = gnutls_x509_crt_init (&crt)) == 0
      && (ret = gnutls_x509_crt_import (crt, &cert_pem, GNUTLS_X509_FMT_PEM)) == 0
      && (ret = gnutls_x509_privkey_init (&key)) == 0
      && (ret = gnutls_x509_privkey_import2 (key, &key_pem, GNUTLS_X509_FMT_PEM, NULL, 0)) == 0
      && (ret = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, cert_id, &cert_id_len))
             == 0
      && (ret = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id, &key_id_len))
             == 0
      && (cert_id_len != key_id_len || memcmp (cert_id, key_id, key_id_len) != 0))
    ret = GNUTLS_E_CERTIFICATE_KEY_MISMATCH;
  if (key != NULL)
    gnutls_x509_privkey_deinit (key);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  gnutls_free (cert_pem.data);
  gnutls_free (key_pem.data);
  return ret;
}

/* Whether the configured certificate and key load and belong together, as
 * every TLS client of the phone will need them; else says why. */
static void
check_client_certificate (PhonesecDevice *self)
{
  const char *const keys[] = { "ClientCertificateFile", "ClientKeyFile" };
  const char *const paths[] = { self->client_certificate_file, self->client_key_file };
  int ret;

  if (paths[0] == NULL && paths[1] == NULL)
    return;
  self->client_certificate = FALSE;
  for (guint i = 0; i < 2; i++)
    {
      int saved_errno;

      if (paths[i] == NULL)
        {
          self->client_certificate_error = g_strdup_printf (
              _ ("%s is set but %s is not: both are needed"), keys[1 - i], keys[i]);
          return;
        }
      if (g_access (paths[i], R_OK) == 0)
        continue;
      saved_errno = errno;
      self->client_certificate_error = g_strdup_printf (_ ("%s %s cannot be read: %s"), keys[i],
                                                        paths[i], g_strerror (saved_errno));
      return;
    }
  ret = check_pair (paths[0], paths[1]);
  if (ret < 0)
    {
      self->client_certificate_error
          = g_strdup_printf (_ ("The client certificate %s with key %s cannot be used: %s"),
                             paths[0], paths[1], gnutls_strerror (ret));
      return;
    }
  self->client_certificate = TRUE;
}

static gboolean
read_bool (GKeyFile *kf, const char *file, const char *key, gboolean *out, GError **error)
{
  static const char *const yes[] = { "true", "yes", "1" };
  static const char *const no[] = { "false", "no", "0" };
  g_autofree char *value = NULL;

  if (!g_key_file_has_key (kf, GROUP, key, NULL))
    return TRUE;

  value = g_key_file_get_string (kf, GROUP, key, NULL);
  if (value != NULL)
    g_strstrip (value);

  for (gsize i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (value == NULL)
        break;
      if (g_ascii_strcasecmp (value, yes[i]) == 0 || g_ascii_strcasecmp (value, no[i]) == 0)
        {
          *out = g_ascii_strcasecmp (value, yes[i]) == 0;
          return TRUE;
        }
    }

  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("%s: invalid value for key “%s” in group [%s]: expected true or false "
                  "(also yes/no, 1/0)"),
               file, key, GROUP);
  return FALSE;
}

static void
set_mac (PhonesecDevice *self, char *normalized)
{
  GString *colon = g_string_sized_new (18);

  for (int i = 0; i < 12; i += 2)
    {
      if (i > 0)
        g_string_append_c (colon, ':');
      g_string_append_len (colon, normalized + i, 2);
    }

  self->mac = normalized;
  self->mac_upper = g_ascii_strup (normalized, -1);
  self->mac_colon = g_string_free (colon, FALSE);
}

/* "CP-6871-3PCC" → "6800", the series naming of the MPP phones; NULL when
 * the name does not follow it. */
static char *
series_from_product_name (const char *name)
{
  if (g_str_has_prefix (name, "CP-") && g_ascii_isdigit (name[3]) && g_ascii_isdigit (name[4])
      && g_ascii_isdigit (name[5]) && g_ascii_isdigit (name[6]))
    return g_strdup_printf ("%c%c00", name[3], name[4]);
  return NULL;
}

static PhonesecDevice *
device_new_default (void)
{
  PhonesecDevice *self = g_object_new (PHONESEC_TYPE_DEVICE, NULL);

  set_mac (self, parse_mac (DEV_MAC));
  self->serial = g_strdup (DEV_SERIAL);
  self->product_name = g_strdup (DEV_PRODUCT_NAME);
  self->product_series = g_strdup (DEV_PRODUCT_SERIES);
  self->software_version = g_strdup (DEV_SOFTWARE_VERSION);
  self->hardware_version = g_strdup (DEV_HARDWARE_VERSION);
  self->client_certificate = FALSE;
  self->network_interface = g_strdup (DEV_NETWORK_INTERFACE);
  return self;
}

PhonesecDevice *
phonesec_device_new_from_file (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = NULL;
  g_autoptr (PhonesecDevice) self = NULL;
  g_autofree char *file = NULL;
  g_autofree char *mac_text = NULL;
  g_autofree char *series = NULL;
  g_autoptr (GError) local_error = NULL;
  char *mac = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (path == NULL)
    return device_new_default ();

  /* Messages are UTF-8; a path need not be. */
  file = g_filename_display_name (path);

  kf = g_key_file_new ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _ ("Cannot read the device identity %s: "), file);
      return NULL;
    }

  /* The MAC is what makes a phone this phone: no default in a file. */
  if (!g_key_file_has_key (kf, GROUP, "MAC", NULL))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: key “MAC” is missing from group [%s]; it is required "
                      "(for example MAC=00:11:22:33:44:55)"),
                   file, GROUP);
      return NULL;
    }
  mac_text = g_key_file_get_string (kf, GROUP, "MAC", NULL);
  if (mac_text != NULL)
    {
      g_strstrip (mac_text);
      mac = parse_mac (mac_text);
    }
  if (mac == NULL)
    {
      gboolean printable = mac_text != NULL && is_printable_ascii (mac_text);

      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: invalid value “%s” for key “MAC” in group [%s]: expected 12 hex "
                      "digits, either case, bare or in pairs separated by “:” or “-” "
                      "(001122AABBCC, 00:11:22:aa:bb:cc, 00-11-22-AA-BB-CC)"),
                   file, printable ? mac_text : "?", GROUP);
      return NULL;
    }

  self = device_new_default ();
  g_clear_pointer (&self->mac, g_free);
  g_clear_pointer (&self->mac_upper, g_free);
  g_clear_pointer (&self->mac_colon, g_free);
  set_mac (self, mac);

  /* The serial identifies one unit: a file that leaves it out gets an
   * empty one rather than the development serial. */
  g_clear_pointer (&self->serial, g_free);
  self->serial = g_strdup ("");

  if (!read_string (kf, file, "Serial", &self->serial, error)
      || !read_string (kf, file, "ProductName", &self->product_name, error)
      || !read_string (kf, file, "SoftwareVersion", &self->software_version, error)
      || !read_string (kf, file, "HardwareVersion", &self->hardware_version, error)
      || !read_bool (kf, file, "ClientCertificate", &self->client_certificate, error)
      || !read_path (kf, file, "ClientCertificateFile", &self->client_certificate_file, error)
      || !read_path (kf, file, "ClientKeyFile", &self->client_key_file, error)
      || !read_interface_name (kf, file, &self->network_interface, error))
    return NULL;

  /* Without an explicit series, follow the product name so that a file
   * naming a CP-6871 does not report the 8800 series. */
  series = series_from_product_name (self->product_name);
  if (series != NULL)
    {
      g_free (self->product_series);
      self->product_series = g_steal_pointer (&series);
    }
  if (!read_string (kf, file, "ProductSeries", &self->product_series, error))
    return NULL;

  /* The files, when given, decide $CCERT rather than the old flag; a pair
   * that does not load is reported, not fatal: the phone still starts. */
  check_client_certificate (self);

  return g_steal_pointer (&self);
}

const char *
phonesec_device_get_mac (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->mac;
}

const char *
phonesec_device_get_mac_upper (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->mac_upper;
}

const char *
phonesec_device_get_mac_colon (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->mac_colon;
}

const char *
phonesec_device_get_serial (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->serial;
}

const char *
phonesec_device_get_product_name (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->product_name;
}

const char *
phonesec_device_get_product_series (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->product_series;
}

const char *
phonesec_device_get_software_version (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->software_version;
}

const char *
phonesec_device_get_hardware_version (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->hardware_version;
}

gboolean
phonesec_device_get_client_certificate (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), FALSE);
  return self->client_certificate;
}

const char *
phonesec_device_get_client_certificate_file (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->client_certificate_file;
}

const char *
phonesec_device_get_client_key_file (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->client_key_file;
}

const char *
phonesec_device_get_client_certificate_error (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->client_certificate_error;
}

const char *
phonesec_device_get_network_interface (PhonesecDevice *self)
{
  g_return_val_if_fail (PHONESEC_IS_DEVICE (self), NULL);
  return self->network_interface;
}
