/* phonesec-callers.h: who is calling, as the bus reports it, cached.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-config-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint32 uid;
  gboolean admin; /* uid 0, the daemon's own uid, or a member of the admin group */
  /* The caller's groups (guint32): the process's as the bus reports them,
   * else the user database's for its uid. */
  GArray *gids;
} PhonesecCaller;

/* Whether @caller is a member of group @gid. */
gboolean phonesec_caller_in_group (const PhonesecCaller *caller, guint32 gid);

#define PHONESEC_TYPE_CALLERS (phonesec_callers_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecCallers, phonesec_callers, PHONESEC, CALLERS, GObject)

/* @admin_group: (nullable): group whose members are admins */
PhonesecCallers *phonesec_callers_new (GDBusConnection *connection, const char *admin_group);

typedef void (*PhonesecCallerFunc) (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                                    gpointer user_data);

/* Calls @func with the sender's identity: at once when it is cached (the
 * common case: one bus query per client connection), else after asking the
 * bus. If the bus cannot say, the invocation gets an error and @func is not
 * called. */
void phonesec_callers_run (PhonesecCallers *self, GDBusMethodInvocation *invocation,
                           PhonesecCallerFunc func, gpointer user_data);
/* The same, then @destroy (@user_data) whether @func ran or not. */
void phonesec_callers_run_full (PhonesecCallers *self, GDBusMethodInvocation *invocation,
                                PhonesecCallerFunc func, gpointer user_data,
                                GDestroyNotify destroy);

typedef void (*PhonesecPeerFunc) (const char *unique_name, const PhonesecCaller *caller,
                                  gpointer user_data);

/* Every client whose identity is known: those that have called phonesecd
 * since they connected (they stay until they disconnect). They are the
 * receivers of phonesecd's signals. */
void phonesec_callers_foreach (PhonesecCallers *self, PhonesecPeerFunc func, gpointer user_data);

/**
 * phonesec_caller_resolve_role:
 * @options: (nullable): a{sv} method options; "access-level" is read
 *
 * The role to act as: an admin may ask for "user"; a user asking for "admin"
 * is refused (PermissionDenied); another value is InvalidValue.
 */
gboolean phonesec_caller_resolve_role (const PhonesecCaller *caller, GVariant *options,
                                       PhonesecRole *out_role, GError **error);

G_END_DECLS
