/* test-clash.c: a working plugin whose schema fragment declares Proxy_Mode,
 * a core parameter. The fragment must be refused as a whole and the plugin
 * never activated.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-plugin-common.h"

#define PHONESEC_TYPE_TEST_CLASH (phonesec_test_clash_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestClash, phonesec_test_clash, PHONESEC, TEST_CLASH, GObject)

struct _PhonesecTestClash
{
  GObject parent_instance;
};

static void phonesec_test_clash_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestClash, phonesec_test_clash, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_clash_plugin_init))

static gboolean
test_clash_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{

  test_plugin_record ("activate test-clash");
  return TRUE;
}

static void
phonesec_test_clash_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = test_clash_activate;
}

static void
phonesec_test_clash_class_init (PhonesecTestClashClass *klass)
{
}

static void
phonesec_test_clash_init (PhonesecTestClash *self)
{
  test_plugin_record ("new test-clash");
}

PHONESEC_PLUGIN_DEFINE (phonesec_test_clash_get_type)
