/* phonesec-cipher-string.c: an OpenSSL cipher string read as OpenSSL 3.0
 * reads it, giving the suites `openssl ciphers -V STRING` lists.
 *
 * Facts from ciphers(1) and from running `openssl ciphers` (Debian 12,
 * OpenSSL 3.0), not OpenSSL's code. OpenSSL keeps every suite in one list,
 * in its built-in order, each active or not: a plain word adds the
 * matching inactive suites at the end; "-" deactivates them and moves them
 * to the front (which shows when they are added again); "!" removes them
 * for good; "+" moves the matching active ones to the end; @STRENGTH sorts
 * the active ones by strength, stably. "A+B" intersects keyword masks.
 * Unknown words are skipped up to the next separator; a string that
 * selects nothing is an error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-cipher-string.h"

/* One keyword: a suite matches when, for every non-zero mask, one of its
 * bits is set in the suite. */
typedef struct
{
  const char *name;
  guint32 kx;
  guint32 auth;
  guint32 enc;
  guint32 mac;
  guint8 min_proto;
  guint8 strength;
  gboolean not_default;
} Alias;

/* ---- OpenSSL's built-in order -------------------------------------------- */

/* OpenSSL builds its starting list with a fixed series of stable moves
 * (ciphers(1) and observed output): ECDHE-ECDSA, then other ECDHE first;
 * then by cipher family AES-GCM, CHACHA20, other AES, the rest; MD5,
 * anonymous, kRSA, kPSK and RC4 suites moved to the end in that order;
 * sorted by strength; then TLS 1.2-only suites, AEAD suites, (EC)DHE
 * suites and (EC)DHE+AEAD suites bumped to the front in that order. A
 * series of stable moves is one sort whose keys are the moves taken
 * backwards, which is what this comparison spells out. */
static int
add_group (const PhonesecCipherSuite *s)
{
  const guint32 aes_gcm = PHONESEC_CIPHER_ENC_AES128GCM | PHONESEC_CIPHER_ENC_AES256GCM;
  const guint32 aes_other = PHONESEC_CIPHER_ENC_AES128 | PHONESEC_CIPHER_ENC_AES256
                            | PHONESEC_CIPHER_ENC_AES128CCM | PHONESEC_CIPHER_ENC_AES256CCM
                            | PHONESEC_CIPHER_ENC_AES128CCM8 | PHONESEC_CIPHER_ENC_AES256CCM8;

  if (s->enc & aes_gcm)
    return 0;
  if (s->enc == PHONESEC_CIPHER_ENC_CHACHA20)
    return 1;
  if (s->enc & aes_other)
    return 2;
  return 3;
}

#define N_ORDER_KEYS 12

/* Smaller sorts first; the most significant key is OpenSSL's last move. */
static void
order_key (const PhonesecCipherSuite *s, int key[N_ORDER_KEYS])
{
  gboolean pfs = (s->kx & (PHONESEC_CIPHER_KX_DHE | PHONESEC_CIPHER_KX_ECDHE)) != 0;
  gboolean aead = s->mac == PHONESEC_CIPHER_MAC_AEAD;

  key[0] = !(pfs && aead);
  key[1] = !pfs;
  key[2] = !aead;
  key[3] = s->min_proto != PHONESEC_CIPHER_PROTO_TLS1_2;
  key[4] = -(int) s->strength_bits;
  key[5] = s->enc == PHONESEC_CIPHER_ENC_RC4;
  key[6] = s->kx == PHONESEC_CIPHER_KX_PSK;
  key[7] = s->kx == PHONESEC_CIPHER_KX_RSA;
  key[8] = s->auth == PHONESEC_CIPHER_AUTH_NULL;
  key[9] = s->mac == PHONESEC_CIPHER_MAC_MD5;
  key[10] = add_group (s);
  key[11] = s->kx != PHONESEC_CIPHER_KX_ECDHE ? 2 : s->auth == PHONESEC_CIPHER_AUTH_ECDSA ? 0 : 1;
}

