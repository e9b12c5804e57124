/* phonesec-tls-cert-names.c: see the header.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gnutls/x509-ext.h>

#include "phonesec-tls-cert-names.h"

void
phonesec_tls_cert_names_clear (PhonesecTlsCertNames *names)
{
  g_clear_pointer (&names->dns, g_ptr_array_unref);
  g_clear_pointer (&names->ips, g_ptr_array_unref);
  g_clear_pointer (&names->cn, g_bytes_unref);
}

static void
read_sans (gnutls_x509_crt_t cert, PhonesecTlsCertNames *names)
{
  /* RFC 5280 allows one SAN extension; should a certificate carry several,
   * every one counts. */
  for (unsigned int indx = 0;; indx++)
    {
      gnutls_datum_t der = { NULL, 0 };
      gnutls_subject_alt_names_t sans = NULL;
      unsigned int critical;
      int ret;

      ret = gnutls_x509_crt_get_extension_by_oid2 (cert, GNUTLS_X509EXT_OID_SAN, indx, &der,
                                                   &critical);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0 || gnutls_subject_alt_names_init (&sans) < 0
          || gnutls_x509_ext_import_subject_alt_names (&der, sans, 0) < 0)
        {
          names->san_broken = TRUE;
          if (sans != NULL)
            gnutls_subject_alt_names_deinit (sans);
          gnutls_free (der.data);
          if (ret < 0)
            break;
          continue;
        }

      for (unsigned int seq = 0;; seq++)
        {
          unsigned int type;
          gnutls_datum_t san;

          if (gnutls_subject_alt_names_get (sans, seq, &type, &san, NULL) < 0)
            break;
          if (type == GNUTLS_SAN_DNSNAME)
            g_ptr_array_add (names->dns, g_bytes_new (san.data, san.size));
          else if (type == GNUTLS_SAN_IPADDRESS)
            g_ptr_array_add (names->ips, g_bytes_new (san.data, san.size));
        }
      gnutls_subject_alt_names_deinit (sans);
      gnutls_free (der.data);
    }
}

/* ASN.1 string contents to bytes: the 8-bit types as they are, BMPString
 * and UniversalString unit by unit, any non-ASCII or unknown content
 * becoming 0xff so that it can be shown but never matches. */
static GBytes *
decode_directory_string (const gnutls_datum_t *value, unsigned long tag)
{
  gsize width;
  GByteArray *out;

  switch (tag)
    {
      case 12: /* UTF8String */
      case 19: /* PrintableString */
      case 20: /* TeletexString */
      case 22: /* IA5String */
        return g_bytes_new (value->data, value->size);
      case 30: /* BMPString */
        width = 2;
        break;
      case 28: /* UniversalString */
        width = 4;
        break;
      default:
        return g_bytes_new_static ("\xff", 1);
    }

  out = g_byte_array_new ();
  for (gsize i = 0; i + width <= value->size; i += width)
    {
      guint32 unit = 0;
      guint8 byte;

      for (gsize k = 0; k < width; k++)
        unit = unit << 8 | value->data[i + k];
      byte = unit < 0x80 ? (guint8) unit : 0xff;
      g_byte_array_append (out, &byte, 1);
    }
  if (value->size % width != 0)
    g_byte_array_append (out, (const guint8 *) "\xff", 1);
  return g_byte_array_free_to_bytes (out);
}

static void
read_last_cn (gnutls_x509_crt_t cert, PhonesecTlsCertNames *names)
{
  gnutls_x509_dn_t dn;

  if (gnutls_x509_crt_get_subject (cert, &dn) < 0)
    return;
  /* DER order runs from the root of the name to the most specific RDN, so
   * the last CN is the one RFC 6125 means. */
  for (int irdn = 0;; irdn++)
    {
      int iava;

      for (iava = 0;; iava++)
        {
          gnutls_x509_ava_st ava;

          if (gnutls_x509_dn_get_rdn_ava (dn, irdn, iava, &ava) < 0)
            break;
          gsize oid_len = ava.oid.size;

          /* GnuTLS counts the OID's terminating NUL in its size. */
          if (oid_len > 0 && ava.oid.data[oid_len - 1] == '\0')
            oid_len--;
          if (oid_len == strlen (GNUTLS_OID_X520_COMMON_NAME)
              && memcmp (ava.oid.data, GNUTLS_OID_X520_COMMON_NAME, oid_len) == 0)
            {
              g_clear_pointer (&names->cn, g_bytes_unref);
              names->cn = decode_directory_string (&ava.value, ava.value_tag);
            }
        }
      if (iava == 0)
        break;
    }
}

void
phonesec_tls_cert_names_read (gnutls_x509_crt_t cert, PhonesecTlsCertNames *names)
{
  memset (names, 0, sizeof *names);
  names->dns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  names->ips = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  read_sans (cert, names);
  read_last_cn (cert, names);
}
