/* phonesec-cipher-list.c: OpenSSL cipher strings compiled for GnuTLS.
 *
 * The string is read as OpenSSL 3.0 reads it (phonesec-cipher-string.c),
 * then narrowed to what GnuTLS implements, the security level and FIPS,
 * and spelt as a GnuTLS priority string. GnuTLS priorities are lists per
 * algorithm, so the string may enable more suites than the list has: those
 * are computed and reported, and phonesec_cipher_list_allows() refuses them
 * after the handshake.
 *
 * TLS 1.3: OpenSSL cipher strings do not govern TLS 1.3 suites, and
 * neither do these lists: the priority string keeps TLS 1.3 with OpenSSL's
 * (and GnuTLS NORMAL's) usual suites TLS_AES_256_GCM_SHA384,
 * TLS_CHACHA20_POLY1305_SHA256 and TLS_AES_128_GCM_SHA256 (no CHACHA20 in
 * FIPS mode), plus the CCM ones when the list has AES-CCM, unless
 * PHONESEC_CIPHER_LIST_NO_TLS13. GnuTLS derives TLS 1.3 suites from the
 * same cipher list, which is where most extras come from.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-cipher-list.h"

#define QUOTE_MAX 48

struct _PhonesecCipherList
{
  gatomicrefcount ref_count;
  char *source;
  PhonesecCipherListFlags flags;
  gboolean fallback;
  GError *problem;
  char **warnings;
  guint security_level;
  const char *suite_b;
  GArray *selected; /* guint16 table indices: what `openssl ciphers` lists */
  GArray *suites;   /* guint16 table indices: what is offered */
  guint8 *allowed;  /* by table index */
  char *priority;
  GArray *enabled; /* guint16 codes the priority string enables */
  GArray *tls13;   /* guint16 TLS 1.3 codes among them */
  GPtrArray *extras;
};

G_DEFINE_BOXED_TYPE (PhonesecCipherList, phonesec_cipher_list, phonesec_cipher_list_ref,
                     phonesec_cipher_list_unref)

/* ---- what the phone offers ----------------------------------------------- */

/* "N suites left out (why): A, B, C…", naming at most MAX_NAMED. */
#define MAX_NAMED 8

static void
add_dropped_warning (GPtrArray *warnings, GPtrArray *names, const char *why)
{
  g_autoptr (GString) named = g_string_new (NULL);

  if (names->len == 0)
    return;
  for (guint i = 0; i < MIN (names->len, MAX_NAMED); i++)
    g_string_append_printf (named, "%s%s", i ? ", " : "", (const char *) names->pdata[i]);
  if (names->len > MAX_NAMED)
    g_string_append (named, "…");
  g_ptr_array_add (warnings, g_strdup_printf (ngettext ("%u suite left out (%s): %s",
                                                        "%u suites left out (%s): %s", names->len),
                                              names->len, why, named->str));
}

static gboolean
needs_credentials (const PhonesecCipherSuite *s)
{
  return (s->kx
          & (PHONESEC_CIPHER_KX_PSK | PHONESEC_CIPHER_KX_RSAPSK | PHONESEC_CIPHER_KX_DHEPSK
             | PHONESEC_CIPHER_KX_ECDHEPSK | PHONESEC_CIPHER_KX_SRP))
         != 0;
}

/* Narrows the selection to the suites this phone can offer: GnuTLS
 * implements them; not PSK or SRP (the phone has no such credentials, an
 * OpenSSL client without PSK/SRP callbacks leaves them out too, and GnuTLS
 * turns TLS 1.3 off when RSA-PSK or SRP is in a priority string); allowed
 * at the security level; FIPS-approved in FIPS mode. */
