/* phonesec-ldap-client.c: connect, StartTLS, bind and search with libldap.
 *
 * Runs in worker threads only (libldap blocks). Each job opens its own
 * handle with per-handle TLS options taken from the TLS policy, so a policy
 * or configuration change applies to the next job without any global state.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-ldap-client.h"
#include "phonesec-ldap-filter.h"

#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-credentials.h>
#include <gnutls/x509.h>
#include <ldap.h>
#include <sasl/sasl.h>
#include <string.h>

#define DEFAULT_NETWORK_TIMEOUT 10
/* How often a running search looks at its GCancellable. */
#define POLL_INTERVAL_US 200000

/* --- settings --------------------------------------------------------------- */

static void
settings_clear (PhonesecLdapSettings *s)
{
  g_free (s->server);
  g_free (s->server_shown);
  g_free (s->client_dn);
  g_free (s->username);
  g_clear_pointer (&s->password, phonesec_secret_unref);
  g_free (s->search_base);
  g_free (s->last_name_filter);
  g_free (s->first_name_filter);
  g_free (s->display_attrs);
  g_free (s->number_mapping);
  g_free (s->ca_file);
  g_free (s->priority);
  g_clear_object (&s->context);
}

PhonesecLdapSettings *
phonesec_ldap_settings_new_from_context (PhonesecContext *context)
{
  PhonesecLdapSettings *s = g_atomic_rc_box_new0 (PhonesecLdapSettings);
  g_autofree char *auth = phonesec_context_dup_string (context, "LDAP_Auth_Method");

  s->server = g_strstrip (phonesec_context_dup_string (context, "LDAP_Server"));
  /* Errors reach LastError, Test's caller and reports: never the password. */
  s->server_shown = phonesec_credentials_mask_url (s->server);
  s->starttls = phonesec_context_get_bool (context, "LDAP_StartTLS_Enable");
  if (g_ascii_strcasecmp (auth, "Simple") == 0)
    s->auth = PHONESEC_LDAP_AUTH_SIMPLE;
  else if (g_ascii_strcasecmp (auth, "DIGEST-MD5") == 0)
    s->auth = PHONESEC_LDAP_AUTH_DIGEST_MD5;
  else
    s->auth = PHONESEC_LDAP_AUTH_NONE;
  s->client_dn = phonesec_context_dup_string (context, "LDAP_Client_DN");
  s->username = phonesec_context_dup_string (context, "LDAP_Username");
  s->password = phonesec_context_dup_secret (context, "LDAP_Password");
  s->search_base = phonesec_context_dup_string (context, "LDAP_Search_Base");
  s->last_name_filter = phonesec_context_dup_string (context, "LDAP_Last_Name_Filter");
  s->first_name_filter = phonesec_context_dup_string (context, "LDAP_First_Name_Filter");
  s->display_attrs = phonesec_context_dup_string (context, "LDAP_Display_Attrs");
  s->number_mapping = phonesec_context_dup_string (context, "LDAP_Number_Mapping");
  s->ca_file = g_strdup (phonesec_context_get_ca_bundle (context));
  s->priority = phonesec_context_dup_tls_priority (context, "default");
  s->fips = phonesec_context_get_fips_mode (context);
  s->context = g_object_ref (context);
  s->network_timeout = DEFAULT_NETWORK_TIMEOUT;
  return s;
}

PhonesecLdapSettings *
phonesec_ldap_settings_ref (PhonesecLdapSettings *settings)
{
  return g_atomic_rc_box_acquire (settings);
}

void
phonesec_ldap_settings_unref (PhonesecLdapSettings *settings)
{
  g_atomic_rc_box_release_full (settings, (GDestroyNotify) settings_clear);
}

/* --- session info ------------------------------------------------------------ */

void
phonesec_ldap_session_info_free (PhonesecLdapSessionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->scheme);
  g_free (info->security);
  g_free (info->tls_version);
  g_free (info->cipher_suite);
  g_free (info->server_certificate);
  g_free (info->bind);
  g_free (info);
}

