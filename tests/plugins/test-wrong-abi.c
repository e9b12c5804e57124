/* test-wrong-abi.c: a plugin built for another plugin ABI.
 *
 * Written out by hand instead of PHONESEC_PLUGIN_DEFINE, with ABI 999. Apart
 * from that it is a working plugin: if the loader ever skipped the ABI check,
 * it would activate and the test would see it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-plugin-common.h"

#define PHONESEC_TYPE_TEST_WRONG_ABI (phonesec_test_wrong_abi_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestWrongAbi, phonesec_test_wrong_abi, PHONESEC, TEST_WRONG_ABI,
                      GObject)

struct _PhonesecTestWrongAbi
{
  GObject parent_instance;
};

static void phonesec_test_wrong_abi_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestWrongAbi, phonesec_test_wrong_abi, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_wrong_abi_plugin_init))

static gboolean
test_wrong_abi_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{

  test_plugin_record ("activate test-wrong-abi");
  return TRUE;
}

static void
phonesec_test_wrong_abi_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = test_wrong_abi_activate;
}

static void
phonesec_test_wrong_abi_class_init (PhonesecTestWrongAbiClass *klass)
{
}

static void
phonesec_test_wrong_abi_init (PhonesecTestWrongAbi *self)
{
}

G_MODULE_EXPORT const guint32 phonesec_plugin_abi_version = 999;
G_MODULE_EXPORT PhonesecPlugin *phonesec_plugin_module_new (void);

G_MODULE_EXPORT PhonesecPlugin *
phonesec_plugin_module_new (void)
{
  test_plugin_record ("new test-wrong-abi");
  return g_object_new (PHONESEC_TYPE_TEST_WRONG_ABI, NULL);
}
