/* phonesec-plugin-host.c: a plugin that fails leaves the daemon running.
 *
 * Every plugin found gets an object on the bus, whatever happens to it, so
 * `busctl tree` shows what is installed and why something is not running.
 * One that crashes the whole process is named by the crash record (see
 * phonesec-plugin-guard.h) and kept out at the next start (quarantine).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec/phonesec-dbus-names.h"
#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-log.h"
#include "phonesec-context-private.h"
#include "phonesec-plugin-guard.h"
#include "phonesec-plugin-host.h"
#include "phonesec-plugin-loader.h"
#include "phonesec-plugin-quarantine.h"
#include "phonesec-plugin-watchdog.h"

#define ACTIVATE_TIMEOUT_SECONDS 30
#define QUARANTINE_FILE "plugin-quarantine.ini"
#define BLOCK_THRESHOLD_MS 1000

typedef struct
{
  PhonesecPluginInfo *info;
  char *path; /* plugins add interfaces of their own on it */
  PhonesecDBusPlugin *iface;
  PhonesecPlugin *plugin;     /* NULL unless loaded */
  PhonesecContext *context;   /* NULL unless activated or activating */
  PhonesecMetrics *metrics;   /* the core's */
  PhonesecPluginGuard *guard; /* NULL until its module is loaded */
  gboolean to_load;           /* its module is loaded when its turn to activate comes */
  gboolean active;
} Entry;

struct _PhonesecPluginHost
{
  GObject parent_instance;
  PhonesecCore *core;
  GPtrArray *allow; /* of GPatternSpec*, empty = all */
  GPtrArray *deny;
  GPtrArray *entries;     /* of Entry*, in activation order after discover */
  GPtrArray *refused;     /* of Entry*: files whose Name another file already provides */
  guint activate_timeout; /* seconds */
  PhonesecPluginQuarantine *quarantine; /* NULL until discover */
  PhonesecPluginWatchdog *watchdog;     /* from discover on */
  char *crash_record;                   /* the previous run's, until discover */
  PhonesecDBusManager *manager;         /* shows the blocking plugins; NULL until set */
};

G_DEFINE_FINAL_TYPE (PhonesecPluginHost, phonesec_plugin_host, G_TYPE_OBJECT)

/* Dropping the plugin object runs its dispose and finalize: plugin code. */
static void
entry_release_plugin (Entry *entry)
{
  PhonesecPlugin *plugin = g_steal_pointer (&entry->plugin);
  const PhonesecGuardCall *outer;

  if (plugin == NULL)
    return;
  outer = phonesec_plugin_guard_enter (entry->guard, PHONESEC_GUARD_DISPOSE);
  g_object_unref (plugin);
  phonesec_plugin_guard_leave (outer);
}

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->context);
  entry_release_plugin (entry);
  g_clear_object (&entry->iface);
  g_free (entry->path);
  phonesec_plugin_info_free (entry->info);
  g_free (entry);
}

static void
phonesec_plugin_host_finalize (GObject *object)
{
  PhonesecPluginHost *self = PHONESEC_PLUGIN_HOST (object);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];
      g_autofree char *actor_name = g_strconcat ("plugin:", entry->info->name, NULL);

      phonesec_actors_remove (self->core->actors, actor_name);
    }
  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->refused);
  /* First: its reports refer to the entries. */
  g_clear_pointer (&self->watchdog, phonesec_plugin_watchdog_free);
  g_clear_pointer (&self->quarantine, phonesec_plugin_quarantine_free);
  g_free (self->crash_record);
  g_clear_object (&self->manager);
  g_ptr_array_unref (self->allow);
  g_ptr_array_unref (self->deny);
  G_OBJECT_CLASS (phonesec_plugin_host_parent_class)->finalize (object);
}

static void
phonesec_plugin_host_class_init (PhonesecPluginHostClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_plugin_host_finalize;
}

static void
phonesec_plugin_host_init (PhonesecPluginHost *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->refused = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  self->allow = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
  self->deny = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
}

static void
add_globs (GPtrArray *into, const char *list)
{
  g_auto (GStrv) parts = NULL;

  if (list == NULL)
    return;
  parts = g_strsplit (list, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        g_ptr_array_add (into, g_pattern_spec_new (parts[i]));
    }
}