GVariant *
phonesec_ldap_session_info_to_variant (const PhonesecLdapSessionInfo *info)
{
  g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

#define ADD(key, field)                                                                            \
  g_variant_builder_add (&b, "{sv}", key, g_variant_new_string (field != NULL ? field : ""))
  ADD ("scheme", info->scheme);
  ADD ("security", info->security);
  ADD ("tls-version", info->tls_version);
  ADD ("cipher-suite", info->cipher_suite);
  ADD ("server-certificate", info->server_certificate);
  ADD ("bind", info->bind);
#undef ADD
  return g_variant_builder_end (&b);
}

/* --- errors ------------------------------------------------------------------ */

/* libldap's text for @rc plus the server's diagnostic message. The
 * diagnostic is server-controlled text: it is made valid UTF-8, cut short,
 * and any occurrence of the password is masked, so a server echoing the
 * credentials cannot leak them into a log or a D-Bus reply. */
static char *
tls_version_name (gnutls_protocol_t version)
{
  const char *name = gnutls_protocol_get_name (version);

  if (name != NULL && g_str_has_prefix (name, "TLS1."))
    return g_strdup_printf ("TLS %s", name + 3);
  return g_strdup (name != NULL ? name : "unknown");
}

static char *
describe_ldap_error_full (LDAP *ld, int rc, const PhonesecSecret *password, gboolean tls_connect)
{
  char *diag = NULL;
  GString *text = g_string_new (ldap_err2string (rc));

  /* libldap often loses the TLS reason ("unknown error code"): say what a
   * connect error after or during a handshake means. */
  if (rc == LDAP_CONNECT_ERROR || (tls_connect && rc == LDAP_SERVER_DOWN))
    g_string_append (text, _ (": TLS handshake or certificate verification failed (untrusted or "
                              "expired certificate, host name not in the certificate, or no "
                              "version/cipher suite allowed by the TLS policy)"));

  if (ld != NULL && ldap_get_option (ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag) == LDAP_OPT_SUCCESS
      && diag != NULL && *diag != '\0')
    {
      g_autofree char *valid = g_utf8_make_valid (diag, -1);
      g_autoptr (GString) clean = g_string_new (valid);

      if (password != NULL && !phonesec_secret_is_empty (password))
        g_string_replace (clean, phonesec_secret_peek (password), "********", 0);
      if (g_utf8_strlen (clean->str, -1) > 200)
        g_string_truncate (clean, g_utf8_offset_to_pointer (clean->str, 200) - clean->str);
      g_string_append_printf (text, " (%s)", clean->str);
    }
  ldap_memfree (diag);
  return g_string_free (text, FALSE);
}

static char *
describe_ldap_error (LDAP *ld, int rc, const PhonesecSecret *password)
{
  return describe_ldap_error_full (ld, rc, password, FALSE);
}

static gboolean
set_option_or_fail (LDAP *ld, int option, const void *value, const char *what, GError **error)
{
  if (ldap_set_option (ld, option, value) == LDAP_OPT_SUCCESS)
    return TRUE;
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("Could not set the LDAP option %s"),
               what);
  return FALSE;
}

/* --- TLS ----------------------------------------------------------------------- */

/* Per-handle TLS options from the policy; NEWCTX builds the handle's own
 * GnuTLS context from them (the global libldap defaults stay untouched). */