/* Ties keep the table's order, which is OpenSSL's own. */
static int
default_order_compare (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  const PhonesecCipherSuite *table = user_data;
  guint16 a = *(const guint16 *) pa, b = *(const guint16 *) pb;
  int ka[N_ORDER_KEYS], kb[N_ORDER_KEYS];

  order_key (&table[a], ka);
  order_key (&table[b], kb);
  for (int j = 0; j < N_ORDER_KEYS; j++)
    if (ka[j] != kb[j])
      return ka[j] < kb[j] ? -1 : 1;
  return (int) a - (int) b;
}

const guint16 *
phonesec_cipher_string_get_default_order (guint *n_suites)
{
  static guint16 *order;
  static guint n_order;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      guint n_table;
      const PhonesecCipherSuite *table = phonesec_cipher_suites_get_table (&n_table);

      order = g_new (guint16, n_table);
      for (guint i = 0; i < n_table; i++)
        if (phonesec_cipher_suite_is_selectable (&table[i]))
          order[n_order++] = (guint16) i;
      g_qsort_with_data (order, (gint) n_order, sizeof (guint16), default_order_compare,
                         (gpointer) table);
      g_once_init_leave (&initialized, 1);
    }
  *n_suites = n_order;
  return order;
}

/* ---- keywords ------------------------------------------------------------ */

#define KX(x) PHONESEC_CIPHER_KX_##x
#define AU(x) PHONESEC_CIPHER_AUTH_##x
#define EN(x) PHONESEC_CIPHER_ENC_##x
#define MA(x) PHONESEC_CIPHER_MAC_##x
#define ANY_AUTH_BUT_NULL (AU (RSA) | AU (DSS) | AU (ECDSA) | AU (PSK) | AU (SRP))
#define AES128_ALL (EN (AES128) | EN (AES128GCM) | EN (AES128CCM) | EN (AES128CCM8))
#define AES256_ALL (EN (AES256) | EN (AES256GCM) | EN (AES256CCM) | EN (AES256CCM8))

/* OpenSSL 3.0's keywords that can select a suite of the table (and LOW,
 * which the 1.1.1 manual lists); others select nothing in OpenSSL either
 * and are reported as unknown words. */
