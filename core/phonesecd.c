/* phonesecd.c: the daemon's command line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "phonesec-daemon.h"
#include "phonesec-log-writer.h"

static const char *
locale_dir (void)
{
  const char *dir = g_getenv ("PHONESEC_LOCALEDIR");

  return dir != NULL ? dir : LOCALEDIR;
}

static void
options_clear (PhonesecDaemonOptions *options)
{
  g_clear_pointer (&options->bus, g_free);
  g_clear_pointer (&options->state_dir, g_free);
  g_clear_pointer (&options->plugin_dirs, g_strfreev);
  g_clear_pointer (&options->plugins_allow, g_free);
  g_clear_pointer (&options->plugins_deny, g_free);
  g_clear_pointer (&options->factory_profile, g_free);
  g_clear_pointer (&options->device_info, g_free);
  g_clear_pointer (&options->schema_dir, g_free);
  g_clear_pointer (&options->admin_group, g_free);
  g_clear_pointer (&options->ca_file, g_free);
  g_clear_pointer (&options->upload_retry, g_free);
  g_clear_pointer (&options->netd_user, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PhonesecDaemonOptions, options_clear)

/* The program to re-execute on Manager.Restart: resolved now, while argv[0]
 * still means what it meant at start (/proc/self/exe would name valgrind's
 * tool when running under it). */
static char *
resolve_self (const char *argv0)
{
  if (strchr (argv0, '/') != NULL)
    return g_canonicalize_filename (argv0, NULL);
  return g_find_program_in_path (argv0);
}

static void
init_i18n (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* FALSE, said on stderr, when the command line does not parse. */
static gboolean
parse_command_line (const GOptionEntry *entries, int *argc, char ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, _ ("The phone's security service: owns every security "
                                            "parameter and serves it on D-Bus as "
                                            "org.phonesec.PhoneSec1."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("phonesecd: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/* FALSE, said on stderr, when an option is out of its range; else fills
 * in the defaults of the options not given. */
static gboolean
check_options (PhonesecDaemonOptions *options)
{
  if (options->lines < 1 || options->lines > 64)
    {
      g_printerr (_ ("phonesecd: --lines must be between 1 and 64\n"));
      return FALSE;
    }
  if (options->plugin_timeout < 1 || options->plugin_timeout > 86400)
    {
      g_printerr (_ ("phonesecd: --plugin-timeout must be between 1 and 86400 seconds\n"));
      return FALSE;
    }
  if (options->bus == NULL)
    options->bus = g_strdup ("system");
  if (options->state_dir == NULL)
    options->state_dir = g_strdup (PHONESEC_STATEDIR);
  if (options->schema_dir == NULL)
    options->schema_dir = g_strdup (PHONESEC_SCHEMADIR);
  if (options->plugin_dirs == NULL)
    {
      options->plugin_dirs = g_new0 (char *, 2);
      options->plugin_dirs[0] = g_strdup (PHONESEC_PLUGINDIR);
    }
  if (options->admin_group == NULL)
    options->admin_group = g_strdup ("phonesec-admin");
  return TRUE;
}

/* Manager.Restart: the same program again, or a stop when a signal came. */
static int
restart_self (const char *self_path, char **saved_argv)
{
  if (!phonesec_daemon_prepare_exec ())
    {
      g_message ("Stopping instead of restarting: signal received");
      return 0;
    }
  /* Same arguments, same pid: systemd and the bus see one service. */
  execv (self_path != NULL ? self_path : "/proc/self/exe", saved_argv);
  g_printerr ("phonesecd: cannot re-execute: %s\n", g_strerror (errno));
  return 1;
}

int
main (int argc, char **argv)
{
  g_auto (GStrv) saved_argv = g_strdupv (argv);
  g_autofree char *self_path = resolve_self (argv[0]);
  g_auto (PhonesecDaemonOptions) options = {
    .lines = 4,
    .plugin_timeout = 30,
  };
  gboolean version = FALSE;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDaemon) daemon = NULL;
  gboolean restart = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "bus", 0, 0, G_OPTION_ARG_STRING, &options.bus,
      N_ ("Bus to serve on: system, session, or a D-Bus address (default: system)"), "BUS" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.state_dir,
      N_ ("Folder for the stored configuration (default: /var/lib/phonesec)"), "DIR" },
    { "plugin-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &options.plugin_dirs,
      N_ ("Folder of *.plugin files; repeat for more (default: the installed plugin folder)"),
      "DIR" },
    { "plugins-allow", 0, 0, G_OPTION_ARG_STRING, &options.plugins_allow,
      N_ ("Load only plugins whose name matches one of these comma-separated globs"), "GLOBS" },
    { "plugins-deny", 0, 0, G_OPTION_ARG_STRING, &options.plugins_deny,
      N_ ("Never load plugins whose name matches one of these comma-separated globs"), "GLOBS" },
    { "plugin-timeout", 0, 0, G_OPTION_ARG_INT, &options.plugin_timeout,
      N_ ("Seconds a plugin may take to activate before it is marked failed (default 30)"),
      "SECONDS" },
    { "upload-retry", 0, 0, G_OPTION_ARG_STRING, &options.upload_retry,
      N_ ("Retry delays of the upload queue in milliseconds, first and longest "
          "(default 30000:3600000)"),
      "MIN:MAX" },
    { "lines", 0, 0, G_OPTION_ARG_INT, &options.lines,
      N_ ("Number of phone lines N (per-line parameters NAME_1_ .. NAME_N_; default 4)"), "N" },
    { "factory-profile", 0, 0, G_OPTION_ARG_FILENAME, &options.factory_profile,
      N_ ("cfg.xml applied once, at first boot, when no configuration is stored"), "FILE" },
    { "device-info", 0, 0, G_OPTION_ARG_FILENAME, &options.device_info,
      N_ ("Key file with the phone's identity (MAC, serial, product, versions)"), "FILE" },
    { "schema-dir", 0, 0, G_OPTION_ARG_FILENAME, &options.schema_dir,
      N_ ("Folder holding phonesec.schema (default: the installed schema folder)"), "DIR" },
    { "admin-group", 0, 0, G_OPTION_ARG_STRING, &options.admin_group,
      N_ ("Group whose members are administrators (default: phonesec-admin)"), "GROUP" },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &options.ca_file,
      N_ ("Extra trusted CA certificates (development and tests)"), "FILE" },
    { "netd-user", 0, 0, G_OPTION_ARG_STRING, &options.netd_user,
      N_ ("User the network service (phonesec-netd) runs as when phonesecd is root (default: "
          "phonesec-netd, else nobody)"),
      "USER" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &options.verbose, N_ ("Log debug messages"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_ ("Print the version and exit"), NULL },
    G_OPTION_ENTRY_NULL,
  };

  init_i18n ();
  if (!parse_command_line (entries, &argc, &argv))
    return 2;
  if (version)
    {
      g_print ("phonesecd %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (!check_options (&options))
    return 2;

  phonesec_log_writer_install (options.verbose);

  daemon = phonesec_daemon_new (&options, &error);
  if (daemon == NULL)
    {
      g_printerr ("phonesecd: %s\n", error->message);
      return 1;
    }
  status = phonesec_daemon_run (daemon, &restart);
  g_clear_pointer (&daemon, phonesec_daemon_free);

  if (status == 0 && restart)
    return restart_self (self_path, saved_argv);
  return status;
}