static gboolean
apply_tls_policy (LDAP *ld, PhonesecLdapSettings *settings, GError **error)
{
  int demand = LDAP_OPT_X_TLS_DEMAND;
  /* SAN first; the CN only when the certificate has no SAN (libldap's
   * default, ALLOW, falls back to the CN even when the SAN mismatches). */
  int san = LDAP_OPT_X_TLS_TRY;
  int is_server = 0;

  if (!set_option_or_fail (ld, LDAP_OPT_X_TLS_CACERTFILE, settings->ca_file, "CACERTFILE", error)
      || !set_option_or_fail (ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand, "REQUIRE_CERT", error)
      || !set_option_or_fail (ld, LDAP_OPT_X_TLS_REQUIRE_SAN, &san, "REQUIRE_SAN", error)
      /* The GnuTLS backend hands this string to gnutls_priority_init(). */
      || !set_option_or_fail (ld, LDAP_OPT_X_TLS_CIPHER_SUITE, settings->priority, "CIPHER_SUITE",
                              error))
    return FALSE;
  if (ldap_set_option (ld, LDAP_OPT_X_TLS_NEWCTX, &is_server) != LDAP_OPT_SUCCESS)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("The TLS policy could not be applied to the LDAP connection (CA file “%s”, "
                      "priority “%s”)"),
                   settings->ca_file, settings->priority);
      return FALSE;
    }
  return TRUE;
}

static char *
peer_subject (gnutls_session_t session)
{
  const gnutls_datum_t *certs;
  unsigned int n = 0;
  gnutls_x509_crt_t crt;
  gnutls_datum_t dn = { NULL, 0 };
  char *subject = NULL;

  certs = gnutls_certificate_get_peers (session, &n);
  if (certs == NULL || n == 0 || gnutls_x509_crt_init (&crt) < 0)
    return g_strdup ("");
  if (gnutls_x509_crt_import (crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0
      && gnutls_x509_crt_get_dn3 (crt, &dn, 0) >= 0)
    subject = g_utf8_make_valid ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  gnutls_x509_crt_deinit (crt);
  return subject != NULL ? subject : g_strdup ("");
}

/* After the handshake: the policy check the priority string cannot express
 * (the admin's suite list), and the facts for Test(). */
static gboolean
check_tls (LDAP *ld, PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info, GError **error)
{
  void *ssl = NULL;
  gnutls_session_t session;

  /* With the GnuTLS backend this is libldap's tlsg_session, whose first
   * member is the gnutls_session_t (tls_g.c); the package was checked at
   * connection time. */
  if (ldap_get_option (ld, LDAP_OPT_X_TLS_SSL_CTX, &ssl) != LDAP_OPT_SUCCESS || ssl == NULL)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("The LDAP connection has no TLS session to check"));
      return FALSE;
    }
  session = *(gnutls_session_t *) ssl;
  if (!phonesec_context_check_tls_session (settings->context, session, "default", error))
    return FALSE;
  g_free (info->tls_version);
  /* Spelled as TLS_Min_Version spells it ("TLS 1.2"), not "TLS1.2". */
  info->tls_version = tls_version_name (gnutls_protocol_get_version (session));
  g_free (info->cipher_suite);
  info->cipher_suite = g_strdup (gnutls_ciphersuite_get (session));
  g_free (info->server_certificate);
  info->server_certificate = peer_subject (session);
  return TRUE;
}

static gboolean
tls_backend_is_gnutls (GError **error)
{
  char *package = NULL;
  gboolean ok;

  ldap_get_option (NULL, LDAP_OPT_X_TLS_PACKAGE, &package);
  ok = package != NULL && g_ascii_strcasecmp (package, "GnuTLS") == 0;
  if (!ok)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                 _ ("libldap uses the TLS library “%s”; the TLS policy needs GnuTLS"),
                 package != NULL ? package : "none");
  ldap_memfree (package);
  return ok;
}

/* --- connection ---------------------------------------------------------------- */

/* The server does not do StartTLS at all: unsupported extended operation
 * (protocolError), or no TLS configured (unavailable). Anything after the
 * server said yes (a handshake or certificate failure) is not this. */
static gboolean
starttls_not_offered (int rc)
{
  return rc == LDAP_PROTOCOL_ERROR || rc == LDAP_UNAVAILABLE || rc == LDAP_UNWILLING_TO_PERFORM;
}

/* LDAP_Server must be an ldap:// or ldaps:// URL with a host; *ldaps
 * says which. */
