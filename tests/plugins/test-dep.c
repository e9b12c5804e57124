/* test-dep.c: a plugin that depends on test-good (Depends=test-good).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-plugin-common.h"

#define PHONESEC_TYPE_TEST_DEP (phonesec_test_dep_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestDep, phonesec_test_dep, PHONESEC, TEST_DEP, GObject)

struct _PhonesecTestDep
{
  GObject parent_instance;
};

static void phonesec_test_dep_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestDep, phonesec_test_dep, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_dep_plugin_init))

/* The event log shows the activation order across plugins. */
static void
test_dep_activate_async (PhonesecPlugin *plugin, PhonesecContext *context,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (plugin, cancellable, callback, user_data);

  test_plugin_record ("activate test-dep");
  test_plugin_complete_in_idle (task);
}

static void
phonesec_test_dep_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate_async = test_dep_activate_async;
  iface->activate_finish = test_plugin_activate_finish;
}

static void
phonesec_test_dep_class_init (PhonesecTestDepClass *klass)
{
}

static void
phonesec_test_dep_init (PhonesecTestDep *self)
{
  test_plugin_record ("new test-dep");
}

PHONESEC_PLUGIN_DEFINE (phonesec_test_dep_get_type)
