/* fuzz-values.c: libFuzzer target for parameter values and their validators.
 *
 * Input: the first byte selects a target (data[0] % N_TARGETS, in the order
 * of `targets` below), the rest is the text. A target is a parameter spec
 * (parsed with phonesec_param_spec_parse_string), a validator kind, the
 * firewall option grammar or a URL.
 *
 * Beyond "no crash", it aborts when:
 *  - a parse succeeds but format → parse does not give the same value back,
 *    or the typed and "s" forms disagree;
 *  - an error is not PHONESEC_ERROR_INVALID_VALUE, is not valid UTF-8 (D-Bus
 *    would refuse to send it) or is longer than MAX_MESSAGE bytes;
 *  - a secret parameter's message quotes the value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "phonesec-param-spec.h"
#include "phonesec-validators.h"
#include "phonesec/phonesec-error.h"

#define MAX_MESSAGE 1024

typedef enum
{
  TARGET_SPEC,
  TARGET_KIND,
  TARGET_FIREWALL,
  TARGET_URL,
} TargetKind;

typedef struct
{
  TargetKind what;
  PhonesecParamType type; /* TARGET_SPEC */
  const char *kind;       /* TARGET_SPEC: kind or item kind; TARGET_KIND: the kind */
  gint64 min, max;
  guint max_length, max_items;
  gboolean optional, secret;
  const char *words; /* ENUM choices / BOOL words / URL schemes, '|'-separated */
} Target;

/* A corpus file's first byte (and its name) holds the index of its target
 * here: keep the order, append new targets at the end. */
static const Target targets[] = {
  /* 0 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_BOOL },
  /* 1 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_BOOL, .words = "Enabled|Disabled" },
  /* 2 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_ENUM, .words = "Auto|Manual|Off" },
  /* 3 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_ENUM, .words = "TLS 1.0|TLS 1.1|TLS 1.2|TLS 1.3" },
  /* 4 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_PORT },
  /* 5 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_INT, .min = 15, .max = 1440, .optional = TRUE },
  /* 6 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_INT },
  /* 7 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_STRING, .kind = "host", .max_length = 255 },
  /* 8 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_STRING, .kind = "host-port", .max_length = 255 },
  /* 9 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_STRING, .kind = "rule", .max_length = 1023 },
  /* 10 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_STRING, .kind = "text", .max_length = 63 },
  /* 11 */
  { .what = TARGET_SPEC,
    .type = PHONESEC_PARAM_STRING,
    .kind = "firewall-options",
    .max_length = 511 },
  /* 12 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_STRING, .kind = "prt-name", .max_length = 127 },
  /* 13 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_STRING, .kind = "header-value", .max_length = 127 },
  /* 14 */
  { .what = TARGET_SPEC,
    .type = PHONESEC_PARAM_STRING,
    .kind = NULL,
    .max_length = 127,
    .secret = TRUE },
  /* 15 */
  { .what = TARGET_SPEC,
    .type = PHONESEC_PARAM_STRING,
    .kind = "host",
    .max_length = 255,
    .secret = TRUE },
  /* 16 */
  { .what = TARGET_SPEC,
    .type = PHONESEC_PARAM_URL,
    .max_length = 511,
    .words = "tftp|http|https" },
  /* 17 */
  { .what = TARGET_SPEC, .type = PHONESEC_PARAM_URL, .max_length = 255, .words = "ldap|ldaps" },
  /* 18 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_URL },
  /* 19 */
  { .what = TARGET_SPEC,
    .type = PHONESEC_PARAM_LIST,
    .kind = "int",
    .min = 1,
    .max = 254,
    .max_items = 8 },
  /* 20 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_LIST, .kind = "fqdn", .max_length = 511 },
  /* 21 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_LIST, .kind = NULL },
  /* 22 */ { .what = TARGET_SPEC, .type = PHONESEC_PARAM_LIST, .kind = "int", .secret = TRUE },
  /* 23 */ { .what = TARGET_KIND, .kind = "host" },
  /* 24 */ { .what = TARGET_KIND, .kind = "host-port" },
  /* 25 */ { .what = TARGET_KIND, .kind = "fqdn" },
  /* 26 */ { .what = TARGET_KIND, .kind = "header-name" },
  /* 27 */ { .what = TARGET_KIND, .kind = "cipher-list" },
  /* 28 */ { .what = TARGET_KIND, .kind = "int" },
  /* 29 */ { .what = TARGET_KIND, .kind = "rule" },
  /* 30 */ { .what = TARGET_FIREWALL },
  /* 31 */ { .what = TARGET_URL, .words = "tftp|http|https" },
  /* 32 */ { .what = TARGET_URL },
};

#define N_TARGETS G_N_ELEMENTS (targets)

static PhonesecParamSpec *specs[N_TARGETS];
static char **url_schemes[N_TARGETS];

static PhonesecParamSpec *
build_spec (const Target *t)
{
  PhonesecParamSpec *spec = g_new0 (PhonesecParamSpec, 1);

  spec->name = g_strdup ("Fuzz_Param");
  spec->template_name = g_strdup ("Fuzz_Param");
  spec->owner = g_strdup ("fuzz");
  spec->type = t->type;
  if (t->type == PHONESEC_PARAM_LIST)
    spec->item_kind = g_strdup (t->kind);
  else
    spec->kind = g_strdup (t->kind);
  spec->min = t->min;
  spec->max = t->max;
  spec->optional = t->optional;
  spec->secret = t->secret;
  spec->max_length = t->max_length;
  spec->max_items = t->max_items;
  if (t->words != NULL && t->type == PHONESEC_PARAM_ENUM)
    spec->choices = g_strsplit (t->words, "|", -1);
  else if (t->words != NULL && t->type == PHONESEC_PARAM_BOOL)
    spec->bool_words = g_strsplit (t->words, "|", -1);
  else if (t->words != NULL && t->type == PHONESEC_PARAM_URL)
    spec->schemes = g_strsplit (t->words, "|", -1);
  return spec;
}

