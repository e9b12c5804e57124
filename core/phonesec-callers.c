/* phonesec-callers.c: caller credentials by unique bus name.
 *
 * A unique name is never reused during a bus's lifetime, so its credentials
 * can be cached until the name goes away (NameOwnerChanged).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-callers.h"

struct _PhonesecCallers
{
  GObject parent_instance;
  GDBusConnection *connection;
  gboolean have_admin_gid;
  gid_t admin_gid;
  GHashTable *cache; /* unique name → PhonesecCaller* */
  guint name_owner_subscription;
};

G_DEFINE_FINAL_TYPE (PhonesecCallers, phonesec_callers, G_TYPE_OBJECT)

static void
caller_free (PhonesecCaller *caller)
{
  g_clear_pointer (&caller->gids, g_array_unref);
  g_free (caller);
}

static void
on_name_owner_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *interface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  PhonesecCallers *self = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (name[0] == ':' && new_owner[0] == '\0')
    g_hash_table_remove (self->cache, name);
}

static void
phonesec_callers_dispose (GObject *object)
{
  PhonesecCallers *self = PHONESEC_CALLERS (object);

  if (self->name_owner_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->connection, self->name_owner_subscription);
  self->name_owner_subscription = 0;
  g_clear_object (&self->connection);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  G_OBJECT_CLASS (phonesec_callers_parent_class)->dispose (object);
}

static void
phonesec_callers_class_init (PhonesecCallersClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_callers_dispose;
}

static void
phonesec_callers_init (PhonesecCallers *self)
{
  self->cache
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) caller_free);
}

PhonesecCallers *
phonesec_callers_new (GDBusConnection *connection, const char *admin_group)
{
  PhonesecCallers *self = g_object_new (PHONESEC_TYPE_CALLERS, NULL);

  self->connection = g_object_ref (connection);
  if (admin_group != NULL && admin_group[0] != '\0')
    {
      struct group *group = getgrnam (admin_group);

      if (group != NULL)
        {
          self->have_admin_gid = TRUE;
          self->admin_gid = group->gr_gid;
        }
      else
        g_debug ("Admin group %s does not exist; only uid 0 and the daemon's uid are admins",
                 admin_group);
    }
  if (g_dbus_connection_get_unique_name (connection) != NULL)
    self->name_owner_subscription = g_dbus_connection_signal_subscribe (
        connection, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
        "/org/freedesktop/DBus", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed, self, NULL);
  return self;
}

/* The groups of @uid's account: its primary group and those the user
 * database lists it in. */
static GArray *
user_groups (uid_t uid)
{
  struct passwd *pw = getpwuid (uid);
  GArray *gids = g_array_new (FALSE, FALSE, sizeof (guint32));
  int n = 64;
  g_autofree gid_t *groups = NULL;

  if (pw == NULL)
    return gids;
  groups = g_new (gid_t, n);
  if (getgrouplist (pw->pw_name, pw->pw_gid, groups, &n) < 0)
    {
      groups = g_renew (gid_t, groups, n);
      if (getgrouplist (pw->pw_name, pw->pw_gid, groups, &n) < 0)
        n = 0;
    }
  if (n == 0)
    groups[n++] = pw->pw_gid;
  for (int i = 0; i < n; i++)
    {
      guint32 gid = groups[i];
      g_array_append_val (gids, gid);
    }
  return gids;
}

/* The groups of the calling process, when the bus knows them, are more
 * exact than the user database (setgroups, setpriv --clear-groups). */
static GArray *
caller_groups (guint32 uid, GVariant *group_ids)
{
  GArray *gids;
  const guint32 *reported;
  gsize n = 0;

  if (group_ids == NULL)
    return user_groups (uid);
  reported = g_variant_get_fixed_array (group_ids, &n, sizeof (guint32));
  gids = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  g_array_append_vals (gids, reported, n);
  return gids;
}

gboolean
phonesec_caller_in_group (const PhonesecCaller *caller, guint32 gid)
{
  for (guint i = 0; caller->gids != NULL && i < caller->gids->len; i++)
    if (g_array_index (caller->gids, guint32, i) == gid)
      return TRUE;
  return FALSE;
}

