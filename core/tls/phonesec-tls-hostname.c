/* phonesec-tls-hostname.c: host name verification for the TLS clients we
 * drive (RFC 6125 with the admin guide's provisioning CN forms).
 *
 * Rules, in order:
 * - The reference name is an IP address when it is an IPv6 literal (bare,
 *   bracketed, with or without a %zone, which is dropped) or a dotted-quad
 *   IPv4 address (a trailing dot allowed); IPv4-mapped IPv6 addresses are the
 *   IPv4 address on both sides. An IP address is compared byte for byte with
 *   the iPAddress SANs only, never with a dNSName or the CN: a CA checks
 *   neither for IP syntax, and RFC 6125 has no IP-in-CN form.
 * - A name whose last label is numeric but is no dotted-quad ("10.1",
 *   "010.0.0.1", "0x0a.0.0.1") is refused: resolvers read those as IPv4
 *   addresses in inet_aton's forms, so they are neither a host name nor an
 *   address we can compare safely.
 * - Otherwise the name is a DNS name: non-ASCII names are converted to
 *   A-labels with g_hostname_to_ascii (the conversion GResolver applies
 *   before the lookup, so we verify the name we resolved), then compared
 *   case-insensitively, a trailing dot ignored on either side. With any
 *   dNSName SAN only those count (RFC 6125 §6.4.4); without one the last
 *   (most specific) subject CN is used, cut at its first '/' when
 *   PHONESEC_TLS_NAME_ALLOW_CN_SLASH is given. A SAN extension that cannot
 *   be parsed counts as having dNSNames: a damaged SAN never reopens the CN.
 * - Wildcards (RFC 6125 §6.4.3, as the CA/B Forum restricts them): "*" as
 *   the whole left-most label only, matching exactly one non-empty label that
 *   is not an A-label ("xn--"), and never over a public suffix: at least
 *   three labels, and the part after "*." must not be an ICANN public suffix
 *   (libpsl: "*.co.uk" is refused, "*.example.co.uk" is not). Private PSL
 *   entries (hosting providers) are not refused, as browsers do. The same
 *   rules apply to a CN used as fallback.
 * - Certificate names with NUL bytes, non-ASCII bytes or, for iPAddress, a
 *   length other than 4 or 16 never match.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <libpsl.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-tls-cert-names.h"
#include "phonesec-tls-hostname.h"

#define MAX_DNS_NAME_LEN 253
#define MAX_LABEL_LEN 63
/* Longest certificate name quoted in an error, in bytes before escaping. */
#define MAX_SHOWN_NAME_LEN 96

typedef enum
{
  REF_DNS,
  REF_IP,
} RefKind;

typedef struct
{
  RefKind kind;
  char *dns; /* REF_DNS: ASCII, lowercase, no trailing dot */
  guint8 ip[16];
  gsize ip_len; /* REF_IP: 4 or 16 */
} RefName;

static void
ref_name_clear (RefName *ref)
{
  g_clear_pointer (&ref->dns, g_free);
}

/* ---- the reference name ---------------------------------------------------- */

static gboolean
ipv4_mapped (const guint8 *ip16)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return memcmp (ip16, prefix, sizeof prefix) == 0;
}

static gboolean
parse_ipv6 (const char *text, gsize len, RefName *ref)
{
  g_autofree char *copy = g_strndup (text, len);
  char *zone = strchr (copy, '%');
  guint8 addr[16];

  /* A zone (fe80::1%eth0) tells which link, not which host: iPAddress SANs
   * cannot carry one, so it is dropped rather than refused. */
  if (zone != NULL)
    {
      if (zone[1] == '\0')
        return FALSE;
      *zone = '\0';
    }
  if (inet_pton (AF_INET6, copy, addr) != 1)
    return FALSE;

  ref->kind = REF_IP;
  if (ipv4_mapped (addr))
    {
      memcpy (ref->ip, addr + 12, 4);
      ref->ip_len = 4;
    }
  else
    {
      memcpy (ref->ip, addr, 16);
      ref->ip_len = 16;
    }
  return TRUE;
}

