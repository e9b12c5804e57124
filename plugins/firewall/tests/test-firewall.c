/* test-firewall.c: the firewall plugin filtering real packets.
 *
 * Each group of cases gets two network namespaces joined by a veth pair
 * (firewall-net.c) and one phonesecd, run in the phone's namespace with
 * the firewall plugin. Listeners answer on every port of interest in the
 * phone's namespace; the peer probes them all at once (firewall-probe.c):
 * TCP connect, UDP echo, ping, and whether ICMP port unreachable comes
 * back. A dropped probe costs PROBE_TIMEOUT_MS, so every check of a whole
 * ruleset takes about that long.
 *
 * The groups: the guide's tables 3 and 4 row by row with their conditions
 * on and off; the options of table 5 and Firewall_Config's edge cases; the
 * life of the rules (state, a moved SIP port, Disabled, stop, SIGKILL,
 * foreign tables); a ruleset nftables refuses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec-dbus-names.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "firewall-net.h"
#include "firewall-probe.h"
#include "phonesec-test-bus.h"

#define FIREWALL_PATH PHONESEC_DBUS_PLUGINS_PATH "/firewall"
#define FIREWALL_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "Firewall"
#define PROBE_TIMEOUT_MS 300

/* Peer ports the phone's own connections and flows go to. */
#define PEER_TCP_PORT 9100
#define PEER_UDP_PORT 9101

#define UDP(port, expect)                                                                          \
  {                                                                                                \
    PROBE_UDP, port, PROBE_BOTH, PROBE_##expect, 0                                                 \
  }
#define UDP4(port, expect)                                                                         \
  {                                                                                                \
    PROBE_UDP, port, PROBE_IPV4, PROBE_##expect, 0                                                 \
  }
#define UDP6(port, expect)                                                                         \
  {                                                                                                \
    PROBE_UDP, port, PROBE_IPV6, PROBE_##expect, 0                                                 \
  }
#define TCP(port, expect)                                                                          \
  {                                                                                                \
    PROBE_TCP, port, PROBE_BOTH, PROBE_##expect, 0                                                 \
  }
#define PING(expect)                                                                               \
  {                                                                                                \
    PROBE_PING, 0, PROBE_BOTH, PROBE_##expect, 0                                                   \
  }
/* A UDP probe from a given source port. */
#define UDP_FROM(port, source, expect)                                                             \
  {                                                                                                \
    PROBE_UDP, port, PROBE_BOTH, PROBE_##expect, source                                            \
  }

/* Listeners in the phone's namespace: every port a case looks at, so that
 * an open port answers and a closed one is the firewall's doing. */
static const guint16 phone_udp_ports[]
    = { 9,    68,    546,   4051,  5060,  5062,  5070,  7000,  7999,  8000,  8010,
        8011, 16383, 16384, 16483, 16484, 20000, 20101, 40000, 53240, 53245, 53246 };
static const guint16 phone_tcp_ports[]
    = { 22, 80, 443, 4051, 5060, 6970, 8080, 8645, 12000, 12001, 12002, 12003 };

static char *outer_wrapper; /* the wrapper meson set (valgrind), if any */

typedef struct
{
  FirewallNet *net;
  PhonesecTestBus *bus;
  Prober *prober;
  char *foreign_before; /* the foreign tables before phonesecd ever ran */
} Fixture;

/* --- fixture ------------------------------------------------------------- */

static void
start_daemon_with (Fixture *f, const char *extra_wrapper)
{
  g_autofree char *inner = g_strjoin (" ", extra_wrapper != NULL ? extra_wrapper : "",
                                      outer_wrapper != NULL ? outer_wrapper : "", NULL);
  g_autofree char *wrapper = firewall_net_wrapper (f->net, inner);

  g_setenv ("PHONESEC_DAEMON_WRAPPER", wrapper, TRUE);
  phonesec_test_bus_start_daemon (f->bus);
}

static void
start_daemon (Fixture *f)
{
  start_daemon_with (f, NULL);
}

/* Before any firewall: both ends answer over both IP versions (the veth
 * pair has carrier, IPv6 is ready on it). */
static void
wait_link (Fixture *f)
{
  const Probe to_phone[] = { UDP (5060, OPEN) };
  const Probe to_peer[] = { UDP (PEER_UDP_PORT, OPEN) };

  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *from_peer = prober_check (f->prober, f->net->peer, to_phone, 1);
      g_autofree char *from_phone = prober_check (f->prober, f->net->phone, to_peer, 1);

      if (from_peer == NULL && from_phone == NULL)
        return;
      if (attempt == 20)
        g_error ("the veth pair does not carry traffic:\n%s%s", from_peer ?: "", from_phone ?: "");
    }
}