static gboolean
check_server_url (PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info, gboolean *ldaps,
                  GError **error)
{
  LDAPURLDesc *url = NULL;

  if (settings->server == NULL || *settings->server == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("No LDAP server is configured (LDAP_Server)"));
      return FALSE;
    }
  if (ldap_url_parse (settings->server, &url) != LDAP_URL_SUCCESS
      || (g_ascii_strcasecmp (url->lud_scheme, "ldap") != 0
          && g_ascii_strcasecmp (url->lud_scheme, "ldaps") != 0)
      || url->lud_host == NULL || *url->lud_host == '\0')
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("LDAP_Server “%s” is not an ldap://host[:port] or ldaps://host[:port] URL"),
                   settings->server_shown);
      ldap_free_urldesc (url);
      return FALSE;
    }
  *ldaps = g_ascii_strcasecmp (url->lud_scheme, "ldaps") == 0;
  info->scheme = g_strdup (*ldaps ? "ldaps" : "ldap");
  ldap_free_urldesc (url);
  return TRUE;
}

/* A handle on LDAP_Server, not connected yet, with its options and the TLS
 * policy set. */
static LDAP *
new_handle (PhonesecLdapSettings *settings, GError **error)
{
  LDAP *ld = NULL;
  int version = LDAP_VERSION3;
  struct timeval tv = { settings->network_timeout, 0 };
  int rc;

  if (!tls_backend_is_gnutls (error))
    return NULL;
  rc = ldap_initialize (&ld, settings->server);
  if (rc != LDAP_SUCCESS)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("LDAP_Server “%s” cannot be used: %s"), settings->server_shown,
                   ldap_err2string (rc));
      return NULL;
    }
  /* Referrals would take the bind and queries to a server nobody checked. */
  if (!set_option_or_fail (ld, LDAP_OPT_PROTOCOL_VERSION, &version, "PROTOCOL_VERSION", error)
      || !set_option_or_fail (ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF, "REFERRALS", error)
      || !set_option_or_fail (ld, LDAP_OPT_NETWORK_TIMEOUT, &tv, "NETWORK_TIMEOUT", error)
      || !set_option_or_fail (ld, LDAP_OPT_TIMEOUT, &tv, "TIMEOUT", error)
      || !apply_tls_policy (ld, settings, error))
    {
      ldap_unbind_ext_s (ld, NULL, NULL);
      return NULL;
    }
  return ld;
}

/* ldaps://: the handshake happens on connect; make it happen now so a
 * TLS failure is reported as one. LDAP_StartTLS_Enable is ignored. */
static gboolean
connect_ldaps (LDAP *ld, PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info,
               GError **error)
{
  int rc = ldap_connect (ld);

  if (rc != LDAP_SUCCESS)
    {
      /* ldaps:// reports a refused certificate as "server down". */
      g_autofree char *why = describe_ldap_error_full (ld, rc, settings->password, TRUE);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("Could not open a TLS connection to %s: %s"), settings->server_shown, why);
      return FALSE;
    }
  if (!check_tls (ld, settings, info, error))
    return FALSE;
  info->security = g_strdup ("ldaps");
  return TRUE;
}

static gboolean
start_tls (LDAP *ld, PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info, GError **error)
{
  int rc = ldap_start_tls_s (ld, NULL, NULL);

  if (rc == LDAP_SUCCESS)
    {
      if (!check_tls (ld, settings, info, error))
        return FALSE;
      info->security = g_strdup ("starttls");
    }
  else if (starttls_not_offered (rc))
    {
      /* The guide: without StartTLS on the server, go on in clear text.
       * Never after a failed handshake: that is an error below. */
      g_autofree char *why = describe_ldap_error (ld, rc, settings->password);
      g_warning ("LDAP server %s does not offer StartTLS (%s): the directory is used in "
                 "clear text",
                 settings->server_shown, why);
      info->security = g_strdup ("plaintext");
    }
  else
    {
      g_autofree char *why = describe_ldap_error (ld, rc, settings->password);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("StartTLS with %s failed: %s"),
                   settings->server_shown, why);
      return FALSE;
    }
  return TRUE;
}

