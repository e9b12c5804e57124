/* test-prov-ca.c: the Custom_CA_Rule certificate check (PEM or DER, one
 * CA certificate) against certificates the real certtool and openssl make,
 * and bad input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-prov-ca.h"
#include "prov-test-util.h"

static struct
{
  char *dir;
  GBytes *ca_pem, *ca_der, *leaf_pem;
} certs;

/* A CA and a server certificate it issued, with certtool (gnutls-bin). */
static void
make_certificates (void)
{
  g_autoptr (GBytes) none = g_bytes_new (NULL, 0);
  g_autofree char *script = NULL;
  g_autoptr (GBytes) out = NULL;

  certs.dir = g_dir_make_tmp ("prov-ca-XXXXXX", NULL);
  script = g_strdup_printf (
      "set -e; cd '%s'; "
      "printf 'cn = \"Custom CA\"\\nca\\ncert_signing_key\\nexpiration_days = 2\\n' > ca.tmpl; "
      "printf 'cn = \"server\"\\ntls_www_server\\nexpiration_days = 2\\n' > leaf.tmpl; "
      "certtool --generate-privkey --key-type=ecdsa --outfile ca.key 2>/dev/null; "
      "certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl "
      "--outfile ca.pem 2>/dev/null; "
      "certtool --generate-privkey --key-type=ecdsa --outfile leaf.key 2>/dev/null; "
      "certtool --generate-certificate --load-privkey leaf.key --load-ca-certificate ca.pem "
      "--load-ca-privkey ca.key --template leaf.tmpl --outfile leaf.pem 2>/dev/null; "
      "openssl x509 -in ca.pem -outform DER -out ca.der",
      certs.dir);
  out = prov_test_run_filter (script, none);
  {
    g_autofree char *path = g_build_filename (certs.dir, "ca.pem", NULL);
    g_autofree char *der = g_build_filename (certs.dir, "ca.der", NULL);
    g_autofree char *leaf = g_build_filename (certs.dir, "leaf.pem", NULL);
    char *data;
    gsize len;

    g_assert_true (g_file_get_contents (path, &data, &len, NULL));
    certs.ca_pem = g_bytes_new_take (data, len);
    g_assert_true (g_file_get_contents (der, &data, &len, NULL));
    certs.ca_der = g_bytes_new_take (data, len);
    g_assert_true (g_file_get_contents (leaf, &data, &len, NULL));
    certs.leaf_pem = g_bytes_new_take (data, len);
  }
}

static char *
certificate_body (GBytes *pem)
{
  gsize len;
  const char *data = g_bytes_get_data (pem, &len);
  const char *begin = g_strstr_len (data, len, "-----BEGIN CERTIFICATE-----");

  g_assert_nonnull (begin);
  return g_strndup (begin, data + len - begin);
}

/* PEM and DER give the same PEM certificate. */
static void
test_pem_and_der (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *from_pem = phonesec_prov_ca_to_pem (certs.ca_pem, &error);
  g_autofree char *from_der = NULL;
  g_autofree char *expected = certificate_body (certs.ca_pem);

  g_assert_no_error (error);
  from_der = phonesec_prov_ca_to_pem (certs.ca_der, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_pem, ==, expected);
  g_assert_cmpstr (from_der, ==, expected);
}

static void
assert_refused (GBytes *data, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pem = phonesec_prov_ca_to_pem (data, &error);

  g_assert_null (pem);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message));
}

static void
test_bad_input (void)
{
  gsize pem_len, der_len;
  const char *pem = g_bytes_get_data (certs.ca_pem, &pem_len);
  const guint8 *der = g_bytes_get_data (certs.ca_der, &der_len);
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr (GBytes) garbage = prov_test_text_bytes ("<html>404 Not Found</html>");
  g_autoptr (GBytes) half_pem = g_bytes_new (pem, pem_len / 2);
  g_autoptr (GBytes) half_der = g_bytes_new (der, der_len / 2);
  g_autofree char *two_text = g_strconcat (pem, pem, NULL);
  g_autoptr (GBytes) two = prov_test_text_bytes (two_text);
  g_autofree char *huge_text = g_strnfill (PHONESEC_PROV_MAX_CA + 1, 'A');
  g_autoptr (GBytes) huge = prov_test_text_bytes (huge_text);

  assert_refused (empty, "empty");
  assert_refused (garbage, "not an X.509 certificate");
  assert_refused (half_pem, "not an X.509 certificate");
  assert_refused (half_der, "not an X.509 certificate");
  assert_refused (two, "2 certificates");
  assert_refused (certs.leaf_pem, "not a CA certificate");
  assert_refused (huge, "64 KiB");
}

int
main (int argc, char **argv)
{
  g_autofree char *rm = NULL;
  g_autoptr (GBytes) none = g_bytes_new (NULL, 0);
  int status;

  g_test_init (&argc, &argv, NULL);
  make_certificates ();
  g_test_add_func ("/prov-ca/pem-and-der", test_pem_and_der);
  g_test_add_func ("/prov-ca/bad-input", test_bad_input);
  status = g_test_run ();
  rm = g_strdup_printf ("rm -rf '%s'", certs.dir);
  g_bytes_unref (prov_test_run_filter (rm, none));
  return status;
}