/* WHATWG's "ends in a number": such a host goes to the IPv4 parser. */
static gboolean
label_is_numeric (const char *label)
{
  if (label[0] == '0' && (label[1] == 'x' || label[1] == 'X'))
    {
      for (const char *p = label + 2; *p != '\0'; p++)
        if (!g_ascii_isxdigit (*p))
          return FALSE;
      return TRUE;
    }
  if (label[0] == '\0')
    return FALSE;
  for (const char *p = label; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Letters, digits, '-' and '_' (internal names use it), labels of 1 to 63
 * bytes. Refusing '*' here keeps a wildcard from matching a "name" that is
 * itself a pattern. */
static gboolean
dns_name_is_valid (const char *name)
{
  gsize label_len = 0;
  gsize len = 0;

  for (const char *p = name; *p != '\0'; p++, len++)
    {
      if (*p == '.')
        {
          if (label_len == 0)
            return FALSE;
          label_len = 0;
        }
      else if (g_ascii_isalnum (*p) || *p == '-' || *p == '_')
        {
          if (++label_len > MAX_LABEL_LEN)
            return FALSE;
        }
      else
        return FALSE;
    }
  return label_len > 0 && len <= MAX_DNS_NAME_LEN;
}

static gboolean
parse_reference_name (const char *name, RefName *ref)
{
  gsize len = strlen (name);
  g_autofree char *ascii = NULL;
  const char *last_label;

  memset (ref, 0, sizeof *ref);
  if (len == 0 || len > 1024)
    return FALSE;

  if (name[0] == '[')
    return len > 2 && name[len - 1] == ']' && parse_ipv6 (name + 1, len - 2, ref);
  /* No host name has a ':'; what does is an IPv6 address or nothing. */
  if (strchr (name, ':') != NULL)
    return parse_ipv6 (name, len, ref);

  if (g_str_is_ascii (name))
    ascii = g_ascii_strdown (name, len);
  else
    {
      g_autofree char *converted = NULL;

      if (!g_utf8_validate (name, len, NULL))
        return FALSE;
      converted = g_hostname_to_ascii (name);
      if (converted == NULL || !g_str_is_ascii (converted))
        return FALSE;
      ascii = g_ascii_strdown (converted, -1);
    }

  len = strlen (ascii);
  if (len > 0 && ascii[len - 1] == '.')
    ascii[--len] = '\0';
  if (len == 0)
    return FALSE;

  last_label = strrchr (ascii, '.');
  last_label = last_label != NULL ? last_label + 1 : ascii;
  if (label_is_numeric (last_label))
    {
      /* glibc's inet_pton takes only the canonical dotted quad. */
      if (inet_pton (AF_INET, ascii, ref->ip) != 1)
        return FALSE;
      ref->kind = REF_IP;
      ref->ip_len = 4;
      return TRUE;
    }

  if (!dns_name_is_valid (ascii))
    return FALSE;
  ref->kind = REF_DNS;
  ref->dns = g_steal_pointer (&ascii);
  return TRUE;
}

/* ---- comparisons ------------------------------------------------------------ */

static const psl_ctx_t *
public_suffixes (void)
{
  static gsize initialised;
  static const psl_ctx_t *psl;

  if (g_once_init_enter (&initialised))
    {
      /* The newer of libpsl's built-in list and the distribution's file;
       * loaded once and kept for the life of the process. */
      psl = psl_latest (NULL);
      if (psl == NULL)
        psl = psl_builtin ();
      g_once_init_leave (&initialised, 1);
    }
  return psl;
}

/* @domain: valid, lowercase, at least two labels. */
static gboolean
is_public_suffix (const char *domain)
{
  const psl_ctx_t *psl = public_suffixes ();
  const char *dot;

  if (psl != NULL)
    return psl_is_public_suffix2 (psl, domain, PSL_TYPE_ICANN) != 0;

  /* No list at all (a libpsl built without one and no file): refuse the
   * usual "co.uk" / "com.au" shape of two-label ccTLD suffixes. */
  dot = strchr (domain, '.');
  return strchr (dot + 1, '.') == NULL && strlen (dot + 1) == 2 && dot - domain <= 3;
}

/* @dns is a parsed reference name (RefName.dns). */
static gboolean
pattern_matches_dns (const char *pattern, gsize len, const char *dns)
{
  const char *rest;
  gsize rest_len;
  const char *dot;

  for (gsize i = 0; i < len; i++)
    if (pattern[i] == '\0' || (guchar) pattern[i] >= 0x80)
      return FALSE;
  if (len > 0 && pattern[len - 1] == '.')
    len--;
  if (len == 0)
    return FALSE;

  if (memchr (pattern, '*', len) == NULL)
    return strlen (dns) == len && g_ascii_strncasecmp (pattern, dns, len) == 0;

  /* Only "*." followed by at least two labels and no other '*': no partial
   * ("f*.example.com"), inner ("www.*.example.com") or bare ("*") wildcards. */
  if (len < 3 || pattern[0] != '*' || pattern[1] != '.')
    return FALSE;
  rest = pattern + 2;
  rest_len = len - 2;
  if (memchr (rest, '*', rest_len) != NULL || memchr (rest, '.', rest_len) == NULL)
    return FALSE;

  /* Exactly one label: the name's first label, which must be non-empty and
   * not an A-label (a wildcard must not stand for an IDN it cannot show). */
  dot = strchr (dns, '.');
  if (dot == NULL || dot == dns || g_str_has_prefix (dns, "xn--"))
    return FALSE;
  if (strlen (dot + 1) != rest_len || g_ascii_strncasecmp (dot + 1, rest, rest_len) != 0)
    return FALSE;

  /* dot + 1 equals rest and, being part of a parsed name, is valid and
   * lowercase, as libpsl wants it. */
  return !is_public_suffix (dot + 1);
}

static gboolean
ip_san_matches (const guint8 *san, gsize len, const RefName *ref)
{
  if (len == 16 && ipv4_mapped (san))
    {
      san += 12;
      len = 4;
    }
  else if (len != 4 && len != 16)
    return FALSE;
  return len == ref->ip_len && memcmp (san, ref->ip, len) == 0;
}

gboolean
phonesec_tls_name_matches (const char *pattern, gsize pattern_len, const char *name)
{
  RefName ref;
  gboolean ok;

  g_return_val_if_fail (pattern != NULL || pattern_len == 0, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!parse_reference_name (name, &ref))
    return FALSE;
  ok = ref.kind == REF_DNS && pattern_matches_dns (pattern, pattern_len, ref.dns);
  ref_name_clear (&ref);
  return ok;
}

static gboolean
names_match (const PhonesecTlsCertNames *names, const RefName *ref, PhonesecTlsNameFlags flags)
{
  if (ref->kind == REF_IP)
    {
      for (guint i = 0; i < names->ips->len; i++)
        {
          gsize len;
          const guint8 *san = g_bytes_get_data (names->ips->pdata[i], &len);

          if (ip_san_matches (san, len, ref))
            return TRUE;
        }
      return FALSE;
    }

  if (names->dns->len > 0 || names->san_broken)
    {
      for (guint i = 0; i < names->dns->len; i++)
        {
          gsize len;
          const char *san = g_bytes_get_data (names->dns->pdata[i], &len);

          if (pattern_matches_dns (san, len, ref->dns))
            return TRUE;
        }
      return FALSE;
    }

  if (names->cn != NULL)
    {
      gsize len;
      const char *cn = g_bytes_get_data (names->cn, &len);

      if (flags & PHONESEC_TLS_NAME_ALLOW_CN_SLASH)
        {
          const char *slash = memchr (cn, '/', len);

          if (slash != NULL)
            len = slash - cn;
        }
      return pattern_matches_dns (cn, len, ref->dns);
    }
  return FALSE;
}

/* ---- errors ------------------------------------------------------------------ */

/* Certificate bytes are attacker-chosen: quote them so that a log line shows
 * them as they are (NULs, control and non-ASCII bytes escaped). */
static void
append_escaped (GString *out, const char *data, gsize len)
{
  gsize shown = MIN (len, MAX_SHOWN_NAME_LEN);

  for (gsize i = 0; i < shown; i++)
    {
      guchar c = data[i];

      if (c >= 0x20 && c < 0x7f && c != '\\')
        g_string_append_c (out, c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  if (shown < len)
    g_string_append (out, "…");
}

/* The name asked for comes from our configuration: readable UTF-8 stays
 * readable, only control characters and broken bytes are escaped. */
static void
append_wanted (GString *out, const char *name)
{
  gsize len = strlen (name);

  if (len > 255 || !g_utf8_validate (name, len, NULL))
    {
      append_escaped (out, name, len);
      return;
    }
  for (const char *p = name; *p != '\0'; p++)
    {
      guchar c = *p;

      if (c < 0x20 || c == 0x7f || c == '\\')
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
}

static void
append_ip (GString *out, const guint8 *ip, gsize len)
{
  char text[INET6_ADDRSTRLEN];

  if ((len == 4 && inet_ntop (AF_INET, ip, text, sizeof text) != NULL)
      || (len == 16 && inet_ntop (AF_INET6, ip, text, sizeof text) != NULL))
    g_string_append (out, text);
  else
    {
      g_string_append (out, "IP:");
      append_escaped (out, (const char *) ip, len);
    }
}

static void
set_mismatch_error (GError **error, const PhonesecTlsCertNames *names, const RefName *ref,
                    const char *name)
{
  g_autoptr (GString) wanted = g_string_new (NULL);
  g_autoptr (GString) list = g_string_new (NULL);
  guint total = 0;
  guint listed = 0;

  append_wanted (wanted, name);
  if (ref->kind == REF_DNS && !g_str_is_ascii (name))
    g_string_append_printf (wanted, " (%s)", ref->dns);

  /* What the check looked at: dNSNames, iPAddresses, and the CN when it was
   * a candidate (no dNSName). */
  for (guint i = 0; i < names->dns->len + names->ips->len; i++, total++)
    {
      gboolean is_dns = i < names->dns->len;
      GBytes *bytes = is_dns ? names->dns->pdata[i] : names->ips->pdata[i - names->dns->len];
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);

      if (listed == PHONESEC_TLS_NAME_MAX_LISTED)
        continue;
      if (listed++ > 0)
        g_string_append (list, ", ");
      if (is_dns)
        append_escaped (list, data, len);
      else
        append_ip (list, (const guint8 *) data, len);
    }
  if (names->dns->len == 0 && !names->san_broken && names->cn != NULL)
    {
      total++;
      if (listed < PHONESEC_TLS_NAME_MAX_LISTED)
        {
          gsize len;
          const char *data = g_bytes_get_data (names->cn, &len);

          if (listed++ > 0)
            g_string_append (list, ", ");
          append_escaped (list, data, len);
        }
    }

  if (names->san_broken)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                 _ ("the certificate’s subjectAltName extension cannot be read, so it is not "
                    "valid for %s"),
                 wanted->str);
  else if (total == 0)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                 _ ("the certificate names no host, so it is not valid for %s"), wanted->str);
  else if (total == listed)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                 _ ("the certificate is for %s, not for %s"), list->str, wanted->str);
  else
    g_set_error (
        error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
        g_dngettext (GETTEXT_PACKAGE, "the certificate is for %s and %u other name, not for %s",
                     "the certificate is for %s and %u other names, not for %s", total - listed),
        list->str, total - listed, wanted->str);
}

/* ---- public API -------------------------------------------------------------- */

/**
 * phonesec_tls_check_hostname:
 * @cert: the peer's leaf certificate
 * @name: the host name or IP address the connection was made to, as
 *   configured (UTF-8; "[::1]" and a trailing dot accepted)
 * @flags: #PhonesecTlsNameFlags
 * @error: return location for a #GError
 *
 * Checks that @cert is valid for @name by the rules at the top of this file.
 * Only the name: the caller verifies the chain and dates.
 *
 * Returns: %TRUE when it is; otherwise %FALSE with %PHONESEC_ERROR_FAILED
 *   naming @name and up to %PHONESEC_TLS_NAME_MAX_LISTED names of the
 *   certificate, or %PHONESEC_ERROR_INVALID_VALUE when @name is neither a
 *   host name nor an IP address.
 */
gboolean
phonesec_tls_check_hostname (gnutls_x509_crt_t cert, const char *name, PhonesecTlsNameFlags flags,
                             GError **error)
{
  RefName ref;
  PhonesecTlsCertNames names;
  gboolean ok;

  g_return_val_if_fail (cert != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (name[0] == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("no host name to check the certificate against"));
      return FALSE;
    }
  if (!parse_reference_name (name, &ref))
    {
      g_autoptr (GString) shown = g_string_new (NULL);

      append_wanted (shown, name);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("“%s” is neither a valid host name nor an IP address"), shown->str);
      return FALSE;
    }

  phonesec_tls_cert_names_read (cert, &names);
  ok = names_match (&names, &ref, flags);
  if (!ok)
    set_mismatch_error (error, &names, &ref, name);
  phonesec_tls_cert_names_clear (&names);
  ref_name_clear (&ref);
  return ok;
}

