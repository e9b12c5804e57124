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

static gboolean
test_fail_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{

  test_plugin_record ("activate test-fail");
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "could not open /dev/nonexistent");
  return FALSE;
}

static void
phonesec_test_fail_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = test_fail_activate;
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
