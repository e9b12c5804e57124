/* phonesec-plugin-quarantine.c: one key file group per quarantined plugin.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sigabbrev_np */
#endif
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-crash-log-private.h"
#include "phonesec-plugin-quarantine.h"

struct _PhonesecPluginQuarantine
{
  char *path;
  GKeyFile *keyfile;
};

PhonesecPluginQuarantine *
phonesec_plugin_quarantine_load (const char *path)
{
  PhonesecPluginQuarantine *self = g_new0 (PhonesecPluginQuarantine, 1);
  g_autoptr (GError) error = NULL;

  self->path = g_strdup (path);
  self->keyfile = g_key_file_new ();
  if (!g_key_file_load_from_file (self->keyfile, path, G_KEY_FILE_KEEP_COMMENTS, &error)
      && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_warning ("Could not read the plugin quarantine %s (%s): no plugin is quarantined", path,
               error->message);
  return self;
}

void
phonesec_plugin_quarantine_free (PhonesecPluginQuarantine *self)
{
  if (self == NULL)
    return;
  g_key_file_unref (self->keyfile);
  g_free (self->path);
  g_free (self);
}

/* Temp file, fsync, rename: a power cut leaves the old or the new list. */
static gboolean
save (PhonesecPluginQuarantine *self, GError **error)
{
  gsize length = 0;
  g_autofree char *data = NULL;

  g_key_file_set_comment (self->keyfile, NULL, NULL,
                          " Plugins that crashed phonesecd, not loaded again until an\n"
                          " administrator calls Manager.EnablePlugin or the module file changes.",
                          NULL);
  data = g_key_file_to_data (self->keyfile, &length, NULL);
  return g_file_set_contents_full (self->path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static void
save_or_warn (PhonesecPluginQuarantine *self)
{
  g_autoptr (GError) error = NULL;

  if (!save (self, &error))
    g_warning ("Could not write the plugin quarantine: %s", error->message);
}

static guint64
field_u64 (const char *record, const char *key)
{
  g_autofree char *value = phonesec_crash_record_dup_field (record, key);

  return value != NULL ? g_ascii_strtoull (value, NULL, 10) : 0;
}

char *
phonesec_plugin_quarantine_add_crash (PhonesecPluginQuarantine *self, const char *record)
{
  g_autofree char *name = phonesec_crash_record_dup_field (record, "plugin");
  g_autofree char *entry = phonesec_crash_record_dup_field (record, "entry");
  g_autofree char *method = phonesec_crash_record_dup_field (record, "method");
  g_autofree char *by = phonesec_crash_record_dup_field (record, "attributed-by");
  g_autofree char *exited = phonesec_crash_record_dup_field (record, "exit");

  if (name == NULL || name[0] == '\0')
    return NULL;
  g_key_file_remove_group (self->keyfile, name, NULL);
  g_key_file_set_string (self->keyfile, name, "Entry", entry != NULL ? entry : "");
  if (method != NULL)
    g_key_file_set_string (self->keyfile, name, "Method", method);
  g_key_file_set_integer (self->keyfile, name, "Signal", (int) field_u64 (record, "signal"));
  g_key_file_set_boolean (self->keyfile, name, "Exit", g_strcmp0 (exited, "1") == 0);
  g_key_file_set_int64 (self->keyfile, name, "Time", (gint64) field_u64 (record, "time"));
  g_key_file_set_string (self->keyfile, name, "AttributedBy", by != NULL ? by : "");
  g_key_file_set_uint64 (self->keyfile, name, "ModuleDevice", field_u64 (record, "module-dev"));
  g_key_file_set_uint64 (self->keyfile, name, "ModuleInode", field_u64 (record, "module-ino"));
  g_key_file_set_uint64 (self->keyfile, name, "ModuleSize", field_u64 (record, "module-size"));
  g_key_file_set_uint64 (self->keyfile, name, "ModuleMtimeNs",
                         field_u64 (record, "module-mtime-ns"));
  save_or_warn (self);
  return g_steal_pointer (&name);
}

gboolean
phonesec_plugin_quarantine_contains (PhonesecPluginQuarantine *self, const char *name)
{
  return g_key_file_has_group (self->keyfile, name);
}

static gboolean
same_file (PhonesecPluginQuarantine *self, const char *name, const char *module_path)
{
  struct stat st;

  if (g_lstat (module_path, &st) < 0)
    return FALSE;
  return g_key_file_get_uint64 (self->keyfile, name, "ModuleDevice", NULL) == (guint64) st.st_dev
         && g_key_file_get_uint64 (self->keyfile, name, "ModuleInode", NULL) == (guint64) st.st_ino
         && g_key_file_get_uint64 (self->keyfile, name, "ModuleSize", NULL) == (guint64) st.st_size
         && g_key_file_get_uint64 (self->keyfile, name, "ModuleMtimeNs", NULL)
                == (guint64) st.st_mtim.tv_sec * G_GUINT64_CONSTANT (1000000000)
                       + (guint64) st.st_mtim.tv_nsec;
}

static char *
describe_where (const char *entry, const char *method)
{
  if (g_str_equal (entry, "dbus-method"))
    return g_strdup_printf (_ ("in D-Bus method %s"), method != NULL ? method : "?");
  if (g_str_equal (entry, "load"))
    return g_strdup (_ ("while being loaded"));
  if (g_str_equal (entry, "callback"))
    return g_strdup (_ ("in a callback of its own (found by code address)"));
  if (g_str_equal (entry, "thread"))
    return g_strdup (_ ("in a thread of its own (found by code address)"));
  /* activate, deactivate, config_changed, dispose: the function names. */
  return g_strdup_printf (_ ("in %s"), entry);
}

static char *
describe (PhonesecPluginQuarantine *self, const char *name)
{
  g_autofree char *entry = g_key_file_get_string (self->keyfile, name, "Entry", NULL);
  g_autofree char *method = g_key_file_get_string (self->keyfile, name, "Method", NULL);
  gint64 time = g_key_file_get_int64 (self->keyfile, name, "Time", NULL);
  int signum = g_key_file_get_integer (self->keyfile, name, "Signal", NULL);
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_local (time);
  g_autofree char *stamp = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M:%S") : NULL;
  g_autofree char *where = describe_where (entry != NULL ? entry : "", method);
  g_autofree char *how = NULL;

  if (g_key_file_get_boolean (self->keyfile, name, "Exit", NULL))
    how = g_strdup (_ ("it called exit()"));
  else
    how = g_strdup_printf (_ ("signal SIG%s"), signum > 0 && sigabbrev_np (signum) != NULL
                                                   ? sigabbrev_np (signum)
                                                   : "?");
  return g_strdup_printf (_ ("crashed %s at %s (%s); quarantined until an administrator "
                             "re-enables it (Manager.EnablePlugin) or the plugin file changes"),
                          where, stamp != NULL ? stamp : "?", how);
}

char *
phonesec_plugin_quarantine_dup_reason (PhonesecPluginQuarantine *self, const char *name,
                                       const char *module_path)
{
  if (!g_key_file_has_group (self->keyfile, name))
    return NULL;
  if (!same_file (self, name, module_path))
    {
      g_message ("Plugin %s: its module %s changed since it crashed the daemon; quarantine lifted",
                 name, module_path);
      g_key_file_remove_group (self->keyfile, name, NULL);
      save_or_warn (self);
      return NULL;
    }
  return describe (self, name);
}

gboolean
phonesec_plugin_quarantine_remove (PhonesecPluginQuarantine *self, const char *name, GError **error)
{
  g_autoptr (GError) local = NULL;

  if (!g_key_file_remove_group (self->keyfile, name, NULL))
    return TRUE;
  if (!save (self, &local))
    {
      /* The file still holds it: so must we. */
      g_key_file_load_from_file (self->keyfile, self->path, G_KEY_FILE_KEEP_COMMENTS, NULL);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("Could not write the plugin quarantine (%s); plugin %s stays quarantined"),
                   local->message, name);
      return FALSE;
    }
  return TRUE;
}
