/* phonesec-tls-policy.c: TLS_Min_Version, TLS_Cipher_List and FIPS_Mode, as
 * GnuTLS priority strings and a trust store every TLS client shares.
 *
 * What governs TLS 1.3: OpenSSL cipher strings never select TLS 1.3 suites
 * (OpenSSL keeps them apart, as does the phone). Here TLS 1.3 keeps its
 * three standard AEAD suites (AES-256-GCM, CHACHA20-POLY1305, AES-128-GCM),
 * CHACHA20 dropped in FIPS mode; TLS_Min_Version=TLS 1.3 leaves only them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/x509.h>
#include <string.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-tls-policy.h"

#define N_APPS 3
#define DEBIAN_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

struct _PhonesecTlsPolicy
{
  GObject parent_instance;

  GMutex lock; /* sessions are set up from worker threads */
  char *min_version;
  char *cipher_list;
  gboolean fips;
  char *cipher_list_error;
  char *fips_error;
  PhonesecCipherList *lists[N_APPS];

  char *trust_dir;
  char *ca_file;
  char *system_bundle;
  char *bundle_path;
  char *trust_file; /* what HTTP clients trust: bundle_path, or the system CAs */
  /* trust_file parsed, for chains checked in phonesecd (a SIP stack's):
   * made on first use, so that a phone without one never parses it. */
  GTlsDatabase *chain_database;
  char *trust_error; /* "" or why bundle_path is not the whole trust store */
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_TRUST_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecTlsPolicy, phonesec_tls_policy, G_TYPE_OBJECT)

