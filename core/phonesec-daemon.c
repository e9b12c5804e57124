/* phonesec-daemon.c: start, serve, stop.
 *
 * Start order: identity and schema, plugin modules and their schema
 * fragments, the stored configuration (so plugin parameters are known when it
 * is read), first-boot profile, the bus, the objects, the name, then the
 * plugins. Readiness is sent once every plugin has settled.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <string.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "phonesec/phonesec-bus.h"
#include "phonesec/phonesec-dbus-names.h"
#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-log.h"
#include "phonesec-callers.h"
#include "phonesec-crash-log-private.h"
#include "phonesec-metrics-private.h"
#include "phonesec-upload-queue.h"
#include "phonesec-core.h"
#include "phonesec-daemon.h"
#include "phonesec-dbus-config.h"
#include "phonesec-dbus-tls.h"
#include "tls/phonesec-tls-probe.h"
#include "phonesec-dbus-generated.h"
#include "phonesec-log-writer.h"
#include "phonesec-netd-host.h"
#include "phonesec-notify.h"
#include "phonesec-plugin-guard.h"
#include "phonesec-plugin-host.h"
#include "phonesec-profile.h"

#define STORE_FILE "config.ini"
#define RUNNING_MARKER "phonesecd.running"
#define CRASH_RECORD "crash.record"
#define UPLOAD_GRACE_US (2 * G_USEC_PER_SEC)

struct _PhonesecDaemon
{
  PhonesecDaemonOptions options;
  PhonesecCore core;
  PhonesecPluginHost *plugins;
  PhonesecCallers *callers;
  PhonesecDBusConfigService *config_service;
  PhonesecDBusTlsService *tls_service;
  PhonesecNetdHost *netd; /* the network service: every HTTP(S) request */
  PhonesecDBusManager *manager;
  char *store_error;
  GHashTable *declared_actors; /* unique bus name → Declared* (Manager.DeclareActor) */
  GPtrArray *start_warnings;   /* of char*: what could not be written at start */
  char *crash_record;          /* the previous run's crash record, until the plugins are found */
  char *marker_path;
  int lock_fd;
  gboolean first_boot;

  GMainLoop *loop;
  guint name_id;
  gboolean name_acquired;
  gboolean stopping;
  gint64 stop_started;
  gboolean restart;
  int exit_status;
};

/* --- start --------------------------------------------------------------- */

/* A start must not need free space: the state folder may be full (or its
 * disk read-only), and the phone still needs its security service. What
 * cannot be written is a warning (Manager.Warnings), never a reason to
 * stay off the bus. Only a second daemon on the same folder is refused. */

static void
add_start_warning (PhonesecDaemon *self, char *message)
{
  g_warning ("%s", message);
  g_ptr_array_add (self->start_warnings, message);
}