PhonesecPluginHost *
phonesec_plugin_host_new (PhonesecCore *core, const char *allow, const char *deny)
{
  PhonesecPluginHost *self = g_object_new (PHONESEC_TYPE_PLUGIN_HOST, NULL);

  self->core = core;
  self->activate_timeout = ACTIVATE_TIMEOUT_SECONDS;
  add_globs (self->allow, allow);
  add_globs (self->deny, deny);
  return self;
}

static gboolean
matches_any (GPtrArray *globs, const char *name)
{
  for (guint i = 0; i < globs->len; i++)
    if (g_pattern_spec_match_string (globs->pdata[i], name))
      return TRUE;
  return FALSE;
}

static Entry *
find_entry (PhonesecPluginHost *self, const char *name)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];

      if (g_str_equal (entry->info->name, name))
        return entry;
    }
  return NULL;
}

static void
set_state (Entry *entry, const char *state, const char *error)
{
  /* A number per state, for metrics: loaded 0, active 1, error 2, disabled 3. */
  static const char *const states[] = { "loaded", "active", "error", "disabled", NULL };
  g_autofree char *metric = g_strdup_printf ("core.plugins.%s.state", entry->info->name);

  gint64 code = -1;

  for (gint64 i = 0; states[i] != NULL; i++)
    if (g_str_equal (states[i], state))
      code = i;
  if (entry->metrics != NULL)
    phonesec_metrics_gauge_set (entry->metrics, metric, code);
  phonesec_dbus_plugin_set_state (entry->iface, state);
  phonesec_dbus_plugin_set_error (entry->iface, error != NULL ? error : "");
  if (error != NULL)
    phonesec_log_event (PHONESEC_MESSAGE_ID_PLUGIN_STATE, G_LOG_LEVEL_WARNING, "Plugin %s: %s (%s)",
                        entry->info->name, state, error);
  else
    phonesec_log_event (PHONESEC_MESSAGE_ID_PLUGIN_STATE, G_LOG_LEVEL_INFO, "Plugin %s: %s",
                        entry->info->name, state);
}

static Entry *
entry_new (PhonesecPluginInfo *info, PhonesecMetrics *metrics, const char *path)
{
  Entry *entry = g_new0 (Entry, 1);
  const char *none[] = { NULL };

  entry->info = info;
  entry->metrics = metrics;
  entry->path = g_strdup (path);
  entry->iface = phonesec_dbus_plugin_skeleton_new ();
  phonesec_dbus_plugin_set_name (entry->iface, info->name);
  phonesec_dbus_plugin_set_description (entry->iface, info->description);
  phonesec_dbus_plugin_set_version (entry->iface, info->version);
  phonesec_dbus_plugin_set_depends (entry->iface, (const char *const *) info->depends);
  phonesec_dbus_plugin_set_parameters (entry->iface, none);
  phonesec_dbus_plugin_set_longest_block (entry->iface,
                                          g_variant_new ("(sut)", "", 0, (guint64) 0));
  phonesec_dbus_plugin_set_error (entry->iface, "");
  phonesec_dbus_plugin_set_state (entry->iface, "loaded");
  return entry;
}

/* A plugin acts on what it watches while it runs: not after a failed
 * activation, nor while it shows a runtime error. */
static gboolean
entry_is_acting (gpointer data)
{
  Entry *entry = data;

  return entry->active && g_strcmp0 (phonesec_dbus_plugin_get_state (entry->iface), "error") != 0;
}

static char *
plugin_object_path (const char *name)
{
  g_autofree char *path_name = g_strdelimit (g_strdup (name), "-", '_');

  return g_strconcat (PHONESEC_DBUS_PLUGINS_PATH "/", path_name, NULL);
}

static gboolean
path_taken (GPtrArray *entries, const char *path)
{
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = entries->pdata[i];

      if (g_str_equal (entry->path, path))
        return TRUE;
    }
  return FALSE;
}

/* A refused duplicate's object: Duplicate_ and its file name without
 * .plugin, every character but A-Z a-z 0-9 as '_', then _2, _3... if two
 * files meet. Plugin paths are lower case, so the two never collide. */