static gboolean
is_admin (PhonesecCallers *self, const PhonesecCaller *caller)
{
  if (caller->uid == 0 || caller->uid == getuid ())
    return TRUE;
  return self->have_admin_gid && phonesec_caller_in_group (caller, self->admin_gid);
}

typedef struct
{
  PhonesecCallers *self;
  GDBusMethodInvocation *invocation;
  PhonesecCallerFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} Pending;

static void
credentials_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr (GVariant) credentials = NULL;
  g_autoptr (GVariant) group_ids = NULL;
  PhonesecCaller *caller;
  guint32 uid;

  if (reply == NULL)
    {
      g_dbus_method_invocation_return_error (
          pending->invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
          _ ("Could not identify the caller: %s"), error->message);
      goto out;
    }
  credentials = g_variant_get_child_value (reply, 0);
  if (!g_variant_lookup (credentials, "UnixUserID", "u", &uid))
    {
      g_dbus_method_invocation_return_error_literal (
          pending->invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
          _ ("The bus did not report the caller's user id"));
      goto out;
    }
  group_ids = g_variant_lookup_value (credentials, "UnixGroupIDs", G_VARIANT_TYPE ("au"));

  caller = g_new0 (PhonesecCaller, 1);
  caller->uid = uid;
  caller->gids = caller_groups (uid, group_ids);
  caller->admin = is_admin (pending->self, caller);
  g_hash_table_replace (pending->self->cache,
                        g_strdup (g_dbus_method_invocation_get_sender (pending->invocation)),
                        caller);
  pending->func (pending->invocation, caller, pending->user_data);

out:
  if (pending->destroy != NULL)
    pending->destroy (pending->user_data);
  g_object_unref (pending->invocation);
  g_object_unref (pending->self);
  g_free (pending);
}

void
phonesec_callers_run (PhonesecCallers *self, GDBusMethodInvocation *invocation,
                      PhonesecCallerFunc func, gpointer user_data)
{
  phonesec_callers_run_full (self, invocation, func, user_data, NULL);
}

void
phonesec_callers_run_full (PhonesecCallers *self, GDBusMethodInvocation *invocation,
                           PhonesecCallerFunc func, gpointer user_data, GDestroyNotify destroy)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  const PhonesecCaller *cached;
  Pending *pending;

  /* A peer-to-peer connection has no sender: it is our own trusted socket. */
  if (sender == NULL)
    {
      static const PhonesecCaller peer = { 0, TRUE, NULL };
      func (invocation, &peer, user_data);
      if (destroy != NULL)
        destroy (user_data);
      return;
    }
  cached = g_hash_table_lookup (self->cache, sender);
  if (cached != NULL)
    {
      func (invocation, cached, user_data);
      if (destroy != NULL)
        destroy (user_data);
      return;
    }

  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->invocation = g_object_ref (invocation);
  pending->func = func;
  pending->user_data = user_data;
  pending->destroy = destroy;
  g_dbus_connection_call (self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionCredentials",
                          g_variant_new ("(s)", sender), G_VARIANT_TYPE ("(a{sv})"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, credentials_done, pending);
}

void
phonesec_callers_foreach (PhonesecCallers *self, PhonesecPeerFunc func, gpointer user_data)
{
  GHashTableIter iter;
  gpointer name, caller;

  g_hash_table_iter_init (&iter, self->cache);
  while (g_hash_table_iter_next (&iter, &name, &caller))
    func (name, caller, user_data);
}

gboolean
phonesec_caller_resolve_role (const PhonesecCaller *caller, GVariant *options,
                              PhonesecRole *out_role, GError **error)
{
  const char *level = NULL;

  *out_role = caller->admin ? PHONESEC_ROLE_ADMIN : PHONESEC_ROLE_USER;
  if (options == NULL || !g_variant_lookup (options, "access-level", "&s", &level))
    return TRUE;
  if (g_strcmp0 (level, "user") == 0)
    {
      *out_role = PHONESEC_ROLE_USER;
      return TRUE;
    }
  if (g_strcmp0 (level, "admin") == 0)
    {
      if (caller->admin)
        return TRUE;
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
                           _ ("access-level: only an administrator may act as admin"));
      return FALSE;
    }
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("access-level: '%.16s' is not allowed; allowed: user, admin"), level);
  return FALSE;
}
