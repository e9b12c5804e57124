/* bench-import.c: ImportProfile of a 5,000-element cfg.xml vs GMarkup alone.
 *
 * The profile cycles through every parameter of the real schema (read with
 * Config.Describe), so the import really resolves, validates, applies and
 * durably writes. Two profiles alternate: A holds every default, B a valid
 * other value for each parameter that has one (checked with a dry-run
 * Apply), so each import changes every such parameter. Baseline: a
 * GMarkupParser with start/end/text callbacks copying names and text, over
 * the same text, in this process. Goal: median import ≤ 3 × median parse.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#define ELEMENTS 5000
#define WARMUP 2
#define ITERATIONS 30
#define BREAKDOWN 10
#define GOAL 3.0
/* The shape of a real phone profile: most elements belong to other
 * features and are reported back as skipped; one in FOREIGN_EVERY is ours. */
#define FOREIGN_EVERY 50
#define FOREIGN_ITERATIONS 10

typedef struct
{
  char *name;
  char *value[2]; /* [0] the default, [1] another valid value (or the default) */
} Param;

static void
param_free (Param *param)
{
  g_free (param->name);
  g_free (param->value[0]);
  g_free (param->value[1]);
  g_free (param);
}

/* A typed value in its cfg.xml string form. */
static char *
to_text (GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? "Yes" : "No");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);
      return g_strjoinv (",", (char **) items);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf ("%d", g_variant_get_int32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  return g_variant_print (value, FALSE);
}

static gboolean
is_valid (PhonesecTestBus *bus, const char *name, const char *text)
{
  GVariantBuilder values, options;
  g_autoptr (GVariant) reply = NULL;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", name, g_variant_new_string (text));
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "dry-run", g_variant_new_boolean (TRUE));
  reply = g_dbus_connection_call_sync (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH,
                                       BENCH_CONFIG_IFACE, "Apply",
                                       g_variant_new ("(a{sv}a{sv})", &values, &options), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
  return reply != NULL;
}

/* Another valid value than the default, or NULL. */
static char *
other_value (PhonesecTestBus *bus, const char *name, GVariant *facts, const char *default_text)
{
  static const char *const texts[] = {
    "bench.example.com",
    "example.com",
    "sip.example.com:5061",
    "http://example.com/bench.xml",
    "https://example.com/bench",
    "X-Bench",
    "bench",
    "HIGH:!aNULL",
    "NO_ICMP_PING",
    "prt-bench",
    "8",
    "1,2",
    "",
    NULL,
  };
  const char *type = "";
  g_autofree const char **choices = NULL;
  gint64 min = 0, max = 0;

  g_variant_lookup (facts, "type", "&s", &type);
  if (g_str_equal (type, "bool"))
    return g_strdup (g_ascii_strcasecmp (default_text, "Yes") == 0 ? "No" : "Yes");
  if (g_variant_lookup (facts, "choices", "^a&s", &choices))
    {
      for (guint i = 0; choices[i] != NULL; i++)
        if (!g_str_equal (choices[i], default_text))
          return g_strdup (choices[i]);
      return NULL;
    }
  if (g_variant_lookup (facts, "min", "x", &min) && g_variant_lookup (facts, "max", "x", &max)
      && !g_str_equal (type, "list"))
    {
      gint64 value = g_ascii_strtoll (default_text, NULL, 10);
      g_autofree char *text
          = g_strdup_printf ("%" G_GINT64_FORMAT, value + 1 <= max ? value + 1 : value - 1);
      return is_valid (bus, name, text) ? g_steal_pointer (&text) : NULL;
    }
  for (guint i = 0; texts[i] != NULL; i++)
    if (!g_str_equal (texts[i], default_text) && is_valid (bus, name, texts[i]))
      return g_strdup (texts[i]);
  return NULL;
}

static const char *const tls_policy[] = { "TLS_Min_Version", "TLS_Cipher_List", "FIPS_Mode", NULL };