static char *
refused_object_path (PhonesecPluginHost *self, const char *info_path)
{
  g_autofree char *base = g_path_get_basename (info_path);
  g_autofree char *stem = NULL;
  char *path;

  if (g_str_has_suffix (base, ".plugin"))
    base[strlen (base) - strlen (".plugin")] = '\0';
  stem = g_strcanon (g_strdup (base), G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS, '_');
  path = g_strconcat (PHONESEC_DBUS_PLUGINS_PATH "/Duplicate_", stem, NULL);
  for (guint n = 2; path_taken (self->refused, path); n++)
    {
      g_free (path);
      path = g_strdup_printf (PHONESEC_DBUS_PLUGINS_PATH "/Duplicate_%s_%u", stem, n);
    }
  return path;
}

/* File checks, quarantine, module, schema fragment: any failure leaves
 * State=error. A quarantined plugin's module is not loaded, but its schema
 * fragment is: its parameters stay visible and settable, so the setting
 * that made it crash can be changed before it is enabled again. */
static void
load_entry (PhonesecPluginHost *self, Entry *entry)
{
  PhonesecPluginInfo *info = entry->info;
  g_autoptr (GError) error = NULL;
  g_autoptr (GStrvBuilder) params = NULL;
  g_auto (GStrv) param_names = NULL;
  g_autofree char *quarantined = NULL;
  g_autofree char *actor_name = NULL;
  const GPtrArray *all;

  g_autofree char *dir = g_path_get_dirname (info->info_path);

  if (!phonesec_plugin_check_dir (dir, &error)
      || !phonesec_plugin_check_file (info->info_path, &error)
      || !phonesec_plugin_check_file (info->module_path, &error)
      || (info->schema_path != NULL && !phonesec_plugin_check_file (info->schema_path, &error)))
    {
      set_state (entry, "error", error->message);
      return;
    }
  quarantined
      = phonesec_plugin_quarantine_dup_reason (self->quarantine, info->name, info->module_path);
  if (info->schema_path != NULL
      && !phonesec_schema_load_file (self->core->schema, info->schema_path, info->name, &error))
    {
      g_autofree char *message = g_strdup_printf (_ ("its schema was refused: %s"), error->message);
      set_state (entry, "error", message);
      return;
    }

  params = g_strv_builder_new ();
  all = phonesec_schema_get_all (self->core->schema);
  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = all->pdata[i];

      if (g_strcmp0 (spec->owner, info->name) == 0)
        g_strv_builder_add (params, spec->name);
    }
  param_names = g_strv_builder_end (params);
  phonesec_dbus_plugin_set_parameters (entry->iface, (const char *const *) param_names);
  if (quarantined != NULL)
    {
      set_state (entry, "error", quarantined);
      return;
    }
  /* Its module (and the libraries it links) is loaded at activation,
   * after phonesecd owns its name: the name comes sooner. */
  entry->to_load = TRUE;
  actor_name = g_strconcat ("plugin:", info->name, NULL);
  phonesec_actors_add (self->core->actors, actor_name, (const char *const *) info->watch,
                       entry_is_acting, entry);
}

static gboolean
load_module (Entry *entry)
{
  g_autoptr (GError) error = NULL;

  entry->to_load = FALSE;
  entry->guard = phonesec_plugin_guard_get (entry->info->name);
  entry->plugin = phonesec_plugin_module_load (entry->info->module_path, entry->guard, &error);
  if (entry->plugin == NULL)
    {
      set_state (entry, "error", error->message);
      return FALSE;
    }
  g_debug ("Plugin %s loaded from %s", entry->info->name, entry->info->module_path);
  return TRUE;
}