static gboolean
filter_suites (PhonesecCipherList *list, GPtrArray *warnings, GError **error)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_autoptr (GPtrArray) credentials = g_ptr_array_new ();
  g_autoptr (GPtrArray) weak = g_ptr_array_new ();
  g_autoptr (GPtrArray) not_fips = g_ptr_array_new ();
  g_autoptr (GString) why = g_string_new (NULL);
  const PhonesecCipherSuite *table;
  guint n_table;

  table = phonesec_cipher_suites_get_table (&n_table);
  for (guint i = 0; i < list->selected->len; i++)
    {
      guint16 index = g_array_index (list->selected, guint16, i);
      const PhonesecCipherSuite *s = &table[index];

      if (!phonesec_cipher_suite_is_available (s))
        g_ptr_array_add (missing, (gpointer) s->openssl_name);
      else if (needs_credentials (s))
        g_ptr_array_add (credentials, (gpointer) s->openssl_name);
      else if (!phonesec_cipher_suite_allowed_at_level (s, list->security_level))
        g_ptr_array_add (weak, (gpointer) s->openssl_name);
      else if ((list->flags & PHONESEC_CIPHER_LIST_FIPS)
               && !phonesec_cipher_suite_is_fips_approved (s))
        g_ptr_array_add (not_fips, (gpointer) s->openssl_name);
      else
        {
          g_array_append_val (list->suites, index);
          list->allowed[index] = 1;
        }
    }

  if (list->suites->len == 0 && !(list->flags & PHONESEC_CIPHER_LIST_ALLOW_EMPTY))
    {
      g_autofree char *quoted = strlen (list->source) > QUOTE_MAX
                                    ? g_strdup_printf ("%.*s…", QUOTE_MAX, list->source)
                                    : g_strdup (list->source);

      if (missing->len)
        g_string_append_printf (why, _ ("; %u are not implemented on this phone (ARIA, SEED)"),
                                missing->len);
      if (credentials->len)
        g_string_append_printf (why,
                                _ ("; %u need PSK or SRP credentials, which the phone "
                                   "does not have"),
                                credentials->len);
      if (weak->len)
        g_string_append_printf (why,
                                _ ("; %u are refused at security level %u (anonymous, "
                                   "NULL encryption, MD5 or too weak)"),
                                weak->len, list->security_level);
      if (not_fips->len)
        g_string_append_printf (why, _ ("; %u are not FIPS-approved"), not_fips->len);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("TLS cipher list “%s” selects %u suites but none can be used here%s"), quoted,
                   list->selected->len, why->str);
      return FALSE;
    }

  add_dropped_warning (warnings, missing, _ ("not implemented on this phone"));
  add_dropped_warning (warnings, weak, _ ("refused at the security level"));
  add_dropped_warning (warnings, not_fips, _ ("not FIPS-approved"));
  return TRUE;
}