static void
phonesec_tls_policy_finalize (GObject *object)
{
  PhonesecTlsPolicy *self = PHONESEC_TLS_POLICY (object);

  for (guint i = 0; i < N_APPS; i++)
    g_clear_pointer (&self->lists[i], phonesec_cipher_list_unref);
  g_free (self->min_version);
  g_free (self->cipher_list);
  g_free (self->cipher_list_error);
  g_free (self->fips_error);
  g_free (self->trust_dir);
  g_free (self->ca_file);
  g_free (self->system_bundle);
  g_free (self->bundle_path);
  g_free (self->trust_file);
  g_clear_object (&self->chain_database);
  g_free (self->trust_error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (phonesec_tls_policy_parent_class)->finalize (object);
}

static void
phonesec_tls_policy_class_init (PhonesecTlsPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_tls_policy_finalize;
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A CA added or removed (also emits "changed"). */
  signals[SIGNAL_TRUST_CHANGED]
      = g_signal_new ("trust-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
}

static void
phonesec_tls_policy_init (PhonesecTlsPolicy *self)
{
  g_mutex_init (&self->lock);
  self->min_version = g_strdup ("TLS 1.1");
  self->cipher_list = g_strdup ("");
  self->cipher_list_error = g_strdup ("");
  self->fips_error = g_strdup ("");
  self->trust_error = g_strdup ("");
}

gboolean
phonesec_tls_app_class_from_string (const char *text, PhonesecCipherAppClass *out)
{
  if (g_strcmp0 (text, "web-server") == 0)
    *out = PHONESEC_CIPHER_APP_WEB_SERVER;
  else if (g_strcmp0 (text, "xmpp") == 0)
    *out = PHONESEC_CIPHER_APP_XMPP;
  /* SIP over TLS has no list of its own in the guide: the default one. A
   * name of its own lets the SIP stack ask for "sip" and keeps that true
   * if the guide ever gives it one. */
  else if (g_strcmp0 (text, "default") == 0 || g_strcmp0 (text, "sip") == 0
           || g_strcmp0 (text, "") == 0)
    *out = PHONESEC_CIPHER_APP_DEFAULT;
  else
    return FALSE;
  return TRUE;
}

/* --- the trust store --------------------------------------------------- */

static void
append_file (GString *bundle, const char *path)
{
  g_autofree char *contents = NULL;

  if (path == NULL || !g_file_get_contents (path, &contents, NULL, NULL))
    return;
  g_string_append (bundle, contents);
  if (bundle->len > 0 && bundle->str[bundle->len - 1] != '\n')
    g_string_append_c (bundle, '\n');
}

#define PEM_END "-----END CERTIFICATE-----"

/* Whether every certificate of @old is also in @wanted (by its PEM text,
 * which is copied verbatim from the same files): keeping @old then trusts
 * nothing that is no longer trusted. */
static gboolean
pem_is_subset (const char *old, const char *wanted)
{
  g_autoptr (GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *p, *begin, *end;

  for (p = wanted;
       (begin = strstr (p, PEM_BEGIN)) != NULL && (end = strstr (begin, PEM_END)) != NULL; p = end)
    g_hash_table_add (known, g_strndup (begin, end - begin));
  for (p = old; (begin = strstr (p, PEM_BEGIN)) != NULL; p = end)
    {
      g_autofree char *block = NULL;

      end = strstr (begin, PEM_END);
      if (end == NULL)
        return FALSE; /* a cut certificate: not ours to judge, not kept */
      block = g_strndup (begin, end - begin);
      if (!g_hash_table_contains (known, block))
        return FALSE;
    }
  return TRUE;
}

static void
set_trust_error (PhonesecTlsPolicy *self, char *message)
{
  g_mutex_lock (&self->lock);
  g_free (self->trust_error);
  self->trust_error = message != NULL ? message : g_strdup ("");
  g_mutex_unlock (&self->lock);
}

/* Writes @wanted as the bundle unless the file already holds exactly it:
 * a start must not need free space. When the write fails the previous
 * file stays if it trusts nothing more than @wanted (it may miss CAs added
 * since); one that would trust a CA no longer trusted is removed. Returns
 * FALSE with @error when the file on disk is not @wanted. */
static gboolean
write_bundle (PhonesecTlsPolicy *self, const GString *wanted, GError **error)
{
  g_autofree char *current = NULL;
  gsize current_len = 0;

  if (g_file_get_contents (self->bundle_path, &current, &current_len, NULL)
      && current_len == wanted->len && memcmp (current, wanted->str, wanted->len) == 0)
    return TRUE;
  if (g_file_set_contents_full (self->bundle_path, wanted->str, wanted->len,
                                G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return TRUE;
  if (current != NULL && !pem_is_subset (current, wanted->str))
    {
      g_unlink (self->bundle_path);
      /* That freed its room: a second try may fit. */
      if (g_file_set_contents_full (self->bundle_path, wanted->str, wanted->len,
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL))
        {
          g_clear_error (error);
          return TRUE;
        }
    }
  return FALSE;
}

/* One PEM bundle: what the network service, libldap and libopenconnect
 * each take. A file that could not be written is said in trust_error and
 * in @write_error (optional). Nothing parses the certificates here: the
 * network service does, in its own process. */
static void
rebuild_bundle (PhonesecTlsPolicy *self, GError **out_write_error)
{
  g_autoptr (GString) bundle = g_string_new (NULL);
  g_autoptr (GDir) dir = g_dir_open (self->trust_dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) write_error = NULL;
  const char *trust_file = self->bundle_path;
  const char *name;

  append_file (bundle, self->system_bundle);
  append_file (bundle, self->ca_file);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pem"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (self->trust_dir, names->pdata[i], NULL);
      append_file (bundle, path);
    }

  if (write_bundle (self, bundle, &write_error))
    set_trust_error (self, NULL);
  else if (g_file_test (self->bundle_path, G_FILE_TEST_EXISTS))
    set_trust_error (
        self, g_strdup_printf (_ ("The trust store %s could not be updated (%s): TLS clients use "
                                  "the previous one, without the CAs added since"),
                               self->bundle_path, write_error->message));
  else
    {
      /* The system CAs alone are a part of the trust store: nothing is
       * trusted that should not be. */
      trust_file = self->system_bundle;
      set_trust_error (
          self, g_strdup_printf (_ ("The trust store %s could not be written (%s): the LDAP and "
                                    "VPN clients cannot verify servers, and phonesecd's own HTTPS "
                                    "client trusts only the system CAs, until there is room and "
                                    "phonesecd restarts"),
                                 self->bundle_path, write_error->message));
    }
  if (self->trust_error[0] != '\0')
    g_warning ("%s", self->trust_error);
  g_mutex_lock (&self->lock);
  g_free (self->trust_file);
  self->trust_file = g_strdup (trust_file);
  g_clear_object (&self->chain_database);
  g_mutex_unlock (&self->lock);
  if (write_error != NULL && out_write_error != NULL)
    *out_write_error = g_steal_pointer (&write_error);
}

PhonesecTlsPolicy *
phonesec_tls_policy_new (const char *trust_dir, const char *ca_file, const char *system_bundle,
                         GError **error)
{
  g_autoptr (PhonesecTlsPolicy) self = g_object_new (PHONESEC_TYPE_TLS_POLICY, NULL);
  g_autofree char *parent = NULL;

  self->trust_dir = g_strdup (trust_dir);
  self->ca_file = g_strdup (ca_file);
  self->system_bundle = g_strdup (system_bundle != NULL ? system_bundle : DEBIAN_BUNDLE);
  if (g_mkdir_with_parents (trust_dir, 0700) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot create the trust store %s: %s"), trust_dir, g_strerror (saved));
      return NULL;
    }
  if (ca_file != NULL && !g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _ ("CA file %s does not exist"),
                   ca_file);
      return NULL;
    }
  parent = g_path_get_dirname (trust_dir);
  self->bundle_path = g_build_filename (parent, "ca-bundle.pem", NULL);
  /* Until phonesec_tls_policy_load_trust(): the file as it is. */
  self->trust_file
      = g_strdup (g_file_test (self->bundle_path, G_FILE_TEST_EXISTS) ? self->bundle_path
                                                                      : self->system_bundle);
  phonesec_tls_policy_configure (self, "TLS 1.1", "", FALSE);
  return g_steal_pointer (&self);
}

void
phonesec_tls_policy_load_trust (PhonesecTlsPolicy *self)
{
  /* A bundle that cannot be written is a warning (trust_error), not a
   * reason to stop: the phone must start on a full disk. */
  rebuild_bundle (self, NULL);
}

/* --- the policy ---------------------------------------------------------- */

static int
min_version_rank (const char *min_version)
{
  if (g_strcmp0 (min_version, "TLS 1.0") == 0)
    return 0;
  if (g_strcmp0 (min_version, "TLS 1.2") == 0)
    return 2;
  if (g_strcmp0 (min_version, "TLS 1.3") == 0)
    return 3;
  return 1; /* "TLS 1.1", the default */
}

void
phonesec_tls_policy_configure (PhonesecTlsPolicy *self, const char *min_version,
                               const char *cipher_list, gboolean fips)
{
  PhonesecCipherListFlags flags = fips ? PHONESEC_CIPHER_LIST_FIPS : 0;
  PhonesecCipherList *lists[N_APPS];
  const GError *problem;
  gboolean changed;

  changed = g_strcmp0 (min_version, self->min_version) != 0
            || g_strcmp0 (cipher_list, self->cipher_list) != 0 || fips != self->fips;
  for (guint i = 0; i < N_APPS; i++)
    lists[i] = phonesec_cipher_list_resolve (cipher_list, i, flags);

  g_mutex_lock (&self->lock);
  g_free (self->min_version);
  self->min_version = g_strdup (min_version);
  g_free (self->cipher_list);
  self->cipher_list = g_strdup (cipher_list);
  self->fips = fips;
  for (guint i = 0; i < N_APPS; i++)
    {
      g_clear_pointer (&self->lists[i], phonesec_cipher_list_unref);
      self->lists[i] = lists[i];
    }
  /* An invalid list is used as the guide says (each application falls back
   * to its own list), but never silently: the reason stays visible. */
  problem = phonesec_cipher_list_get_problem (lists[PHONESEC_CIPHER_APP_DEFAULT]);
  g_free (self->cipher_list_error);
  self->cipher_list_error = g_strdup (
      cipher_list != NULL && cipher_list[0] != '\0' && problem != NULL ? problem->message : "");
  g_free (self->fips_error);
  self->fips_error = g_strdup (
      fips && !gnutls_fips140_mode_enabled ()
          ? _ ("Security error: the TLS library of this phone cannot enter FIPS 140 mode. Every "
               "connection is restricted to FIPS-approved algorithms (TLS 1.2 or later, AES, "
               "SHA-2, RSA of 2048 bits or more), but the cryptographic module itself is not "
               "validated. Restart the phone after changing FIPS mode.")
          : "");
  g_mutex_unlock (&self->lock);

  if (self->cipher_list_error[0] != '\0')
    g_warning ("TLS_Cipher_List is not usable, each application uses its fallback list: %s",
               self->cipher_list_error);
  if (self->fips_error[0] != '\0')
    g_warning ("%s", self->fips_error);
  if (changed)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

const char *
phonesec_tls_policy_get_min_version (PhonesecTlsPolicy *self)
{
  return self->min_version;
}

const char *
phonesec_tls_policy_get_cipher_list (PhonesecTlsPolicy *self)
{
  return self->cipher_list;
}

const char *
phonesec_tls_policy_get_cipher_list_error (PhonesecTlsPolicy *self)
{
  return self->cipher_list_error;
}

gboolean
phonesec_tls_policy_get_fips (PhonesecTlsPolicy *self)
{
  return self->fips;
}

const char *
phonesec_tls_policy_get_fips_error (PhonesecTlsPolicy *self)
{
  return self->fips_error;
}

PhonesecCipherList *
phonesec_tls_policy_get_list (PhonesecTlsPolicy *self, PhonesecCipherAppClass app)
{
  g_return_val_if_fail (app < N_APPS, NULL);
  return self->lists[app];
}

/* Caller holds the lock. */
static char *
priority_locked (PhonesecTlsPolicy *self, PhonesecCipherAppClass app)
{
  g_autoptr (GString) priority
      = g_string_new (phonesec_cipher_list_get_priority (self->lists[app]));
  int rank = min_version_rank (self->min_version);

  /* FIPS: TLS 1.2 at least, and keys of 112-bit strength (RSA ≥ 2048). */
  if (self->fips)
    {
      rank = MAX (rank, 2);
      g_string_append (priority, ":%PROFILE_MEDIUM");
    }
  g_string_append (priority, ":-VERS-SSL3.0");
  if (rank > 0)
    g_string_append (priority, ":-VERS-TLS1.0");
  if (rank > 1)
    g_string_append (priority, ":-VERS-TLS1.1");
  if (rank > 2)
    g_string_append (priority, ":-VERS-TLS1.2");
  return g_string_free (g_steal_pointer (&priority), FALSE);
}

char *
phonesec_tls_policy_dup_priority (PhonesecTlsPolicy *self, PhonesecCipherAppClass app)
{
  char *priority;

  g_return_val_if_fail (app < N_APPS, NULL);
  g_mutex_lock (&self->lock);
  priority = priority_locked (self, app);
  g_mutex_unlock (&self->lock);
  return priority;
}

static const char *const tls13_suites[] = {
  "TLS_AES_256_GCM_SHA384",
  "TLS_CHACHA20_POLY1305_SHA256",
  "TLS_AES_128_GCM_SHA256",
};

static gboolean
tls13_suite_allowed (PhonesecTlsPolicy *self, const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tls13_suites); i++)
    if (g_strcmp0 (name, tls13_suites[i]) == 0)
      return !(self->fips && strstr (name, "CHACHA20") != NULL);
  return FALSE;
}

GStrv
phonesec_tls_policy_dup_suites (PhonesecTlsPolicy *self, PhonesecCipherAppClass app)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rank;

  g_return_val_if_fail (app < N_APPS, NULL);
  g_mutex_lock (&self->lock);
  rank = min_version_rank (self->min_version);
  for (guint i = 0; i < G_N_ELEMENTS (tls13_suites); i++)
    if (tls13_suite_allowed (self, tls13_suites[i]))
      g_strv_builder_add (builder, tls13_suites[i]);
  if (rank < 3)
    {
      g_auto (GStrv) names = phonesec_cipher_list_dup_iana_names (self->lists[app]);
      g_strv_builder_addv (builder, (const char **) names);
    }
  g_mutex_unlock (&self->lock);
  return g_strv_builder_end (builder);
}

char *
phonesec_tls_policy_dup_openssl_ciphers (PhonesecTlsPolicy *self, PhonesecCipherAppClass app)
{
  char *ciphers;

  g_return_val_if_fail (app < N_APPS, NULL);
  g_mutex_lock (&self->lock);
  ciphers = phonesec_cipher_list_dup_openssl_string (self->lists[app]);
  g_mutex_unlock (&self->lock);
  return ciphers;
}

gboolean
phonesec_tls_policy_check_negotiated (PhonesecTlsPolicy *self, PhonesecCipherAppClass app,
                                      gnutls_protocol_t version, const char *suite_iana,
                                      GError **error)
{
  gboolean allowed;

  g_mutex_lock (&self->lock);
  allowed = phonesec_cipher_list_allows_name (self->lists[app], suite_iana);
  g_mutex_unlock (&self->lock);
  if (!allowed)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                 _ ("the server chose %s, which the phone's TLS policy does not allow"),
                 suite_iana != NULL ? suite_iana : "an unknown cipher suite");
  return allowed;
}