static int
compare_file_names (gconstpointer a, gconstpointer b)
{
  /* g_ptr_array_sort hands pointers to the elements. */
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A second file with a Name already found is not loaded; it gets an object
 * of its own that says which file won. */
static void
refuse_duplicate (PhonesecPluginHost *self, PhonesecPluginInfo *info, Entry *winner)
{
  g_autofree char *path = refused_object_path (self, info->info_path);
  Entry *entry = entry_new (info, self->core->metrics, path);
  g_autofree char *message
      = g_strdup_printf (_ ("not loaded: %s already provides the plugin name %s"),
                         winner->info->info_path, info->name);

  g_ptr_array_add (self->refused, entry);
  phonesec_dbus_plugin_set_state (entry->iface, "error");
  phonesec_dbus_plugin_set_error (entry->iface, message);
  phonesec_log_event (PHONESEC_MESSAGE_ID_PLUGIN_STATE, G_LOG_LEVEL_WARNING, "Plugin file %s: %s",
                      info->info_path, message);
}

/* In file name order (bytes, not locale), whatever order the folder lists
 * them in: which of two files with one Name wins must not depend on it. */
static void
discover_dir (PhonesecPluginHost *self, const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (handle == NULL)
    {
      g_debug ("No plugin folder %s", dir);
      return;
    }
  while ((name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".plugin"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_file_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *object_path = NULL;
      PhonesecPluginInfo *info;
      Entry *winner;

      path = g_build_filename (dir, names->pdata[i], NULL);
      info = phonesec_plugin_info_load (path, &error);
      if (info == NULL)
        {
          g_warning ("Ignoring plugin file: %s", error->message);
          continue;
        }
      winner = find_entry (self, info->name);
      if (winner != NULL)
        {
          refuse_duplicate (self, info, winner);
          continue;
        }
      object_path = plugin_object_path (info->name);
      g_ptr_array_add (self->entries, entry_new (info, self->core->metrics, object_path));
    }
}

static int
compare_entry_ptrs (gconstpointer a, gconstpointer b)
{
  const Entry *ea = *(Entry *const *) a;
  const Entry *eb = *(Entry *const *) b;

  return strcmp (ea->info->name, eb->info->name);
}

/* Kahn's algorithm over Depends, by name for a stable order. Plugins whose
 * dependencies are missing, refused or circular get State=error. */
static void
order_entries (PhonesecPluginHost *self)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr (GPtrArray) left = g_ptr_array_copy (self->entries, NULL, NULL);

  /* The copy inherits the free function: these are borrowed pointers. */
  g_ptr_array_set_free_func (left, NULL);
  gboolean progress = TRUE;

  g_ptr_array_sort (left, compare_entry_ptrs);
  while (left->len > 0 && progress)
    {
      progress = FALSE;
      for (guint i = 0; i < left->len; i++)
        {
          Entry *entry = left->pdata[i];
          gboolean ready = TRUE;

          for (guint d = 0; entry->info->depends[d] != NULL; d++)
            if (!g_ptr_array_find (sorted, find_entry (self, entry->info->depends[d]), NULL))
              ready = FALSE;
          if (!ready && !g_ptr_array_find (sorted, entry, NULL))
            {
              /* A dependency that does not exist will never be ready. */
              for (guint d = 0; entry->info->depends[d] != NULL; d++)
                if (find_entry (self, entry->info->depends[d]) == NULL)
                  {
                    g_autofree char *message
                        = g_strdup_printf (_ ("depends on plugin %s, which is not installed"),
                                           entry->info->depends[d]);
                    if (entry->to_load)
                      {
                        entry->to_load = FALSE;
                        set_state (entry, "error", message);
                      }
                    ready = TRUE; /* place it; it will not be activated */
                    break;
                  }
            }
          if (ready)
            {
              g_ptr_array_add (sorted, entry);
              g_ptr_array_remove_index (left, i);
              progress = TRUE;
              break;
            }
        }
    }
  for (guint i = 0; i < left->len; i++)
    {
      Entry *entry = left->pdata[i];

      entry->to_load = FALSE;
      set_state (entry, "error", _ ("its dependencies form a cycle"));
      g_ptr_array_add (sorted, entry);
    }

  /* Re-home the entries in activation order without freeing them. */
  g_ptr_array_set_free_func (self->entries, NULL);
  g_ptr_array_set_size (self->entries, 0);
  g_ptr_array_set_free_func (self->entries, (GDestroyNotify) entry_free);
  for (guint i = 0; i < sorted->len; i++)
    g_ptr_array_add (self->entries, sorted->pdata[i]);
}

/* Manager.BlockingPlugins: each plugin's longest block, from the
 * LongestBlock of its object (only calls over the threshold are kept). */
static void
sync_blocking_plugins (PhonesecPluginHost *self)
{
  GVariantBuilder builder;

  if (self->manager == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{su}"));
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];
      guint32 longest = 0;

      g_variant_get (phonesec_dbus_plugin_get_longest_block (entry->iface), "(sut)", NULL, &longest,
                     NULL);
      if (longest > 0)
        g_variant_builder_add (&builder, "{su}", entry->info->name, longest);
    }
  phonesec_dbus_manager_set_blocking_plugins (self->manager, g_variant_builder_end (&builder));
}