static gboolean
lock_state_dir (PhonesecDaemon *self, GError **error)
{
  /* One daemon per state folder: a second copy started by mistake must not
   * touch the running one's marker, store or temp files. The lock is taken
   * on the folder itself, so it needs no file, and dies with the process,
   * kill -9 included. */
  self->lock_fd = g_open (self->core.state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (self->lock_fd >= 0 && flock (self->lock_fd, LOCK_EX | LOCK_NB) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _ ("another phonesecd is running with the state folder %s (and owns %s): %s"),
                   self->core.state_dir, PHONESEC_DBUS_NAME, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The marker exists only while we run: finding it at start means the last
 * run did not stop cleanly (kill -9, crash, power loss). Its existence is
 * what counts; the pid in it is for people. */
static void
mark_running (PhonesecDaemon *self)
{
  g_autofree char *pid = g_strdup_printf ("%d\n", (int) getpid ());
  int fd;

  self->marker_path = g_build_filename (self->core.state_dir, RUNNING_MARKER, NULL);
  self->core.previous_run_crashed = g_file_test (self->marker_path, G_FILE_TEST_EXISTS);
  fd = g_open (self->marker_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      add_start_warning (self, g_strdup_printf (_ ("Cannot write %s (%s): if this run of "
                                                   "phonesecd crashes, the next start will not "
                                                   "know it"),
                                                self->marker_path, g_strerror (errno)));
      return;
    }
  if (write (fd, pid, strlen (pid)) < 0)
    g_debug ("Could not write the pid to %s", self->marker_path);
  fsync (fd);
  close (fd);
}

/* FALSE only when another daemon holds the folder. */
static gboolean
prepare_state_dir (PhonesecDaemon *self, GError **error)
{
  g_autofree char *log_dir = g_build_filename (self->core.state_dir, "log", NULL);
  g_autofree char *record = g_build_filename (self->core.state_dir, CRASH_RECORD, NULL);

  if (g_mkdir_with_parents (self->core.state_dir, 0700) < 0)
    add_start_warning (self, g_strdup_printf (_ ("Cannot create the state folder %s (%s): "
                                                 "nothing phonesecd changes can be kept"),
                                              self->core.state_dir, g_strerror (errno)));
  if (!lock_state_dir (self, error))
    return FALSE;
  mark_running (self);

  /* The log outlives a crash, and a fatal signal leaves a record: both go
   * into the problem report of the next start. The log writer says when
   * it cannot keep its file (update_warnings). */
  g_mkdir_with_parents (log_dir, 0700);
  self->core.log_path = g_build_filename (log_dir, "phonesecd.log", NULL);
  phonesec_log_writer_persist (self->core.log_path, self->core.previous_run_crashed);
  self->core.crash_log = phonesec_crash_log_new ();
  if (self->core.previous_run_crashed)
    self->crash_record = phonesec_crash_log_add_previous_run (self->core.crash_log, record);
  else
    g_unlink (record);
  phonesec_plugin_guard_init ();
  phonesec_crash_log_install_handler (record);
  return TRUE;
}

/* Below this a commit of the store, or the log, may not fit. */
#define STATE_DIR_LOW_SPACE (64 * 1024)

static char *
dup_space_warning (PhonesecDaemon *self)
{
  struct statvfs st;
  guint64 free_bytes;
  g_autofree char *size = NULL;

  if (statvfs (self->core.state_dir, &st) < 0)
    return NULL;
  if (st.f_flag & ST_RDONLY)
    return g_strdup_printf (_ ("The state folder %s is read-only: configuration changes cannot "
                               "be saved"),
                            self->core.state_dir);
  /* Root may use the blocks reserved for it. */
  free_bytes = (guint64) (geteuid () == 0 ? st.f_bfree : st.f_bavail) * st.f_frsize;
  if (free_bytes >= STATE_DIR_LOW_SPACE)
    return NULL;
  size = g_format_size (free_bytes);
  return g_strdup_printf (_ ("The state folder %s is full (%s free): configuration changes "
                             "cannot be saved until there is room"),
                          self->core.state_dir, size);
}

/* Manager.Warnings: what phonesecd works around now. Refreshed at start
 * and after every transaction and trust store change, so room made later
 * clears it. */
static void
update_warnings (PhonesecDaemon *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) warnings = NULL;
  g_autofree char *space = dup_space_warning (self);
  g_autofree char *log_error = phonesec_log_writer_dup_persist_error ();
  const char *trust_error = phonesec_tls_policy_get_trust_error (self->core.tls);

  if (self->manager == NULL)
    return;
  if (space != NULL)
    g_strv_builder_add (builder, space);
  for (guint i = 0; i < self->start_warnings->len; i++)
    g_strv_builder_add (builder, self->start_warnings->pdata[i]);
  if (trust_error[0] != '\0')
    g_strv_builder_add (builder, trust_error);
  if (log_error != NULL)
    g_strv_builder_add (builder, log_error);
  warnings = g_strv_builder_end (builder);
  phonesec_dbus_manager_set_warnings (self->manager, (const char *const *) warnings);
}

static void update_log_secrets (PhonesecDaemon *self);
static void declared_free (gpointer data);
static gboolean store_bool (PhonesecDaemon *self, const char *name);
static void own_name (PhonesecDaemon *self);

static void begin_stop (PhonesecDaemon *self, const char *why);
static void configure_tls (PhonesecDaemon *self);
static void update_warnings (PhonesecDaemon *self);

static gboolean
is_tls_parameter (const char *name)
{
  return g_str_equal (name, "TLS_Min_Version") || g_str_equal (name, "TLS_Cipher_List")
         || g_str_equal (name, "FIPS_Mode");
}

static void
on_store_changed (PhonesecConfigStore *store, guint64 generation, const char *const *names,
                  gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  update_log_secrets (self);
  update_warnings (self);
  phonesec_metrics_counter_add (self->core.metrics, "core.transactions", 1);
  if (g_strv_contains (names, "Webex_Metrics_Enable"))
    phonesec_metrics_set_sending_allowed (self->core.metrics,
                                          store_bool (self, "Webex_Metrics_Enable"));
  /* In force at once for our own TLS sessions; the network service
   * restarts when what it uses changed (phonesec-netd-host.c). */
  for (guint i = 0; names[i] != NULL; i++)
    if (is_tls_parameter (names[i]))
      {
        configure_tls (self);
        break;
      }
  for (guint i = 0; names[i] != NULL; i++)
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->core.schema, names[i]);

      if (spec != NULL && spec->restart && !is_tls_parameter (spec->name) && self->manager != NULL)
        phonesec_dbus_manager_set_pending_restart (self->manager, TRUE);
    }
  phonesec_plugin_host_config_changed (self->plugins, names);
}