gboolean
phonesec_tls_policy_setup_client (PhonesecTlsPolicy *self, gnutls_session_t session,
                                  PhonesecCipherAppClass app, GError **error)
{
  g_autofree char *priority = phonesec_tls_policy_dup_priority (self, app);
  const char *where = NULL;
  int ret = gnutls_priority_set_direct (session, priority, &where);

  if (ret < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("the TLS priority \"%s\" was refused near \"%.32s\": %s"), priority,
                   where != NULL ? where : "", gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

gnutls_certificate_credentials_t
phonesec_tls_policy_new_credentials (PhonesecTlsPolicy *self, GError **error)
{
  gnutls_certificate_credentials_t credentials;
  int ret;

  ret = gnutls_certificate_allocate_credentials (&credentials);
  if (ret < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, "%s", gnutls_strerror (ret));
      return NULL;
    }
  g_mutex_lock (&self->lock);
  ret = gnutls_certificate_set_x509_trust_file (credentials, self->bundle_path,
                                                GNUTLS_X509_FMT_PEM);
  g_mutex_unlock (&self->lock);
  if (ret < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("Cannot read the trust store %s: %s"), self->bundle_path,
                   gnutls_strerror (ret));
      gnutls_certificate_free_credentials (credentials);
      return NULL;
    }
  return credentials;
}