/* The watchdog saw a call into a plugin hold the main loop. */
static void
on_plugin_blocked (const char *plugin, const char *where, guint milliseconds, gint64 began,
                   gpointer user_data)
{
  PhonesecPluginHost *self = user_data;
  Entry *entry = find_entry (self, plugin);
  guint32 longest = 0;

  phonesec_log_event (PHONESEC_MESSAGE_ID_PLUGIN_STATE, G_LOG_LEVEL_WARNING,
                      "Plugin %s held the main loop for %.1f s in %s", plugin,
                      milliseconds / 1000.0, where);
  if (entry == NULL)
    return;
  g_variant_get (phonesec_dbus_plugin_get_longest_block (entry->iface), "(sut)", NULL, &longest,
                 NULL);
  if (milliseconds <= longest)
    return;
  phonesec_dbus_plugin_set_longest_block (
      entry->iface,
      g_variant_new ("(sut)", where, milliseconds, (guint64) (began / G_USEC_PER_SEC)));
  sync_blocking_plugins (self);
}

void
phonesec_plugin_host_set_manager (PhonesecPluginHost *self, PhonesecDBusManager *manager)
{
  g_set_object (&self->manager, manager);
  sync_blocking_plugins (self);
}

void
phonesec_plugin_host_note_crash (PhonesecPluginHost *self, const char *record)
{
  g_free (self->crash_record);
  self->crash_record = g_strdup (record);
}

void
phonesec_plugin_host_discover (PhonesecPluginHost *self, const char *const *dirs)
{
  g_autofree char *quarantine_path
      = g_build_filename (self->core->state_dir, QUARANTINE_FILE, NULL);

  self->quarantine = phonesec_plugin_quarantine_load (quarantine_path);
  if (self->watchdog == NULL)
    self->watchdog = phonesec_plugin_watchdog_new (BLOCK_THRESHOLD_MS, on_plugin_blocked, self);
  if (self->crash_record != NULL)
    {
      g_autofree char *culprit
          = phonesec_plugin_quarantine_add_crash (self->quarantine, self->crash_record);

      if (culprit != NULL)
        g_warning ("Plugin %s crashed the previous run of phonesecd: quarantined", culprit);
      g_clear_pointer (&self->crash_record, g_free);
    }
  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    discover_dir (self, dirs[i]);

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];
      const char *name = entry->info->name;

      if ((self->allow->len > 0 && !matches_any (self->allow, name))
          || matches_any (self->deny, name))
        {
          set_state (entry, "disabled", NULL);
          continue;
        }
      load_entry (self, entry);
    }
  order_entries (self);
}

void
phonesec_plugin_host_export (PhonesecPluginHost *self)
{
  GPtrArray *lists[] = { self->entries, self->refused };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        Entry *entry = lists[l]->pdata[i];

        g_autoptr (GError) error = NULL;

        if (!phonesec_bus_exporter_add (self->core->exporter, entry->path,
                                        G_DBUS_INTERFACE_SKELETON (entry->iface),
                                        (const char *const *) entry->info->watch, &error))
          g_warning ("Plugin %s not shown on the bus: %s", entry->info->name, error->message);
      }
}

GStrv
phonesec_plugin_host_dup_object_paths (PhonesecPluginHost *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  GPtrArray *lists[] = { self->entries, self->refused };

  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (guint i = 0; i < lists[l]->len; i++)
      {
        Entry *entry = lists[l]->pdata[i];

        g_strv_builder_add (builder, entry->path);
      }
  return g_strv_builder_end (builder);
}

/* --- quarantine ------------------------------------------------------------ */

gboolean
phonesec_plugin_host_is_quarantined (PhonesecPluginHost *self, const char *name)
{
  return self->quarantine != NULL && phonesec_plugin_quarantine_contains (self->quarantine, name);
}