static void
append_unique (GPtrArray *names, const char *name)
{
  if (name != NULL && !g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
    g_ptr_array_add (names, (gpointer) name);
}

static void
append_items (GString *priority, GPtrArray *names)
{
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (priority, ":+%s", (const char *) g_ptr_array_index (names, i));
}

/* GnuTLS priorities are per-algorithm lists: each list in the order of
 * first use, so the most preferred suite's algorithms come first (GnuTLS
 * then orders suites by key exchange, cipher, MAC). */
static char *
build_priority (PhonesecCipherList *list)
{
  /* OpenSSL's default TLS 1.3 suites, also GnuTLS NORMAL's first three.
   * (TLS_AES_128_CCM_SHA256 only when the list has AES-128-CCM: adding it
   * would enable CCM TLS 1.2 suites that the list lacks.) */
  static const char *const tls13_ciphers[] = { "AES-256-GCM", "CHACHA20-POLY1305", "AES-128-GCM" };
  g_autoptr (GPtrArray) kx = g_ptr_array_new ();
  g_autoptr (GPtrArray) ciphers = g_ptr_array_new ();
  g_autoptr (GPtrArray) macs = g_ptr_array_new ();
  GString *priority = g_string_new ("NORMAL:-KX-ALL:-CIPHER-ALL:-MAC-ALL");
  gboolean tls13 = !(list->flags & PHONESEC_CIPHER_LIST_NO_TLS13);
  const PhonesecCipherSuite *table;
  guint n_table;
  const char *mode = list->suite_b;

  table = phonesec_cipher_suites_get_table (&n_table);
  for (guint i = 0; i < list->suites->len; i++)
    {
      const PhonesecCipherSuite *s = &table[g_array_index (list->suites, guint16, i)];

      append_unique (kx, phonesec_cipher_suite_get_gnutls_kx (s));
      append_unique (ciphers, phonesec_cipher_suite_get_gnutls_cipher (s));
      append_unique (macs, phonesec_cipher_suite_get_gnutls_mac (s));
    }
  /* FIPS and Suite B allow AES only. */
  for (guint i = 0; tls13 && i < G_N_ELEMENTS (tls13_ciphers); i++)
    if (!((list->flags & PHONESEC_CIPHER_LIST_FIPS) || mode != NULL)
        || strcmp (tls13_ciphers[i], "CHACHA20-POLY1305") != 0)
      append_unique (ciphers, tls13_ciphers[i]);
  if (tls13)
    append_unique (macs, "AEAD");

  append_items (priority, kx);
  append_items (priority, ciphers);
  append_items (priority, macs);
  if (!tls13)
    g_string_append (priority, ":-VERS-TLS1.3");

  /* Suite B also limits curves and signatures to P-256/P-384 ECDSA. */
  if (mode != NULL && strcmp (mode, "SUITEB128") == 0)
    g_string_append (priority, ":-GROUP-ALL:+GROUP-SECP256R1:+GROUP-SECP384R1:-SIGN-ALL"
                               ":+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SECP384R1-SHA384"
                               ":+SIGN-ECDSA-SHA256:+SIGN-ECDSA-SHA384");
  else if (mode != NULL && strcmp (mode, "SUITEB128ONLY") == 0)
    g_string_append (priority, ":-GROUP-ALL:+GROUP-SECP256R1:-SIGN-ALL"
                               ":+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-ECDSA-SHA256");
  else if (mode != NULL)
    g_string_append (priority, ":-GROUP-ALL:+GROUP-SECP384R1:-SIGN-ALL"
                               ":+SIGN-ECDSA-SECP384R1-SHA384:+SIGN-ECDSA-SHA384");
  return g_string_free (priority, FALSE);
}

static char *
suite_display_name (const guint8 id[2], const char *gnutls_name)
{
  const PhonesecCipherSuite *s = phonesec_cipher_suite_lookup_code (id);

  if (s != NULL)
    return g_strdup (s->iana_name);
  return g_strdup_printf ("%s (0x%02X,0x%02X)", gnutls_name, id[0], id[1]);
}

/* What the priority string really enables: GnuTLS's cross product of the
 * lists may hold suites the string did not select (reported as extras,
 * refused by phonesec_cipher_list_allows()). */
static gboolean
compute_enabled (PhonesecCipherList *list, GError **error)
{
  gnutls_priority_t priority = NULL;
  const char *err_pos = NULL;
  int ret;

  ret = gnutls_priority_init (&priority, list->priority, &err_pos);
  if (ret < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("GnuTLS refused the priority string “%s” near “%s”: %s"), list->priority,
                   err_pos ? err_pos : "", gnutls_strerror (ret));
      return FALSE;
    }

  for (unsigned idx = 0;; idx++)
    {
      unsigned sidx;
      guint8 id[2];
      guint16 code;
      gnutls_kx_algorithm_t kx;
      gnutls_cipher_algorithm_t cipher;
      gnutls_mac_algorithm_t mac;
      gnutls_protocol_t min_version;
      const char *name;
      const PhonesecCipherSuite *s;

      ret = gnutls_priority_get_cipher_suite_index (priority, idx, &sidx);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        continue;
      name = gnutls_cipher_suite_info (sidx, id, &kx, &cipher, &mac, &min_version);
      if (name == NULL)
        continue;
      code = (guint16) (id[0] << 8 | id[1]);
      g_array_append_val (list->enabled, code);
      if (min_version == GNUTLS_TLS1_3)
        {
          g_array_append_val (list->tls13, code);
          continue;
        }
      s = phonesec_cipher_suite_lookup_code (id);
      if (s == NULL || !list->allowed[phonesec_cipher_suite_get_index (s)])
        g_ptr_array_add (list->extras, suite_display_name (id, name));
    }
  gnutls_priority_deinit (priority);

  /* GnuTLS turns TLS 1.3 off when NULL encryption is in the string. */
  if (!(list->flags & PHONESEC_CIPHER_LIST_NO_TLS13) && list->tls13->len == 0)
    {
      guint n = g_strv_length (list->warnings);

      list->warnings = g_renew (char *, list->warnings, n + 2);
      list->warnings[n] = g_strdup (_ ("TLS 1.3 is off: GnuTLS does not offer TLS 1.3 together "
                                       "with NULL-encryption suites"));
      list->warnings[n + 1] = NULL;
    }
  return TRUE;
}