static void
setup (Fixture *f, gconstpointer data)
{
  void (*before_start) (Fixture *) = data;

  f->net = firewall_net_new ();
  f->prober = prober_new (f->net, PROBE_TIMEOUT_MS);
  for (guint i = 0; i < G_N_ELEMENTS (phone_udp_ports); i++)
    prober_listen (f->prober, f->net->phone, PROBE_UDP, phone_udp_ports[i]);
  for (guint i = 0; i < G_N_ELEMENTS (phone_tcp_ports); i++)
    prober_listen (f->prober, f->net->phone, PROBE_TCP, phone_tcp_ports[i]);
  prober_listen (f->prober, f->net->peer, PROBE_TCP, PEER_TCP_PORT);
  prober_listen (f->prober, f->net->peer, PROBE_UDP, PEER_UDP_PORT);
  wait_link (f);
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_FIREWALL_PLUGIN_DIR");
  if (before_start != NULL)
    before_start (f);
  start_daemon (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* A clean stop (exit status 0: under ASan or valgrind, no error). */
  if (f->bus->daemon != NULL)
    phonesec_test_bus_stop_daemon (f->bus);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->prober, prober_free);
  g_clear_pointer (&f->net, firewall_net_free);
  g_clear_pointer (&f->foreign_before, g_free);
}

/* --- helpers --------------------------------------------------------------- */

#define EXPECT(f, when, ...)                                                                       \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const Probe probes_[] = { __VA_ARGS__ };                                                       \
    expect_probes (f, f->net->peer, when, probes_, G_N_ELEMENTS (probes_));                        \
  }                                                                                                \
  G_STMT_END

/* The same from the phone towards the peer. */
#define EXPECT_FROM_PHONE(f, when, ...)                                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    const Probe probes_[] = { __VA_ARGS__ };                                                       \
    expect_probes (f, f->net->phone, when, probes_, G_N_ELEMENTS (probes_));                       \
  }                                                                                                \
  G_STMT_END

static void
expect_probes (Fixture *f, int from, const char *when, const Probe *probes, guint n)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *report = prober_check (f->prober, from, probes, n);

  g_test_message ("%s: %u probes in %.0f ms", when, n, (g_get_monotonic_time () - start) / 1000.0);
  if (report != NULL)
    {
      g_autofree char *ruleset = firewall_net_list_table (f->net, "inet phonesec");
      g_error ("%s:\n%sthe table inet phonesec:\n%s", when, report,
               ruleset != NULL ? ruleset : "(none)");
    }
}

/* Config.Apply of NAME, VALUE pairs; asserts it succeeds. The plugin puts
 * the rules in force before Apply answers. */
#define APPLY(f, ...) apply_ok (f, __VA_ARGS__, NULL)

static void G_GNUC_NULL_TERMINATED
apply_ok (Fixture *f, ...)
{
  GVariantBuilder values;
  g_autoptr (GError) error = NULL;
  const char *name;
  va_list args;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  va_start (args, f);
  while ((name = va_arg (args, const char *)) != NULL)
    g_variant_builder_add (&values, "{sv}", name, g_variant_new_string (va_arg (args, char *)));
  va_end (args);
  g_assert_cmpuint (phonesec_test_apply (f->bus, g_variant_builder_end (&values), NULL, &error), !=,
                    G_MAXUINT64);
  g_assert_no_error (error);
}

static char *
firewall_string (Fixture *f, const char *property)
{
  return phonesec_test_dup_string_property (f->bus, FIREWALL_PATH, FIREWALL_IFACE, property);
}

static void
assert_string (Fixture *f, const char *property, const char *expected)
{
  g_autofree char *value = firewall_string (f, property);

  g_assert_cmpstr (value, ==, expected);
}

static void
assert_state (Fixture *f, const char *expected)
{
  g_autofree char *state = firewall_string (f, "State");

  if (g_strcmp0 (state, expected) != 0)
    {
      g_autofree char *last_error = firewall_string (f, "LastError");
      g_error ("Firewall.State is %s, expected %s; LastError: %s", state, expected, last_error);
    }
}

