/* phonesecctl-bus.c: reaching phonesecd, and D-Bus errors → exit status.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include <phonesec/phonesec-bus.h>

#include "phonesecctl.h"

/* One table from D-Bus error name to exit status; anything not listed
 * (Error.Failed, NotSupported, InProgress, NotFound, UnknownMethod...) is 1. */
static const struct
{
  const char *name;
  PhonesecctlExit status;
} error_statuses[] = {
  { PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter", PHONESECCTL_EXIT_UNKNOWN_PARAMETER },
  { PHONESEC_DBUS_ERROR_PREFIX "InvalidValue", PHONESECCTL_EXIT_INVALID_VALUE },
  { PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied", PHONESECCTL_EXIT_PERMISSION_DENIED },
  { PHONESEC_DBUS_ERROR_PREFIX "Conflict", PHONESECCTL_EXIT_CONFLICT },
  { "org.freedesktop.DBus.Error.AccessDenied", PHONESECCTL_EXIT_PERMISSION_DENIED },
  { "org.freedesktop.DBus.Error.ServiceUnknown", PHONESECCTL_EXIT_NO_DAEMON },
  { "org.freedesktop.DBus.Error.NameHasNoOwner", PHONESECCTL_EXIT_NO_DAEMON },
  { "org.freedesktop.DBus.Error.NoReply", PHONESECCTL_EXIT_NO_DAEMON },
  { "org.freedesktop.DBus.Error.Timeout", PHONESECCTL_EXIT_NO_DAEMON },
  { "org.freedesktop.DBus.Error.TimedOut", PHONESECCTL_EXIT_NO_DAEMON },
  { "org.freedesktop.DBus.Error.Disconnected", PHONESECCTL_EXIT_NO_DAEMON },
  { "org.freedesktop.DBus.Error.NoServer", PHONESECCTL_EXIT_NO_DAEMON },
};

G_DEFINE_QUARK (phonesecctl_connect_error, phonesecctl_connect_error)

gboolean
phonesecctl_ensure_connection (PhonesecctlContext *ctx, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *bus = ctx->opts->bus;

  if (ctx->connection != NULL)
    return TRUE;

  phonesecctl_verbose (ctx, _ ("connecting to bus %s"), bus);
  ctx->connection = phonesec_bus_connect (bus, &local_error);

  if (ctx->connection == NULL)
    {
      /* Its own domain, so that phonesecctl_fail() maps it to exit status 3
       * whatever GIO error lies beneath (ENOENT, ECONNREFUSED, EACCES...). */
      g_dbus_error_strip_remote_error (local_error);
      g_set_error (error, PHONESECCTL_CONNECT_ERROR, 0, _ ("Cannot connect to the %s bus: %s"), bus,
                   local_error->message);
      return FALSE;
    }

  /* A lost bus is reported with exit status 3, not by GDBus raising SIGTERM. */
  g_dbus_connection_set_exit_on_close (ctx->connection, FALSE);
  return TRUE;
}

void
phonesecctl_verbose (PhonesecctlContext *ctx, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (!ctx->opts->verbose)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "phonesecctl: %s\n", message);
}

GVariant *
phonesecctl_call (PhonesecctlContext *ctx, const char *path, const char *interface,
                  const char *method, GVariant *parameters, const char *reply_type, GError **error)
{
  /* Arguments are never logged: they may hold a password being set. */
  if (!phonesecctl_ensure_connection (ctx, error))
    {
      /* The call would have consumed a floating @parameters. */
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      return NULL;
    }
  phonesecctl_verbose (ctx, _ ("calling %s.%s on %s"), interface, method, path);
  return g_dbus_connection_call_sync (ctx->connection, PHONESEC_DBUS_NAME, path, interface, method,
                                      parameters, reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NONE, -1, NULL, error);
}

GVariant *
phonesecctl_get_property (PhonesecctlContext *ctx, const char *path, const char *interface,
                          const char *property, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  GVariant *value = NULL;

  reply = phonesecctl_call (ctx, path, "org.freedesktop.DBus.Properties", "Get",
                            g_variant_new ("(ss)", interface, property), "(v)", error);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  return value;
}

GVariant *
phonesecctl_get_all_properties (PhonesecctlContext *ctx, const char *path, const char *interface,
                                GError **error)
{
  g_autoptr (GVariant) reply = NULL;

  reply = phonesecctl_call (ctx, path, "org.freedesktop.DBus.Properties", "GetAll",
                            g_variant_new ("(s)", interface), "(a{sv})", error);
  if (reply == NULL)
    return NULL;
  return g_variant_get_child_value (reply, 0);
}

PhonesecctlExit
phonesecctl_exit_for_error (const GError *error)
{
  g_autofree char *name = NULL;

  if (error->domain == PHONESECCTL_CONNECT_ERROR)
    return PHONESECCTL_EXIT_NO_DAEMON;

  name = g_dbus_error_get_remote_error (error);
  if (name != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (error_statuses); i++)
        if (strcmp (name, error_statuses[i].name) == 0)
          return error_statuses[i].status;
      /* Activation of the service failed: it cannot run. */
      if (g_str_has_prefix (name, "org.freedesktop.DBus.Error.Spawn."))
        return PHONESECCTL_EXIT_NO_DAEMON;
      return PHONESECCTL_EXIT_FAILURE;
    }

  /* Local errors of GDBus: the connection went away or the call timed out. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_DISCONNECTED)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
      || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    return PHONESECCTL_EXIT_NO_DAEMON;
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED))
    return PHONESECCTL_EXIT_PERMISSION_DENIED;
  return PHONESECCTL_EXIT_FAILURE;
}

void
phonesecctl_print_error (const char *message)
{
  g_auto (GStrv) lines = NULL;

  /* The daemon lists one bad value per line: keep every line greppable. */
  lines = g_strsplit (message, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' || i == 0)
      fprintf (stderr, "phonesecctl: %s\n", lines[i]);
}

PhonesecctlExit
phonesecctl_fail (PhonesecctlContext *ctx, GError *error)
{
  PhonesecctlExit status = phonesecctl_exit_for_error (error);
  g_autofree char *name = g_dbus_error_get_remote_error (error);

  if (g_strcmp0 (name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0
      || g_strcmp0 (name, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0)
    {
      /* The bus daemon's wording ("not provided by any .service files")
       * does not tell an operator what is wrong. */
      g_autofree char *message = g_strdup_printf (
          _ ("phonesecd is not running (nobody owns %s on this bus)"), PHONESEC_DBUS_NAME);
      phonesecctl_print_error (message);
      phonesecctl_verbose (ctx, "%s", error->message);
      return status;
    }

  g_dbus_error_strip_remote_error (error);
  phonesecctl_print_error (error->message);
  if (name != NULL)
    phonesecctl_verbose (ctx, _ ("D-Bus error %s"), name);
  return status;
}

PhonesecctlExit
phonesecctl_usage_error (PhonesecctlContext *ctx, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  phonesecctl_print_error (message);
  if (ctx != NULL && ctx->command != NULL)
    fprintf (stderr, _ ("Try “phonesecctl help %s” for more information.\n"), ctx->command);
  else
    fprintf (stderr, _ ("Try “phonesecctl --help” for more information.\n"));
  return PHONESECCTL_EXIT_USAGE;
}