/* Built once and kept: fuzz-main.c (the gcc driver) has no init hook. */
static void
init_targets (void)
{
  static gboolean done;

  if (done)
    return;
  for (guint i = 0; i < N_TARGETS; i++)
    {
      if (targets[i].what == TARGET_SPEC)
        specs[i] = build_spec (&targets[i]);
      else if (targets[i].what == TARGET_URL && targets[i].words != NULL)
        url_schemes[i] = g_strsplit (targets[i].words, "|", -1);
    }
  done = TRUE;
}

static void
fail (const char *what, const char *text, const char *detail)
{
  fprintf (stderr, "fuzz-values: %s\n  input: %s\n  detail: %s\n", what, text,
           detail != NULL ? detail : "");
  abort ();
}

static void
check_error (const GError *error, const char *text)
{
  if (error == NULL)
    fail ("FALSE without an error", text, NULL);
  if (!g_error_matches (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE))
    fail ("not an InvalidValue error", text, error->message);
  if (!g_utf8_validate (error->message, -1, NULL))
    fail ("message is not valid UTF-8", text, NULL);
  if (strlen (error->message) > MAX_MESSAGE)
    fail ("message too long", text, NULL);
}

/* A secret's message never quotes it. Only judged for texts that cannot be
 * a piece of a fixed message (those have no digit next to a capital). */
static void
check_secret_not_quoted (const GError *error, const char *text)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  gboolean upper = FALSE, digit = FALSE;

  for (const char *p = stripped; *p != '\0'; p++)
    {
      upper = upper || g_ascii_isupper (*p);
      digit = digit || g_ascii_isdigit (*p);
    }
  if (strlen (stripped) >= 12 && upper && digit && strstr (error->message, stripped) != NULL)
    fail ("a secret was quoted", text, error->message);
}

static void
check_round_trip (const PhonesecParamSpec *spec, GVariant *value, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *formatted = phonesec_param_spec_format (spec, value);
  g_autoptr (GVariant) again = NULL;
  g_autoptr (GVariant) typed = NULL;
  g_autofree char *formatted_again = NULL;

  if (formatted == NULL)
    fail ("format returned NULL", text, NULL);
  again = phonesec_param_spec_parse_string (spec, formatted, &error);
  if (again == NULL)
    fail ("the canonical form does not parse", text, error->message);
  if (!g_variant_equal (value, again))
    fail ("format → parse changed the value", text, formatted);
  formatted_again = phonesec_param_spec_format (spec, again);
  if (strcmp (formatted, formatted_again) != 0)
    fail ("format is not stable", text, formatted_again);

  /* The normalized typed value is accepted as is. */
  typed = phonesec_param_spec_parse (spec, value, &error);
  if (typed == NULL)
    fail ("the typed value does not parse", text, error->message);
  if (!g_variant_equal (value, typed))
    fail ("parsing the typed value changed it", text, formatted);
}

static void
run_spec (const PhonesecParamSpec *spec, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) s_error = NULL;
  g_autoptr (GVariant) value = phonesec_param_spec_parse_string (spec, text, &error);

  if (value == NULL)
    {
      check_error (error, text);
      if (spec->secret)
        check_secret_not_quoted (error, text);
    }
  else
    {
      if (error != NULL)
        fail ("a value and an error", text, error->message);
      check_round_trip (spec, value, text);
    }

  /* The "s" form must give the same answer as the cfg.xml string form. */
  if (g_utf8_validate (text, -1, NULL))
    {
      g_autoptr (GVariant) s = g_variant_ref_sink (g_variant_new_string (text));
      g_autoptr (GVariant) from_s = phonesec_param_spec_parse (spec, s, &s_error);

      if ((value == NULL) != (from_s == NULL))
        fail ("\"s\" and string forms disagree", text, NULL);
      if (value != NULL && !g_variant_equal (value, from_s))
        fail ("\"s\" and string forms give different values", text, NULL);
    }
}

static void
run_check (gboolean ok, const GError *error, const char *text)
{
  if (!ok)
    check_error (error, text);
  else if (error != NULL)
    fail ("TRUE with an error", text, error->message);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  const Target *t;
  guint index;
  gboolean ok;

  if (size < 1)
    return 0;
  init_targets ();
  index = data[0] % N_TARGETS;
  t = &targets[index];
  /* A NUL ends the text, as it does for every C caller. */
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (t->what)
    {
      case TARGET_SPEC:
        run_spec (specs[index], text);
        return 0;
      case TARGET_KIND:
        if (text[0] == '\0')
          return 0; /* callers never pass an empty value */
        ok = phonesec_validate_kind (t->kind, text, &error);
        break;
      case TARGET_FIREWALL:
        ok = phonesec_validate_firewall_options (text, &error);
        break;
      case TARGET_URL:
      default:
        if (text[0] == '\0')
          return 0;
        ok = phonesec_validate_url (text, (const char *const *) url_schemes[index], &error);
        break;
    }
  run_check (ok, error, text);
  return 0;
}
