/* test-good.c: a plugin that works; it records what the host tells it.
 *
 * Exports org.phonesec.PhoneSec1.TestGood (ChangeCount, LastChanged, and
 * GroupPing and GroupNotice for the members of group "users") and
 * owns the parameters of test-good.schema. Watch=Proxy_* (test-good.plugin).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-plugin-common.h"
#include "phonesec-test-good-generated.h"

#define PHONESEC_TYPE_TEST_GOOD (phonesec_test_good_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestGood, phonesec_test_good, PHONESEC, TEST_GOOD, GObject)

struct _PhonesecTestGood
{
  GObject parent_instance;
  PhonesecContext *context;
  PhonesecTestGoodDBusTestGood *iface;
  guint count;
};

static void phonesec_test_good_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestGood, phonesec_test_good, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_good_plugin_init))

static gboolean
on_handle_group_ping (PhonesecTestGoodDBusTestGood *iface, GDBusMethodInvocation *invocation,
                      gpointer user_data)
{
  phonesec_test_good_dbus_test_good_complete_group_ping (iface, invocation, "pong");
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
test_good_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecTestGood *self = PHONESEC_TEST_GOOD (plugin);

  test_plugin_record ("activate %s", phonesec_context_get_plugin_name (context));
  g_set_object (&self->context, context);
  self->iface = phonesec_test_good_dbus_test_good_skeleton_new ();
  phonesec_test_good_dbus_test_good_set_change_count (self->iface, 0);
  phonesec_test_good_dbus_test_good_set_last_changed (self->iface, (const char *const[]){ NULL });
  g_signal_connect (self->iface, "handle-group-ping", G_CALLBACK (on_handle_group_ping), self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

static void
test_good_deactivate (PhonesecPlugin *plugin)
{
  PhonesecTestGood *self = PHONESEC_TEST_GOOD (plugin);

  test_plugin_record ("deactivate test-good");
  if (self->iface != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->context);
}

static void
test_good_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecTestGood *self = PHONESEC_TEST_GOOD (plugin);
  g_autofree char *joined = g_strjoinv (",", (char **) names);

  test_plugin_record ("config_changed test-good %s", joined);
  self->count++;
  phonesec_test_good_dbus_test_good_set_change_count (self->iface, self->count);
  phonesec_test_good_dbus_test_good_set_last_changed (self->iface, names);
  phonesec_test_good_dbus_test_good_emit_group_notice (self->iface, self->count);
}

static void
phonesec_test_good_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = test_good_activate;
  iface->deactivate = test_good_deactivate;
  iface->config_changed = test_good_config_changed;
}

static void
phonesec_test_good_dispose (GObject *object)
{
  PhonesecTestGood *self = PHONESEC_TEST_GOOD (object);

  g_clear_object (&self->iface);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (phonesec_test_good_parent_class)->dispose (object);
}

static void
phonesec_test_good_class_init (PhonesecTestGoodClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_test_good_dispose;
}

/* Runs when the module's entry point is called: "new test-good" in the event
 * log proves the module was loaded. */
static void
phonesec_test_good_init (PhonesecTestGood *self)
{
  test_plugin_record ("new test-good");
}

PHONESEC_PLUGIN_DEFINE (phonesec_test_good_get_type)