static void
update_log_secrets (PhonesecDaemon *self)
{
  g_auto (GStrv) secrets = phonesec_config_store_dup_secret_values (self->core.store);

  phonesec_log_writer_set_secrets ((const char *const *) secrets);
}

static const char *
store_string (PhonesecDaemon *self, const char *name)
{
  const PhonesecParamSpec *spec = phonesec_schema_lookup (self->core.schema, name);

  return spec != NULL
             ? g_variant_get_string (phonesec_config_store_get_value (self->core.store, spec), NULL)
             : "";
}

static gboolean
store_bool (PhonesecDaemon *self, const char *name)
{
  const PhonesecParamSpec *spec = phonesec_schema_lookup (self->core.schema, name);

  return spec != NULL
         && g_variant_get_boolean (phonesec_config_store_get_value (self->core.store, spec));
}

static void
configure_tls (PhonesecDaemon *self)
{
  phonesec_tls_policy_configure (self->core.tls, store_string (self, "TLS_Min_Version"),
                                 store_string (self, "TLS_Cipher_List"),
                                 store_bool (self, "FIPS_Mode"));
}

/* Runs in GDBus's worker thread: only counts (the registry is locked). */
static GDBusMessage *
count_method_calls (GDBusConnection *connection, GDBusMessage *message, gboolean incoming,
                    gpointer user_data)
{
  PhonesecMetrics *metrics = user_data;

  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    phonesec_metrics_counter_add (metrics, "core.dbus.calls", 1);
  return message;
}

/* The TLS policy and trust store, and the network service that carries
 * every HTTP(S) request under them (in its own process: glib-networking
 * reads its priority once per process). No certificate is parsed here:
 * the helper loads the trust store when it starts. */
static gboolean
setup_tls (PhonesecDaemon *self, GError **error)
{
  g_autofree char *trust_dir = g_build_filename (self->core.state_dir, "trust", NULL);

  self->core.tls = phonesec_tls_policy_new (trust_dir, self->options.ca_file, NULL, error);
  if (self->core.tls == NULL)
    return FALSE;
  configure_tls (self);
  self->netd = phonesec_netd_host_new (self->core.tls, G_PROXY_RESOLVER (self->core.proxy_slot),
                                       self->core.metrics, self->core.crash_log,
                                       self->options.netd_user, error);
  if (self->netd == NULL)
    return FALSE;
  self->core.http_client = phonesec_netd_host_get_client (self->netd);
  /* A custom CA added or removed may mend (or break) the bundle file. */
  g_signal_connect_swapped (self->core.tls, "changed", G_CALLBACK (update_warnings), self);
  return TRUE;
}

/* The upload queue starts sending what earlier runs left at once: metrics
 * only if they may still leave the phone. */
static gboolean
setup_uploads (PhonesecDaemon *self, GError **error)
{
  g_autofree char *dir = g_build_filename (self->core.state_dir, "uploads", NULL);

  phonesec_metrics_set_sending_allowed (self->core.metrics,
                                        store_bool (self, "Webex_Metrics_Enable"));
  self->core.upload_queue
      = phonesec_upload_queue_new (dir, self->core.http_client, self->core.metrics);
  if (self->options.upload_retry != NULL)
    {
      guint64 min_ms = 0, max_ms = 0;
      g_auto (GStrv) parts = g_strsplit (self->options.upload_retry, ":", 2);

      if (g_strv_length (parts) != 2
          || !g_ascii_string_to_unsigned (parts[0], 10, 1, G_MAXUINT, &min_ms, NULL)
          || !g_ascii_string_to_unsigned (parts[1], 10, min_ms, G_MAXUINT, &max_ms, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _ ("--upload-retry wants MIN:MAX in milliseconds, MIN <= MAX, not %s"),
                       self->options.upload_retry);
          return FALSE;
        }
      phonesec_upload_queue_set_backoff (self->core.upload_queue, min_ms, max_ms);
    }
  return TRUE;
}