static const Alias aliases[] = {
  { "ALL", .enc = PHONESEC_CIPHER_ENC_ALL & ~EN (NULL) },
  { "COMPLEMENTOFALL", .enc = EN (NULL) },
  { "COMPLEMENTOFDEFAULT", .not_default = TRUE },
  { "HIGH", .strength = PHONESEC_CIPHER_STRENGTH_HIGH },
  { "MEDIUM", .strength = PHONESEC_CIPHER_STRENGTH_MEDIUM },
  { "LOW", .strength = PHONESEC_CIPHER_STRENGTH_LOW },
  { "FIPS", .strength = PHONESEC_CIPHER_STRENGTH_FIPS },
  { "eNULL", .enc = EN (NULL) },
  { "NULL", .enc = EN (NULL) },
  { "kRSA", .kx = KX (RSA) },
  { "RSA", .kx = KX (RSA) },
  { "kDHE", .kx = KX (DHE) },
  { "kEDH", .kx = KX (DHE) },
  { "DH", .kx = KX (DHE) },
  { "DHE", .kx = KX (DHE), .auth = ANY_AUTH_BUT_NULL },
  { "EDH", .kx = KX (DHE), .auth = ANY_AUTH_BUT_NULL },
  { "ADH", .kx = KX (DHE), .auth = AU (NULL) },
  { "kECDHE", .kx = KX (ECDHE) },
  { "kEECDH", .kx = KX (ECDHE) },
  { "ECDH", .kx = KX (ECDHE) },
  { "ECDHE", .kx = KX (ECDHE), .auth = ANY_AUTH_BUT_NULL },
  { "EECDH", .kx = KX (ECDHE), .auth = ANY_AUTH_BUT_NULL },
  { "AECDH", .kx = KX (ECDHE), .auth = AU (NULL) },
  { "kPSK", .kx = KX (PSK) },
  { "kRSAPSK", .kx = KX (RSAPSK) },
  { "kDHEPSK", .kx = KX (DHEPSK) },
  { "kECDHEPSK", .kx = KX (ECDHEPSK) },
  { "PSK", .kx = KX (PSK) | KX (RSAPSK) | KX (DHEPSK) | KX (ECDHEPSK) },
  { "kSRP", .kx = KX (SRP) },
  { "SRP", .kx = KX (SRP) },
  { "aRSA", .auth = AU (RSA) },
  { "aDSS", .auth = AU (DSS) },
  { "DSS", .auth = AU (DSS) },
  { "aECDSA", .auth = AU (ECDSA) },
  { "ECDSA", .auth = AU (ECDSA) },
  { "aNULL", .auth = AU (NULL) },
  { "aPSK", .auth = AU (PSK) },
  { "aSRP", .auth = AU (SRP) },
  { "3DES", .enc = EN (3DES) },
  { "RC4", .enc = EN (RC4) },
  { "SEED", .enc = EN (SEED) },
  { "AES128", .enc = AES128_ALL },
  { "AES256", .enc = AES256_ALL },
  { "AES", .enc = AES128_ALL | AES256_ALL },
  { "AESGCM", .enc = EN (AES128GCM) | EN (AES256GCM) },
  { "AESCCM", .enc = EN (AES128CCM) | EN (AES256CCM) | EN (AES128CCM8) | EN (AES256CCM8) },
  { "AESCCM8", .enc = EN (AES128CCM8) | EN (AES256CCM8) },
  { "CAMELLIA128", .enc = EN (CAMELLIA128) },
  { "CAMELLIA256", .enc = EN (CAMELLIA256) },
  { "CAMELLIA", .enc = EN (CAMELLIA128) | EN (CAMELLIA256) },
  { "CHACHA20", .enc = EN (CHACHA20) },
  { "ARIA128", .enc = EN (ARIA128GCM) },
  { "ARIA256", .enc = EN (ARIA256GCM) },
  { "ARIA", .enc = EN (ARIA128GCM) | EN (ARIA256GCM) },
  { "ARIAGCM", .enc = EN (ARIA128GCM) | EN (ARIA256GCM) },
  { "MD5", .mac = MA (MD5) },
  { "SHA1", .mac = MA (SHA1) },
  { "SHA", .mac = MA (SHA1) },
  { "SHA256", .mac = MA (SHA256) },
  { "SHA384", .mac = MA (SHA384) },
  { "TLSv1.2", .min_proto = PHONESEC_CIPHER_PROTO_TLS1_2 },
  { "TLSv1.0", .min_proto = PHONESEC_CIPHER_PROTO_TLS1_0 },
  { "TLSv1", .min_proto = PHONESEC_CIPHER_PROTO_TLS1_0 },
  { "SSLv3", .min_proto = PHONESEC_CIPHER_PROTO_SSL3 },
};

static const Alias *
alias_lookup (const char *name, gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS (aliases); i++)
    if (strncmp (aliases[i].name, name, len) == 0 && aliases[i].name[len] == '\0')
      return &aliases[i];
  return NULL;
}

/* OpenSSL 3.0's DEFAULT, which it expands only at the start of a string. */
#define OPENSSL_DEFAULT_RULES "ALL:!COMPLEMENTOFDEFAULT:!eNULL"

#define ERROR_QUOTE_MAX 48

typedef enum
{
  OP_ADD,
  OP_DEL,
  OP_KILL,
  OP_ORD,
} RuleOp;

typedef struct
{
  guint32 kx, auth, enc, mac;
  guint8 min_proto;
  guint8 strength;
  gboolean not_default;
  int suite; /* an explicit suite's table index, or -1 */
} Rule;

typedef struct
{
  const PhonesecCipherSuite *table;
  guint16 *list; /* every suite still present, head first */
  guint n_list;
  guint8 *active; /* by table index */
  guint security_level;
  GPtrArray *warnings;
  GString *unknown; /* unknown words, for the no-match message */
} Selection;

static gboolean
is_separator (char c)
{
  return c == ':' || c == ',' || c == ';' || c == ' ';
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '=';
}

/* The admin's own string, shortened for messages. */
static char *
quote (const char *s, gsize len)
{
  if (len > ERROR_QUOTE_MAX)
    return g_strdup_printf ("%.*s…", ERROR_QUOTE_MAX, s);
  return g_strndup (s, len);
}