static PhonesecCipherList *
cipher_list_new (const char *source, PhonesecCipherListFlags flags)
{
  PhonesecCipherList *list = g_new0 (PhonesecCipherList, 1);
  guint n_table;

  phonesec_cipher_suites_get_table (&n_table);
  g_atomic_ref_count_init (&list->ref_count);
  list->source = g_strdup (source);
  list->flags = flags;
  list->security_level = PHONESEC_CIPHER_LIST_DEFAULT_SECURITY_LEVEL;
  list->warnings = g_new0 (char *, 1);
  list->selected = g_array_new (FALSE, FALSE, sizeof (guint16));
  list->allowed = g_new0 (guint8, n_table);
  list->suites = g_array_new (FALSE, FALSE, sizeof (guint16));
  list->enabled = g_array_new (FALSE, FALSE, sizeof (guint16));
  list->tls13 = g_array_new (FALSE, FALSE, sizeof (guint16));
  list->extras = g_ptr_array_new_with_free_func (g_free);
  return list;
}

/**
 * phonesec_cipher_list_compile_full:
 * @openssl_string: an OpenSSL cipher string (TLS_Cipher_List)
 * @flags: #PhonesecCipherListFlags
 * @error: return location for a #PHONESEC_ERROR_INVALID_VALUE error
 *
 * Compiles @openssl_string as OpenSSL 3.0 would read it, narrowed to the
 * suites GnuTLS implements here, the security level (1 unless the string
 * has @SECLEVEL=n) and, with %PHONESEC_CIPHER_LIST_FIPS, FIPS.
 *
 * Returns: (transfer full) (nullable): the list, or %NULL with @error set
 * saying what is wrong and where
 */
PhonesecCipherList *
phonesec_cipher_list_compile_full (const char *openssl_string, PhonesecCipherListFlags flags,
                                   GError **error)
{
  g_autoptr (PhonesecCipherList) list = NULL;
  PhonesecCipherSelection selection;
  gboolean ok;

  if (openssl_string == NULL)
    openssl_string = "";
  list = cipher_list_new (openssl_string, flags);
  ok = phonesec_cipher_string_select (openssl_string, PHONESEC_CIPHER_LIST_DEFAULT_SECURITY_LEVEL,
                                      &selection, error);
  if (ok)
    {
      g_array_append_vals (list->selected, selection.suites->data, selection.suites->len);
      list->security_level = selection.security_level;
      list->suite_b = selection.suite_b;
      ok = filter_suites (list, selection.warnings, error);
      g_ptr_array_add (selection.warnings, NULL);
      g_strfreev (list->warnings);
      list->warnings = g_strdupv ((char **) selection.warnings->pdata);
    }
  phonesec_cipher_selection_clear (&selection);
  if (!ok)
    return NULL;
  if (list->suites->len == 0)
    return g_steal_pointer (&list); /* ALLOW_EMPTY: nothing to offer, nothing allowed */

  list->priority = build_priority (list);
  if (!compute_enabled (list, error))
    return NULL;
  return g_steal_pointer (&list);
}

PhonesecCipherList *
phonesec_cipher_list_compile (const char *openssl_string, GError **error)
{
  return phonesec_cipher_list_compile_full (openssl_string, PHONESEC_CIPHER_LIST_FLAGS_NONE, error);
}

/* ---- fallbacks ----------------------------------------------------------- */

