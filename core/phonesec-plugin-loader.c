/* phonesec-plugin-loader.c: the checks between a file on disk and code we run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-plugin-loader.h"

#define GROUP "Plugin"

void
phonesec_plugin_info_free (PhonesecPluginInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->description);
  g_free (info->version);
  g_free (info->module_path);
  g_free (info->schema_path);
  g_strfreev (info->depends);
  g_strfreev (info->watch);
  g_free (info->info_path);
  g_free (info);
}

static gboolean
name_is_valid (const char *name)
{
  if (!g_ascii_isalnum (name[0]) || g_ascii_isupper (name[0]))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return strlen (name) <= 64;
}

/* A file name relative to the .plugin's folder, without escaping it. */
static char *
resolve_relative (const char *dir, const char *file, const char *key, const char *path,
                  GError **error)
{
  if (file[0] == '\0' || strchr (file, '/') != NULL || g_str_equal (file, "..")
      || g_str_equal (file, "."))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: %s must be a file name in the same folder, not '%.64s'"), path, key,
                   file);
      return NULL;
    }
  return g_build_filename (dir, file, NULL);
}

static char **
strip_list (char **list)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; list != NULL && list[i] != NULL; i++)
    {
      g_strstrip (list[i]);
      if (list[i][0] != '\0')
        g_strv_builder_add (builder, list[i]);
    }
  g_strfreev (list);
  return g_strv_builder_end (builder);
}

PhonesecPluginInfo *
phonesec_plugin_info_load (const char *path, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (PhonesecPluginInfo) info = g_new0 (PhonesecPluginInfo, 1);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *module = NULL;
  g_autofree char *schema = NULL;
  g_autoptr (GError) local = NULL;

  info->info_path = g_strdup (path);
  if (!g_key_file_load_from_file (keyfile, path, G_KEY_FILE_NONE, &local))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("%s: %s"), path,
                   local->message);
      return NULL;
    }
  info->name = g_key_file_get_string (keyfile, GROUP, "Name", NULL);
  module = g_key_file_get_string (keyfile, GROUP, "Module", NULL);
  if (info->name == NULL || module == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: the [Plugin] group needs Name and Module"), path);
      return NULL;
    }
  if (!name_is_valid (info->name))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s: Name '%.64s' is not allowed; allowed: lower-case letters, digits and "
                      "'-', at most 64"),
                   path, info->name);
      return NULL;
    }
  info->module_path = resolve_relative (dir, module, "Module", path, error);
  if (info->module_path == NULL)
    return NULL;
  schema = g_key_file_get_string (keyfile, GROUP, "Schema", NULL);
  if (schema != NULL && schema[0] != '\0')
    {
      info->schema_path = resolve_relative (dir, schema, "Schema", path, error);
      if (info->schema_path == NULL)
        return NULL;
    }
  info->description = g_key_file_get_locale_string (keyfile, GROUP, "Description", NULL, NULL);
  info->version = g_key_file_get_string (keyfile, GROUP, "Version", NULL);
  info->depends = strip_list (g_key_file_get_string_list (keyfile, GROUP, "Depends", NULL, NULL));
  info->watch = strip_list (g_key_file_get_string_list (keyfile, GROUP, "Watch", NULL, NULL));
  if (info->description == NULL)
    info->description = g_strdup ("");
  if (info->version == NULL)
    info->version = g_strdup ("");
  return g_steal_pointer (&info);
}

/* The rules for anything whose contents become code we run. */
static gboolean
check_stat (const char *path, const struct stat *st, gboolean want_dir, GError **error)
{
  if (want_dir ? !S_ISDIR (st->st_mode) : !S_ISREG (st->st_mode))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
                   want_dir ? _ ("%s is not a folder")
                            : _ ("%s is not a regular file (symbolic links are refused)"),
                   path);
      return FALSE;
    }
  if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
                   _ ("%s is writable by its group or by others (mode %04o); refused: only its "
                      "owner may be able to change code the daemon runs"),
                   path, (unsigned) (st->st_mode & 07777));
      return FALSE;
    }
  if (geteuid () == 0 && st->st_uid != 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
                   _ ("%s is owned by uid %u, not root; refused"), path, (unsigned) st->st_uid);
      return FALSE;
    }
  return TRUE;
}