/* ---- selection (OpenSSL semantics) --------------------------------------- */

static gboolean
rule_matches (const Rule *rule, const PhonesecCipherSuite *s, guint index)
{
  if (rule->suite >= 0 && (guint) rule->suite != index)
    return FALSE;
  if ((rule->kx && !(rule->kx & s->kx)) || (rule->auth && !(rule->auth & s->auth))
      || (rule->enc && !(rule->enc & s->enc)) || (rule->mac && !(rule->mac & s->mac)))
    return FALSE;
  if (rule->min_proto && rule->min_proto != s->min_proto)
    return FALSE;
  if (rule->strength && !(rule->strength & s->strength))
    return FALSE;
  return !rule->not_default || (s->flags & PHONESEC_CIPHER_SUITE_NOT_DEFAULT);
}

/* "A+B": each mask narrows; an empty intersection matches nothing. */
static gboolean
intersect (guint32 *acc, guint32 mask)
{
  if (mask == 0)
    return TRUE;
  *acc = *acc ? (*acc & mask) : mask;
  return *acc != 0;
}

static gboolean
rule_add_alias (Rule *rule, const Alias *a)
{
  guint32 strength = rule->strength;

  if (!intersect (&rule->kx, a->kx) || !intersect (&rule->auth, a->auth)
      || !intersect (&rule->enc, a->enc) || !intersect (&rule->mac, a->mac)
      || !intersect (&strength, a->strength))
    return FALSE;
  rule->strength = strength;
  if (a->min_proto && rule->min_proto && a->min_proto != rule->min_proto)
    return FALSE;
  if (a->min_proto)
    rule->min_proto = a->min_proto;
  rule->not_default |= a->not_default;
  return TRUE;
}

/* A suite name is its own masks plus its identity; its protocol version
 * does not join the pattern (OpenSSL does the same). */
static gboolean
rule_add_suite (Rule *rule, const PhonesecCipherSuite *s, guint index)
{
  Alias a = {
    .kx = s->kx,
    .auth = s->auth,
    .enc = s->enc,
    .mac = s->mac,
    .strength = s->strength,
    .not_default = (s->flags & PHONESEC_CIPHER_SUITE_NOT_DEFAULT) != 0,
  };

  rule->suite = (int) index;
  return rule_add_alias (rule, &a);
}

/* Returns whether the rule matches any suite still in the list. */
static gboolean
apply_rule (Selection *sel, RuleOp op, const Rule *rule)
{
  g_autofree guint16 *moved = g_new (guint16, sel->n_list + 1);
  g_autofree guint16 *kept = g_new (guint16, sel->n_list + 1);
  guint n_moved = 0, n_kept = 0;
  gboolean any = FALSE;

  for (guint i = 0; i < sel->n_list; i++)
    {
      guint16 index = sel->list[i];
      gboolean hit = rule_matches (rule, &sel->table[index], index);

      any |= hit;
      switch (op)
        {
          case OP_ADD:
            hit = hit && !sel->active[index];
            break;
          case OP_DEL:
          case OP_ORD:
            hit = hit && sel->active[index];
            break;
          case OP_KILL:
            break;
        }
      if (hit)
        moved[n_moved++] = index;
      else
        kept[n_kept++] = index;
    }

  for (guint i = 0; i < n_moved; i++)
    sel->active[moved[i]] = (op == OP_ADD || op == OP_ORD);

  if (op == OP_KILL)
    {
      memcpy (sel->list, kept, n_kept * sizeof (guint16));
      sel->n_list = n_kept;
    }
  else if (op == OP_DEL)
    {
      /* Deleted suites go to the head, in their order. */
      memcpy (sel->list, moved, n_moved * sizeof (guint16));
      memcpy (sel->list + n_moved, kept, n_kept * sizeof (guint16));
    }
  else
    {
      memcpy (sel->list, kept, n_kept * sizeof (guint16));
      memcpy (sel->list + n_kept, moved, n_moved * sizeof (guint16));
    }
  return any;
}