/* The admin guide's lists for an empty or invalid TLS_Cipher_List. The
 * guide's 28 DEFAULT entries are what OpenSSL 1.1.1d's DEFAULT offered on
 * the phone: 27 suites and EMPTY_RENEGOTIATION_INFO_SCSV (GnuTLS signals
 * safe renegotiation by itself). OpenSSL 3.0's DEFAULT lists PSK and SRP
 * suites too, which no client without such credentials offers and which
 * the compiler leaves out, so "DEFAULT" gives exactly the guide's 27. */
static const char *const fallback_strings[] = {
  [PHONESEC_CIPHER_APP_WEB_SERVER] = ("ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
                                      "AES256-SHA:AES128-SHA:DES-CBC3-SHA"),
  [PHONESEC_CIPHER_APP_XMPP] = "HIGH:MEDIUM:AES:@STRENGTH",
  [PHONESEC_CIPHER_APP_DEFAULT] = "DEFAULT",
};

const char *
phonesec_cipher_list_get_fallback_string (PhonesecCipherAppClass app)
{
  g_return_val_if_fail ((guint) app < G_N_ELEMENTS (fallback_strings), NULL);
  return fallback_strings[app];
}

/**
 * phonesec_cipher_list_resolve:
 * @configured: (nullable): the TLS_Cipher_List value
 * @app: which application the list is for
 * @flags: #PhonesecCipherListFlags
 *
 * The list an application uses: @configured when it compiles, else the
 * guide's fallback for @app. An invalid @configured is kept as
 * phonesec_cipher_list_get_problem() for the caller to report; an empty one
 * is not a problem.
 *
 * Returns: (transfer full): never %NULL
 */
PhonesecCipherList *
phonesec_cipher_list_resolve (const char *configured, PhonesecCipherAppClass app,
                              PhonesecCipherListFlags flags)
{
  g_autoptr (GError) problem = NULL;
  g_autoptr (GError) fallback_error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (configured ? configured : ""));
  PhonesecCipherList *list;

  if (*stripped != '\0')
    {
      list = phonesec_cipher_list_compile_full (configured, flags, &problem);
      if (list != NULL)
        return list;
    }
  list = phonesec_cipher_list_compile_full (phonesec_cipher_list_get_fallback_string (app),
                                            flags | PHONESEC_CIPHER_LIST_ALLOW_EMPTY,
                                            &fallback_error);
  if (list == NULL)
    {
      /* Only a GnuTLS that refuses NORMAL gets here: offer nothing. */
      g_warning ("TLS fallback cipher list failed: %s", fallback_error->message);
      list = cipher_list_new (phonesec_cipher_list_get_fallback_string (app), flags);
    }
  list->fallback = TRUE;
  list->problem = g_steal_pointer (&problem);
  return list;
}

/* ---- accessors ----------------------------------------------------------- */

PhonesecCipherList *
phonesec_cipher_list_ref (PhonesecCipherList *list)
{
  g_return_val_if_fail (list != NULL, NULL);
  g_atomic_ref_count_inc (&list->ref_count);
  return list;
}

void
phonesec_cipher_list_unref (PhonesecCipherList *list)
{
  g_return_if_fail (list != NULL);
  if (!g_atomic_ref_count_dec (&list->ref_count))
    return;
  g_free (list->source);
  g_clear_error (&list->problem);
  g_strfreev (list->warnings);
  g_array_unref (list->selected);
  g_array_unref (list->suites);
  g_free (list->allowed);
  g_free (list->priority);
  g_array_unref (list->enabled);
  g_array_unref (list->tls13);
  g_ptr_array_unref (list->extras);
  g_free (list);
}

const char *
phonesec_cipher_list_get_source (PhonesecCipherList *list)
{
  return list->source;
}

gboolean
phonesec_cipher_list_is_fallback (PhonesecCipherList *list)
{
  return list->fallback;
}

const GError *
phonesec_cipher_list_get_problem (PhonesecCipherList *list)
{
  return list->problem;
}

/* Words that were ignored and suites left out, one sentence each. */
const char *const *
phonesec_cipher_list_get_warnings (PhonesecCipherList *list)
{
  return (const char *const *) list->warnings;
}

guint
phonesec_cipher_list_get_security_level (PhonesecCipherList *list)
{
  return list->security_level;
}