static LDAP *
open_connection (PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info,
                 GCancellable *cancellable, GError **error)
{
  LDAP *ld;
  gboolean ldaps, ok;

  if (!check_server_url (settings, info, &ldaps, error))
    return NULL;
  ld = new_handle (settings, error);
  if (ld == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    ok = FALSE;
  else if (ldaps)
    ok = connect_ldaps (ld, settings, info, error);
  else if (settings->starttls)
    ok = start_tls (ld, settings, info, error);
  else
    {
      info->security = g_strdup ("plaintext");
      ok = TRUE;
    }
  if (!ok)
    {
      ldap_unbind_ext_s (ld, NULL, NULL);
      return NULL;
    }
  return ld;
}

/* --- bind ---------------------------------------------------------------------- */

static int
sasl_interact (LDAP *ld, unsigned flags, void *defaults, void *in)
{
  PhonesecLdapSettings *settings = defaults;

  for (sasl_interact_t *i = in; i->id != SASL_CB_LIST_END; i++)
    {
      const char *value = NULL;

      switch (i->id)
        {
          case SASL_CB_AUTHNAME:
            value = settings->username;
            break;
          case SASL_CB_PASS:
            value = phonesec_secret_peek (settings->password);
            break;
          case SASL_CB_USER: /* no authorization identity: act as ourselves */
          case SASL_CB_GETREALM:
          default:
            value = i->defresult != NULL ? i->defresult : "";
            break;
        }
      i->result = value;
      i->len = strlen (value);
    }
  return LDAP_SUCCESS;
}

static gboolean
do_bind (LDAP *ld, PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info, GError **error)
{
  int rc;

  switch (settings->auth)
    {
      case PHONESEC_LDAP_AUTH_NONE:
        {
          struct berval empty = { 0, NULL };

          info->bind = g_strdup ("anonymous");
          rc = ldap_sasl_bind_s (ld, NULL, LDAP_SASL_SIMPLE, &empty, NULL, NULL, NULL);
          if (rc != LDAP_SUCCESS)
            {
              g_autofree char *why = describe_ldap_error (ld, rc, settings->password);
              g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("Anonymous bind to %s failed: %s"), settings->server_shown, why);
              return FALSE;
            }
          return TRUE;
        }
      case PHONESEC_LDAP_AUTH_SIMPLE:
        {
          struct berval cred;

          info->bind = g_strdup ("simple");
          if (*settings->client_dn == '\0' || phonesec_secret_is_empty (settings->password))
            {
              /* An empty password would be an unauthenticated bind (RFC 4513
               * 5.1.2): it looks like success and authenticates nobody. */
              g_set_error_literal (
                  error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                  _ ("Simple bind needs LDAP_Client_DN and LDAP_Password to be set"));
              return FALSE;
            }
          cred.bv_val = (char *) phonesec_secret_peek (settings->password);
          cred.bv_len = phonesec_secret_get_length (settings->password);
          rc = ldap_sasl_bind_s (ld, settings->client_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL,
                                 NULL);
          if (rc != LDAP_SUCCESS)
            {
              g_autofree char *why = describe_ldap_error (ld, rc, settings->password);
              g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("Simple bind as “%s” to %s failed: %s"), settings->client_dn,
                           settings->server_shown, why);
              return FALSE;
            }
          return TRUE;
        }
      case PHONESEC_LDAP_AUTH_DIGEST_MD5:
        info->bind = g_strdup ("DIGEST-MD5");
        if (settings->fips)
          {
            g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                                 _ ("DIGEST-MD5 uses MD5, which FIPS mode forbids: set "
                                    "LDAP_Auth_Method to Simple over ldaps:// or StartTLS"));
            return FALSE;
          }
        if (*settings->username == '\0' || phonesec_secret_is_empty (settings->password))
          {
            g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                                 _ ("DIGEST-MD5 needs LDAP_Username and LDAP_Password to be set"));
            return FALSE;
          }
        rc = ldap_sasl_interactive_bind_s (ld, NULL, "DIGEST-MD5", NULL, NULL, LDAP_SASL_QUIET,
                                           sasl_interact, settings);
        if (rc != LDAP_SUCCESS)
          {
            g_autofree char *why = describe_ldap_error (ld, rc, settings->password);
            g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                         _ ("DIGEST-MD5 bind as “%s” to %s failed: %s"), settings->username,
                         settings->server_shown, why);
            return FALSE;
          }
        return TRUE;
    }
  g_assert_not_reached ();
}

