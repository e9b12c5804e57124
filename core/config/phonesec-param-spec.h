/* phonesec-param-spec.h: one parameter's schema, and its value rules.
 *
 * Internal to the core (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-credentials.h"

G_BEGIN_DECLS

/* The value types of the schema (`Type=` in a schema file). */
typedef enum
{
  PHONESEC_PARAM_BOOL,   /* D-Bus b; Yes/No, Oui/Non, true/false, 1/0, on/off,
                            enabled/disabled, case-insensitive */
  PHONESEC_PARAM_ENUM,   /* D-Bus s; one of choices (case-insensitive in, canonical out) */
  PHONESEC_PARAM_INT,    /* D-Bus i; min..max; Optional=true allows "" (stored as 0) */
  PHONESEC_PARAM_PORT,   /* D-Bus u; 0..65535 unless min/max say otherwise */
  PHONESEC_PARAM_STRING, /* D-Bus s; max_length; validated by kind */
  PHONESEC_PARAM_URL,    /* D-Bus s; empty or a URL whose scheme is in schemes */
  PHONESEC_PARAM_LIST,   /* D-Bus as; "a,b" or "a b" in string form; items by item_kind */
} PhonesecParamType;

/* User access (`ua`): what the phone's user (not the admin) may do. */
typedef enum
{
  PHONESEC_ACCESS_NA, /* hidden */
  PHONESEC_ACCESS_RO, /* read-only */
  PHONESEC_ACCESS_RW, /* read-write */
} PhonesecAccess;

typedef struct
{
  char *name;          /* concrete name: "SIP_Transport_1_" */
  char *template_name; /* schema group name: "SIP_Transport_n_" (== name when not per-line) */
  guint line;          /* 1..N for per-line parameters, 0 otherwise */
  char *owner;         /* "core" or the plugin name that declared it */

  PhonesecParamType type;
  char *kind;        /* STRING: validator kind (see phonesec-validators.h), or NULL */
  char *item_kind;   /* LIST: validator kind of each item ("int" allowed), or NULL */
  char **choices;    /* ENUM: canonical spellings, in display order */
  char **bool_words; /* BOOL: {true_word, false_word, NULL} for cfg.xml; default Yes/No */
  char **schemes;    /* URL: allowed schemes (lower case); NULL = any */
  gint64 min, max;   /* INT/PORT bounds (inclusive); LIST: item bounds for "int" items */
  gboolean optional; /* INT: the empty string is allowed and stored as 0 */
  guint max_length;  /* STRING/URL: characters; LIST: whole string form; 0 = no limit */
  guint max_items;   /* LIST: 0 = no limit */

  PhonesecAccess access; /* default ua */
  gboolean secret;       /* write-only for everyone; never exported or logged */
  gboolean restart;      /* a change only takes effect after Manager.Restart */

  char *tab;      /* "system" | "provisioning" | "phone" | "ext" | plugin's own */
  char *section;  /* English msgid, translated by clients */
  char *label;    /* English msgid, translated by clients */
  char *help;     /* English msgid or NULL */
  char **aliases; /* other accepted names ("TLS_Client_Min_Version"), or NULL */

  GVariant *default_value; /* typed, non-floating */
} PhonesecParamSpec;

void phonesec_param_spec_free (PhonesecParamSpec *spec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecParamSpec, phonesec_param_spec_free)

/* The D-Bus type of the parameter's values ("b", "s", "i", "u", "as"). */
const GVariantType *phonesec_param_spec_get_value_type (const PhonesecParamSpec *spec);

/**
 * phonesec_param_spec_parse:
 * @value: the typed value, or its cfg.xml string form ("s") for any type
 *
 * Validates and normalizes a value: surrounding white space stripped,
 * enum/bool spelled canonically, list split and trimmed.
 *
 * Errors are PHONESEC_ERROR_INVALID_VALUE with a message that says what was
 * wrong and what is allowed, *without* the parameter name (the caller adds
 * "NAME: ") and, for a secret parameter, without ever quoting the value.
 *
 * Returns: (transfer full): the normalized value (non-floating), or %NULL
 */
GVariant *phonesec_param_spec_parse (const PhonesecParamSpec *spec, GVariant *value,
                                     GError **error);

/* Same, from the cfg.xml string form. */
GVariant *phonesec_param_spec_parse_string (const PhonesecParamSpec *spec, const char *text,
                                            GError **error);

/* The cfg.xml string form of a normalized value ("Yes", "66,160", "3128", ""
 * for an unset optional int). */
char *phonesec_param_spec_format (const PhonesecParamSpec *spec, GVariant *value);

/* Where the parameter's values keep credentials: every `url`, a `string` of
 * Kind `rule` (and a list of such items is not supported), `header-secret`.
 * Those are masked on every read and kept when written back masked. */
PhonesecCredentialsKind phonesec_param_spec_get_credentials (const PhonesecParamSpec *spec);

/* "na" / "ro" / "rw" */
const char *phonesec_access_to_string (PhonesecAccess access);
gboolean phonesec_access_from_string (const char *text, PhonesecAccess *out);
/* "bool", "enum", ... */
const char *phonesec_param_type_to_string (PhonesecParamType type);
gboolean phonesec_param_type_from_string (const char *text, PhonesecParamType *out);

G_END_DECLS
