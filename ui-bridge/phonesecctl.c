/* phonesecctl.c: command-line client of phonesecd — options and commands.
 *
 * Reaches the daemon over D-Bus only (plain GDBus calls with GVariant), so
 * it works with any phonesecd that keeps the contract of dbus/'s
 * introspection files.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "phonesecctl.h"

/* gettext ("") returns the catalogue's header: an empty text stays empty. */
static const char *
translate (const char *text)
{
  return text != NULL && text[0] != '\0' ? _ (text) : "";
}

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* expires: -1 until --expires is given (0 is a value of its own). */
static PhonesecctlOptions opts = { .expires = -1 };

/* Option tables: one option per line reads better than clang-format's. */
/* clang-format off */
static const GOptionEntry global_entries[] = {
  { "bus", 'b', 0, G_OPTION_ARG_STRING, &opts.bus,
    N_ ("Bus to use: system (default), session, or a D-Bus address"), N_ ("BUS") },
  { "json", 'j', 0, G_OPTION_ARG_NONE, &opts.json,
    N_ ("Print JSON instead of text"), NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opts.verbose,
    N_ ("Say which D-Bus calls are made (never their arguments)"), NULL },
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry version_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opts.version,
    N_ ("Print the version and exit"), NULL },
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry remaining_entries[] = {
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &opts.args, NULL, NULL },
  G_OPTION_ENTRY_NULL
};

#define OPT_DRY_RUN \
  { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &opts.dry_run, \
    N_ ("Only check the change; change nothing"), NULL }
#define OPT_EXPECT_GENERATION \
  { "expect-generation", 'g', 0, G_OPTION_ARG_STRING, &opts.expect_generation, \
    N_ ("Fail with a conflict if the configuration is no longer at generation N"), N_ ("N") }
#define OPT_AS_USER \
  { "as-user", 'u', 0, G_OPTION_ARG_NONE, &opts.as_user, \
    N_ ("Act with the phone user's access rights, not the admin's"), NULL }
#define OPT_SOURCE \
  { "source", 0, 0, G_OPTION_ARG_STRING, &opts.source, \
    N_ ("Origin of the change for the daemon's log (default: phonesecctl)"), N_ ("TEXT") }

static const GOptionEntry no_entries[] = { G_OPTION_ENTRY_NULL };