PhonesecDaemon *
phonesec_daemon_new (const PhonesecDaemonOptions *options, GError **error)
{
  g_autoptr (PhonesecDaemon) self = g_new0 (PhonesecDaemon, 1);

  g_autofree char *schema_path = NULL;
  g_autofree char *store_path = NULL;
  g_autoptr (GError) load_error = NULL;
  gboolean existed = FALSE;

  self->lock_fd = -1;
  self->start_warnings = g_ptr_array_new_with_free_func (g_free);
  self->options = *options;
  self->core.state_dir = g_strdup (options->state_dir);

  self->core.device = phonesec_device_new_from_file (options->device_info, error);
  if (self->core.device == NULL)
    return NULL;

  self->core.schema = phonesec_schema_new (options->lines);
  schema_path = g_build_filename (options->schema_dir, "phonesec.schema", NULL);
  if (!phonesec_schema_load_file (self->core.schema, schema_path, "core", error))
    {
      g_prefix_error (error, _ ("cannot load the parameter schema: "));
      return NULL;
    }

  if (!prepare_state_dir (self, error))
    return NULL;

  self->core.network = phonesec_network_new ();
  self->core.metrics = phonesec_metrics_new ();
  /* The core's counters exist from the start, at 0, so a snapshot or a
   * batch always has them. */
  {
    static const char *const core_counters[] = {
      "core.transactions",      "core.dbus.calls",     "core.http.requests",
      "core.tls.failures",      "core.proxy.lookups",  "core.uploads.queued",
      "core.uploads.delivered", "core.uploads.failed", "core.uploads.dropped",
    };
    for (guint i = 0; i < G_N_ELEMENTS (core_counters); i++)
      phonesec_metrics_counter_add (self->core.metrics, core_counters[i], 0);
  }
  self->core.proxy_slot = phonesec_proxy_slot_new ();
  phonesec_proxy_slot_set_metrics (self->core.proxy_slot, self->core.metrics);

  /* The core's own services act on these parameters; plugins and outside
   * services add themselves (Config.Describe says what acts on what). */
  self->core.actors = phonesec_actors_new ();
  {
    static const char *const tls[] = { "TLS_Min_Version", "TLS_Cipher_List", "FIPS_Mode", NULL };
    static const char *const metrics[] = { "Webex_Metrics_Enable", NULL };

    phonesec_actors_add (self->core.actors, "core:tls-policy", tls, NULL, NULL);
    phonesec_actors_add (self->core.actors, "core:metrics", metrics, NULL, NULL);
  }
  self->declared_actors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, declared_free);

  /* Plugin schema fragments must be known before the stored values are
   * read, or their values would look unknown. */
  self->plugins
      = phonesec_plugin_host_new (&self->core, options->plugins_allow, options->plugins_deny);
  if (options->plugin_timeout > 0)
    phonesec_plugin_host_set_activate_timeout (self->plugins, options->plugin_timeout);
  if (self->crash_record != NULL)
    phonesec_plugin_host_note_crash (self->plugins, self->crash_record);
  g_clear_pointer (&self->crash_record, g_free);
  phonesec_plugin_host_discover (self->plugins, (const char *const *) options->plugin_dirs);

  store_path = g_build_filename (options->state_dir, STORE_FILE, NULL);
  self->core.store = phonesec_config_store_new (self->core.schema, store_path);
  if (!phonesec_config_store_load (self->core.store, &existed, &load_error))
    self->store_error = g_strdup (load_error->message);
  self->first_boot = !existed && self->store_error == NULL;

  if (!setup_tls (self, error))
    return NULL;
  if (!setup_uploads (self, error))
    return NULL;
  update_log_secrets (self);
  g_signal_connect (self->core.store, "changed", G_CALLBACK (on_store_changed), self);

  if (self->core.previous_run_crashed)
    g_warning ("The previous run of phonesecd did not stop cleanly");
  return g_steal_pointer (&self);
}

/* --- stop ------------------------------------------------------------------ */

/* Once the main loop stops dispatching, GLib's signal sources would swallow
 * a SIGTERM that arrives before the re-execution: the service manager's
 * stop would be lost and the new image would run on. From the moment a
 * restart begins to the exec a plain handler notes it, and
 * phonesec_daemon_prepare_exec() blocks the signals so one arriving later
 * still reaches the new image. */
static volatile sig_atomic_t stop_during_restart;

static void
note_stop_during_restart (int signum)
{
  stop_during_restart = 1;
}

static void
arm_restart_guard (void)
{
  struct sigaction action = { 0 };

  action.sa_handler = note_stop_during_restart;
  sigemptyset (&action.sa_mask);
  sigaction (SIGTERM, &action, NULL);
  sigaction (SIGINT, &action, NULL);
}

static void
stop_signals_mask (int how)
{
  sigset_t set;

  sigemptyset (&set);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGINT);
  pthread_sigmask (how, &set, NULL);
}

gboolean
phonesec_daemon_prepare_exec (void)
{
  stop_signals_mask (SIG_BLOCK);
  return !stop_during_restart;
}