static LDAP *
connect_and_bind (PhonesecLdapSettings *settings, PhonesecLdapSessionInfo *info,
                  GCancellable *cancellable, GError **error)
{
  LDAP *ld = open_connection (settings, info, cancellable, error);

  if (ld == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !do_bind (ld, settings, info, error))
    {
      ldap_unbind_ext_s (ld, NULL, NULL);
      return NULL;
    }
  return ld;
}

PhonesecLdapSessionInfo *
phonesec_ldap_client_test (PhonesecLdapSettings *settings, GCancellable *cancellable,
                           GError **error)
{
  g_autoptr (PhonesecLdapSessionInfo) info = g_new0 (PhonesecLdapSessionInfo, 1);
  LDAP *ld = connect_and_bind (settings, info, cancellable, error);

  if (ld == NULL)
    return NULL;
  ldap_unbind_ext_s (ld, NULL, NULL);
  return g_steal_pointer (&info);
}

/* --- search -------------------------------------------------------------------- */

static GPtrArray *
entry_values (LDAP *ld, LDAPMessage *entry, const char *attribute)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  struct berval **values = ldap_get_values_len (ld, entry, attribute);

  for (int i = 0; values != NULL && values[i] != NULL; i++)
    g_ptr_array_add (out, g_utf8_make_valid (values[i]->bv_val, values[i]->bv_len));
  ldap_value_free_len (values);
  return out;
}

static char *
first_value (LDAP *ld, LDAPMessage *entry, const char *attribute)
{
  g_autoptr (GPtrArray) v = entry_values (ld, entry, attribute);

  return v->len > 0 ? g_strdup (g_ptr_array_index (v, 0)) : NULL;
}

static void
add_number (GPtrArray *numbers, const char *value)
{
  for (guint i = 0; i < numbers->len; i++)
    if (g_strcmp0 (g_ptr_array_index (numbers, i), value) == 0)
      return;
  g_ptr_array_add (numbers, g_strdup (value));
}