static gboolean
check_der (const gnutls_datum_t *der, const char *name, PhonesecTlsNameFlags flags, GError **error)
{
  gnutls_x509_crt_t cert;
  gboolean ok;
  int ret;

  ret = gnutls_x509_crt_init (&cert);
  if (ret >= 0)
    {
      ret = gnutls_x509_crt_import (cert, der, GNUTLS_X509_FMT_DER);
      if (ret < 0)
        gnutls_x509_crt_deinit (cert);
    }
  if (ret < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("the peer’s certificate cannot be read: %s"), gnutls_strerror (ret));
      return FALSE;
    }
  ok = phonesec_tls_check_hostname (cert, name, flags, error);
  gnutls_x509_crt_deinit (cert);
  return ok;
}

/**
 * phonesec_tls_check_session_hostname:
 * @session: a GnuTLS client session whose handshake completed
 * @name: as for phonesec_tls_check_hostname()
 * @flags: #PhonesecTlsNameFlags
 * @error: return location for a #GError
 *
 * phonesec_tls_check_hostname() on the peer's leaf certificate; fails when
 * the peer sent none or a non-X.509 one.
 *
 * Returns: %TRUE when the peer's certificate is valid for @name
 */
gboolean
phonesec_tls_check_session_hostname (gnutls_session_t session, const char *name,
                                     PhonesecTlsNameFlags flags, GError **error)
{
  const gnutls_datum_t *peers;
  unsigned int n_peers = 0;

  g_return_val_if_fail (session != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (gnutls_certificate_type_get2 (session, GNUTLS_CTYPE_PEERS) != GNUTLS_CRT_X509)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("the peer did not send an X.509 certificate"));
      return FALSE;
    }
  peers = gnutls_certificate_get_peers (session, &n_peers);
  if (peers == NULL || n_peers == 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("the peer sent no certificate"));
      return FALSE;
    }
  return check_der (&peers[0], name, flags, error);
}

/**
 * phonesec_tls_check_certificate_hostname:
 * @certificate: the peer's certificate, as a #GTlsConnection gives it
 *   (#GTlsConnection:peer-certificate or an #GTlsConnection::accept-certificate
 *   handler's argument)
 * @name: as for phonesec_tls_check_hostname()
 * @flags: #PhonesecTlsNameFlags
 * @error: return location for a #GError
 *
 * phonesec_tls_check_hostname() for glib-networking connections.
 *
 * Returns: %TRUE when @certificate is valid for @name
 */
gboolean
phonesec_tls_check_certificate_hostname (GTlsCertificate *certificate, const char *name,
                                         PhonesecTlsNameFlags flags, GError **error)
{
  g_autoptr (GByteArray) der = NULL;
  gnutls_datum_t datum;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL || der->len == 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("the peer sent no certificate"));
      return FALSE;
    }
  datum.data = der->data;
  datum.size = der->len;
  return check_der (&datum, name, flags, error);
}