static gboolean
finish_stop (gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  /* A transaction being written is finished first: its caller is owed a
   * reply and the file its new state. */
  if (phonesec_config_store_is_busy (self->core.store))
    return G_SOURCE_CONTINUE;
  /* An upload on the wire may already be the server's: wait a little for
   * its reply rather than send it again after the restart. */
  if (self->core.upload_queue != NULL && phonesec_upload_queue_is_busy (self->core.upload_queue)
      && g_get_monotonic_time () - self->stop_started < UPLOAD_GRACE_US)
    return G_SOURCE_CONTINUE;
  phonesec_plugin_host_deactivate_all (self->plugins);
  phonesec_netd_host_shutdown (self->netd);
  if (self->core.connection != NULL)
    g_dbus_connection_flush_sync (self->core.connection, NULL, NULL);
  g_unlink (self->marker_path);
  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

static void
begin_stop (PhonesecDaemon *self, const char *why)
{
  if (self->stopping)
    return;
  self->stopping = TRUE;
  self->stop_started = g_get_monotonic_time ();
  if (self->restart)
    arm_restart_guard ();
  g_message ("Stopping: %s", why);
  phonesec_notify ("STOPPING=1");
  if (self->manager != NULL)
    phonesec_dbus_manager_set_state (self->manager, "stopping");
  g_timeout_add (10, finish_stop, self);
}

static gboolean
on_unix_signal (gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  /* A stop asked for while a restart is under way wins: the service
   * manager's SIGTERM must not be lost in the re-execution. */
  if (self->restart)
    g_message ("Stopping instead of restarting: signal received");
  self->restart = FALSE;
  begin_stop (user_data, "signal received");
  return G_SOURCE_CONTINUE;
}

/* --- Manager and Network methods --------------------------------------- */

static void
restart_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                     gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  if (!caller->admin)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
          _ ("Only the administrator can restart phonesecd"));
      return;
    }
  phonesec_dbus_manager_complete_restart (self->manager, invocation);
  self->restart = TRUE;
  begin_stop (self, "restart requested over D-Bus");
}

static gboolean
on_handle_restart (PhonesecDBusManager *manager, GDBusMethodInvocation *invocation, gpointer data)
{
  PhonesecDaemon *self = data;

  phonesec_callers_run (self->callers, invocation, restart_with_caller, self);
  return TRUE;
}

static void
enable_plugin_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                           gpointer user_data)
{
  PhonesecDaemon *self = user_data;
  const char *name = NULL;
  g_autoptr (GError) error = NULL;
  gboolean lifted = FALSE;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &name);
  if (!caller->admin)
    {
      g_autofree char *quoted = phonesec_quote_for_message (name, -1);

      g_dbus_method_invocation_return_error (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
          _ ("Only the administrator can re-enable plugin %s"), quoted);
      return;
    }
  if (!phonesec_plugin_host_enable (self->plugins, name, &lifted, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  if (lifted)
    {
      g_message ("Plugin %s: quarantine lifted by an administrator; loaded at the next start",
                 name);
      phonesec_dbus_manager_set_pending_restart (self->manager, TRUE);
    }
  phonesec_dbus_manager_complete_enable_plugin (self->manager, invocation);
}

/* Validate, return early when nothing changes, then ask who calls. */
static gboolean
on_handle_enable_plugin (PhonesecDBusManager *manager, GDBusMethodInvocation *invocation,
                         const char *name, gpointer data)
{
  PhonesecDaemon *self = data;
  g_autoptr (GError) error = NULL;

  if (!phonesec_plugin_host_check_name (self->plugins, name, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }
  if (!phonesec_plugin_host_is_quarantined (self->plugins, name))
    {
      phonesec_dbus_manager_complete_enable_plugin (manager, invocation);
      return TRUE;
    }
  phonesec_callers_run (self->callers, invocation, enable_plugin_with_caller, self);
  return TRUE;
}

static void
update_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                    gpointer user_data)
{
  PhonesecDaemon *self = user_data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr (GVariant) facts = g_variant_get_child_value (parameters, 0);
  g_autoptr (GError) error = NULL;

  if (!caller->admin)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
          _ ("Only the administrator (the phone's network "
             "scripts) can update network facts"));
      return;
    }
  if (!phonesec_network_update (self->core.network, facts, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
on_handle_update (PhonesecDBusNetwork *network, GDBusMethodInvocation *invocation, GVariant *facts,
                  gpointer data)
{
  PhonesecDaemon *self = data;

  phonesec_callers_run (self->callers, invocation, update_with_caller, self);
  return TRUE;
}

/* A service outside the daemon that acts on parameters, for as long as its
 * connection lives. */
typedef struct
{
  PhonesecDaemon *self;
  char *actor;
  guint watch_id;
} Declared;

static void
declared_free (gpointer data)
{
  Declared *declared = data;

  g_bus_unwatch_name (declared->watch_id);
  phonesec_actors_remove (declared->self->core.actors, declared->actor);
  g_free (declared->actor);
  g_free (declared);
}

static void
on_declared_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  g_hash_table_remove (self->declared_actors, name);
}

static gboolean
actor_name_is_valid (const char *name)
{
  if (name[0] == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static void
declare_actor_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                           gpointer user_data)
{
  PhonesecDaemon *self = user_data;
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  const char *name;
  g_autofree const char **patterns = NULL;
  Declared *declared;

  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s^a&s)", &name,
                 &patterns);
  if (!actor_name_is_valid (name) || sender == NULL)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
          _ ("name: letters, digits, '-', '_' and '.', at most 64"));
      return;
    }
  /* One declaration per connection: a new one replaces it. */
  g_hash_table_remove (self->declared_actors, sender);
  declared = g_new0 (Declared, 1);
  declared->self = self;
  declared->actor = g_strconcat ("service:", name, NULL);
  phonesec_actors_add (self->core.actors, declared->actor, patterns, NULL, NULL);
  declared->watch_id = g_bus_watch_name_on_connection (self->core.connection, sender,
                                                       G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                       on_declared_vanished, self, NULL);
  g_hash_table_insert (self->declared_actors, g_strdup (sender), declared);
  phonesec_dbus_manager_complete_declare_actor (self->manager, invocation);
}