const char *
phonesec_tls_policy_get_bundle_path (PhonesecTlsPolicy *self)
{
  return self->bundle_path;
}

const char *
phonesec_tls_policy_get_trust_file (PhonesecTlsPolicy *self)
{
  return self->trust_file;
}

/* Why a chain failed, in the admin's words: the first flag that says. */
static const char *
chain_problem (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return _ ("it is not issued by a CA of the phone's trust store");
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return _ ("it has expired");
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return _ ("it is not valid yet");
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return _ ("it has been revoked");
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return _ ("it uses an insecure algorithm");
  return _ ("it could not be verified");
}

/* The trust file as a GTlsDatabase; GIO's own idea of the system's CAs
 * when there is no file at all. */
static GTlsDatabase *
new_chain_database (const char *trust_file)
{
  g_autoptr (GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (trust_file, &error);

  if (database != NULL)
    return database;
  g_debug ("trust store %s: %s", trust_file, error->message);
  database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  return database;
}

gboolean
phonesec_tls_policy_verify_server_chain (PhonesecTlsPolicy *self, GTlsCertificate *chain,
                                         GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GTlsDatabase) database = NULL;
  GTlsCertificateFlags flags;

  g_mutex_lock (&self->lock);
  if (self->chain_database == NULL)
    self->chain_database = new_chain_database (self->trust_file);
  database = self->chain_database != NULL ? g_object_ref (self->chain_database) : NULL;
  g_mutex_unlock (&self->lock);
  if (database == NULL)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("The phone has no trust store to verify the server certificate"));
      return FALSE;
    }
  /* No identity: the host name is checked by our own RFC 6125 rules. */
  flags = g_tls_database_verify_chain (database, chain, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                       NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, &local);
  if (local != NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("The server certificate could not be verified: %s"), local->message);
      return FALSE;
    }
  if (flags != 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("The server certificate is refused: %s"), chain_problem (flags));
      return FALSE;
    }
  return TRUE;
}

