/* test-bus-rules.c: org.phonesec.Access "group:NAME" (core/phonesec-bus-rules.c)
 * through a real daemon and plugin.
 *
 * test-good declares GroupPing and GroupNotice for group "users" (gid 100
 * on Debian). Clients run as uid 65534 (setpriv), with or without that
 * group among their process groups, as the bus reports them; root is the
 * administrator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "plugin-fixture.h"

#define GROUP_GID "100"
#define DENIED "ERROR org.phonesec.PhoneSec1.Error.PermissionDenied"
#define TIMEOUT_MS 15000

static char *
group_ping (Fixture *f, const char *groups)
{
  g_autofree char *path = plugin_path ("test-good");

  return g_strchomp (
      phonesec_test_call_as_nobody_at (f->bus, groups, path, TEST_GOOD, "GroupPing", "()"));
}

static void
start_group_plugin (Fixture *f)
{
  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-good", "active");
}

static void
test_group_method_for_members_and_admins (Fixture *f, gconstpointer data)
{
  g_autofree char *outsider = NULL;
  g_autofree char *member = NULL;
  g_autofree char *other_group = NULL;
  g_autofree char *path = plugin_path ("test-good");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  start_group_plugin (f);
  outsider = group_ping (f, NULL);
  member = group_ping (f, GROUP_GID);
  other_group = group_ping (f, "50");
  g_test_message ("outsider: %s\nmember: %s\nother group: %s", outsider, member, other_group);
  g_assert_true (g_str_has_prefix (outsider, DENIED));
  g_assert_true (g_str_has_prefix (other_group, DENIED));
  g_assert_cmpstr (member, ==, "OK ('pong',)");

  reply = g_dbus_connection_call_sync (f->bus->connection, BUS_NAME, path, TEST_GOOD, "GroupPing",
                                       NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
}

/* --- signals ---------------------------------------------------------------- */

static void
wait_file (const char *path, const char *needle)
{
  if (!phonesec_test_wait_file_contains (path, needle, TIMEOUT_MS))
    {
      g_autofree char *text = NULL;

      g_file_get_contents (path, &text, NULL, NULL);
      g_error ("%s never got '%s'; it has:\n%s", path, needle, text);
    }
}

static void
stop_probe (GSubprocess *probe)
{
  g_subprocess_force_exit (probe);
  g_subprocess_wait (probe, NULL, NULL);
  g_object_unref (probe);
}

static void
test_group_signal_for_members_only (Fixture *f, gconstpointer data)
{
  g_autofree char *outsider_out = g_build_filename (f->bus->tmpdir, "outsider.out", NULL);
  g_autofree char *member_out = g_build_filename (f->bus->tmpdir, "member.out", NULL);
  g_autofree char *outsider_text = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *outsider, *member;

  start_group_plugin (f);
  outsider = phonesec_test_start_probe_as_nobody (f->bus, NULL, outsider_out);
  member = phonesec_test_start_probe_as_nobody (f->bus, GROUP_GID, member_out);

  /* test-good watches Proxy_*: its config_changed() sends GroupNotice. */
  g_assert_cmpuint (phonesec_test_apply_strings (f->bus, &error, "Proxy_Port", "3129", NULL), !=,
                    G_MAXUINT64);
  g_assert_no_error (error);
  wait_file (member_out, "TestGood.GroupNotice (uint32 1,)");
  /* The outsider hears what it may (Config.Changed) and nothing else. */
  wait_file (outsider_out, "Config.Changed");
  g_assert_true (g_file_get_contents (outsider_out, &outsider_text, NULL, NULL));
  g_assert_null (strstr (outsider_text, "GroupNotice"));

  stop_probe (outsider);
  stop_probe (member);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/bus-rules/group/method", Fixture, NULL, setup,
              test_group_method_for_members_and_admins, teardown);
  g_test_add ("/bus-rules/group/signal", Fixture, NULL, setup, test_group_signal_for_members_only,
              teardown);
  return g_test_run ();
}