static const GOptionEntry set_entries[] = {
  OPT_DRY_RUN,
  OPT_EXPECT_GENERATION,
  OPT_AS_USER,
  OPT_SOURCE,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry reset_entries[] = {
  { "all", 'a', 0, G_OPTION_ARG_NONE, &opts.all,
    N_ ("Reset every parameter you may write (required when no NAME is given)"), NULL },
  OPT_DRY_RUN,
  OPT_EXPECT_GENERATION,
  OPT_AS_USER,
  OPT_SOURCE,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry describe_entries[] = {
  { "names", 0, 0, G_OPTION_ARG_NONE, &opts.names_only,
    N_ ("Only print the names, one per line (for scripts and completion)"), NULL },
  { "choices", 0, 0, G_OPTION_ARG_STRING, &opts.choices,
    N_ ("Only print the allowed values of NAME, one per line"), N_ ("NAME") },
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry import_entries[] = {
  { "strict", 's', 0, G_OPTION_ARG_NONE, &opts.strict,
    N_ ("Reject the whole profile if any value is bad"), NULL },
  OPT_DRY_RUN,
  OPT_EXPECT_GENERATION,
  OPT_AS_USER,
  OPT_SOURCE,
  G_OPTION_ENTRY_NULL
};

static const GOptionEntry export_entries[] = {
  { "changed-only", 'c', 0, G_OPTION_ARG_NONE, &opts.changed_only,
    N_ ("Only export values that differ from the default"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opts.output,
    N_ ("Write to FILE (atomically, mode 0600) instead of standard output"), N_ ("FILE") },
  OPT_AS_USER,
  G_OPTION_ENTRY_NULL
};
static const GOptionEntry sip_entries[] = {
  { "timeout", 't', 0, G_OPTION_ARG_INT, &opts.timeout,
    N_ ("Give up after SECONDS (default 5)"), N_ ("SECONDS") },
  { "expires", 'e', 0, G_OPTION_ARG_INT, &opts.expires,
    N_ ("Ask the registrar to keep the registration SECONDS (default 60; 0 removes it)"),
    N_ ("SECONDS") },
  G_OPTION_ENTRY_NULL
};
/* clang-format on */

typedef struct
{
  const char *name;
  const char *parameters;  /* N_(): operands, after the command name */
  const char *summary;     /* N_(): one line for the command list */
  const char *description; /* N_(): shown by “help COMMAND”, or NULL */
  const GOptionEntry *entries;
  PhonesecctlExit (*run) (PhonesecctlContext *ctx, char **args);
} PhonesecctlCommand;

static const PhonesecctlCommand commands[] = {
  { "get", N_ ("[NAME…]"), N_ ("Print parameter values (all visible ones without NAME)"),
    N_ ("Prints NAME=VALUE lines in cfg.xml form: booleans Yes/No, lists joined with “,”, "
        "strings as they are. Secrets always read as empty. Use --json for typed values."),
    no_entries, phonesecctl_cmd_get },
  { "set", N_ ("NAME=VALUE…"), N_ ("Change parameters in one transaction"),
    N_ ("All values are checked first: either every one is applied or none is. VALUE is the "
        "cfg.xml string form; it may contain “=” (the first one separates NAME). "
        "Prints the configuration generation after the change."),
    set_entries, phonesecctl_cmd_set },
  { "reset", N_ ("NAME…|--all"), N_ ("Put parameters back to their defaults"),
    N_ ("Without NAME, --all is required and resets every parameter you may write. "
        "Prints the configuration generation after the change."),
    reset_entries, phonesecctl_cmd_reset },
  { "describe", N_ ("[NAME…]"), N_ ("Show type, allowed values, default and access of parameters"),
    NULL, describe_entries, phonesecctl_cmd_describe },
  { "import", N_ ("FILE|-"), N_ ("Apply a cfg.xml flat profile"),
    N_ ("Only the parameters the profile names change. Unknown elements and bad values are "
        "skipped and listed on standard error (exit status 0) unless --strict is given. "
        "Prints the configuration generation after the import."),
    import_entries, phonesecctl_cmd_import },
  { "export", "", N_ ("Write the configuration as a cfg.xml flat profile (never secrets)"), NULL,
    export_entries, phonesecctl_cmd_export },
  { "plugins", "", N_ ("List the plugins with their state"), NULL, no_entries,
    phonesecctl_cmd_plugins },
  { "status", N_ ("[PLUGIN]"), N_ ("Show the daemon's state, or every property of one plugin"),
    NULL, no_entries, phonesecctl_cmd_status },
  { "monitor", "", N_ ("Print configuration and state changes as they happen"),
    N_ ("Runs until interrupted (Ctrl+C) and follows the daemon across restarts. "
        "With --json, prints one JSON object per line."),
    no_entries, phonesecctl_cmd_monitor },
  { "sip", N_ ("register LINE"), N_ ("Register a line with its SIP registrar, as the phone would"),
    N_ ("Sends a REGISTER for LINE over the line's transport (UDP, TCP or TLS; Auto is UDP) to "
        "its outbound proxy or proxy, and answers 401/407 challenges: every security decision "
        "is phonesecd's (SipSecurity: the TLS policy for SIP, the server certificate check with "
        "TLS_Name_Validate_n_, the digest computed with the line's password, which never "
        "reaches phonesecctl). Prints each final status; exit status 0 on 2xx. For the "
        "administrator and the SIP stack's group (phonesec-sip)."),
    sip_entries, phonesecctl_cmd_sip },
  { "help", N_ ("[COMMAND]"), N_ ("Show help for a command"), NULL, no_entries, NULL },
};

static const PhonesecctlCommand *
find_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}

static char *
exit_status_text (void)
{
  GString *text = g_string_new (_ ("Exit status:"));

  g_string_append_c (text, '\n');
  g_string_append_printf (text, "  0  %s\n", _ ("success"));
  g_string_append_printf (text, "  1  %s\n",
                          _ ("failure (Failed, NotSupported, InProgress, NotFound…)"));
  g_string_append_printf (text, "  2  %s\n", _ ("usage error"));
  g_string_append_printf (text, "  3  %s\n",
                          _ ("cannot reach the bus, or phonesecd is not running"));
  g_string_append_printf (text, "  4  %s\n", _ ("unknown parameter (or hidden from the caller)"));
  g_string_append_printf (text, "  5  %s\n", _ ("invalid value"));
  g_string_append_printf (text, "  6  %s\n", _ ("permission denied"));
  g_string_append_printf (text, "  7  %s\n",
                          _ ("conflict: the configuration changed (--expect-generation)"));
  g_string_append_c (text, '\n');
  g_string_append (text, _ ("Environment: PHONESEC_BUS sets the bus when --bus is not given."));
  return g_string_free (text, FALSE);
}

static GOptionContext *
global_context_new (void)
{
  GOptionContext *context = g_option_context_new (_ ("COMMAND [ARGUMENT…]"));
  g_autofree char *exit_text = exit_status_text ();
  GString *summary = g_string_new (_ ("Configure and inspect phonesecd, the phone's security "
                                      "service, over D-Bus."));

  g_string_append (summary, "\n\n");
  g_string_append (summary, _ ("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *usage
          = g_strdup_printf ("%s %s", commands[i].name, translate (commands[i].parameters));
      glong pad = MAX (1, 24 - g_utf8_strlen (usage, -1));

      /* Pad by characters: “…” and translations are multibyte. */
      g_string_append_printf (summary, "\n  %s%*s%s", usage, (int) pad, "",
                              _ (commands[i].summary));
    }

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* Stop at the command: what follows belongs to its own option context. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, version_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary->str);
  g_option_context_set_description (context, exit_text);
  g_string_free (summary, TRUE);
  return context;
}

static GOptionContext *
command_context_new (const PhonesecctlCommand *command)
{
  g_autofree char *parameters
      = g_strdup_printf ("%s %s", command->name, translate (command->parameters));
  GOptionContext *context = g_option_context_new (parameters);
  g_autofree char *exit_text = exit_status_text ();
  g_autofree char *summary = NULL;

  if (command->description != NULL)
    summary = g_strdup_printf ("%s\n\n%s", _ (command->summary), _ (command->description));
  else
    summary = g_strdup (_ (command->summary));

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, command->entries, GETTEXT_PACKAGE);
  /* Global options are accepted after the command too (“get --json”). */
  g_option_context_add_main_entries (context, global_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, remaining_entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context, exit_text);
  return context;
}

static PhonesecctlExit
run_help (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autofree char *help = NULL;
  const PhonesecctlCommand *command = NULL;

  if (args != NULL && args[0] != NULL)
    {
      if (args[1] != NULL)
        return phonesecctl_usage_error (ctx, _ ("“help” takes at most one COMMAND"));
      command = find_command (args[0]);
      if (command == NULL)
        return phonesecctl_usage_error (NULL, _ ("Unknown command “%s”"), args[0]);
    }

  context = command != NULL ? command_context_new (command) : global_context_new ();
  help = g_option_context_get_help (context, TRUE, NULL);
  fputs (help, stdout);
  return PHONESECCTL_EXIT_OK;
}

static void
setup_i18n (void)
{
  const char *localedir = g_getenv ("PHONESEC_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* Tests and uninstalled runs point at the build tree's catalogs. */
  if (localedir == NULL || localedir[0] == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
clear_options (void)
{
  g_clear_pointer (&opts.bus, g_free);
  g_clear_pointer (&opts.expect_generation, g_free);
  g_clear_pointer (&opts.source, g_free);
  g_clear_pointer (&opts.output, g_free);
  g_clear_pointer (&opts.choices, g_free);
  g_clear_pointer (&opts.args, g_strfreev);
}

static PhonesecctlExit
run (int argc, char **argv)
{
  g_autoptr (GOptionContext) global = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) global_args = NULL;
  g_autoptr (GStrvBuilder) command_args = NULL;
  g_auto (GStrv) command_argv = NULL;
  g_autofree char *global_bus = NULL;
  const PhonesecctlCommand *command;
  PhonesecctlContext ctx = { &opts, NULL, NULL };
  PhonesecctlExit status;

  global_args = g_new0 (char *, argc + 1);
  for (int i = 0; i < argc; i++)
    global_args[i] = g_strdup (argv[i]);

  global = global_context_new ();
  if (!g_option_context_parse_strv (global, &global_args, &error))
    return phonesecctl_usage_error (NULL, "%s", error->message);
  if (opts.version)
    {
      printf ("phonesecctl %s\n", PACKAGE_VERSION);
      return PHONESECCTL_EXIT_OK;
    }
  if (global_args[1] == NULL)
    return phonesecctl_usage_error (NULL, _ ("No command given"));

  command = find_command (global_args[1]);
  if (command == NULL)
    return phonesecctl_usage_error (NULL, _ ("Unknown command “%s”"), global_args[1]);
  ctx.command = command->name;

  /* The command's own context sees argv[0] and what follows the command. */
  command_args = g_strv_builder_new ();
  g_strv_builder_add (command_args, global_args[0]);
  for (guint i = 2; global_args[i] != NULL; i++)
    g_strv_builder_add (command_args, global_args[i]);
  command_argv = g_strv_builder_end (command_args);

  /* --bus may be given before the command: keep it unless repeated after. */
  global_bus = g_steal_pointer (&opts.bus);
  context = command_context_new (command);
  if (!g_option_context_parse_strv (context, &command_argv, &error))
    return phonesecctl_usage_error (&ctx, "%s", error->message);
  if (opts.bus == NULL)
    opts.bus = g_steal_pointer (&global_bus);

  if (command->run == NULL)
    return run_help (&ctx, opts.args);

  if (opts.bus == NULL)
    {
      const char *env = g_getenv ("PHONESEC_BUS");
      opts.bus = g_strdup (env != NULL && env[0] != '\0' ? env : "system");
    }
  if (strcmp (opts.bus, "system") != 0 && strcmp (opts.bus, "session") != 0
      && !g_dbus_is_supported_address (opts.bus, NULL))
    return phonesecctl_usage_error (&ctx,
                                    _ ("Invalid bus “%s”: use system, session or a D-Bus address "
                                       "such as unix:path=/run/dbus/system_bus_socket"),
                                    opts.bus);

  status = command->run (&ctx, opts.args);
  g_clear_object (&ctx.connection);
  return status;
}

int
main (int argc, char **argv)
{
  PhonesecctlExit status;

  setup_i18n ();
  status = run (argc, argv);
  clear_options ();

  /* A full disk must not look like success to a script. A reader that
   * stopped early (SIGPIPE ignored, EPIPE) is not worth a message. */
  errno = 0;
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      if (errno != EPIPE)
        phonesecctl_print_error (_ ("Cannot write to standard output"));
      if (status == PHONESECCTL_EXIT_OK)
        status = PHONESECCTL_EXIT_FAILURE;
    }
  return status;
}
