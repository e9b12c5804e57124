/* phonesecctl.h: what the parts of the phonesecctl command-line client share.
 *
 * Internal to phonesecctl (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-dbus-names.h>

G_BEGIN_DECLS

/**
 * PhonesecctlExit:
 *
 * Exit status of phonesecctl; documented in --help and phonesecctl(1), so
 * scripts may rely on them. Never renumber.
 */
typedef enum
{
  PHONESECCTL_EXIT_OK = 0,
  PHONESECCTL_EXIT_FAILURE = 1,   /* Error.Failed, NotSupported, InProgress, NotFound, other */
  PHONESECCTL_EXIT_USAGE = 2,     /* bad command line */
  PHONESECCTL_EXIT_NO_DAEMON = 3, /* no bus, or phonesecd not running / not answering */
  PHONESECCTL_EXIT_UNKNOWN_PARAMETER = 4, /* Error.UnknownParameter */
  PHONESECCTL_EXIT_INVALID_VALUE = 5,     /* Error.InvalidValue */
  PHONESECCTL_EXIT_PERMISSION_DENIED = 6, /* Error.PermissionDenied, DBus.Error.AccessDenied */
  PHONESECCTL_EXIT_CONFLICT = 7,          /* Error.Conflict (--expect-generation) */
} PhonesecctlExit;

/* Every option of every command, filled by GOptionContext. One struct so
 * the option tables can be static. */
typedef struct
{
  /* global */
  char *bus;
  gboolean json;
  gboolean verbose;
  gboolean version;

  /* per command */
  gboolean dry_run;
  char *expect_generation;
  gboolean as_user;
  char *source;
  gboolean all;
  gboolean strict;
  gboolean changed_only;
  char *output;
  gboolean names_only;
  char *choices;
  int timeout; /* sip register: seconds */
  int expires; /* sip register: the Expires asked for */

  char **args; /* G_OPTION_REMAINING */
} PhonesecctlOptions;

typedef struct
{
  PhonesecctlOptions *opts;
  const char *command; /* for "Try “phonesecctl help COMMAND”" */
  GDBusConnection *connection;
} PhonesecctlContext;

/* phonesecctl-bus.c */
#define PHONESECCTL_CONNECT_ERROR (phonesecctl_connect_error_quark ())
GQuark phonesecctl_connect_error_quark (void);

/* Connects on first use, so that usage errors are found without a bus. */
gboolean phonesecctl_ensure_connection (PhonesecctlContext *ctx, GError **error);
GVariant *phonesecctl_call (PhonesecctlContext *ctx, const char *path, const char *interface,
                            const char *method, GVariant *parameters, const char *reply_type,
                            GError **error);
GVariant *phonesecctl_get_property (PhonesecctlContext *ctx, const char *path,
                                    const char *interface, const char *property, GError **error);
GVariant *phonesecctl_get_all_properties (PhonesecctlContext *ctx, const char *path,
                                          const char *interface, GError **error);
PhonesecctlExit phonesecctl_exit_for_error (const GError *error);
PhonesecctlExit phonesecctl_fail (PhonesecctlContext *ctx, GError *error);
PhonesecctlExit phonesecctl_usage_error (PhonesecctlContext *ctx, const char *format, ...)
    G_GNUC_PRINTF (2, 3);
void phonesecctl_print_error (const char *message);
void phonesecctl_verbose (PhonesecctlContext *ctx, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Commands: each returns a PhonesecctlExit. args are the operands. */
PhonesecctlExit phonesecctl_cmd_get (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_set (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_reset (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_describe (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_import (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_export (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_plugins (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_status (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_monitor (PhonesecctlContext *ctx, char **args);
PhonesecctlExit phonesecctl_cmd_sip (PhonesecctlContext *ctx, char **args);

G_END_DECLS