const char *
phonesec_tls_policy_get_trust_error (PhonesecTlsPolicy *self)
{
  return self->trust_error;
}

/* --- custom CAs -------------------------------------------------------- */

static char *
fingerprint_of (gnutls_x509_crt_t crt)
{
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *text = g_string_new (NULL);

  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size) < 0)
    return g_string_free (text, TRUE);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (text, i == 0 ? "%02x" : ":%02x", digest[i]);
  return g_string_free (text, FALSE);
}

static gboolean
fingerprint_is_valid (const char *fingerprint)
{
  if (fingerprint == NULL || strlen (fingerprint) != 95)
    return FALSE;
  for (guint i = 0; i < 95; i++)
    if (i % 3 == 2 ? fingerprint[i] != ':' : !g_ascii_isxdigit (fingerprint[i]))
      return FALSE;
  return TRUE;
}

char *
phonesec_tls_policy_add_ca (PhonesecTlsPolicy *self, const char *pem, GError **error)
{
  gnutls_x509_crt_t *crts = NULL;
  unsigned int n = 0;
  gnutls_datum_t data = { (unsigned char *) pem, pem != NULL ? strlen (pem) : 0 };
  unsigned int critical = 0;
  g_autofree char *fingerprint = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) write_error = NULL;
  int ret;

  if (pem == NULL || strlen (pem) > 64 * 1024)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("the certificate must be one PEM certificate of at most 64 KiB"));
      return NULL;
    }
  ret = gnutls_x509_crt_list_import2 (&crts, &n, &data, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0 || n != 1)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("expected exactly one PEM certificate (%s)"),
                   ret < 0 ? gnutls_strerror (ret) : _ ("found another number of certificates"));
      for (unsigned int i = 0; i < n; i++)
        gnutls_x509_crt_deinit (crts[i]);
      gnutls_free (crts);
      return NULL;
    }
  ret = gnutls_x509_crt_get_basic_constraints (crts[0], &critical, NULL, NULL);
  if (ret != 1)
    {
      g_set_error_literal (
          error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
          _ ("the certificate is not a CA certificate (basicConstraints CA:TRUE)"));
      gnutls_x509_crt_deinit (crts[0]);
      gnutls_free (crts);
      return NULL;
    }
  fingerprint = fingerprint_of (crts[0]);
  gnutls_x509_crt_deinit (crts[0]);
  gnutls_free (crts);

  file_name = g_strdelimit (g_strconcat (fingerprint, ".pem", NULL), ":", '-');
  path = g_build_filename (self->trust_dir, file_name, NULL);
  /* Already there (Custom_CA_Rule at every resync): nothing changes, so
   * the network service is not restarted for nothing. */
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&fingerprint);
  if (g_file_set_contents_full (path, pem, -1,
                                G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                &write_error))
    {
      rebuild_bundle (self, &write_error);
      /* Not in the bundle, so not added: back to the store as it was. */
      if (write_error != NULL)
        {
          g_unlink (path);
          rebuild_bundle (self, NULL);
        }
    }
  if (write_error != NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("the CA was not added: the trust store could not be written (%s)"),
                   write_error->message);
      return NULL;
    }
  g_signal_emit (self, signals[SIGNAL_TRUST_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return g_steal_pointer (&fingerprint);
}

gboolean
phonesec_tls_policy_remove_ca (PhonesecTlsPolicy *self, const char *fingerprint, GError **error)
{
  g_autofree char *lower = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;

  if (!fingerprint_is_valid (fingerprint))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("a fingerprint is 32 hex bytes separated by ':' (SHA-256)"));
      return FALSE;
    }
  lower = g_ascii_strdown (fingerprint, -1);
  file_name = g_strdelimit (g_strconcat (lower, ".pem", NULL), ":", '-');
  path = g_build_filename (self->trust_dir, file_name, NULL);
  if (g_unlink (path) < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
                   _ ("no custom CA has the fingerprint %s"), lower);
      return FALSE;
    }
  /* A bundle that could not be rewritten no longer holds the CA either
   * (rebuild_bundle removes a file that trusts more than the store): the
   * removal stands, trust_error says the rest. */
  rebuild_bundle (self, NULL);
  g_signal_emit (self, signals[SIGNAL_TRUST_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static void
add_cas_of (GVariantBuilder *builder, const char *path, const char *source)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  gnutls_x509_crt_t *crts = NULL;
  unsigned int n = 0;
  gnutls_datum_t data;

  if (path == NULL || !g_file_get_contents (path, &contents, &len, NULL))
    return;
  data.data = (unsigned char *) contents;
  data.size = len;
  if (gnutls_x509_crt_list_import2 (&crts, &n, &data, GNUTLS_X509_FMT_PEM, 0) < 0)
    return;
  for (unsigned int i = 0; i < n; i++)
    {
      gnutls_datum_t dn = { NULL, 0 };
      g_autofree char *fingerprint = fingerprint_of (crts[i]);
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "fingerprint", "s", fingerprint);
      if (gnutls_x509_crt_get_dn3 (crts[i], &dn, 0) >= 0)
        {
          g_variant_dict_insert (&dict, "subject", "s", (const char *) dn.data);
          gnutls_free (dn.data);
        }
      g_variant_dict_insert (&dict, "not-after", "x",
                             (gint64) gnutls_x509_crt_get_expiration_time (crts[i]));
      g_variant_dict_insert (&dict, "source", "s", source);
      g_variant_builder_add_value (builder, g_variant_dict_end (&dict));
      gnutls_x509_crt_deinit (crts[i]);
    }
  gnutls_free (crts);
}

GVariant *
phonesec_tls_policy_dup_trusted_cas (PhonesecTlsPolicy *self)
{
  GVariantBuilder builder;
  g_autoptr (GDir) dir = g_dir_open (self->trust_dir, 0, NULL);
  const char *name;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  add_cas_of (&builder, self->ca_file, "ca-file");
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".pem"))
      {
        g_autofree char *path = g_build_filename (self->trust_dir, name, NULL);
        add_cas_of (&builder, path, "custom");
      }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