/* OpenPorts as "udp 68 68 DHCP client" lines. */
static char **
open_ports (Fixture *f)
{
  g_autoptr (GVariant) value
      = phonesec_test_get_property (f->bus, FIREWALL_PATH, FIREWALL_IFACE, "OpenPorts");
  g_autoptr (GPtrArray) lines = g_ptr_array_new ();
  GVariantIter iter;
  const char *protocol, *why;
  guint16 first, last;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sqq&s)", &protocol, &first, &last, &why))
    g_ptr_array_add (lines, g_strdup_printf ("%s %u %u %s", protocol, first, last, why));
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static char *
foreign_tables (Fixture *f)
{
  g_autofree char *inet = firewall_net_list_table (f->net, "inet foreign");
  g_autofree char *ip = firewall_net_list_table (f->net, "ip phonesec");

  return g_strconcat (inet != NULL ? inet : "(no inet foreign)\n",
                      ip != NULL ? ip : "(no ip phonesec)\n", NULL);
}

static void
assert_table (Fixture *f, const char *expected)
{
  g_autofree char *listing = firewall_net_list_table (f->net, "inet phonesec");

  g_assert_cmpstr (listing, ==, expected);
}

static void
assert_no_table (Fixture *f)
{
  assert_table (f, NULL);
}

static void
assert_foreign_intact (Fixture *f)
{
  g_autofree char *now = foreign_tables (f);

  g_assert_cmpstr (now, ==, f->foreign_before);
}

/* Only line 1 listens: the defaults enable four lines on 5060. */
static void
only_line_1 (Fixture *f)
{
  APPLY (f, "Line_Enable_2_", "No", "Line_Enable_3_", "No", "Line_Enable_4_", "No");
}

static char *
name_owner (Fixture *f)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetNameOwner", g_variant_new ("(s)", PHONESEC_DBUS_NAME), G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  char *owner = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

/* A TLS policy change (FIPS_Mode) restarts only the network service:
 * phonesecd keeps its bus name, and the plugin sees the change. */
static void
apply_policy (Fixture *f, const char *name, const char *value)
{
  g_autofree char *owner = name_owner (f);
  g_autofree char *after = NULL;

  APPLY (f, name, value);
  after = name_owner (f);
  g_assert_cmpstr (after, ==, owner);
}

/* --- the guide's tables 3 and 4 -------------------------------------------- */