static GPtrArray *
read_params (PhonesecTestBus *bus, guint *out_changing)
{
  const char *none[] = { NULL };
  g_autoptr (GVariant) reply
      = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE,
                    "Describe", g_variant_new ("(^as)", none));
  g_autoptr (GVariant) all = g_variant_get_child_value (reply, 0);
  GPtrArray *params = g_ptr_array_new_with_free_func ((GDestroyNotify) param_free);
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  *out_changing = 0;
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      Param *param = g_new0 (Param, 1);
      g_autoptr (GVariant) default_value = g_variant_lookup_value (facts, "default", NULL);
      gboolean restart = FALSE;

      param->name = g_strdup (name);
      param->value[0] = to_text (default_value);
      /* A restart parameter would set PendingRestart: harmless, but the
       * benchmark should not depend on what restart-marked changes do. A
       * TLS policy change restarts the network service (DESIGN.md): those
       * stay in the profile, at their current value. */
      g_variant_lookup (facts, "restart", "b", &restart);
      if (!restart && !g_strv_contains (tls_policy, name))
        param->value[1] = other_value (bus, name, facts, param->value[0]);
      if (param->value[1] == NULL)
        param->value[1] = g_strdup (param->value[0]);
      else
        (*out_changing)++;
      g_ptr_array_add (params, param);
    }
  return params;
}

/* Element i names params[i % n], or, with @foreign_every, a name of
 * another phone feature except every @foreign_every-th element. */
static char *
build_profile (GPtrArray *params, guint which, guint foreign_every)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n");

  for (guint i = 0; i < ELEMENTS; i++)
    {
      Param *param;
      g_autofree char *escaped = NULL;

      if (foreign_every > 0 && i % foreign_every != 0)
        {
          g_string_append_printf (xml, "  <Other_Feature_%u_>%u</Other_Feature_%u_>\n", i, which,
                                  i);
          continue;
        }
      param = params->pdata[(foreign_every > 0 ? i / foreign_every : i) % params->len];
      escaped = g_markup_escape_text (param->value[which], -1);
      g_string_append_printf (xml, "  <%s>%s</%s>\n", param->name, escaped, param->name);
    }
  g_string_append (xml, "</flat-profile>\n");
  return g_string_free (xml, FALSE);
}

/* --- the baseline parser ------------------------------------------------- */

typedef struct
{
  GPtrArray *names;
  GPtrArray *texts;
  GString *text;
} ParseState;

static void
on_start (GMarkupParseContext *context, const char *element, const char **attribute_names,
          const char **attribute_values, gpointer user_data, GError **error)
{
  ParseState *state = user_data;

  g_ptr_array_add (state->names, g_strdup (element));
  g_string_truncate (state->text, 0);
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
         GError **error)
{
  g_string_append_len (((ParseState *) user_data)->text, text, len);
}

static void
on_end (GMarkupParseContext *context, const char *element, gpointer user_data, GError **error)
{
  ParseState *state = user_data;

  g_ptr_array_add (state->texts, g_strndup (state->text->str, state->text->len));
  g_string_truncate (state->text, 0);
}

static const GMarkupParser parser = { on_start, on_end, on_text, NULL, NULL };

static gint64
time_parse (const char *xml)
{
  gint64 start = bench_now_ns ();
  ParseState state = {
    g_ptr_array_new_with_free_func (g_free),
    g_ptr_array_new_with_free_func (g_free),
    g_string_new (NULL),
  };
  GMarkupParseContext *context = g_markup_parse_context_new (&parser, 0, &state, NULL);
  g_autoptr (GError) error = NULL;
  gint64 ns;

  if (!g_markup_parse_context_parse (context, xml, -1, &error)
      || !g_markup_parse_context_end_parse (context, &error))
    g_error ("GMarkup: %s", error->message);
  g_markup_parse_context_free (context);
  g_assert_cmpuint (state.names->len, ==, ELEMENTS + 1);
  /* Freeing what was copied is part of the work, as in the daemon. */
  g_ptr_array_unref (state.names);
  g_ptr_array_unref (state.texts);
  g_string_free (state.text, TRUE);
  ns = bench_now_ns () - start;
  return ns;
}

/* --- imports ----------------------------------------------------------------- */

static GVariant *
import_args (const char *xml, gboolean dry_run)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  if (dry_run)
    g_variant_builder_add (&options, "{sv}", "dry-run", g_variant_new_boolean (TRUE));
  return g_variant_ref_sink (g_variant_new ("(sa{sv})", xml, &options));
}

static gint64
time_import (PhonesecTestBus *bus, GVariant *args, guint64 *generation, guint *n_skipped)
{
  gint64 start = bench_now_ns ();
  g_autoptr (GVariant) reply = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH,
                                           BENCH_CONFIG_IFACE, "ImportProfile", args);
  gint64 ns = bench_now_ns () - start;
  g_autoptr (GVariant) skipped = g_variant_get_child_value (reply, 1);

  g_variant_get_child (reply, 0, "t", generation);
  *n_skipped = g_variant_n_children (skipped);
  if (*n_skipped > 0 && *n_skipped < 10)
    {
      g_autofree char *text = g_variant_print (skipped, FALSE);
      g_print ("  skipped: %.300s\n", text);
    }
  return ns;
}

