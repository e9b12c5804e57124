/* phonesec-plugin-watchdog.h: names a plugin that holds the main loop.
 *
 * A thread samples the plugin guard's marker (phonesec-plugin-guard.h)
 * every 100 ms. A call into a plugin seen for the threshold or longer is
 * logged from that thread while it lasts (the main loop is the one being
 * held), and once it ends its length goes to the main loop with the plugin
 * and the entry point. Only the calls the marker covers are timed, not the
 * plugin's own timeouts and callbacks.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PhonesecPluginWatchdog PhonesecPluginWatchdog;

/* In the main context, after the call ended: @where is an entry point name
 * (config_changed...) or "dbus-method INTERFACE.METHOD"; @milliseconds is
 * measured to within the 100 ms sampling period; @began in unix
 * microseconds. */
typedef void (*PhonesecWatchdogFunc) (const char *plugin, const char *where, guint milliseconds,
                                      gint64 began, gpointer user_data);

PhonesecPluginWatchdog *phonesec_plugin_watchdog_new (guint threshold_ms, PhonesecWatchdogFunc func,
                                                      gpointer user_data);

/* Stops the thread; reports not yet delivered are dropped. */
void phonesec_plugin_watchdog_free (PhonesecPluginWatchdog *self);

G_END_DECLS