static void
test_tables (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) ports = NULL;

  assert_state (f, "active");
  EXPECT (f, "the defaults",
          /* Table 3. */
          UDP4 (68, OPEN), UDP6 (68, REFUSED), UDP6 (546, OPEN), UDP4 (546, REFUSED),
          UDP (5060, OPEN), UDP (16383, REFUSED), UDP (16384, OPEN), UDP (16483, OPEN),
          UDP (16484, REFUSED), UDP (4051, OPEN), UDP (53240, OPEN), UDP (53245, OPEN),
          UDP (53246, REFUSED), UDP (7999, REFUSED),
          /* Table 4. */
          TCP (443, OPEN), TCP (80, DROPPED), TCP (4051, OPEN), TCP (6970, OPEN),
          TCP (8645, DROPPED),
          /* Everything else. */
          TCP (22, DROPPED), TCP (5060, DROPPED), UDP (9, REFUSED), PING (OPEN));
  ports = open_ports (f);
  g_assert_true (g_strv_contains ((const char *const *) ports, "udp 5060 5060 SIP line 1"));
  g_assert_true (g_strv_contains ((const char *const *) ports, "udp 16384 16483 RTP/RTCP"));
  g_assert_true (g_strv_contains ((const char *const *) ports, "tcp 443 443 Web server"));

  /* SIP, per line: enabled, and over UDP or Auto. */
  only_line_1 (f);
  EXPECT (f, "line 1 only", UDP (5060, OPEN));
  APPLY (f, "Line_Enable_1_", "No");
  EXPECT (f, "Line_Enable_1_=No", UDP (5060, REFUSED));
  APPLY (f, "Line_Enable_1_", "Yes", "SIP_Transport_1_", "TCP");
  EXPECT (f, "SIP_Transport_1_=TCP", UDP (5060, REFUSED), TCP (5060, DROPPED));
  APPLY (f, "SIP_Transport_1_", "TLS");
  EXPECT (f, "SIP_Transport_1_=TLS", UDP (5060, REFUSED), TCP (5060, DROPPED));
  APPLY (f, "SIP_Transport_1_", "Auto");
  EXPECT (f, "SIP_Transport_1_=Auto", UDP (5060, OPEN), TCP (5060, DROPPED));
  APPLY (f, "Line_Enable_2_", "Yes", "SIP_Port_2_", "5062");
  EXPECT (f, "line 2 on 5062", UDP (5062, OPEN), UDP (5060, OPEN), UDP (5070, REFUSED));

  /* RTP/RTCP: RTP_Port_Min to RTP_Port_Max + 1. */
  APPLY (f, "RTP_Port_Min", "20000", "RTP_Port_Max", "20100");
  EXPECT (f, "RTP 20000-20100", UDP (20000, OPEN), UDP (20101, OPEN), UDP (16384, REFUSED),
          UDP (16483, REFUSED));

  /* Peer firmware sharing: Upgrade_Enable and Peer_Firmware_Sharing. */
  APPLY (f, "Upgrade_Enable", "No");
  EXPECT (f, "Upgrade_Enable=No", UDP (4051, REFUSED), TCP (4051, DROPPED), TCP (6970, DROPPED));
  APPLY (f, "Upgrade_Enable", "Yes", "Peer_Firmware_Sharing", "No");
  EXPECT (f, "Peer_Firmware_Sharing=No", UDP (4051, REFUSED), TCP (4051, DROPPED),
          TCP (6970, DROPPED));
  APPLY (f, "Peer_Firmware_Sharing", "Yes");
  EXPECT (f, "both Yes", UDP (4051, OPEN), TCP (4051, OPEN), TCP (6970, OPEN));

  /* The web server: 443 for HTTPS, Web_Server_Port for HTTP. */
  APPLY (f, "Enable_Protocol", "Http");
  EXPECT (f, "Enable_Protocol=Http", TCP (80, OPEN), TCP (443, DROPPED));
  APPLY (f, "Web_Server_Port", "8080");
  EXPECT (f, "Web_Server_Port=8080", TCP (8080, OPEN), TCP (80, DROPPED), TCP (443, DROPPED));
  APPLY (f, "Enable_Web_Server", "No");
  EXPECT (f, "Enable_Web_Server=No", TCP (8080, DROPPED), TCP (80, DROPPED), TCP (443, DROPPED));

  /* TR-069: UDP 7999 and the connection request URL's port; FIPS mode
   * turns TR-069 off (phonesecd stays on the bus). */
  APPLY (f, "Connection_Request_URL", "http://" FIREWALL_PHONE_IPV4 ":8645/tr069");
  EXPECT (f, "Connection_Request_URL alone", UDP (7999, REFUSED), TCP (8645, DROPPED));
  APPLY (f, "Enable_TR-069", "Yes");
  EXPECT (f, "Enable_TR-069=Yes", UDP (7999, OPEN), TCP (8645, OPEN));
  apply_policy (f, "FIPS_Mode", "Yes");
  assert_state (f, "active");
  EXPECT (f, "FIPS_Mode=Yes", UDP (7999, REFUSED), TCP (8645, DROPPED), UDP (5062, OPEN));
}

/* Config.Describe reports what acts on a parameter: the plugin, for
 * every parameter of its Watch list. */
static void
test_describe (Fixture *f, gconstpointer data)
{
  const char *names[]
      = { "Firewall", "Firewall_Config", "SIP_Port_2_", "Connection_Request_URL", "Web_Server_Port",
          NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (
      f->bus, PHONESEC_DBUS_INTERFACE_CONFIG, "Describe", g_variant_new ("(^as)", names), &error);
  g_autoptr (GVariant) all = NULL;

  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GVariant) info = g_variant_lookup_value (all, names[i], NULL);
      g_autofree const char **actors = NULL;

      g_assert_nonnull (info);
      g_assert_true (g_variant_lookup (info, "acted-on-by", "^a&s", &actors));
      g_assert_true (g_strv_contains (actors, "plugin:firewall"));
    }
}

/* --- table 5: options ------------------------------------------------------ */