static int
strength_compare (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const PhonesecCipherSuite *table = user_data;
  guint sa = table[*(const guint16 *) a].strength_bits;
  guint sb = table[*(const guint16 *) b].strength_bits;

  return sa == sb ? 0 : sa > sb ? -1 : 1;
}

/* @STRENGTH: the active suites, stably sorted by strength, after the
 * inactive ones. */
static void
sort_by_strength (Selection *sel)
{
  g_autofree guint16 *active = g_new (guint16, sel->n_list + 1);
  guint n_active = 0, n_inactive = 0;

  for (guint i = 0; i < sel->n_list; i++)
    {
      if (sel->active[sel->list[i]])
        active[n_active++] = sel->list[i];
      else
        sel->list[n_inactive++] = sel->list[i];
    }
  g_qsort_with_data (active, (gint) n_active, sizeof (guint16), strength_compare,
                     (gpointer) sel->table);
  memcpy (sel->list + n_inactive, active, n_active * sizeof (guint16));
}

static gboolean
set_syntax_error (GError **error, const char *str, const char *p)
{
  guint position = (guint) (p - str) + 1;

  if (*p == '\0')
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("TLS cipher list: the string ends after “%c” where a keyword or suite name "
                    "must follow (position %u)"),
                 p[-1], position);
  else if (strchr ("!-+@", *p) != NULL)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("TLS cipher list: “%c” at position %u is not allowed there; after “!”, “-”, "
                    "“+” and between words joined by “+” a keyword or suite name must follow"),
                 *p, position);
  else
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("TLS cipher list: “%c” at position %u is not allowed; keywords and suite names "
                    "use letters, digits, “-”, “.” and “=”, and entries are separated by “:”, “,”, "
                    "“;” or spaces"),
                 *p, position);
  return FALSE;
}

static gboolean
special_command (Selection *sel, const char *str, const char *word, gsize len, GError **error)
{
  guint position = (guint) (word - str);

  if (len == 8 && strncmp (word, "STRENGTH", 8) == 0)
    {
      sort_by_strength (sel);
      return TRUE;
    }
  if (len >= 9 && strncmp (word, "SECLEVEL=", 9) == 0)
    {
      /* OpenSSL takes exactly one digit, 0 to 5. */
      if (len == 10 && word[9] >= '0' && word[9] <= '5')
        {
          sel->security_level = (guint) (word[9] - '0');
          return TRUE;
        }
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("TLS cipher list: “@%.*s” at position %u is not a security level; use "
                      "@SECLEVEL=0 to @SECLEVEL=5"),
                   (int) MIN (len, ERROR_QUOTE_MAX), word, position);
      return FALSE;
    }
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("TLS cipher list: unknown command “@%.*s” at position %u; the commands are "
                  "@STRENGTH and @SECLEVEL=0 to @SECLEVEL=5"),
               (int) MIN (len, ERROR_QUOTE_MAX), word, position);
  return FALSE;
}

/* Names the whole entry (up to the next separator): "TLS_RSA_WITH_..."
 * reads as the word "TLS" followed by what OpenSSL skips. */
static void
warn_unknown (Selection *sel, const char *str, const char *word)
{
  guint position = (guint) (word - str) + 1;
  gsize len = 0;
  g_autofree char *quoted = NULL;
  const char *hint = "";

  while (word[len] != '\0' && !is_separator (word[len]))
    len++;
  quoted = quote (word, len);
  if (g_str_has_prefix (word, "TLS_") || g_str_has_prefix (word, "SSL_"))
    hint = _ (" (IANA names such as TLS_RSA_WITH_AES_128_CBC_SHA are not cipher-string words; use "
              "OpenSSL names such as AES128-SHA)");
  g_ptr_array_add (sel->warnings,
                   g_strdup_printf (_ ("“%s” at position %u is not a keyword or suite name this "
                                       "phone knows; it was ignored%s"),
                                    quoted, position, hint));
  if (sel->unknown->len < 200)
    g_string_append_printf (sel->unknown, "%s“%s” (position %u)", sel->unknown->len ? ", " : "",
                            quoted, position);
}