static GVariant *
entry_to_variant (LDAP *ld, LDAPMessage *entry, GPtrArray *display, GStrv number_attrs)
{
  g_auto (GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_auto (GVariantBuilder) attrs = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{sas}"));
  g_autoptr (GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);
  char *dn = ldap_get_dn (ld, entry);
  g_autofree char *dn_valid = g_utf8_make_valid (dn != NULL ? dn : "", -1);
  g_autofree char *name = first_value (ld, entry, "cn");

  ldap_memfree (dn);
  if (name == NULL)
    {
      g_autofree char *sn = first_value (ld, entry, "sn");
      g_autofree char *given = first_value (ld, entry, "givenName");
      name = g_strstrip (g_strjoin (" ", sn != NULL ? sn : "", given != NULL ? given : "", NULL));
    }

  for (guint i = 0; i < display->len; i++)
    {
      PhonesecLdapDisplayAttr *a = g_ptr_array_index (display, i);
      g_autoptr (GPtrArray) values = entry_values (ld, entry, a->attribute);

      if (values->len == 0)
        continue;
      g_ptr_array_add (values, NULL);
      g_variant_builder_add (&attrs, "{s^as}", a->attribute, (char **) values->pdata);
    }
  for (guint i = 0; number_attrs[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) values = entry_values (ld, entry, number_attrs[i]);
      for (guint j = 0; j < values->len; j++)
        add_number (numbers, g_ptr_array_index (values, j));
    }
  for (guint i = 0; i < display->len; i++)
    {
      PhonesecLdapDisplayAttr *a = g_ptr_array_index (display, i);
      g_autoptr (GPtrArray) values = NULL;

      if (!a->number)
        continue;
      values = entry_values (ld, entry, a->attribute);
      for (guint j = 0; j < values->len; j++)
        add_number (numbers, g_ptr_array_index (values, j));
    }
  g_ptr_array_add (numbers, NULL);

  g_variant_builder_add (&b, "{sv}", "dn", g_variant_new_string (dn_valid));
  g_variant_builder_add (&b, "{sv}", "display-name", g_variant_new_string (name));
  g_variant_builder_add (&b, "{sv}", "attributes", g_variant_builder_end (&attrs));
  g_variant_builder_add (&b, "{sv}", "numbers",
                         g_variant_new_strv ((const char *const *) numbers->pdata, -1));
  return g_variant_builder_end (&b);
}

/* The attributes a search asks for: the name ones, the displayed ones,
 * the number ones (NULL-terminated; the strings are borrowed). */
static GPtrArray *
wanted_attributes (GPtrArray *display, GStrv number_attrs)
{
  GPtrArray *wanted = g_ptr_array_new ();

  g_ptr_array_add (wanted, (char *) "cn");
  g_ptr_array_add (wanted, (char *) "sn");
  g_ptr_array_add (wanted, (char *) "givenName");
  for (guint i = 0; i < display->len; i++)
    g_ptr_array_add (wanted,
                     ((PhonesecLdapDisplayAttr *) g_ptr_array_index (display, i))->attribute);
  for (guint i = 0; number_attrs[i] != NULL; i++)
    g_ptr_array_add (wanted, number_attrs[i]);
  g_ptr_array_add (wanted, NULL);
  return wanted;
}

/* One search on its way: what it keeps of each entry, and what came. */
typedef struct
{
  PhonesecLdapSettings *settings;
  LDAP *ld;
  int msgid;
  GPtrArray *display; /* PhonesecLdapDisplayAttr* */
  GStrv number_attrs;
  guint max_results;
  guint count;   /* entries received, kept or not */
  gboolean done; /* the search's result has come */
  GVariantBuilder *results;
} Search;

static gboolean
start_search (Search *search, const char *filter, GPtrArray *wanted, guint timeout_seconds,
              GError **error)
{
  PhonesecLdapSettings *settings = search->settings;
  struct timeval limit = { timeout_seconds, 0 };
  int rc;

  g_debug ("LDAP search under “%s” for %s", settings->search_base, filter);
  rc = ldap_search_ext (search->ld, settings->search_base, LDAP_SCOPE_SUBTREE, filter,
                        (char **) wanted->pdata, 0, NULL, NULL, &limit, search->max_results,
                        &search->msgid);
  if (rc != LDAP_SUCCESS)
    {
      g_autofree char *why = describe_ldap_error (search->ld, rc, settings->password);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("LDAP search failed: %s"), why);
      return FALSE;
    }
  return TRUE;
}

/* The search's final result: FALSE with @error when it failed. */
static gboolean
check_search_result (Search *search, LDAPMessage *message, GError **error)
{
  int result = LDAP_OTHER;

  if (ldap_parse_result (search->ld, message, &result, NULL, NULL, NULL, NULL, 0) != LDAP_SUCCESS)
    result = LDAP_OTHER;
  /* Hitting a limit still returns what arrived. */
  if (result == LDAP_SIZELIMIT_EXCEEDED || result == LDAP_TIMELIMIT_EXCEEDED)
    g_debug ("LDAP search stopped by a limit: %s", ldap_err2string (result));
  else if (result != LDAP_SUCCESS)
    {
      g_autofree char *why = describe_ldap_error (search->ld, result, search->settings->password);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("LDAP search failed: %s"), why);
      return FALSE;
    }
  return TRUE;
}