static gboolean
on_handle_declare_actor (PhonesecDBusManager *manager, GDBusMethodInvocation *invocation,
                         const char *name, const char *const *parameters, gpointer data)
{
  PhonesecDaemon *self = data;

  phonesec_callers_run (self->callers, invocation, declare_actor_with_caller, self);
  return TRUE;
}

static void
get_objects_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                         gpointer user_data)
{
  PhonesecDaemon *self = user_data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr (GVariant) options = g_variant_get_child_value (parameters, 0);
  g_autoptr (GVariant) objects = NULL;
  g_autoptr (GError) error = NULL;
  GVariantIter iter;
  const char *key;
  PhonesecRole role;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    if (!g_str_equal (key, "access-level"))
      {
        g_dbus_method_invocation_return_error (invocation, PHONESEC_ERROR,
                                               PHONESEC_ERROR_INVALID_VALUE,
                                               _ ("option '%.40s' is not known here; allowed: "
                                                  "access-level"),
                                               key);
        return;
      }
  if (!phonesec_caller_resolve_role (caller, options, &role, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  objects = phonesec_bus_exporter_dup_objects (self->core.exporter, role, FALSE);
  phonesec_dbus_manager_complete_get_objects (self->manager, invocation, objects);
}

static void
subscribe_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                       gpointer user_data)
{
  /* Knowing the caller is what subscribes it (phonesec_callers_foreach). */
  phonesec_dbus_manager_complete_subscribe (PHONESEC_DBUS_MANAGER (user_data), invocation);
}

static gboolean
on_handle_subscribe (PhonesecDBusManager *manager, GDBusMethodInvocation *invocation, gpointer data)
{
  PhonesecDaemon *self = data;

  phonesec_callers_run (self->callers, invocation, subscribe_with_caller, self->manager);
  return TRUE;
}

static gboolean
on_handle_get_objects (PhonesecDBusManager *manager, GDBusMethodInvocation *invocation,
                       GVariant *options, gpointer data)
{
  PhonesecDaemon *self = data;

  phonesec_callers_run (self->callers, invocation, get_objects_with_caller, self);
  return TRUE;
}

/* --- bus ----------------------------------------------------------------- */

/* Start-up parsed the schema, the store, the factory profile and the CA
 * bundle (a peak of about 2 MiB on x86-64); their freed pages would stay
 * in the heap for good. A phone has little memory: give them back once
 * the start-up work queued so far has run. */
static gboolean
release_start_up_memory (gpointer data)
{
  malloc_trim (0);
  return G_SOURCE_REMOVE;
}

static void
plugins_activated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  phonesec_plugin_host_activate_finish (self->plugins, result);
  if (self->stopping)
    return;
  phonesec_upload_queue_start (self->core.upload_queue);
  phonesec_dbus_manager_set_state (self->manager, "running");
  phonesec_notify ("READY=1\nSTATUS=Serving the phone's security parameters");
  g_message ("phonesecd %s ready on the bus as %s", PACKAGE_VERSION, PHONESEC_DBUS_NAME);
  /* Ready for the first request, once everything else is. */
  phonesec_netd_host_start (self->netd);
  g_idle_add_full (G_PRIORITY_LOW, release_start_up_memory, NULL, NULL);
}

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  self->name_acquired = TRUE;
  /* Before any TLS client: the plugins activate next. */
  phonesec_tls_policy_load_trust (self->core.tls);
  phonesec_netd_host_trust_loaded (self->netd);
  update_warnings (self);
  phonesec_plugin_host_activate_async (self->plugins, plugins_activated, self);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  PhonesecDaemon *self = user_data;

  if (!self->name_acquired)
    {
      g_printerr (_ ("phonesecd: cannot own %s on the bus: another phonesecd is running, or the "
                     "bus policy refuses it\n"),
                  PHONESEC_DBUS_NAME);
      self->exit_status = 1;
      g_main_loop_quit (self->loop);
      return;
    }
  begin_stop (self, "lost the bus name");
}

