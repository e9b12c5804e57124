/* phonesec-daemon.h: phonesecd's lifecycle.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

typedef struct
{
  char *bus; /* "system", "session" or a D-Bus address */
  char *state_dir;
  char **plugin_dirs;
  char *plugins_allow; /* comma-separated globs, or NULL */
  char *plugins_deny;
  int lines;
  char *factory_profile; /* cfg.xml imported at first boot, or NULL */
  char *device_info;     /* or NULL for the development identity */
  char *schema_dir;
  char *admin_group;
  char *ca_file;
  int plugin_timeout; /* seconds one plugin may take to activate; 0 = the host's default */
  char *upload_retry; /* "MIN_MS:MAX_MS" retry delays of the upload queue, or NULL */
  char *netd_user;    /* whom the network service runs as (phonesecd as root), or NULL */
  gboolean verbose;
} PhonesecDaemonOptions;

typedef struct _PhonesecDaemon PhonesecDaemon;

/* Exported (PHONESEC_API) for phonesecd, a program of its own. */

/* Loads everything that does not need the bus. Fails only on what makes the
 * daemon useless: an unreadable core schema or device identity, an unusable
 * state folder. */
PHONESEC_API PhonesecDaemon *phonesec_daemon_new (const PhonesecDaemonOptions *options,
                                                  GError **error);

/* Connects, owns the name, activates plugins, runs until SIGTERM/SIGINT or
 * Manager.Restart. Returns the exit status; *out_restart tells the caller to
 * re-execute. */
PHONESEC_API int phonesec_daemon_run (PhonesecDaemon *self, gboolean *out_restart);

PHONESEC_API void phonesec_daemon_free (PhonesecDaemon *self);

/* Before re-executing after a restart: FALSE when a stop signal arrived
 * meanwhile (exit instead). Blocks SIGTERM and SIGINT for the new image,
 * which unblocks them once it handles them. */
PHONESEC_API gboolean phonesec_daemon_prepare_exec (void);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecDaemon, phonesec_daemon_free)

G_END_DECLS