gboolean
phonesec_plugin_check_file (const char *path, GError **error)
{
  struct stat st;

  if (g_lstat (path, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND, _ ("%s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return check_stat (path, &st, FALSE, error);
}

gboolean
phonesec_plugin_check_dir (const char *path, GError **error)
{
  struct stat st;

  /* Whoever can write the folder can swap the files in it. */
  if (g_stat (path, &st) < 0)
    {
      int saved = errno;
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND, _ ("%s: %s"), path,
                   g_strerror (saved));
      return FALSE;
    }
  return check_stat (path, &st, TRUE, error);
}

typedef PhonesecPlugin *(*PhonesecPluginNewFunc) (void);

PhonesecPlugin *
phonesec_plugin_module_load (const char *module_path, PhonesecPluginGuard *guard, GError **error)
{
  GModule *module;
  g_autofree char *fd_path = NULL;
  struct stat st;
  int fd;
  gpointer abi_symbol = NULL;
  gpointer new_symbol = NULL;
  guint32 abi;
  PhonesecPlugin *plugin;
  const PhonesecGuardCall *outer;

  /* Check and load the same file: open it once, check what was opened,
   * and let the dynamic loader read it through that descriptor. */
  fd = open (module_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
                   _ ("Could not open %s: %s"), module_path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) < 0 || !check_stat (module_path, &st, FALSE, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("Could not check %s"),
                     module_path);
      close (fd);
      return NULL;
    }
  phonesec_plugin_guard_set_file (guard, &st);
  fd_path = g_strdup_printf ("/proc/self/fd/%d", fd);
  /* Local binding: two plugins may use the same static helper names. The
   * descriptor stays open for the life of the (resident) module: the loader
   * knows modules by path, and a reused descriptor number would make the next
   * plugin's path equal to this one's and hand back this module. */
  outer = phonesec_plugin_guard_enter (guard, PHONESEC_GUARD_LOAD); /* its constructors */
  module = g_module_open (fd_path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
  phonesec_plugin_guard_leave (outer);
  if (module == NULL)
    {
      close (fd);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("Could not load %s: %s"),
                   module_path, g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (module, "phonesec_plugin_abi_version", &abi_symbol) || abi_symbol == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("%s is not a phonesec plugin (no phonesec_plugin_abi_version)"), module_path);
      g_module_close (module);
      close (fd);
      return NULL;
    }
  abi = *(const guint32 *) abi_symbol;
  if (abi != PHONESEC_PLUGIN_ABI_VERSION)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("%s was built for plugin ABI %u, this daemon provides ABI %u; rebuild it "
                      "against this SDK"),
                   module_path, abi, PHONESEC_PLUGIN_ABI_VERSION);
      g_module_close (module);
      close (fd);
      return NULL;
    }
  if (!g_module_symbol (module, "phonesec_plugin_module_new", &new_symbol) || new_symbol == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("%s has no phonesec_plugin_module_new entry point"), module_path);
      g_module_close (module);
      close (fd);
      return NULL;
    }
  /* GTypes registered by the module can never be unregistered: keep it. */
  g_module_make_resident (module);
  phonesec_plugin_guard_set_module (guard, new_symbol);
  outer = phonesec_plugin_guard_enter (guard, PHONESEC_GUARD_LOAD);
  plugin = ((PhonesecPluginNewFunc) new_symbol) ();
  phonesec_plugin_guard_leave (outer);
  if (!PHONESEC_IS_PLUGIN (plugin))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("%s: its entry point did not return a PhonesecPlugin"), module_path);
      g_clear_object (&plugin);
      return NULL;
    }
  return plugin;
}