static gboolean
export_objects (PhonesecDaemon *self, GError **error)
{
  GDBusConnection *connection = self->core.connection;
  PhonesecDBusNetwork *network_iface;
  g_auto (GStrv) paths = NULL;

  self->callers = phonesec_callers_new (connection, self->options.admin_group);
  self->core.callers = self->callers;

  self->core.exporter = phonesec_bus_exporter_new (connection, self->callers, self->core.store,
                                                   PHONESEC_DBUS_PATH, error);
  if (self->core.exporter == NULL)
    return FALSE;
  phonesec_plugin_host_export (self->plugins);

  self->manager = phonesec_dbus_manager_skeleton_new ();
  paths = phonesec_plugin_host_dup_object_paths (self->plugins);
  phonesec_dbus_manager_set_version (self->manager, PACKAGE_VERSION);
  phonesec_dbus_manager_set_plugins (self->manager, (const char *const *) paths);
  phonesec_dbus_manager_set_state (self->manager, "starting");
  phonesec_dbus_manager_set_pending_restart (self->manager, FALSE);
  phonesec_dbus_manager_set_previous_run_crashed (self->manager, self->core.previous_run_crashed);
  phonesec_dbus_manager_set_line_count (self->manager,
                                        phonesec_schema_get_line_count (self->core.schema));
  phonesec_dbus_manager_set_store_error (self->manager,
                                         self->store_error != NULL ? self->store_error : "");
  phonesec_netd_host_set_manager (self->netd, self->manager);
  phonesec_plugin_host_set_manager (self->plugins, self->manager);
  update_warnings (self);
  g_signal_connect (self->manager, "handle-restart", G_CALLBACK (on_handle_restart), self);
  g_signal_connect (self->manager, "handle-get-objects", G_CALLBACK (on_handle_get_objects), self);
  g_signal_connect (self->manager, "handle-subscribe", G_CALLBACK (on_handle_subscribe), self);
  g_signal_connect (self->manager, "handle-declare-actor", G_CALLBACK (on_handle_declare_actor),
                    self);
  g_signal_connect (self->manager, "handle-enable-plugin", G_CALLBACK (on_handle_enable_plugin),
                    self);
  if (!phonesec_bus_exporter_add (self->core.exporter, PHONESEC_DBUS_PATH,
                                  G_DBUS_INTERFACE_SKELETON (self->manager), NULL, error))
    return FALSE;

  network_iface = PHONESEC_DBUS_NETWORK (phonesec_network_get_skeleton (self->core.network));
  g_signal_connect (network_iface, "handle-update", G_CALLBACK (on_handle_update), self);
  if (!phonesec_bus_exporter_add (self->core.exporter, PHONESEC_DBUS_PATH,
                                  G_DBUS_INTERFACE_SKELETON (network_iface), NULL, error))
    return FALSE;

  self->config_service = phonesec_dbus_config_service_new (
      connection, self->core.store, self->callers, self->core.exporter, self->core.actors, error);
  if (self->config_service == NULL)
    return FALSE;
  self->tls_service = phonesec_dbus_tls_service_new (self->core.exporter, self->core.tls,
                                                     self->core.http_client, self->callers, error);
  if (self->tls_service == NULL)
    return FALSE;
  return TRUE;
}

static void
first_boot_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDaemon *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) skipped = NULL;

  if (!phonesec_config_store_commit_finish (PHONESEC_CONFIG_STORE (source), result, NULL, &skipped,
                                            &error))
    g_warning ("The factory profile could not be applied: %s", error->message);
  else if (g_hash_table_size (skipped) > 0)
    g_warning ("The factory profile skipped %u entries", g_hash_table_size (skipped));
  own_name (self);
}