static void
test_options (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  APPLY (f, "Firewall_Config", "NO_ICMP_PING");
  EXPECT (f, "NO_ICMP_PING", PING (DROPPED), UDP (5060, OPEN), TCP (443, OPEN));
  APPLY (f, "Firewall_Config", "");
  EXPECT (f, "no option", PING (OPEN), UDP (53240, OPEN));

  APPLY (f, "Firewall_Config", "NO_CISCO_TFTP");
  EXPECT (f, "NO_CISCO_TFTP", UDP (53240, REFUSED), UDP (53245, REFUSED), PING (OPEN));

  /* Closed UDP ports and open ones where nothing listens answer ICMP port
   * unreachable, except with NO_ICMP_UNREACHABLE; the RTP range always
   * does. 7100 is open and has no listener, nor has 16400 (RTP). */
  APPLY (f, "Firewall_Config", "UDP:7100");
  EXPECT (f, "UDP:7100", UDP (9, REFUSED), UDP (53246, REFUSED), UDP (7100, REFUSED),
          UDP (16400, REFUSED));
  APPLY (f, "Firewall_Config", "NO_ICMP_UNREACHABLE,UDP:7100");
  EXPECT (f, "NO_ICMP_UNREACHABLE", UDP (53246, DROPPED), UDP (7100, DROPPED), UDP (16400, REFUSED),
          UDP (16384, OPEN), UDP (5060, OPEN), PING (OPEN));
  /* The same for flows the phone started: from its RTP port 16450 and
   * its port 7200, then nothing listens there any more. */
  EXPECT_FROM_PHONE (f, "the phone's flows", UDP_FROM (PEER_UDP_PORT, 16450, OPEN),
                     UDP_FROM (PEER_UDP_PORT, 7200, OPEN));
  EXPECT (f, "after the phone's flows", UDP_FROM (16450, PEER_UDP_PORT, REFUSED),
          UDP_FROM (7200, PEER_UDP_PORT, DROPPED));

  /* Ports and ranges, inclusive. */
  APPLY (f, "Firewall_Config", "UDP:7000,UDP:8000:8010,TCP:12000,TCP:12001:12002");
  EXPECT (f, "ports", UDP (7000, OPEN), UDP (8000, OPEN), UDP (8010, OPEN), UDP (8011, REFUSED),
          TCP (12000, OPEN), TCP (12001, OPEN), TCP (12002, OPEN), TCP (12003, DROPPED),
          UDP (53240, OPEN));
  /* The guide's example. */
  APPLY (f, "Firewall_Config", "NO_ICMP_PING,TCP:12000,UDP:8000:8010");
  EXPECT (f, "the guide's example", PING (DROPPED), TCP (12000, OPEN), TCP (12001, DROPPED),
          UDP (8000, OPEN), UDP (8010, OPEN), UDP (7000, REFUSED));

  /* Edge cases the core accepts: case, white space, empty items, a sign. */
  APPLY (f, "Firewall_Config", " udp : 7000 , Tcp:+12003 ,, no_icmp_ping ,");
  EXPECT (f, "loosely written", UDP (7000, OPEN), TCP (12003, OPEN), PING (DROPPED),
          UDP (8000, REFUSED));
  /* Five of each protocol is the most... */
  APPLY (f, "Firewall_Config",
         "UDP:7000,UDP:8000,UDP:8010,UDP:8011,UDP:9,TCP:12000,TCP:12001,TCP:12002,TCP:12003,"
         "TCP:22");
  EXPECT (f, "five of each", UDP (7000, OPEN), UDP (8011, OPEN), UDP (9, OPEN), TCP (22, OPEN),
          TCP (12003, OPEN));
  /* ... and what the core refuses changes nothing. */
  {
    const char *refused[] = { "UDP:7000,UDP:8000,UDP:8010,UDP:8011,UDP:9,UDP:5070",
                              "UDP:7002:7001",
                              "UDP:0",
                              "TCP:65536",
                              "UDP:1:2:3",
                              "NO_ICMP_PING:1",
                              "ALLOW_ALL" };
    g_autofree char *before = firewall_string (f, "Ruleset");

    for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
      {
        g_autofree char *name = NULL;

        g_assert_cmpuint (
            phonesec_test_apply_strings (f->bus, &error, "Firewall_Config", refused[i], NULL), ==,
            G_MAXUINT64);
        name = g_dbus_error_get_remote_error (error);
        g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
        g_clear_error (&error);
      }
    assert_state (f, "active");
    assert_string (f, "Ruleset", before);
    EXPECT (f, "after refused values", UDP (5070, REFUSED), TCP (22, OPEN));
  }
  /* A whole protocol. */
  APPLY (f, "Firewall_Config", "TCP:1:65535");
  EXPECT (f, "TCP:1:65535", TCP (22, OPEN), TCP (80, OPEN), TCP (12003, OPEN), UDP (9, REFUSED));
}

