/* test-error-names.c: errors quote hostile names short and on one line,
 * in every interface, not only Config (test-config-limits covers Config).
 *
 * An administrator (the test runs as root) sends a 16 MiB name, and names
 * holding a line break followed by a forged "Proxy_Port: reason" line, to
 * the TlsPolicy, Network and Manager methods and to plugin methods that
 * take a name, an id or a key. Each call must fail with a message under
 * 2 KiB, on one line, that no client splitting "NAME: reason" lines could
 * read a Proxy_Port problem from. The phone's user, refused, gets the same.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-test-bus.h"

#define ROOT PHONESEC_DBUS_PATH
#define PLUGINS ROOT "/plugins/"
#define CALL_TIMEOUT_MS 60000
#define MAX_MESSAGE_BYTES 2048

typedef struct
{
  const char *path;
  const char *interface; /* without org.phonesec.PhoneSec1. */
  const char *method;
  /* GVariant text with one %s: where the hostile name goes. */
  const char *args;
} Row;

static const Row rows[] = {
  { ROOT, "TlsPolicy", "Resolve", "(%s,)" },
  { ROOT, "TlsPolicy", "Probe", "(%s, @a{sv} {})" },
  { ROOT, "TlsPolicy", "Probe", "('https://127.0.0.1:1/', {%s: <true>})" },
  { ROOT, "TlsPolicy", "AddTrustedCA", "(%s,)" },
  { ROOT, "TlsPolicy", "RemoveTrustedCA", "(%s,)" },
  { ROOT, "Network", "Update", "({%s: <'x'>},)" },
  { ROOT, "Network", "Update", "({'domain': <%s>},)" },
  { ROOT, "Manager", "EnablePlugin", "(%s,)" },
  { ROOT, "Manager", "DeclareActor", "(%s, ['Firewall'])" },
  { PLUGINS "prt_uploader", "ProblemReport", "Upload", "(%s,)" },
  { PLUGINS "ldap_starttls", "Ldap", "Search", "('a', {%s: <true>})" },
  { PLUGINS "http_proxy", "HttpProxy", "FindProxyForURL", "(%s,)" },
  { PLUGINS "sip_security", "SipSecurity", "Challenge", "(@u 1, %s)" },
};

#define FORGED "Bad_Name\nProxy_Port: forged"
#define FORGED_LS "Bad_Name\xe2\x80\xa8Proxy_Port: forged" /* U+2028 */

typedef PhonesecTestDaemon Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_LDAP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_HTTP_PROXY_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_SIP_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (f->bus);
  /* So that Ldap.Search reads its options (nothing listens there). */
  phonesec_test_apply_strings (f->bus, &error, "LDAP_Dir_Enable", "Yes", "LDAP_Server",
                               "ldap://127.0.0.1:1", NULL);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  phonesec_test_bus_free (f->bus);
}

/* Short, one line, and no line of it a forged problem. */
static void
assert_message_bounded (const Row *row, const char *message)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", -1);

  if (strlen (message) >= MAX_MESSAGE_BYTES || g_strv_length (lines) != 1
      || strstr (message, "\xe2\x80\xa8") != NULL)
    g_error ("%s.%s %s: %zu bytes: %.300s", row->interface, row->method, row->args,
             strlen (message), message);
  g_assert_false (g_str_has_prefix (message, "Proxy_Port"));
}

static void
call_with (Fixture *f, const Row *row, const char *name)
{
  g_autofree char *interface = g_strconcat (PHONESEC_DBUS_INTERFACE_PREFIX, row->interface, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  GVariant *args = g_variant_new_parsed (row->args, name);

  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, row->path, interface,
                                       row->method, args, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       CALL_TIMEOUT_MS, NULL, &error);
  if (error == NULL)
    g_error ("%s.%s %s with a hostile name succeeded", row->interface, row->method, row->args);
  g_dbus_error_strip_remote_error (error);
  g_test_message ("%s.%s: %zu bytes: %.200s", row->interface, row->method, strlen (error->message),
                  error->message);
  assert_message_bounded (row, error->message);
}

static void
test_hostile_names (Fixture *f, gconstpointer data)
{
  g_autofree char *huge = g_strnfill (16 * 1024 * 1024, 'N');
  const char *const names[] = { huge, FORGED, FORGED_LS };

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint n = 0; n < G_N_ELEMENTS (names); n++)
      call_with (f, &rows[r], names[n]);
}

/* The phone's user is refused EnablePlugin: the refusal quotes the name
 * short too. (A command line holds at most 128 KiB per argument: the
 * client gets a 100 KiB name.) */
static void
test_refusal_quotes_name_short (Fixture *f, gconstpointer data)
{
  const Row row = { ROOT, "Manager", "EnablePlugin", "(%s,)" };
  g_autofree char *long_name = g_strnfill (100 * 1024, 'N');
  const char *const names[] = { long_name, FORGED, FORGED_LS };

  for (guint n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr (GVariant) args = g_variant_ref_sink (g_variant_new_parsed (row.args, names[n]));
      g_autofree char *text = g_variant_print (args, FALSE);
      g_autofree char *out = phonesec_test_call_as_nobody (f->bus, PHONESEC_DBUS_INTERFACE_MANAGER,
                                                           row.method, text);
      const char *message = NULL;

      if (!g_str_has_prefix (out, "ERROR " PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied "))
        g_error ("EnablePlugin as uid 65534: %.300s", out);
      message = out + strlen ("ERROR " PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied ");
      /* The client ends its line with a newline of its own. */
      g_strchomp ((char *) message);
      assert_message_bounded (&row, message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/error-names/hostile-names-quoted-short", Fixture, NULL, setup, test_hostile_names,
              teardown);
  g_test_add ("/error-names/refusal-quotes-name-short", Fixture, NULL, setup,
              test_refusal_quotes_name_short, teardown);
  return g_test_run ();
}