/* The entries of the messages of @chain into the results, the first
 * @max_results of them; the final result ends the search. */
static gboolean
take_messages (Search *search, LDAPMessage *chain, GError **error)
{
  for (LDAPMessage *m = ldap_first_message (search->ld, chain); m != NULL;
       m = ldap_next_message (search->ld, m))
    {
      int type = ldap_msgtype (m);

      if (type == LDAP_RES_SEARCH_ENTRY)
        {
          if (search->count < search->max_results)
            g_variant_builder_add_value (
                search->results,
                entry_to_variant (search->ld, m, search->display, search->number_attrs));
          search->count++;
        }
      else if (type == LDAP_RES_SEARCH_RESULT)
        {
          search->done = TRUE;
          if (!check_search_result (search, m, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* The server enforces the time limit; the deadline covers a server that
 * does not answer at all. Short waits let a configuration change cancel. */
static gboolean
wait_for_results (Search *search, guint timeout_seconds, GCancellable *cancellable, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_seconds + 2) * G_USEC_PER_SEC;

  while (!search->done)
    {
      struct timeval poll = { 0, POLL_INTERVAL_US };
      LDAPMessage *msg = NULL;
      gboolean ok;
      int rc;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ldap_abandon_ext (search->ld, search->msgid, NULL, NULL);
          return FALSE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          ldap_abandon_ext (search->ld, search->msgid, NULL, NULL);
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                       _ ("The LDAP server did not answer within %u seconds"), timeout_seconds);
          return FALSE;
        }
      rc = ldap_result (search->ld, search->msgid, LDAP_MSG_ONE, &poll, &msg);
      if (rc == 0)
        continue;
      if (rc < 0)
        {
          int err = LDAP_OTHER;
          g_autofree char *why = NULL;

          ldap_get_option (search->ld, LDAP_OPT_RESULT_CODE, &err);
          why = describe_ldap_error (search->ld, err, search->settings->password);
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("LDAP search failed: %s"),
                       why);
          return FALSE;
        }
      ok = take_messages (search, msg, error);
      ldap_msgfree (msg);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

GVariant *
phonesec_ldap_client_search (PhonesecLdapSettings *settings, const char *query, guint max_results,
                             guint timeout_seconds, PhonesecLdapSessionInfo **info_out,
                             GCancellable *cancellable, GError **error)
{
  g_autoptr (PhonesecLdapSessionInfo) info = g_new0 (PhonesecLdapSessionInfo, 1);
  g_autoptr (GPtrArray) display = NULL;
  g_auto (GStrv) number_attrs = NULL;
  g_autofree char *filter = NULL;
  g_autoptr (GPtrArray) wanted = NULL;
  g_auto (GVariantBuilder) results = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  Search search = { .settings = settings, .msgid = -1, .max_results = max_results };
  gboolean ok;

  /* Configuration errors first: no connection for a search that cannot run. */
  filter = phonesec_ldap_build_filter (settings->last_name_filter, settings->first_name_filter,
                                       query, error);
  if (filter == NULL)
    return NULL;
  display = phonesec_ldap_parse_display_attrs (settings->display_attrs, error);
  if (display == NULL)
    return NULL;
  number_attrs = phonesec_ldap_parse_number_mapping (settings->number_mapping, error);
  if (number_attrs == NULL)
    return NULL;
  wanted = wanted_attributes (display, number_attrs);
  search.display = display;
  search.number_attrs = number_attrs;
  search.results = &results;

  search.ld = connect_and_bind (settings, info, cancellable, error);
  ok = search.ld != NULL && start_search (&search, filter, wanted, timeout_seconds, error)
       && wait_for_results (&search, timeout_seconds, cancellable, error);
  if (search.ld != NULL)
    ldap_unbind_ext_s (search.ld, NULL, NULL);
  if (info_out != NULL && info->security != NULL)
    *info_out = g_steal_pointer (&info);
  if (!ok)
    return NULL;
  return g_variant_builder_end (&results);
}