/* --- the life of the rules ---------------------------------------------- */

/* Before phonesecd first starts: tables that are not its own, and junk in
 * its own that it must replace. */
static void
load_foreign_tables (Fixture *f)
{
  firewall_net_load (f->net,
                     "table inet foreign {\n"
                     "  set keep { type ipv4_addr; elements = { 192.0.2.1, 192.0.2.2 } }\n"
                     "  chain input { type filter hook input priority 10; policy accept; }\n"
                     "}\n"
                     "table ip phonesec {\n"
                     "  chain forward { type filter hook forward priority 0; }\n"
                     "}\n"
                     "table inet phonesec {\n"
                     "  set leftover { type inet_service; elements = { 1 } }\n"
                     "  chain junk { type filter hook input priority 5; policy accept; }\n"
                     "}\n");
  f->foreign_before = foreign_tables (f);
}

static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autofree char *listing = firewall_net_list_table (f->net, "inet phonesec");
  g_autofree char *ruleset = firewall_string (f, "Ruleset");

  /* At start, whatever was in its table is replaced; nothing else moves. */
  assert_state (f, "active");
  g_assert_nonnull (listing);
  g_assert_null (strstr (listing, "junk"));
  g_assert_null (strstr (listing, "leftover"));
  g_assert_cmpstr (ruleset, ==, listing);
  assert_foreign_intact (f);

  /* Replies to the phone's own connections and flows get in... */
  EXPECT_FROM_PHONE (f, "the phone's own traffic", TCP (PEER_TCP_PORT, OPEN),
                     UDP_FROM (PEER_UDP_PORT, 40000, OPEN));
  /* ... and later packets of that UDP flow too (40000 is closed, but
   * belongs to the flow), while anything else to that port does not. */
  EXPECT (f, "the flow's later packets", UDP_FROM (40000, PEER_UDP_PORT, OPEN),
          UDP (40000, REFUSED));

  /* IPv6 neighbour discovery gets through: with both neighbour tables
   * emptied, IPv6 works both ways. */
  {
    const char *flush[] = { "ip", "neigh", "flush", "all", NULL };

    g_assert_cmpint (firewall_net_run (f->net, f->net->phone, NULL, NULL, flush), ==, 0);
    g_assert_cmpint (firewall_net_run (f->net, f->net->peer, NULL, NULL, flush), ==, 0);
  }
  EXPECT (f, "IPv6 after a neighbour flush", UDP6 (5060, OPEN));
  EXPECT_FROM_PHONE (f, "IPv6 from the phone after a neighbour flush", UDP6 (PEER_UDP_PORT, OPEN));

  /* A SIP port change moves the hole. */
  only_line_1 (f);
  APPLY (f, "SIP_Port_1_", "5070");
  EXPECT (f, "SIP_Port_1_=5070", UDP (5070, OPEN), UDP (5060, REFUSED));

  /* Disabled: nothing filters, the table is gone; the others stay. */
  APPLY (f, "Firewall", "Disabled");
  assert_state (f, "disabled");
  EXPECT (f, "Firewall=Disabled", TCP (22, OPEN), UDP (9, OPEN), TCP (12000, OPEN), PING (OPEN));
  assert_no_table (f);
  assert_string (f, "Ruleset", "");
  {
    g_auto (GStrv) ports = open_ports (f);
    g_assert_cmpuint (g_strv_length (ports), ==, 0);
  }
  assert_foreign_intact (f);
  APPLY (f, "Firewall", "Enabled");
  assert_state (f, "active");
  EXPECT (f, "Firewall=Enabled again", TCP (22, DROPPED), UDP (5070, OPEN));

  /* A daemon that stops leaves the rules in force... */
  g_clear_pointer (&listing, g_free);
  listing = firewall_net_list_table (f->net, "inet phonesec");
  phonesec_test_bus_stop_daemon (f->bus);
  assert_table (f, listing);
  EXPECT (f, "phonesecd stopped", TCP (22, DROPPED), UDP (5070, OPEN), UDP (9, REFUSED));
  /* ... as does one that is killed. */
  start_daemon (f);
  assert_state (f, "active");
  phonesec_test_bus_kill_daemon (f->bus);
  assert_table (f, listing);
  EXPECT (f, "phonesecd killed (SIGKILL)", TCP (22, DROPPED), UDP (5070, OPEN), UDP (9, REFUSED),
          TCP (443, OPEN));
  assert_foreign_intact (f);

  /* Started with Firewall=Disabled stored, it removes the table it finds. */
  start_daemon (f);
  APPLY (f, "Firewall", "Disabled");
  phonesec_test_bus_stop_daemon (f->bus);
  firewall_net_load (f->net, "table inet phonesec {\n"
                             "  chain junk { type filter hook input priority 5; policy drop; }\n"
                             "}\n");
  start_daemon (f);
  assert_state (f, "disabled");
  assert_no_table (f);
  EXPECT (f, "started Disabled", TCP (22, OPEN));
  assert_foreign_intact (f);
}

