/* phonesec-plugin-guard.c: the marker, the module ranges, and who to blame.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dl_iterate_phdr */
#endif
#include <link.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "phonesec-crash-record.h"
#include "phonesec-plugin-guard.h"

/* Address attribution looks at this many modules; more still get markers. */
#define MAX_GUARDS 128

PhonesecGuardMarker phonesec_guard_marker;

static const char *const entry_names[PHONESEC_GUARD_N_ENTRIES] = {
  [PHONESEC_GUARD_LOAD] = "load",
  [PHONESEC_GUARD_ACTIVATE] = "activate",
  [PHONESEC_GUARD_DEACTIVATE] = "deactivate",
  [PHONESEC_GUARD_CONFIG_CHANGED] = "config_changed",
  [PHONESEC_GUARD_DBUS_METHOD] = "dbus-method",
  [PHONESEC_GUARD_DISPOSE] = "dispose",
};

/* Filled by the main thread; the count is published after the entry, so a
 * signal handler (any thread) only reads complete entries. */
static PhonesecPluginGuard *guards[MAX_GUARDS];
static int n_guards;
static pid_t main_tid;
static GThread *main_thread;

void
phonesec_plugin_guard_init (void)
{
  main_tid = (pid_t) syscall (SYS_gettid);
  main_thread = g_thread_self ();
}

const char *
phonesec_plugin_guard_entry_name (PhonesecGuardEntry entry)
{
  g_return_val_if_fail (entry < PHONESEC_GUARD_N_ENTRIES, "");
  return entry_names[entry];
}

PhonesecPluginGuard *
phonesec_plugin_guard_get (const char *name)
{
  PhonesecPluginGuard *guard;
  int n = __atomic_load_n (&n_guards, __ATOMIC_ACQUIRE);

  for (int i = 0; i < n; i++)
    if (g_str_equal (guards[i]->name, name))
      return guards[i];
  guard = g_new0 (PhonesecPluginGuard, 1);
  guard->name = g_strdup (name);
  for (guint e = 0; e < PHONESEC_GUARD_N_ENTRIES; e++)
    {
      guard->calls[e].guard = guard;
      guard->calls[e].entry = e;
    }
  if (n < MAX_GUARDS)
    {
      guards[n] = guard;
      __atomic_store_n (&n_guards, n + 1, __ATOMIC_RELEASE);
    }
  else
    g_warning ("More than %d plugins: a crash in plugin %s is named only within its entry points",
               MAX_GUARDS, name);
  return guard;
}

void
phonesec_plugin_guard_set_file (PhonesecPluginGuard *guard, const struct stat *st)
{
  guard->file_dev = (guint64) st->st_dev;
  guard->file_ino = (guint64) st->st_ino;
  guard->file_size = (guint64) st->st_size;
  guard->file_mtime_ns
      = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

typedef struct
{
  guintptr address;
  guintptr start;
  guintptr end;
} RangeSearch;

/* The span of the PT_LOAD segments of the object that holds the address. */
static int
find_object (struct dl_phdr_info *info, size_t size, void *data)
{
  RangeSearch *search = data;
  guintptr start = G_MAXSIZE, end = 0;
  gboolean holds = FALSE;

  for (int i = 0; i < info->dlpi_phnum; i++)
    {
      const ElfW (Phdr) *segment = &info->dlpi_phdr[i];
      guintptr from, to;

      if (segment->p_type != PT_LOAD)
        continue;
      from = info->dlpi_addr + segment->p_vaddr;
      to = from + segment->p_memsz;
      start = MIN (start, from);
      end = MAX (end, to);
      holds |= search->address >= from && search->address < to;
    }
  if (!holds)
    return 0;
  search->start = start;
  search->end = end;
  return 1;
}

void
phonesec_plugin_guard_set_module (PhonesecPluginGuard *guard, gconstpointer symbol)
{
  RangeSearch search = { .address = GPOINTER_TO_SIZE (symbol) };

  if (dl_iterate_phdr (find_object, &search) == 0)
    {
      g_warning ("Plugin %s: its module was not found among the loaded objects", guard->name);
      return;
    }
  guard->map_start = search.start;
  __atomic_store_n (&guard->map_end, search.end, __ATOMIC_RELEASE);
}

/* --- D-Bus methods ------------------------------------------------------- */

/* A skeleton class whose method calls are guarded: its own vtable, with
 * method_call replaced. GDBusInterfaceSkeleton asks the class for its
 * vtable at every call, so replacing get_vtable takes effect even for a
 * skeleton already exported. Kept for good, with the (resident) class. */
typedef struct
{
  GDBusInterfaceVTable vtable;
  GDBusInterfaceMethodCallFunc method_call;
} GuardedClass;

static GQuark
guarded_class_quark (void)
{
  return g_quark_from_static_string ("phonesec-guarded-class");
}

static GQuark
skeleton_guard_quark (void)
{
  return g_quark_from_static_string ("phonesec-plugin-guard");
}

/* A subclass initialised after its parent was patched inherits the patch,
 * not the qdata: look up the chain. */
static GuardedClass *
guarded_class_of (gpointer skeleton)
{
  for (GType type = G_TYPE_FROM_INSTANCE (skeleton); type != 0; type = g_type_parent (type))
    {
      GuardedClass *guarded = g_type_get_qdata (type, guarded_class_quark ());

      if (guarded != NULL)
        return guarded;
    }
  g_assert_not_reached ();
}

static GDBusInterfaceVTable *
guarded_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  return &guarded_class_of (skeleton)->vtable;
}