static const PhonesecCipherSuite *
suite_at (GArray *indices, guint i)
{
  guint n_table;
  const PhonesecCipherSuite *table = phonesec_cipher_suites_get_table (&n_table);

  g_return_val_if_fail (i < indices->len, NULL);
  return &table[g_array_index (indices, guint16, i)];
}

/* The suites offered, most preferred first (TLS ≤ 1.2). */
guint
phonesec_cipher_list_get_n_suites (PhonesecCipherList *list)
{
  return list->suites->len;
}

const PhonesecCipherSuite *
phonesec_cipher_list_get_suite (PhonesecCipherList *list, guint index)
{
  return suite_at (list->suites, index);
}

/* The suites OpenSSL would list for the string (`openssl ciphers -V`),
 * before narrowing to GnuTLS, the security level and FIPS. */
guint
phonesec_cipher_list_get_n_selected (PhonesecCipherList *list)
{
  return list->selected->len;
}

const PhonesecCipherSuite *
phonesec_cipher_list_get_selected (PhonesecCipherList *list, guint index)
{
  return suite_at (list->selected, index);
}

static GStrv
dup_names (PhonesecCipherList *list, gboolean iana)
{
  GStrv names = g_new0 (char *, list->suites->len + 1);

  for (guint i = 0; i < list->suites->len; i++)
    {
      const PhonesecCipherSuite *s = suite_at (list->suites, i);

      names[i] = g_strdup (iana ? s->iana_name : s->openssl_name);
    }
  return names;
}

GStrv
phonesec_cipher_list_dup_iana_names (PhonesecCipherList *list)
{
  return dup_names (list, TRUE);
}

GStrv
phonesec_cipher_list_dup_openssl_names (PhonesecCipherList *list)
{
  return dup_names (list, FALSE);
}

/* The suites as an OpenSSL cipher string: their OpenSSL names joined by
 * ':', in preference order; "" for an empty list. */
char *
phonesec_cipher_list_dup_openssl_string (PhonesecCipherList *list)
{
  g_auto (GStrv) names = dup_names (list, FALSE);

  return g_strjoinv (":", names);
}

/* Returns: (nullable): the GnuTLS priority string; %NULL when the list is
 * empty (only with %PHONESEC_CIPHER_LIST_ALLOW_EMPTY). */
const char *
phonesec_cipher_list_get_priority (PhonesecCipherList *list)
{
  return list->priority;
}

/* The codes (first byte << 8 | second) the priority string enables, in
 * GnuTLS's order, TLS 1.3 included. */
const guint16 *
phonesec_cipher_list_get_enabled_codes (PhonesecCipherList *list, guint *n_codes)
{
  *n_codes = list->enabled->len;
  return (const guint16 *) list->enabled->data;
}

/* TLS ≤ 1.2 suites the priority string enables beyond the list. */
GStrv
phonesec_cipher_list_dup_extra_names (PhonesecCipherList *list)
{
  GStrv names = g_new0 (char *, list->extras->len + 1);

  for (guint i = 0; i < list->extras->len; i++)
    names[i] = g_strdup (g_ptr_array_index (list->extras, i));
  return names;
}

/**
 * phonesec_cipher_list_allows:
 * @list: a #PhonesecCipherList
 * @code: a negotiated suite's code point
 *
 * Whether a handshake may complete on @code: a TLS ≤ 1.2 suite of the
 * list, or a TLS 1.3 suite the priority string enables.
 */
gboolean
phonesec_cipher_list_allows (PhonesecCipherList *list, const guint8 code[2])
{
  const PhonesecCipherSuite *s;

  if (code[0] == 0x13)
    {
      for (guint i = 0; i < list->tls13->len; i++)
        if (g_array_index (list->tls13, guint16, i) == (guint16) (code[0] << 8 | code[1]))
          return TRUE;
      return FALSE;
    }
  s = phonesec_cipher_suite_lookup_code (code);
  return s != NULL && list->allowed[phonesec_cipher_suite_get_index (s)];
}

/* Finds a GnuTLS suite by IANA name, GnuTLS name, or negotiated algorithms
 * (kx GNUTLS_KX_UNKNOWN for TLS 1.3). */