/* One pass over a rule string, as OpenSSL's lexer reads it. "str" is the
 * admin's string (for positions); "p" where reading starts. */
static gboolean
apply_rules (Selection *sel, const char *str, const char *p, gboolean report, GError **error)
{
  while (*p != '\0')
    {
      RuleOp op = OP_ADD;
      Rule rule = { .suite = -1 };
      const char *rule_start;
      gboolean found = TRUE, unknown_word = FALSE;

      if (is_separator (*p))
        {
          p++;
          continue;
        }
      rule_start = p;

      if (*p == '@')
        {
          const char *word = ++p;

          while (is_word_char (*p))
            p++;
          if (p == word)
            return set_syntax_error (error, str, p);
          if (!special_command (sel, str, word, (gsize) (p - word), error))
            return FALSE;
          /* OpenSSL ignores the rest of a command's entry. */
          while (*p != '\0' && !is_separator (*p))
            p++;
          continue;
        }

      if (*p == '-' || *p == '!' || *p == '+')
        op = *p == '-' ? OP_DEL : *p == '!' ? OP_KILL : OP_ORD, p++;

      for (;;)
        {
          const char *word = p;
          const Alias *alias;
          const PhonesecCipherSuite *suite;
          gsize len;

          while (is_word_char (*p))
            p++;
          len = (gsize) (p - word);
          if (len == 0)
            return set_syntax_error (error, str, p);

          if ((alias = alias_lookup (word, len)) != NULL)
            found = rule_add_alias (&rule, alias);
          else if ((suite = phonesec_cipher_suite_lookup_openssl_name (word, len)) != NULL)
            found = rule_add_suite (&rule, suite, phonesec_cipher_suite_get_index (suite));
          else
            {
              if (report)
                warn_unknown (sel, str, word);
              found = FALSE;
              unknown_word = TRUE;
            }
          if (!found || *p != '+')
            break;
          p++;
        }

      if (!found)
        {
          if (report && !unknown_word)
            g_ptr_array_add (sel->warnings,
                             g_strdup_printf (_ ("“%.*s” at position %u matches no suite: its "
                                                 "parts exclude each other"),
                                              (int) MIN (p - rule_start, ERROR_QUOTE_MAX),
                                              rule_start, (guint) (rule_start - str) + 1));
          /* An entry OpenSSL cannot use is skipped up to the next separator. */
          while (*p != '\0' && !is_separator (*p))
            p++;
          continue;
        }
      if (!apply_rule (sel, op, &rule) && report && op == OP_ADD)
        g_ptr_array_add (sel->warnings,
                         g_strdup_printf (_ ("“%.*s” at position %u matches no suite"),
                                          (int) MIN (p - rule_start, ERROR_QUOTE_MAX), rule_start,
                                          (guint) (rule_start - str) + 1));
    }
  return TRUE;
}

typedef struct
{
  const char *prefix;
  const char *rules;
} SuiteBMode;

/* OpenSSL replaces a string starting with a Suite B keyword by its suites
 * (the rest is ignored); longest prefix first, as OpenSSL checks them. */
static const SuiteBMode suite_b_modes[] = {
  { "SUITEB128ONLY", "ECDHE-ECDSA-AES128-GCM-SHA256" },
  { "SUITEB128C2", "ECDHE-ECDSA-AES256-GCM-SHA384" },
  { "SUITEB128", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384" },
  { "SUITEB192", "ECDHE-ECDSA-AES256-GCM-SHA384" },
};

static const SuiteBMode *
find_suite_b (const char *str)
{
  for (guint i = 0; i < G_N_ELEMENTS (suite_b_modes); i++)
    if (g_str_has_prefix (str, suite_b_modes[i].prefix))
      return &suite_b_modes[i];
  return NULL;
}

static gboolean
check_characters (const char *str, gsize len, GError **error)
{
  if (len == 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("TLS cipher list is empty; enter an OpenSSL cipher string such as "
                              "“ECDHE+AESGCM:!aNULL” or leave the field empty to use the "
                              "application’s default suites"));
      return FALSE;
    }
  if (len > PHONESEC_CIPHER_LIST_MAX_LENGTH)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   /* %lu, not G_GSIZE_FORMAT: a macro inside _() cuts the msgid. */
                   _ ("TLS cipher list is %lu characters long; at most %d are allowed"),
                   (gulong) len, PHONESEC_CIPHER_LIST_MAX_LENGTH);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) str[i];

      if (c < 0x20 || c > 0x7e)
        {
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("TLS cipher list: byte 0x%02X at position %lu"
                          " is not allowed; use printable ASCII (letters, digits, “-”, “.”, “=”, "
                          "“!”, “+”, “@”) with “:”, “,”, “;” or spaces between entries"),
                       c, (gulong) (i + 1));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * phonesec_cipher_string_select:
 * @str: an OpenSSL cipher string
 * @default_level: the security level unless @str has @SECLEVEL=n
 * @selection: (out caller-allocates): the result; clear it with
 *   phonesec_cipher_selection_clear()
 * @error: a #PHONESEC_ERROR_INVALID_VALUE saying what is wrong and where
 *
 * Returns: whether @str is valid and selects at least one suite
 */