/* --- a ruleset nftables refuses ---------------------------------------------- */

/* Properties.Get or a call as the phone's user (uid 65534): busctl's
 * output, or its error. */
static char *
as_user (Fixture *f, const char *what, const char *member)
{
  const char *argv[]
      = { "setpriv", "--reuid=65534",    "--regid=65534", "--clear-groups", "busctl", NULL,
          what,      PHONESEC_DBUS_NAME, FIREWALL_PATH,   FIREWALL_IFACE,   member,   NULL };
  g_autofree char *address = g_strdup_printf ("--address=%s", f->bus->address);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  argv[5] = address;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, NULL,
                &error);
  g_assert_no_error (error);
  return g_strconcat (out, err, NULL);
}

static void
assert_user_denied (Fixture *f, const char *what, const char *member)
{
  g_autofree char *out = as_user (f, what, member);

  /* busctl prints the message of Error.PermissionDenied (LC_ALL=C). */
  if (strstr (out, "is for the administrator only") == NULL)
    g_error ("busctl %s %s as the phone's user: %s", what, member, out);
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *ruleset = firewall_string (f, "Ruleset");
  g_autofree char *last_error = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) ports = NULL;

  assert_state (f, "active");
  /* The core takes the two ports; nftables refuses the reversed range. */
  APPLY (f, "RTP_Port_Min", "20000", "RTP_Port_Max", "10000");
  assert_state (f, "error");
  last_error = firewall_string (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_nonnull (strstr (last_error, "Range has zero or negative size"));
  g_assert_nonnull (strstr (last_error, "RTP/RTCP"));
  assert_string (f, "Ruleset", ruleset);
  EXPECT (f, "the previous rules", UDP (16384, OPEN), UDP (20000, REFUSED), TCP (22, DROPPED));

  /* Reload says so too; the phone's user may neither call it nor read
   * the rules (nor anything else of the firewall: its parameters are
   * hidden). */
  {
    g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
        f->bus->connection, PHONESEC_DBUS_NAME, FIREWALL_PATH, FIREWALL_IFACE, "Reload", NULL, NULL,
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_autofree char *name = g_dbus_error_get_remote_error (error);

    g_assert_null (reply);
    g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "Failed");
    g_assert_nonnull (strstr (error->message, "Range has zero or negative size"));
    g_clear_error (&error);
  }
  assert_user_denied (f, "call", "Reload");
  assert_user_denied (f, "get-property", "Ruleset");
  assert_user_denied (f, "get-property", "OpenPorts");
  assert_user_denied (f, "get-property", "State");

  /* Fixed, it is in force at once. */
  APPLY (f, "RTP_Port_Max", "20100");
  assert_state (f, "active");
  EXPECT (f, "fixed", UDP (20000, OPEN), UDP (16384, REFUSED));

  /* Refused with no ruleset in force (the table deleted by hand while
   * phonesecd was stopped): the closed one takes its place. */
  APPLY (f, "RTP_Port_Max", "10000");
  phonesec_test_bus_stop_daemon (f->bus);
  firewall_net_load (f->net, "delete table inet phonesec\n");
  start_daemon (f);
  assert_state (f, "error");
  ports = open_ports (f);
  g_assert_cmpuint (g_strv_length (ports), ==, 2);
  g_assert_cmpstr (ports[0], ==, "udp 68 68 DHCP client");
  g_assert_cmpstr (ports[1], ==, "udp 546 546 DHCPv6 client");
  EXPECT (f, "the closed rules", UDP4 (68, OPEN), UDP6 (546, OPEN), UDP (5060, REFUSED),
          UDP (20000, REFUSED), TCP (443, DROPPED), PING (OPEN));
  EXPECT_FROM_PHONE (f, "the phone's own traffic, closed", TCP (PEER_TCP_PORT, OPEN),
                     UDP (PEER_UDP_PORT, OPEN));
  APPLY (f, "RTP_Port_Max", "20100");
  assert_state (f, "active");

  /* Without CAP_NET_ADMIN nftables cannot be used: the plugin says so on
   * its object too (Plugin.State=error), and the rules in force stay. */
  phonesec_test_bus_stop_daemon (f->bus);
  start_daemon_with (f, "setpriv --bounding-set=-net_admin --inh-caps=-net_admin");
  assert_state (f, "error");
  {
    g_autofree char *plugin_state = phonesec_test_dup_string_property (
        f->bus, FIREWALL_PATH, PHONESEC_DBUS_INTERFACE_PLUGIN, "State");
    g_assert_cmpstr (plugin_state, ==, "error");
  }
  EXPECT (f, "without CAP_NET_ADMIN", UDP (20000, OPEN), TCP (22, DROPPED));
}