gboolean
phonesec_plugin_host_check_name (PhonesecPluginHost *self, const char *name, GError **error)
{
  g_autofree char *quoted = NULL;

  if (find_entry (self, name) != NULL || phonesec_plugin_host_is_quarantined (self, name))
    return TRUE;
  quoted = phonesec_quote_for_message (name, -1);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
               _ ("No plugin is named %s (see Manager.Plugins)"), quoted);
  return FALSE;
}

gboolean
phonesec_plugin_host_enable (PhonesecPluginHost *self, const char *name, gboolean *out_lifted,
                             GError **error)
{
  Entry *entry = find_entry (self, name);

  *out_lifted = FALSE;
  if (!phonesec_plugin_host_check_name (self, name, error))
    return FALSE;
  if (!phonesec_plugin_host_is_quarantined (self, name))
    return TRUE;
  if (!phonesec_plugin_quarantine_remove (self->quarantine, name, error))
    return FALSE;
  *out_lifted = TRUE;
  /* Its module is loaded by the next start: a crashed plugin gets a fresh
   * process, and the plugins that depend on it their activation order. */
  if (entry != NULL)
    set_state (entry, "error",
               _ ("re-enabled by an administrator; it is loaded at the next start of phonesecd "
                  "(Manager.Restart)"));
  return TRUE;
}

/* --- activation ----------------------------------------------------------- */

/* One plugin's activation; outlives the host's interest in it when the
 * plugin overruns its time, so a late completion finds it abandoned. */
typedef struct
{
  GTask *task; /* the whole sequence; NULL once abandoned */
  Entry *entry;
  GCancellable *cancellable;
  guint timeout_id;
} Attempt;

typedef struct
{
  guint index;
} Activation;

static void activate_next (GTask *task);

static const char *
failed_dependency (PhonesecPluginHost *self, Entry *entry)
{
  for (guint d = 0; entry->info->depends[d] != NULL; d++)
    {
      Entry *dep = find_entry (self, entry->info->depends[d]);

      if (dep == NULL || !dep->active)
        return entry->info->depends[d];
    }
  return NULL;
}

static void
attempt_free (Attempt *attempt)
{
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);
  g_clear_object (&attempt->cancellable);
  g_clear_object (&attempt->task);
  g_free (attempt);
}

/* Ends this plugin's turn and starts the next one's. */
static void
attempt_next (Attempt *attempt)
{
  GTask *task = g_steal_pointer (&attempt->task);
  Activation *activation = g_task_get_task_data (task);

  activation->index++;
  activate_next (task);
  g_object_unref (task);
}

static gboolean
activation_timed_out (gpointer user_data)
{
  Attempt *attempt = user_data;
  PhonesecPluginHost *self = g_task_get_source_object (attempt->task);
  g_autofree char *message = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "did not finish activating within %u second",
                   "did not finish activating within %u seconds", self->activate_timeout),
      self->activate_timeout);

  /* Do not wait for a plugin that ignores cancellation: mark it failed and
   * move on; its eventual completion finds the attempt abandoned. */
  attempt->timeout_id = 0;
  g_cancellable_cancel (attempt->cancellable);
  set_state (attempt->entry, "error", message);
  g_clear_object (&attempt->entry->context);
  attempt_next (attempt);
  return G_SOURCE_REMOVE;
}

static void
activate_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Attempt *attempt = user_data;
  Entry *entry = attempt->entry;
  g_autoptr (GError) error = NULL;
  const PhonesecGuardCall *outer
      = phonesec_plugin_guard_enter (entry->guard, PHONESEC_GUARD_ACTIVATE);
  gboolean ok = phonesec_plugin_activate_finish (PHONESEC_PLUGIN (source), result, &error);

  phonesec_plugin_guard_leave (outer);
  if (attempt->task == NULL)
    {
      g_debug ("Plugin %s finished activating after its timeout; ignored", entry->info->name);
      if (ok)
        {
          outer = phonesec_plugin_guard_enter (entry->guard, PHONESEC_GUARD_DEACTIVATE);
          phonesec_plugin_deactivate (entry->plugin);
          phonesec_plugin_guard_leave (outer);
        }
      attempt_free (attempt);
      return;
    }
  g_clear_handle_id (&attempt->timeout_id, g_source_remove);
  if (ok)
    {
      entry->active = TRUE;
      /* A plugin may already have reported a runtime error itself. */
      if (g_strcmp0 (phonesec_dbus_plugin_get_state (entry->iface), "error") != 0)
        set_state (entry, "active", NULL);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_ ("failed to activate: %s"), error->message);
      set_state (entry, "error", message);
      g_clear_object (&entry->context);
    }
  attempt_next (attempt);
  attempt_free (attempt);
}