static gboolean
find_gnutls_suite (const char *name, gnutls_protocol_t version, gnutls_kx_algorithm_t kx,
                   gnutls_cipher_algorithm_t cipher, gnutls_mac_algorithm_t mac, guint8 id[2])
{
  gnutls_kx_algorithm_t s_kx;
  gnutls_cipher_algorithm_t s_cipher;
  gnutls_mac_algorithm_t s_mac;
  gnutls_protocol_t s_version;
  const char *s_name;

  for (size_t i = 0;
       (s_name = gnutls_cipher_suite_info (i, id, &s_kx, &s_cipher, &s_mac, &s_version)) != NULL;
       i++)
    {
      if (name != NULL)
        {
          if (strcmp (s_name, name) == 0
              || (g_str_has_prefix (s_name, "TLS_") && strcmp (s_name + 4, name) == 0))
            return TRUE;
          continue;
        }
      if ((version == GNUTLS_TLS1_3) != (s_version == GNUTLS_TLS1_3) || s_cipher != cipher)
        continue;
      if (version == GNUTLS_TLS1_3 || (s_kx == kx && s_mac == mac))
        return TRUE;
    }
  return FALSE;
}

/* For names a TLS library reports (glib-networking's
 * g_tls_connection_get_ciphersuite_name(), GnuTLS's own names). */
gboolean
phonesec_cipher_list_allows_name (PhonesecCipherList *list, const char *name)
{
  const PhonesecCipherSuite *s = phonesec_cipher_suite_lookup_iana_name (name);
  static const struct
  {
    const char *name;
    guint8 code[2];
  } tls13[] = {
    { "TLS_AES_128_GCM_SHA256", { 0x13, 0x01 } },
    { "TLS_AES_256_GCM_SHA384", { 0x13, 0x02 } },
    { "TLS_CHACHA20_POLY1305_SHA256", { 0x13, 0x03 } },
    { "TLS_AES_128_CCM_SHA256", { 0x13, 0x04 } },
    { "TLS_AES_128_CCM_8_SHA256", { 0x13, 0x05 } },
  };
  guint8 id[2];

  if (s != NULL)
    return phonesec_cipher_list_allows (list, s->code);
  for (guint i = 0; i < G_N_ELEMENTS (tls13); i++)
    if (strcmp (name, tls13[i].name) == 0)
      return phonesec_cipher_list_allows (list, tls13[i].code);
  return find_gnutls_suite (name, 0, 0, 0, 0, id) && phonesec_cipher_list_allows (list, id);
}

/**
 * phonesec_cipher_list_check_session:
 * @list: a #PhonesecCipherList
 * @session: a GnuTLS session after its handshake (or in a post-ServerHello
 *   handshake hook)
 * @error: return location for a #PHONESEC_ERROR_PERMISSION_DENIED error
 *
 * The handshake-time check for the sessions phonesec drives: GnuTLS's
 * priority string may enable suites the list does not have; a session that
 * negotiated one of those must be closed.
 */
gboolean
phonesec_cipher_list_check_session (PhonesecCipherList *list, gnutls_session_t session,
                                    GError **error)
{
  gnutls_protocol_t version = gnutls_protocol_get_version (session);
  gnutls_kx_algorithm_t kx = gnutls_kx_get (session);
  gnutls_cipher_algorithm_t cipher = gnutls_cipher_get (session);
  gnutls_mac_algorithm_t mac = gnutls_mac_get (session);
  const char *name = NULL;
  guint8 id[2];

  if (find_gnutls_suite (NULL, version, kx, cipher, mac, id))
    {
      const PhonesecCipherSuite *s = phonesec_cipher_suite_lookup_code (id);

      if (phonesec_cipher_list_allows (list, id))
        return TRUE;
      name = s != NULL ? s->iana_name : NULL;
    }
  if (name == NULL)
    name = gnutls_cipher_suite_get_name (kx, cipher, mac);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
               _ ("The TLS peer chose the cipher suite %s, which the TLS cipher list does not "
                  "allow"),
               name != NULL ? name : gnutls_cipher_get_name (cipher));
  return FALSE;
}
