/* test-hang.c: a plugin whose activation never completes, cancelled or not.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-plugin-common.h"

#define PHONESEC_TYPE_TEST_HANG (phonesec_test_hang_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestHang, phonesec_test_hang, PHONESEC, TEST_HANG, GObject)

struct _PhonesecTestHang
{
  GObject parent_instance;
};

/* Kept here rather than in the instance: the task holds the plugin, and the
 * plugin holding the task would be a cycle that leaks both. */
static GTask *pending;

static void phonesec_test_hang_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestHang, phonesec_test_hang, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_hang_plugin_init))

/* The async pair, not activate(): this plugin's activation must stay
 * pending (until the daemon's timeout), which a synchronous activate() cannot
 * do. Records when it started (CLOCK_MONOTONIC, microseconds), so the test can
 * time the daemon's timeout. */
static void
test_hang_activate_async (PhonesecPlugin *plugin, PhonesecContext *context,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  test_plugin_record ("activate test-hang");
  test_plugin_record ("activate-started %" G_GINT64_FORMAT, g_get_monotonic_time ());
  g_clear_object (&pending);
  pending = g_task_new (plugin, cancellable, callback, user_data);
}

/* Never reached: the task is never completed. */
static gboolean
test_hang_activate_finish (PhonesecPlugin *plugin, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, plugin), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
phonesec_test_hang_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate_async = test_hang_activate_async;
  iface->activate_finish = test_hang_activate_finish;
}

static void
phonesec_test_hang_class_init (PhonesecTestHangClass *klass)
{
}

static void
phonesec_test_hang_init (PhonesecTestHang *self)
{
  test_plugin_record ("new test-hang");
}

PHONESEC_PLUGIN_DEFINE (phonesec_test_hang_get_type)