static void
own_name (PhonesecDaemon *self)
{
  self->name_id = g_bus_own_name_on_connection (self->core.connection, PHONESEC_DBUS_NAME,
                                                G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                                on_name_acquired, on_name_lost, self, NULL);
}

/* The factory cfg.xml is applied once, when no configuration was stored,
 * before the name is owned: no client ever sees the unconfigured phone.
 * Returns FALSE when there is nothing to apply. */
static gboolean
apply_factory_profile (PhonesecDaemon *self)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;
  PhonesecTransaction *txn;

  if (!self->first_boot || self->options.factory_profile == NULL)
    return FALSE;
  if (!g_file_get_contents (self->options.factory_profile, &text, NULL, &error)
      || (profile = phonesec_profile_parse (text, -1, &error)) == NULL)
    {
      g_warning ("Factory profile %s not applied: %s", self->options.factory_profile,
                 error->message);
      return FALSE;
    }
  txn = phonesec_transaction_new (PHONESEC_ROLE_ADMIN);
  phonesec_transaction_set_strict (txn, FALSE);
  phonesec_transaction_set_source (txn, "factory profile");
  for (guint i = 0; i < profile->entries->len; i++)
    {
      PhonesecProfileEntry *entry = profile->entries->pdata[i];
      phonesec_transaction_add_value (txn, entry->name, g_variant_new_string (entry->value),
                                      entry->ua);
    }
  phonesec_config_store_commit_async (self->core.store, txn, NULL, first_boot_done, self);
  return TRUE;
}

int
phonesec_daemon_run (PhonesecDaemon *self, gboolean *out_restart)
{
  g_autoptr (GError) error = NULL;
  guint sigterm_id, sigint_id;

  self->loop = g_main_loop_new (NULL, FALSE);

  self->core.connection = phonesec_bus_connect (self->options.bus, &error);
  if (self->core.connection == NULL)
    {
      g_printerr (_ ("phonesecd: cannot connect to the %s bus: %s\n"), self->options.bus,
                  error->message);
      return 1;
    }
  g_dbus_connection_set_exit_on_close (self->core.connection, FALSE);
  g_dbus_connection_add_filter (self->core.connection, count_method_calls,
                                g_object_ref (self->core.metrics), g_object_unref);
  if (!export_objects (self, &error))
    {
      g_printerr (_ ("phonesecd: cannot export objects: %s\n"), error->message);
      return 1;
    }

  sigterm_id = g_unix_signal_add (SIGTERM, on_unix_signal, self);
  sigint_id = g_unix_signal_add (SIGINT, on_unix_signal, self);
  /* A re-executed image starts with them blocked: one that arrived during
   * the restart is delivered now. */
  stop_signals_mask (SIG_UNBLOCK);
  if (!apply_factory_profile (self))
    own_name (self);
  g_main_loop_run (self->loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  /* Removing GLib's last sources puts the default handlers back. */
  if (self->restart)
    arm_restart_guard ();
  if (self->name_id != 0)
    g_bus_unown_name (self->name_id);
  if (self->exit_status == 0 && self->core.connection != NULL)
    g_dbus_connection_flush_sync (self->core.connection, NULL, NULL);
  *out_restart = self->restart;
  return self->exit_status;
}

void
phonesec_daemon_free (PhonesecDaemon *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->config_service, phonesec_dbus_config_service_free);
  g_clear_pointer (&self->tls_service, phonesec_dbus_tls_service_free);
  g_clear_object (&self->plugins);
  /* Unregisters every object (Manager and Network included). */
  g_clear_object (&self->core.exporter);
  g_clear_object (&self->manager);
  self->core.callers = NULL;
  g_clear_object (&self->callers);
  g_clear_object (&self->core.upload_queue);
  g_clear_object (&self->core.store);
  self->core.http_client = NULL;
  g_clear_pointer (&self->netd, phonesec_netd_host_free);
  g_clear_object (&self->core.metrics);
  g_clear_object (&self->core.crash_log);
  g_free (self->core.log_path);
  g_clear_object (&self->core.proxy_slot);
  g_clear_object (&self->core.network);
  g_clear_object (&self->core.tls);
  g_clear_object (&self->core.device);
  g_clear_object (&self->core.connection);
  g_clear_pointer (&self->declared_actors, g_hash_table_unref);
  g_clear_pointer (&self->core.actors, phonesec_actors_free);
  g_clear_pointer (&self->core.schema, phonesec_schema_free);
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_free (self->core.state_dir);
  g_free (self->store_error);
  g_clear_pointer (&self->start_warnings, g_ptr_array_unref);
  g_free (self->crash_record);
  g_free (self->marker_path);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self);
}