/* --- the nftables helper --------------------------------------------------- */

/* phonesecd's children running the nftables helper. */
static GArray *
helper_pids (Fixture *f)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetConnectionUnixProcessID", g_variant_new ("(s)", "org.phonesec.PhoneSec1"),
      G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *parent = NULL;
  const char *name;
  guint32 daemon;

  g_assert_nonnull (reply);
  g_variant_get (reply, "(u)", &daemon);
  parent = g_strdup_printf ("PPid:\t%u\n", daemon);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *status_path = g_build_filename ("/proc", name, "status", NULL);
      g_autofree char *status = NULL;
      guint pid = (guint) atoi (name);

      if (pid > 0 && g_file_get_contents (status_path, &status, NULL, NULL)
          && strstr (status, "Name:\tphonesec-firewa") != NULL && strstr (status, parent) != NULL)
        g_array_append_val (pids, pid);
    }
  return pids;
}

static gboolean
no_helper (gpointer data)
{
  g_autoptr (GArray) pids = helper_pids (data);

  return pids->len == 0;
}

static void
set_helper_idle (Fixture *f)
{
  g_setenv ("PHONESEC_FIREWALL_NFT_IDLE_S", "2", TRUE);
}

/* libnftables runs in a helper that outlives a burst of changes and then
 * exits; the rules stay in force without it, and a helper that dies is
 * replaced at the next change. */
static void
test_helper (Fixture *f, gconstpointer data)
{
  g_autoptr (GArray) pids = NULL;

  g_unsetenv ("PHONESEC_FIREWALL_NFT_IDLE_S");
  assert_state (f, "active");
  only_line_1 (f);
  pids = helper_pids (f);
  g_assert_cmpuint (pids->len, ==, 1);
  g_assert_true (phonesec_test_wait_until (no_helper, f, 10000));
  EXPECT (f, "no helper: the rules stay", UDP (5060, OPEN), TCP (22, DROPPED));

  /* The next change starts one again. */
  APPLY (f, "SIP_Port_1_", "5070");
  EXPECT (f, "SIP_Port_1_=5070 by a new helper", UDP (5070, OPEN), UDP (5060, REFUSED));

  /* Killed while idle: the change after it still goes through. */
  g_clear_pointer (&pids, g_array_unref);
  pids = helper_pids (f);
  g_assert_cmpuint (pids->len, ==, 1);
  g_assert_cmpint (kill ((pid_t) g_array_index (pids, guint, 0), SIGKILL), ==, 0);
  APPLY (f, "SIP_Port_1_", "5060");
  assert_state (f, "active");
  EXPECT (f, "SIP_Port_1_=5060 after the helper was killed", UDP (5060, OPEN), UDP (5070, REFUSED));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  firewall_net_require_tools ();
  /* start_daemon() puts nsenter in front of any wrapper. */
  outer_wrapper = g_strdup (g_getenv ("PHONESEC_DAEMON_WRAPPER"));

#define ADD(path, before_start, func)                                                              \
  g_test_add (path, Fixture, before_start, setup, func, teardown)
  ADD ("/firewall/tables", NULL, test_tables);
  ADD ("/firewall/describe", NULL, test_describe);
  ADD ("/firewall/options", NULL, test_options);
  ADD ("/firewall/lifecycle", load_foreign_tables, test_lifecycle);
  ADD ("/firewall/refused", NULL, test_refused);
  ADD ("/firewall/helper", set_helper_idle, test_helper);
#undef ADD
  return g_test_run ();
}
