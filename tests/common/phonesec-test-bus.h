/* phonesec-test-bus.h: a private dbus-daemon and a real phonesecd for tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-dbus-names.h>

G_BEGIN_DECLS

typedef struct
{
  char *tmpdir;     /* 0755, removed at the end */
  char *state_dir;  /* tmpdir/state */
  char *plugin_dir; /* tmpdir/plugins (empty unless the test fills it) */
  char *address;    /* the bus address */
  GSubprocess *bus;
  GSubprocess *daemon;
  GDBusConnection *connection; /* root's connection to the bus */
  GPtrArray *extra_args;       /* more phonesecd arguments (char*) */
  char *log_path;              /* daemon stdout+stderr */
} PhonesecTestBus;

/* Starts dbus-daemon (tests/data/bus.conf from the build env) in a new temp
 * folder. Paths come from the environment meson sets: PHONESECD,
 * PHONESEC_SCHEMA_DIR, PHONESEC_BUS_CONF. */
PhonesecTestBus *phonesec_test_bus_new (void);

/* Starts phonesecd with --bus, --state-dir, --schema-dir, --plugin-dir and
 * the extra args; waits until it is running (phonesec_test_bus_wait_running). */
void phonesec_test_bus_start_daemon (PhonesecTestBus *self);
/* Starts phonesecd the same way without waiting for anything: for a
 * daemon expected to die on its way up. */
void phonesec_test_bus_spawn_daemon (PhonesecTestBus *self);
/* Waits until Manager.State is running, e.g. after a Manager.Restart (20 s
 * max, 120 s under PHONESEC_DAEMON_WRAPPER); fails the test if the daemon
 * ends first. */
void phonesec_test_bus_wait_running (PhonesecTestBus *self);
/* Waits until phonesecd has ended on its own (at most @seconds, then the
 * test fails) and its bus name is gone; returns its wait status (see
 * g_subprocess_get_status) and forgets it, ready for a new start. */
int phonesec_test_bus_wait_daemon_death (PhonesecTestBus *self, guint seconds);
/* SIGTERM and wait; asserts a clean exit (status 0). */
void phonesec_test_bus_stop_daemon (PhonesecTestBus *self);
/* SIGKILL and wait. */
void phonesec_test_bus_kill_daemon (PhonesecTestBus *self);

void phonesec_test_bus_free (PhonesecTestBus *self);

/* The fixture of a test that needs one phonesecd on a private bus and
 * nothing else: g_test_add (path, PhonesecTestDaemon, NULL,
 * phonesec_test_daemon_setup, test, phonesec_test_daemon_teardown). */
typedef struct
{
  PhonesecTestBus *bus;
} PhonesecTestDaemon;

void phonesec_test_daemon_setup (PhonesecTestDaemon *f, gconstpointer data);
void phonesec_test_daemon_teardown (PhonesecTestDaemon *f, gconstpointer data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTestBus, phonesec_test_bus_free)

/* Calls a method on the root object; returns the reply or NULL with @error. */
GVariant *phonesec_test_call (PhonesecTestBus *self, const char *interface, const char *method,
                              GVariant *args, GError **error);
/* Shortcuts for the Config interface. */
GVariant *phonesec_test_get (PhonesecTestBus *self, const char *name); /* the value, asserts OK */
/* The value of a string parameter (asserts it is one), and Config.Generation. */
char *phonesec_test_dup_string (PhonesecTestBus *self, const char *name);
guint64 phonesec_test_get_generation (PhonesecTestBus *self);
/* Config.Describe's acted-on-by of parameter @name (asserts that its
 * "active" agrees: true exactly when something acts on it). */
GStrv phonesec_test_dup_acted_on_by (PhonesecTestBus *self, const char *name);
guint64 phonesec_test_apply (PhonesecTestBus *self, GVariant *values_asv, GVariant *options_asv,
                             GError **error); /* G_MAXUINT64 on error */
/* Apply of NAME=STRING pairs (NULL-terminated) with no options. */
guint64 phonesec_test_apply_strings (PhonesecTestBus *self, GError **error,
                                     ...) G_GNUC_NULL_TERMINATED;

/* Runs phonesec-test-client as uid/gid 65534 with no groups (setpriv):
 * `client ADDRESS INTERFACE METHOD ARGS_TEXT`; returns its stdout
 * ("OK <reply>" or "ERROR <name> <message>"). */
char *phonesec_test_call_as_nobody (PhonesecTestBus *self, const char *interface,
                                    const char *method, const char *args_text);
/* Same, with supplementary groups (setpriv --groups=@groups, e.g. "50"). */
char *phonesec_test_call_as_nobody_in (PhonesecTestBus *self, const char *groups,
                                       const char *interface, const char *method,
                                       const char *args_text);

/* Same, on the object at @path. */
char *phonesec_test_call_as_nobody_at (PhonesecTestBus *self, const char *groups, const char *path,
                                       const char *interface, const char *method,
                                       const char *args_text);

/* Moves the calling thread, and so the bus, the daemon and every program
 * it starts from now on, into a network namespace of its own (loopback
 * up). For tests and benchmarks that run as root with the firewall plugin:
 * its rules would otherwise filter the machine's own traffic, and stay
 * after the test. Fails the test when it cannot. */
void phonesec_test_enter_private_network (void);

/* The gid of system group @name, created (groupadd --system) when it does
 * not exist yet, as the package's sysusers.d entry would at install time:
 * for the service groups of org.phonesec.Access "group:NAME" (the daemon
 * resolves them when it starts). */
guint32 phonesec_test_ensure_group (const char *name);

/* Removes a folder and everything in it (test scratch only). */
void phonesec_test_rm_rf (const char *path);

/* Copies a built plugin (its .so, .plugin and .schema files, 0644 as the
 * loader wants) from the build folder named by the environment variable
 * @env_name (meson test sets it) into the test's plugin folder. Aborts the
 * test when the variable is unset or the folder holds no complete plugin. */
void phonesec_test_bus_add_plugin (PhonesecTestBus *self, const char *env_name);
/* The same for the one plugin NAME (NAME.so, NAME.plugin, NAME.schema) of
 * a folder holding several. */
void phonesec_test_bus_add_plugin_named (PhonesecTestBus *self, const char *env_name,
                                         const char *name);

/* Properties.Get of @name on @interface at @path of phonesecd; asserts the
 * call succeeds. _dup_string also asserts the value is a string. */
GVariant *phonesec_test_get_property (PhonesecTestBus *self, const char *path,
                                      const char *interface, const char *name);
char *phonesec_test_dup_string_property (PhonesecTestBus *self, const char *path,
                                         const char *interface, const char *name);

/* The daemon's log so far. */
char *phonesec_test_bus_dup_log (PhonesecTestBus *self);

/* Waits (iterating the default main context) until @cond is true or @ms
 * elapsed; returns the condition. */
gboolean phonesec_test_wait_until (gboolean (*cond) (gpointer), gpointer data, guint ms);
/* The same until the file at @path holds @needle. */
gboolean phonesec_test_wait_file_contains (const char *path, const char *needle, guint ms);

/* phonesec-test-probe as uid 65534 with supplementary @groups
 * (setpriv --groups, NULL: none) on the fixture's bus, recording every
 * signal phonesecd sends it into @out (created 0666); returns once it has
 * subscribed. Stop it with g_subprocess_force_exit(). */
GSubprocess *phonesec_test_start_probe_as_nobody (PhonesecTestBus *self, const char *groups,
                                                  const char *out);

G_END_DECLS