/* Informative: a profile shaped like a real phone's, where ~98% of the
 * elements belong to other features and come back in the skipped list. */
static void
bench_foreign (PhonesecTestBus *bus, GPtrArray *params)
{
  g_autofree char *xml[2] = { NULL, NULL };
  g_autoptr (GArray) import_samples = bench_samples_new (FOREIGN_ITERATIONS);
  g_autoptr (GArray) parse_samples = bench_samples_new (FOREIGN_ITERATIONS);
  guint expected_skipped = ELEMENTS - (ELEMENTS + FOREIGN_EVERY - 1) / FOREIGN_EVERY;
  guint64 generation = 0, last_generation;
  guint n_skipped;
  double import_median, parse_median;

  xml[0] = build_profile (params, 0, FOREIGN_EVERY);
  xml[1] = build_profile (params, 1, FOREIGN_EVERY);
  for (guint i = 0; i < WARMUP + FOREIGN_ITERATIONS; i++)
    {
      g_autoptr (GVariant) args = import_args (xml[1 - i % 2], FALSE);
      gint64 import_ns, parse_ns;

      last_generation = generation;
      import_ns = time_import (bus, args, &generation, &n_skipped);
      parse_ns = time_parse (xml[1 - i % 2]);
      if (n_skipped != expected_skipped || (i > 0 && generation != last_generation + 1))
        g_error ("Foreign import %u: %u skipped (expected %u), generation %" G_GUINT64_FORMAT
                 " after %" G_GUINT64_FORMAT,
                 i, n_skipped, expected_skipped, generation, last_generation);
      if (i < WARMUP)
        continue;
      g_array_append_val (import_samples, import_ns);
      g_array_append_val (parse_samples, parse_ns);
    }
  import_median = bench_median_us (import_samples);
  parse_median = bench_median_us (parse_samples);
  g_print ("Real-profile shape: %u elements, %u of other features (skipped), %u alternating "
           "operations each:\n",
           ELEMENTS, expected_skipped, FOREIGN_ITERATIONS);
  g_print ("  ImportProfile (durable)    median %9.1f us\n", import_median);
  g_print ("  GMarkup parse, in process  median %9.1f us\n", parse_median);
  bench_report ("import_foreign_us", import_median, -1);
  bench_report ("import_foreign_ratio", import_median / parse_median, -1);
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autoptr (GPtrArray) params = NULL;
  char *xml[2];
  GVariant *args[2], *dry_args;
  g_autoptr (GArray) import_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) parse_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) dry_samples = bench_samples_new (BREAKDOWN);
  g_autoptr (GArray) sink_samples = bench_samples_new (BREAKDOWN);
  g_autoptr (GVariant) sink_args = NULL;
  guint64 generation = 0, last_generation;
  guint changing, n_skipped;
  double import_median, parse_median;
  GHashTable *cpu[9];
  GSubprocess *echo;
  gint64 start = bench_now_ns ();

  bench_init (&argc, &argv, "ImportProfile of a 5,000-element cfg.xml vs GMarkup parsing alone.");
  bus = bench_bus_new ();
  phonesec_test_bus_start_daemon (bus);
  echo = bench_echo_start (bus);

  params = read_params (bus, &changing);
  if (changing == 0)
    g_error ("No parameter has a second valid value: the imports would change nothing");
  xml[0] = build_profile (params, 0, 0);
  xml[1] = build_profile (params, 1, 0);
  g_print ("Profile: %u elements over %u parameters (%u change between A and B), %" G_GSIZE_FORMAT
           " bytes\n",
           ELEMENTS, params->len, changing, strlen (xml[1]));
  args[0] = import_args (xml[0], FALSE);
  args[1] = import_args (xml[1], FALSE);
  dry_args = import_args (xml[1], TRUE);

  for (guint i = 0; i < WARMUP; i++)
    {
      time_import (bus, args[1 - i % 2], &generation, &n_skipped);
      time_parse (xml[i % 2]);
    }
  /* B was imported first, then A: continue with B, so each import changes.
   * Only imports use phonesecd and dbus-daemon: their CPU deltas are per
   * import. */
  cpu[0] = bench_cpu_snapshot (bus->daemon);
  cpu[1] = bench_cpu_snapshot (bus->bus);
  for (guint i = 0; i < ITERATIONS; i++)
    {
      gint64 import_ns, parse_ns;

      last_generation = generation;
      if (i % 2 == 0)
        {
          import_ns = time_import (bus, args[1 - i % 2], &generation, &n_skipped);
          parse_ns = time_parse (xml[1 - i % 2]);
        }
      else
        {
          parse_ns = time_parse (xml[1 - i % 2]);
          import_ns = time_import (bus, args[1 - i % 2], &generation, &n_skipped);
        }
      if (generation != last_generation + 1 || n_skipped != 0)
        g_error ("Import %u: generation %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT
                 ", %u skipped: each import must apply a change and skip nothing",
                 i, generation, last_generation, n_skipped);
      g_array_append_val (import_samples, import_ns);
      g_array_append_val (parse_samples, parse_ns);
    }

  /* Breakdown: the same text without the write (dry-run: transfer, parse,
   * validation), and its mere transfer to a service that only takes its
   * length. */
  cpu[2] = bench_cpu_snapshot (bus->daemon);
  cpu[3] = bench_cpu_snapshot (bus->bus);
  sink_args = g_variant_ref_sink (g_variant_new ("(s)", xml[1]));
  for (guint i = 0; i < BREAKDOWN; i++)
    {
      gint64 ns = time_import (bus, dry_args, &generation, &n_skipped);

      g_array_append_val (dry_samples, ns);
    }
  cpu[4] = bench_cpu_snapshot (bus->daemon);
  cpu[5] = bench_cpu_snapshot (bus->bus);
  cpu[6] = bench_cpu_snapshot (echo);
  for (guint i = 0; i < BREAKDOWN; i++)
    {
      gint64 ns = bench_time_call (bus->connection, BENCH_ECHO_NAME, BENCH_ECHO_PATH,
                                   BENCH_ECHO_IFACE, "Sink", sink_args);
      g_array_append_val (sink_samples, ns);
    }

  cpu[7] = bench_cpu_snapshot (bus->bus);
  cpu[8] = bench_cpu_snapshot (echo);

  import_median = bench_median_us (import_samples);
  parse_median = bench_median_us (parse_samples);
  g_print ("%u alternating operations each:\n", ITERATIONS);
  g_print ("  ImportProfile (durable)    median %9.1f us  p99 %9.1f us\n", import_median,
           bench_percentile_us (import_samples, 99));
  g_print ("  GMarkup parse, in process  median %9.1f us  p99 %9.1f us\n", parse_median,
           bench_percentile_us (parse_samples, 99));
  g_print ("Breakdown (%u each):\n", BREAKDOWN);
  g_print ("  ImportProfile dry-run      median %9.1f us\n", bench_median_us (dry_samples));
  g_print ("  transfer only (echo Sink)  median %9.1f us\n", bench_median_us (sink_samples));
  bench_print_cpu ("phonesecd, import", cpu[0], cpu[2], ITERATIONS);
  bench_print_cpu ("dbus-daemon, import", cpu[1], cpu[3], ITERATIONS);
  bench_print_cpu ("phonesecd, import dry-run", cpu[2], cpu[4], BREAKDOWN);
  bench_print_cpu ("dbus-daemon, transfer only", cpu[5], cpu[7], BREAKDOWN);
  bench_print_cpu ("echo service, transfer only", cpu[6], cpu[8], BREAKDOWN);
  for (guint i = 0; i < G_N_ELEMENTS (cpu); i++)
    g_hash_table_unref (cpu[i]);
  bench_report ("import_us", import_median, -1);
  bench_report ("import_parse_us", parse_median, -1);
  bench_report ("import_ratio", import_median / parse_median, GOAL);
  /* The same without the durable write: the ratio of the CPU path, which
   * does not move with the disk's fsync cost. */
  bench_report ("import_dryrun_ratio", bench_median_us (dry_samples) / parse_median, -1);
  bench_foreign (bus, params);

  g_variant_unref (args[0]);
  g_variant_unref (args[1]);
  g_variant_unref (dry_args);
  g_free (xml[0]);
  g_free (xml[1]);
  bench_echo_stop (echo);
  phonesec_test_bus_stop_daemon (bus);
  g_print ("(%.1f s)\n", (bench_now_ns () - start) / 1e9);
  return 0;
}