static void
guarded_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                     const char *interface_name, const char *method_name, GVariant *parameters,
                     GDBusMethodInvocation *invocation, gpointer user_data)
{
  GuardedClass *guarded = guarded_class_of (user_data);
  PhonesecPluginGuard *guard = g_object_get_qdata (user_data, skeleton_guard_quark ());
  const GDBusMethodInfo *method;
  const PhonesecGuardCall *outer;

  /* A skeleton flagged to handle calls in a thread: no marker there (the
   * address still names the plugin). */
  if (guard == NULL || g_thread_self () != main_thread)
    {
      guarded->method_call (connection, sender, object_path, interface_name, method_name,
                            parameters, invocation, user_data);
      return;
    }
  method = g_dbus_method_invocation_get_method_info (invocation);
  phonesec_guard_marker.interface_name
      = g_dbus_interface_skeleton_get_info (G_DBUS_INTERFACE_SKELETON (user_data))->name;
  phonesec_guard_marker.method_name = method != NULL ? method->name : NULL;
  outer = phonesec_plugin_guard_enter (guard, PHONESEC_GUARD_DBUS_METHOD);
  guarded->method_call (connection, sender, object_path, interface_name, method_name, parameters,
                        invocation, user_data);
  phonesec_plugin_guard_leave (outer);
}

void
phonesec_plugin_guard_watch_skeleton (PhonesecPluginGuard *guard, GDBusInterfaceSkeleton *skeleton)
{
  GDBusInterfaceSkeletonClass *klass = G_DBUS_INTERFACE_SKELETON_GET_CLASS (skeleton);
  GuardedClass *guarded;

  g_object_set_qdata (G_OBJECT (skeleton), skeleton_guard_quark (), guard);
  if (klass->get_vtable == guarded_get_vtable)
    return;
  guarded = g_new0 (GuardedClass, 1);
  guarded->vtable = *klass->get_vtable (skeleton);
  guarded->method_call = guarded->vtable.method_call;
  guarded->vtable.method_call = guarded_method_call;
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), guarded_class_quark (), guarded);
  klass->get_vtable = guarded_get_vtable;
}

/* --- blame: async-signal-safe from here on -------------------------------- */

static const PhonesecPluginGuard *
guard_at (gconstpointer address)
{
  guintptr at = GPOINTER_TO_SIZE (address);
  int n = __atomic_load_n (&n_guards, __ATOMIC_ACQUIRE);

  for (int i = 0; i < n; i++)
    {
      const PhonesecPluginGuard *guard = guards[i];
      guintptr end = __atomic_load_n (&guard->map_end, __ATOMIC_ACQUIRE);

      if (at >= guard->map_start && at < end)
        return guard;
    }
  return NULL;
}

gboolean
phonesec_plugin_guard_blame (gconstpointer pc, void *const *frames, int depth,
                             PhonesecGuardBlame *blame)
{
  gboolean on_main = main_tid != 0 && (pid_t) syscall (SYS_gettid) == main_tid;
  const PhonesecGuardCall *call
      = on_main ? __atomic_load_n (&phonesec_guard_marker.call, __ATOMIC_RELAXED) : NULL;
  const PhonesecPluginGuard *owner = pc != NULL ? guard_at (pc) : NULL;

  memset (blame, 0, sizeof *blame);
  /* The innermost plugin frame: plugin code that called abort(), or
   * called into GLib with a bad pointer, is that plugin's fault. */
  for (int i = 0; owner == NULL && i < depth; i++)
    owner = guard_at (frames[i]);
  if (call != NULL && (owner == NULL || owner == call->guard))
    {
      blame->guard = call->guard;
      blame->entry = entry_names[call->entry];
      if (call->entry == PHONESEC_GUARD_DBUS_METHOD)
        {
          blame->interface_name = phonesec_guard_marker.interface_name;
          blame->method_name = phonesec_guard_marker.method_name;
        }
      return TRUE;
    }
  if (owner == NULL)
    return FALSE;
  /* Its own code, not called through an entry point: a source it attached,
   * a signal it connected, a thread it started. */
  blame->guard = owner;
  blame->entry = on_main ? "callback" : "thread";
  blame->by_address = TRUE;
  return TRUE;
}

void
phonesec_plugin_guard_write_blame (int fd, const PhonesecGuardBlame *blame)
{
  const PhonesecPluginGuard *guard = blame->guard;

  if (guard == NULL)
    return;
  phonesec_crash_record_write_field (fd, "plugin", guard->name);
  phonesec_crash_record_write_field (fd, "entry", blame->entry);
  if (blame->interface_name != NULL && blame->method_name != NULL)
    {
      const char *pieces[] = { "method=", blame->interface_name, ".", blame->method_name, "\n" };

      for (guint i = 0; i < G_N_ELEMENTS (pieces); i++)
        if (write (fd, pieces[i], strlen (pieces[i])) < 0)
          return;
    }
  phonesec_crash_record_write_field (fd, "attributed-by", blame->by_address ? "address" : "marker");
  phonesec_crash_record_write_number (fd, "module-dev", (gint64) guard->file_dev);
  phonesec_crash_record_write_number (fd, "module-ino", (gint64) guard->file_ino);
  phonesec_crash_record_write_number (fd, "module-size", (gint64) guard->file_size);
  phonesec_crash_record_write_number (fd, "module-mtime-ns", guard->file_mtime_ns);
}
