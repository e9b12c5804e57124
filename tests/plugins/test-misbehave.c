/* test-misbehave.c: a plugin that misbehaves where and how the test says.
 *
 * The plan is TMPDIR/test-misbehave.plan (PHONESEC_TEST_TMPDIR), one line
 * "WHERE HOW", read at each point. WHERE: load (its instance init, run by
 * the module's entry point), activate, deactivate, config_changed, method
 * (its D-Bus method Poke), callback (a timeout that config_changed
 * attaches), thread (a thread that config_changed starts), fork (a child
 * process that config_changed forks and waits for). HOW: segv (a
 * store to an inaccessible page), abort, exit (exit (3)), block (1.5 s on
 * the calling thread); for method only, fail and recover (a runtime error
 * set and cleared with phonesec_context_set_error()). No plan: it
 * behaves. It watches Proxy_*.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "test-plugin-common.h"
#include "phonesec-test-misbehave-generated.h"

#define PHONESEC_TYPE_TEST_MISBEHAVE (phonesec_test_misbehave_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTestMisbehave, phonesec_test_misbehave, PHONESEC, TEST_MISBEHAVE,
                      GObject)

struct _PhonesecTestMisbehave
{
  GObject parent_instance;
  PhonesecContext *context;
  PhonesecTestMisbehaveDBusTestMisbehave *iface;
};

static void phonesec_test_misbehave_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecTestMisbehave, phonesec_test_misbehave, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_test_misbehave_plugin_init))

/* What the plan says for @where, or NULL. */
static char *
planned (const char *where)
{
  const char *top = g_getenv ("PHONESEC_TEST_TMPDIR");
  g_autofree char *path = top != NULL ? g_build_filename (top, "test-misbehave.plan", NULL) : NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) words = NULL;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  words = g_strsplit (g_strstrip (text), " ", 2);
  if (g_strv_length (words) != 2 || !g_str_equal (words[0], where))
    return NULL;
  return g_strdup (words[1]);
}

/* Not inlined: the crash must happen in this module's code, as a plugin's
 * own bug would. */
G_NO_INLINE static void
misbehave (const char *where)
{
  g_autofree char *how = planned (where);

  if (how == NULL)
    return;
  test_plugin_record ("misbehave %s %s", where, how);
  if (g_str_equal (how, "segv"))
    {
      /* Not NULL: UBSan would stop at a null store before the fault. */
      volatile int *page = mmap (NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      *page = 1;
    }
  else if (g_str_equal (how, "abort"))
    abort ();
  else if (g_str_equal (how, "exit"))
    exit (3);
  else if (g_str_equal (how, "block"))
    g_usleep (1500 * 1000);
}

static gboolean
misbehave_in_callback (gpointer user_data)
{
  misbehave ("callback");
  return G_SOURCE_REMOVE;
}

static gpointer
misbehave_in_thread (gpointer user_data)
{
  misbehave ("thread");
  return NULL;
}

static gboolean
on_poke (PhonesecTestMisbehaveDBusTestMisbehave *iface, GDBusMethodInvocation *invocation,
         gpointer user_data)
{
  PhonesecTestMisbehave *self = user_data;
  g_autofree char *how = planned ("method");

  /* A runtime error, shown and cleared as a plugin does while it runs. */
  if (g_strcmp0 (how, "fail") == 0)
    phonesec_context_set_error (self->context, "failing as its plan says");
  else if (g_strcmp0 (how, "recover") == 0)
    phonesec_context_set_error (self->context, NULL);
  else
    misbehave ("method");
  phonesec_test_misbehave_dbus_test_misbehave_complete_poke (iface, invocation);
  return TRUE;
}

static gboolean
test_misbehave_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecTestMisbehave *self = PHONESEC_TEST_MISBEHAVE (plugin);

  test_plugin_record ("activate test-misbehave");
  misbehave ("activate");
  g_set_object (&self->context, context);
  self->iface = phonesec_test_misbehave_dbus_test_misbehave_skeleton_new ();
  g_signal_connect (self->iface, "handle-poke", G_CALLBACK (on_poke), self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

static void
test_misbehave_deactivate (PhonesecPlugin *plugin)
{
  PhonesecTestMisbehave *self = PHONESEC_TEST_MISBEHAVE (plugin);

  test_plugin_record ("deactivate test-misbehave");
  misbehave ("deactivate");
  if (self->iface != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->context);
}

/* The child inherits the daemon's crash handlers, not its identity. */
static void
misbehave_in_child (void)
{
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      misbehave ("fork");
      _exit (0);
    }
  if (pid > 0 && waitpid (pid, &status, 0) == pid)
    test_plugin_record ("child ended %d", status);
}

static void
test_misbehave_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  g_autofree char *in_thread = planned ("thread");
  g_autofree char *in_child = planned ("fork");

  test_plugin_record ("config_changed test-misbehave");
  misbehave ("config_changed");
  g_timeout_add (10, misbehave_in_callback, NULL);
  if (in_thread != NULL)
    g_thread_unref (g_thread_new ("test-misbehave", misbehave_in_thread, NULL));
  if (in_child != NULL)
    misbehave_in_child ();
}

static void
phonesec_test_misbehave_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = test_misbehave_activate;
  iface->deactivate = test_misbehave_deactivate;
  iface->config_changed = test_misbehave_config_changed;
}

static void
phonesec_test_misbehave_dispose (GObject *object)
{
  PhonesecTestMisbehave *self = PHONESEC_TEST_MISBEHAVE (object);

  g_clear_object (&self->iface);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (phonesec_test_misbehave_parent_class)->dispose (object);
}

static void
phonesec_test_misbehave_class_init (PhonesecTestMisbehaveClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_test_misbehave_dispose;
}

static void
phonesec_test_misbehave_init (PhonesecTestMisbehave *self)
{
  test_plugin_record ("new test-misbehave");
  misbehave ("load");
}

PHONESEC_PLUGIN_DEFINE (phonesec_test_misbehave_get_type)