gboolean
phonesec_cipher_string_select (const char *str, guint default_level,
                               PhonesecCipherSelection *selection, GError **error)
{
  guint n_table, n_order;
  const guint16 *order = phonesec_cipher_string_get_default_order (&n_order);
  const SuiteBMode *suite_b;
  g_autofree guint16 *storage = NULL;
  g_autofree guint8 *active = NULL;
  g_autoptr (GString) unknown = g_string_new (NULL);
  Selection sel = { 0 };

  memset (selection, 0, sizeof *selection);
  selection->suites = g_array_new (FALSE, FALSE, sizeof (guint16));
  selection->warnings = g_ptr_array_new_with_free_func (g_free);
  if (!check_characters (str, strlen (str), error))
    return FALSE;

  sel.table = phonesec_cipher_suites_get_table (&n_table);
  sel.list = storage = g_memdup2 (order, n_order * sizeof (guint16));
  sel.n_list = n_order;
  sel.active = active = g_new0 (guint8, n_table);
  sel.security_level = default_level;
  sel.warnings = selection->warnings;
  sel.unknown = unknown;

  suite_b = find_suite_b (str);
  if (suite_b != NULL)
    {
      selection->suite_b = suite_b->prefix;
      if (strcmp (str, suite_b->prefix) != 0)
        g_ptr_array_add (sel.warnings, g_strdup_printf (_ ("everything after %s was ignored "
                                                           "(a Suite B string allows nothing "
                                                           "else)"),
                                                        suite_b->prefix));
      if (!apply_rules (&sel, str, suite_b->rules, FALSE, error))
        g_return_val_if_reached (FALSE);
    }
  else
    {
      const char *p = str;

      if (g_str_has_prefix (str, "DEFAULT"))
        {
          if (!apply_rules (&sel, str, OPENSSL_DEFAULT_RULES, FALSE, error))
            g_return_val_if_reached (FALSE);
          p += strlen ("DEFAULT");
          if (*p == ':')
            p++;
        }
      if (!apply_rules (&sel, str, p, TRUE, error))
        return FALSE;
    }

  for (guint i = 0; i < sel.n_list; i++)
    if (active[sel.list[i]])
      g_array_append_val (selection->suites, sel.list[i]);
  selection->security_level = sel.security_level;

  if (selection->suites->len == 0)
    {
      g_autofree char *quoted = quote (str, strlen (str));
      g_autofree char *detail = NULL;

      if (unknown->len)
        detail = g_strdup_printf (_ (" (unknown words: %s)"), unknown->str);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("TLS cipher list “%s” selects no cipher suite%s; use keywords such as "
                      "HIGH, ECDHE, AESGCM or !aNULL, or suite names such as "
                      "ECDHE-RSA-AES256-GCM-SHA384"),
                   quoted, detail ? detail : "");
      return FALSE;
    }
  return TRUE;
}

void
phonesec_cipher_selection_clear (PhonesecCipherSelection *selection)
{
  g_clear_pointer (&selection->suites, g_array_unref);
  g_clear_pointer (&selection->warnings, g_ptr_array_unref);
}
