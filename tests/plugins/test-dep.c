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
static gboolean
test_dep_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{

  test_plugin_record ("activate test-dep");
  return TRUE;
}

static void
phonesec_test_dep_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = test_dep_activate;
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