static void
activate_next (GTask *task)
{
  PhonesecPluginHost *self = g_task_get_source_object (task);
  Activation *activation = g_task_get_task_data (task);

  while (activation->index < self->entries->len)
    {
      Entry *entry = self->entries->pdata[activation->index];
      const char *missing;
      Attempt *attempt;
      const PhonesecGuardCall *outer;

      if (entry->to_load && failed_dependency (self, entry) == NULL)
        load_module (entry);
      if (entry->plugin == NULL && !entry->to_load)
        {
          activation->index++;
          continue;
        }
      missing = failed_dependency (self, entry);
      if (missing != NULL)
        {
          g_autofree char *message = g_strdup_printf (
              _ ("not activated: plugin %s, which it depends on, is not active"), missing);
          set_state (entry, "error", message);
          activation->index++;
          continue;
        }

      attempt = g_new0 (Attempt, 1);
      attempt->task = g_object_ref (task);
      attempt->entry = entry;
      attempt->cancellable = g_cancellable_new ();
      entry->context
          = phonesec_context_new (self->core, entry->info->name, entry->path, entry->iface,
                                  entry->guard, (const char *const *) entry->info->watch);
      /* Not g_timeout_add_seconds: it may fire up to a second late. */
      attempt->timeout_id
          = g_timeout_add (self->activate_timeout * 1000, activation_timed_out, attempt);
      outer = phonesec_plugin_guard_enter (entry->guard, PHONESEC_GUARD_ACTIVATE);
      phonesec_plugin_activate_async (entry->plugin, entry->context, attempt->cancellable,
                                      activate_done, attempt);
      phonesec_plugin_guard_leave (outer);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
phonesec_plugin_host_activate_async (PhonesecPluginHost *self, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, phonesec_plugin_host_activate_async);
  g_task_set_task_data (task, g_new0 (Activation, 1), g_free);
  activate_next (task);
  g_object_unref (task);
}

void
phonesec_plugin_host_activate_finish (PhonesecPluginHost *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

void
phonesec_plugin_host_deactivate_all (PhonesecPluginHost *self)
{
  for (guint i = self->entries->len; i > 0; i--)
    {
      Entry *entry = self->entries->pdata[i - 1];
      const PhonesecGuardCall *outer;

      if (!entry->active)
        continue;
      outer = phonesec_plugin_guard_enter (entry->guard, PHONESEC_GUARD_DEACTIVATE);
      phonesec_plugin_deactivate (entry->plugin);
      phonesec_plugin_guard_leave (outer);
      entry->active = FALSE;
      g_clear_object (&entry->context);
      set_state (entry, "loaded", NULL);
    }
}

void
phonesec_plugin_host_config_changed (PhonesecPluginHost *self, const char *const *names)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *entry = self->entries->pdata[i];
      g_auto (GStrv) filtered = NULL;

      /* Activating plugins too: they may have read the configuration before
       * this transaction committed. */
      if (entry->context == NULL)
        continue;
      filtered = phonesec_context_filter_names (entry->context, names);
      if (filtered != NULL)
        {
          const PhonesecGuardCall *outer
              = phonesec_plugin_guard_enter (entry->guard, PHONESEC_GUARD_CONFIG_CHANGED);

          phonesec_plugin_config_changed (entry->plugin, (const char *const *) filtered);
          phonesec_plugin_guard_leave (outer);
        }
    }
}

void
phonesec_plugin_host_set_activate_timeout (PhonesecPluginHost *self, guint seconds)
{
  g_return_if_fail (seconds > 0 && seconds <= 86400);
  self->activate_timeout = seconds;
}
