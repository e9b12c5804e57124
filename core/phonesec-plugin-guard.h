/* phonesec-plugin-guard.h: which plugin's code the daemon is running.
 *
 * Before each call into plugin code the host sets a marker (the plugin and
 * the entry point) and puts the previous one back after it: a few plain
 * stores, cheap enough for every config_changed(). The fatal-signal handler
 * and the exit hook read it to name the plugin in the crash record, and the
 * watchdog reads it to name a plugin that holds the main loop.
 *
 * Code a plugin runs from its own sources (timeouts, GTask callbacks, signal
 * handlers, threads) carries no marker: a crash there is attributed by code
 * address instead, the faulting instruction and the backtrace's frames
 * against the address ranges recorded when each module was loaded.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/stat.h>

G_BEGIN_DECLS

/* The calls the host makes into a plugin. */
typedef enum
{
  PHONESEC_GUARD_LOAD, /* module constructors, its entry point, class init */
  PHONESEC_GUARD_ACTIVATE,
  PHONESEC_GUARD_DEACTIVATE,
  PHONESEC_GUARD_CONFIG_CHANGED,
  PHONESEC_GUARD_DBUS_METHOD, /* a method of an interface it exported */
  PHONESEC_GUARD_DISPOSE,     /* the last reference to its plugin object */
  PHONESEC_GUARD_N_ENTRIES
} PhonesecGuardEntry;

typedef struct _PhonesecPluginGuard PhonesecPluginGuard;

/* One entry point of one plugin: what the marker points at. */
typedef struct
{
  const PhonesecPluginGuard *guard;
  PhonesecGuardEntry entry;
} PhonesecGuardCall;

/* One per plugin name, never freed (the modules are resident). */
struct _PhonesecPluginGuard
{
  char *name;
  PhonesecGuardCall calls[PHONESEC_GUARD_N_ENTRIES];
  /* The module file as it was opened (its identity for the quarantine) and
   * where it is mapped; set before its code first runs. */
  guint64 file_dev;
  guint64 file_ino;
  guint64 file_size;
  gint64 file_mtime_ns;
  guintptr map_start;
  guintptr map_end;
};

/* Written by the main thread only; read by the crash handler (same thread)
 * and the watchdog (another thread, which tolerates a torn pair). */
typedef struct
{
  const PhonesecGuardCall *call; /* NULL while core code runs */
  guint serial;                  /* +1 per call: the watchdog tells two calls apart */
  /* With PHONESEC_GUARD_DBUS_METHOD: the interface and method, from the
   * skeleton's (static) introspection data. */
  const char *interface_name;
  const char *method_name;
} PhonesecGuardMarker;

extern PhonesecGuardMarker phonesec_guard_marker G_GNUC_INTERNAL;

/* Call once, from the main thread, before any plugin is loaded. */
void phonesec_plugin_guard_init (void);

/* The guard of plugin @name, created on first use. */
PhonesecPluginGuard *phonesec_plugin_guard_get (const char *name);

/* The module file being loaded (from fstat of the descriptor loaded). */
void phonesec_plugin_guard_set_file (PhonesecPluginGuard *guard, const struct stat *st);

/* Records the address range of the loaded module that holds @symbol. */
void phonesec_plugin_guard_set_module (PhonesecPluginGuard *guard, gconstpointer symbol);

/* Marks @guard's @entry as running; returns the marker to put back. Main
 * thread only. */
static inline const PhonesecGuardCall *
phonesec_plugin_guard_enter (const PhonesecPluginGuard *guard, PhonesecGuardEntry entry)
{
  const PhonesecGuardCall *outer = phonesec_guard_marker.call;

  __atomic_store_n (&phonesec_guard_marker.serial, phonesec_guard_marker.serial + 1,
                    __ATOMIC_RELAXED);
  __atomic_store_n (&phonesec_guard_marker.call, &guard->calls[entry], __ATOMIC_RELAXED);
  return outer;
}

static inline void
phonesec_plugin_guard_leave (const PhonesecGuardCall *outer)
{
  __atomic_store_n (&phonesec_guard_marker.call, outer, __ATOMIC_RELAXED);
}

/* "config_changed", "dbus-method"...: the names crash records use. */
const char *phonesec_plugin_guard_entry_name (PhonesecGuardEntry entry);

/* Method calls to @skeleton (a plugin's interface) run under @guard's
 * PHONESEC_GUARD_DBUS_METHOD marker. Main thread. */
void phonesec_plugin_guard_watch_skeleton (PhonesecPluginGuard *guard,
                                           GDBusInterfaceSkeleton *skeleton);

/* What a crash handler found out: a plugin, and how. */
typedef struct
{
  const PhonesecPluginGuard *guard; /* NULL: no plugin code was involved */
  const char *entry;                /* an entry name, "callback" or "thread" */
  const char *interface_name;       /* with "dbus-method" */
  const char *method_name;
  gboolean by_address;
} PhonesecGuardBlame;

/* Async-signal-safe. Blames the plugin whose module holds @pc or, failing
 * that, the innermost of @frames; else the marked plugin (main thread
 * only). Returns whether a plugin was blamed. */
gboolean phonesec_plugin_guard_blame (gconstpointer pc, void *const *frames, int depth,
                                      PhonesecGuardBlame *blame);

/* Async-signal-safe: writes @blame as crash record lines (plugin=,
 * entry=, method=, attributed-by=, module-*=). */
void phonesec_plugin_guard_write_blame (int fd, const PhonesecGuardBlame *blame);

G_END_DECLS
