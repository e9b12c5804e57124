/* test-fail.c: a plugin whose activation fails.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-plugin-common.h"

#define PHONESEC_TYPE_TEST_FAIL (phonesec_test_fail_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestFail, phonesec_test_fail, PHONESEC, TEST_FAIL, GObject)

struct _PhonesecTestFail
{
  GObject parent_instance;
};

static void phonesec_test_fail_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestFail, phonesec_test_fail, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_fail_plugin_init))

static void
test_fail_activate_async (PhonesecPlugin *plugin, PhonesecContext *context,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (plugin, cancellable, callback, user_data);

  test_plugin_record ("activate test-fail");
  /* GTask delivers this from the main loop, not from inside this call. */
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "could not open /dev/nonexistent");
}

static void
phonesec_test_fail_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate_async = test_fail_activate_async;
  iface->activate_finish = test_plugin_activate_finish;
}

static void
phonesec_test_fail_class_init (PhonesecTestFailClass *klass)
{
}

static void
phonesec_test_fail_init (PhonesecTestFail *self)
{
  test_plugin_record ("new test-fail");
}

PHONESEC_PLUGIN_DEFINE (phonesec_test_fail_get_type)
