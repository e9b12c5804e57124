/* test-status-words.c: plugin state in the words of the guide's status
 * screens (ui-bridge/common/phonesec-status-words.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-status-words.h"

#define IFACE(name) "org.phonesec.PhoneSec1." name

/* A translator that marks what it translated: «msgid». */
static const char *
mark (const char *msgid, gpointer user_data)
{
  GHashTable *seen = user_data;
  char *marked = g_strdup_printf ("«%s»", msgid);

  g_hash_table_add (seen, marked);
  return marked;
}

typedef struct
{
  GHashTable *seen;
  PhonesecStatusWords words;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  f->words.translate = mark;
  f->words.user_data = f->seen;
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_hash_table_unref (f->seen);
}

static GPtrArray *
feature (Fixture *f, const char *iface, const char *props_text)
{
  g_autoptr (GVariant) props = g_variant_ref_sink (g_variant_new_parsed (props_text));
  GPtrArray *lines = phonesec_status_words_feature (&f->words, iface, props);

  g_assert_nonnull (lines);
  return lines;
}

/* "id=label:value" per line, joined by "|". */
static char *
describe (GPtrArray *lines)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < lines->len; i++)
    {
      PhonesecStatusLine *line = g_ptr_array_index (lines, i);
      g_string_append_printf (out, "%s%s=%s:%s", i ? "|" : "", line->id, line->label, line->value);
    }
  return g_string_free (out, FALSE);
}

static PhonesecStatusLine *
find (GPtrArray *lines, const char *id)
{
  for (guint i = 0; i < lines->len; i++)
    if (strcmp (((PhonesecStatusLine *) g_ptr_array_index (lines, i))->id, id) == 0)
      return g_ptr_array_index (lines, i);
  return NULL;
}

static void
test_vpn_connected (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines = feature (
      f, IFACE ("Vpn"),
      "{'State': <'connected'>, 'IpAddress': <'10.77.0.12'>, 'Netmask': <'255.255.255.0'>,"
      " 'BytesSent': <uint64 1234>, 'BytesReceived': <uint64 98765>, 'LastError': <''>,"
      " 'Server': <'vpn.test'>}");
  g_autofree char *text = describe (lines);

  /* The guide's order; no line for an empty LastError. */
  g_assert_cmpstr (text, ==,
                   "vpn.connection=«VPN connection»:«Connected»"
                   "|vpn.ip-address=«VPN IP address»:10.77.0.12"
                   "|vpn.netmask=«VPN subnet mask»:255.255.255.0"
                   "|vpn.bytes-sent=«Bytes sent»:1234"
                   "|vpn.bytes-received=«Bytes received»:98765");
  g_assert_cmpstr (phonesec_status_words_title (&f->words, IFACE ("Vpn")), ==, "«VPN Status»");
}

static void
test_vpn_failed (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines
      = feature (f, IFACE ("Vpn"), "{'State': <'failed'>, 'LastError': <'wrong password'>}");

  g_assert_cmpint (find (lines, "vpn.connection")->level, ==, PHONESEC_STATUS_LEVEL_ERROR);
  g_assert_cmpstr (find (lines, "vpn.last-error")->value, ==, "wrong password");
  g_assert_cmpint (find (lines, "vpn.last-error")->level, ==, PHONESEC_STATUS_LEVEL_ERROR);
}

/* What the reader may not see is absent from the properties: no line, and
 * nothing invented in its place. */
static void
test_hidden_gives_no_line (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) vpn = feature (f, IFACE ("Vpn"), "@a{sv} {}");
  g_autoptr (GPtrArray) fw = feature (f, IFACE ("Firewall"), "@a{sv} {}");

  g_assert_cmpuint (vpn->len, ==, 0);
  g_assert_cmpuint (fw->len, ==, 0);
}

static void
test_unknown_state_shown_raw (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines = feature (f, IFACE ("Vpn"), "{'State': <'paused'>}");

  g_assert_cmpstr (find (lines, "vpn.connection")->value, ==, "paused");
}

/* The guide's 802.1X transaction status, data-driven. */
static void
test_dot1x_states (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *state, *word;
  } table[] = {
    { "disabled", "«Disabled»" },
    { "authenticating", "«Authenticating»" },
    { "authenticated", "«Authenticated»" },
    { "failed", "«Authentication failed»" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *props
          = g_strdup_printf ("{'State': <'%s'>, 'Method': <'EAP-TLS'>}", table[i].state);
      g_autoptr (GPtrArray) lines = feature (f, IFACE ("Dot1x"), props);

      g_assert_cmpstr (find (lines, "dot1x.state")->label, ==, "«Transaction status»");
      g_assert_cmpstr (find (lines, "dot1x.state")->value, ==, table[i].word);
      g_assert_cmpstr (find (lines, "dot1x.method")->value, ==, "EAP-TLS");
    }
}

static void
test_proxy_auto_and_manual (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) autom
      = feature (f, IFACE ("HttpProxy"),
                 "{'Mode': <'Auto'>, 'State': <'ready'>, 'PacSource': <'dhcp'>,"
                 " 'PacUrl': <'http://wpad.example.com/wpad.dat'>, 'LastError': <''>}");
  g_autoptr (GPtrArray) manual = feature (
      f, IFACE ("HttpProxy"), "{'Mode': <'Manual'>, 'State': <'manual'>, 'PacSource': <''>}");

  g_assert_cmpstr (find (autom, "proxy.mode")->value, ==, "«Auto»");
  g_assert_cmpstr (find (autom, "proxy.pac-source")->value, ==, "«DHCP (option 252)»");
  g_assert_cmpstr (find (autom, "proxy.pac-url")->value, ==, "http://wpad.example.com/wpad.dat");
  g_assert_cmpstr (find (manual, "proxy.mode")->value, ==, "«Manual»");
  g_assert_null (find (manual, "proxy.pac-source"));
}

static void
test_ldap_security (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *security, *word;
    PhonesecStatusLevel level;
  } table[] = {
    { "ldaps", "«LDAPS (TLS)»", PHONESEC_STATUS_LEVEL_INFO },
    { "starttls", "«StartTLS (TLS)»", PHONESEC_STATUS_LEVEL_INFO },
    { "plaintext", "«Plaintext: not encrypted»", PHONESEC_STATUS_LEVEL_WARNING },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *props = g_strdup_printf ("{'Security': <'%s'>}", table[i].security);
      g_autoptr (GPtrArray) lines = feature (f, IFACE ("Ldap"), props);
      PhonesecStatusLine *line = find (lines, "ldap.security");

      g_assert_cmpstr (line->value, ==, table[i].word);
      g_assert_cmpint (line->level, ==, table[i].level);
    }
}

static void
test_firewall_ports (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines
      = feature (f, IFACE ("Firewall"),
                 "{'State': <'active'>, 'OpenPorts': <[('udp', @q 5060, @q 5060, 'SIP line 1'),"
                 " ('udp', 16384, 16538, 'RTP/RTCP')]>}");
  g_autofree char *text = describe (lines);

  g_assert_cmpstr (text, ==,
                   "firewall.state=«Firewall»:«Enabled»"
                   "|firewall.port.0=SIP line 1:UDP 5060"
                   "|firewall.port.1=RTP/RTCP:UDP 16384-16538");
}

static void
test_provisioning_slot (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines
      = feature (f, IFACE ("Provisioning"),
                 "{'LastResync': <int64 1796637600>, 'LastResult': <'success'>,"
                 " 'LastServer': <'https://prov.example.com/'>, 'NextResync': <int64 0>}");

  g_assert_cmpstr (find (lines, "provisioning.last-resync")->value, ==, "2026-12-07 10:00");
  g_assert_cmpstr (find (lines, "provisioning.last-result")->value, ==, "«Succeeded»");
  g_assert_cmpstr (find (lines, "provisioning.next-resync")->value, ==, "«Never»");
}

/* The TLS policy in force; the errors as the guide's levels. */
static void
test_tls_policy (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) defaults
      = feature (f, IFACE ("TlsPolicy"),
                 "{'MinVersion': <'TLS 1.1'>, 'CipherList': <''>, 'CipherListError': <''>,"
                 " 'FipsMode': <false>, 'FipsError': <''>}");
  g_autoptr (GPtrArray) broken
      = feature (f, IFACE ("TlsPolicy"),
                 "{'MinVersion': <'TLS 1.2'>, 'CipherList': <'NOPE'>,"
                 " 'CipherListError': <'NOPE matches no cipher'>, 'FipsMode': <true>,"
                 " 'FipsError': <'no FIPS library'>, 'TrustedCAs': <[{'source': <'custom'>}]>}");
  g_autofree char *text = describe (defaults);

  g_assert_cmpstr (text, ==,
                   "tls.min-version=«Minimum TLS version»:TLS 1.1"
                   "|tls.cipher-list=«Cipher list»:«Default list»"
                   "|tls.fips-mode=«FIPS mode»:«Off»");
  g_assert_cmpstr (phonesec_status_words_title (&f->words, IFACE ("TlsPolicy")), ==,
                   "«TLS Policy»");
  g_assert_cmpstr (find (broken, "tls.cipher-list")->value, ==, "NOPE");
  g_assert_cmpint (find (broken, "tls.cipher-list-error")->level, ==,
                   PHONESEC_STATUS_LEVEL_WARNING);
  g_assert_cmpstr (find (broken, "tls.fips-mode")->value, ==, "«On»");
  g_assert_cmpint (find (broken, "tls.fips-error")->level, ==, PHONESEC_STATUS_LEVEL_ERROR);
  g_assert_cmpstr (find (broken, "tls.custom-cas")->value, ==, "1");
}

static void
test_metrics (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines
      = feature (f, IFACE ("Metrics"),
                 "{'Enabled': <true>, 'Sent': <uint64 3>, 'Dropped': <uint64 1>,"
                 " 'LastUpload': <int64 1796637600>, 'LastError': <''>}");
  g_autofree char *text = describe (lines);

  g_assert_cmpstr (text, ==,
                   "metrics.enabled=«Webex metrics»:«Enabled»"
                   "|metrics.sent=«Batches sent»:3"
                   "|metrics.dropped=«Batches dropped»:1"
                   "|metrics.last-upload=«Last upload»:2026-12-07 10:00");
}

/* One line per extension, disabled ones said so; bad entries skipped. */
static void
test_sip_lines (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) lines
      = feature (f, IFACE ("SipSecurity"),
                 "{'Lines': <[{'line': <uint32 1>, 'enabled': <true>, 'transport': <'TLS'>,"
                 "  'digest-algorithms': <['SHA-256', 'MD5']>, 'mediasec': <'request'>},"
                 " {'line': <uint32 2>, 'enabled': <false>}, {'transport': <'UDP'>}]>}");
  g_autofree char *text = describe (lines);

  /* Formats translated, then filled in. */
  g_assert_cmpstr (text, ==,
                   "sip.line.1=«Line 1»:«TLS, digest SHA-256/MD5, «MediaSec requested»»"
                   "|sip.line.2=«Line 2»:«Disabled»");
  {
    PhonesecStatusWords plain = { NULL, NULL };
    g_autoptr (GVariant) props = g_variant_ref_sink (g_variant_new_parsed (
        "{'Lines': <[{'line': <uint32 1>, 'enabled': <true>, 'transport': <'TLS'>,"
        "  'digest-algorithms': <['SHA-256', 'MD5']>, 'mediasec': <'request'>}]>}"));
    g_autoptr (GPtrArray) en = phonesec_status_words_feature (&plain, IFACE ("SipSecurity"), props);

    g_assert_cmpstr (find (en, "sip.line.1")->label, ==, "Line 1");
    g_assert_cmpstr (find (en, "sip.line.1")->value, ==,
                     "TLS, digest SHA-256/MD5, MediaSec requested");
  }
}

static void
test_services (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) objects = g_variant_ref_sink (g_variant_new_parsed (
      "{@o '/org/phonesec/PhoneSec1': {'org.phonesec.PhoneSec1.TlsPolicy': @a{sv} {}},"
      " @o '/org/phonesec/PhoneSec1/plugins/vpn_anyconnect': {"
      "   'org.phonesec.PhoneSec1.Plugin': {'Name': <'vpn-anyconnect'>, 'State': <'active'>}},"
      " @o '/org/phonesec/PhoneSec1/plugins/ldap_starttls': {"
      "   'org.phonesec.PhoneSec1.Plugin': {'Name': <'ldap-starttls'>, 'State': <'error'>}}}"));
  g_autoptr (GPtrArray) lines = phonesec_status_words_services (&f->words, objects);
  g_autofree char *text = describe (lines);

  /* The plugin's own name is no msgid. */
  g_assert_cmpstr (text, ==,
                   "services.vpn-anyconnect=vpn-anyconnect:«Running»"
                   "|services.ldap-starttls=ldap-starttls:«Not working»");
  g_assert_cmpint (find (lines, "services.ldap-starttls")->level, ==, PHONESEC_STATUS_LEVEL_ERROR);
}

static void
test_unknown_interface (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) props = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));

  g_assert_null (phonesec_status_words_feature (&f->words, IFACE ("Nope"), props));
  g_assert_null (phonesec_status_words_feature (&f->words, "org.example.Vpn", props));
  g_assert_null (phonesec_status_words_title (&f->words, IFACE ("Nope")));
}

static void
test_messages (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) objects = g_variant_ref_sink (g_variant_new_parsed (
      "{@o '/org/phonesec/PhoneSec1': {'org.phonesec.PhoneSec1.TlsPolicy':"
      "   {'FipsError': <'FIPS self-test failed'>, 'CipherListError': <''>}},"
      " @o '/org/phonesec/PhoneSec1/plugins/ldap_starttls': {"
      "   'org.phonesec.PhoneSec1.Plugin': {'Name': <'ldap-starttls'>, 'State': <'active'>},"
      "   'org.phonesec.PhoneSec1.Ldap': {'Security': <'plaintext'>, 'LastError': <''>}},"
      " @o '/org/phonesec/PhoneSec1/plugins/vpn_anyconnect': {"
      "   'org.phonesec.PhoneSec1.Plugin': {'Name': <'vpn-anyconnect'>, 'State': <'error'>}}}"));
  g_autoptr (GPtrArray) lines = phonesec_status_words_messages (&f->words, objects);
  g_autofree char *text = describe (lines);

  /* Errors first, then warnings; a hidden Error gives the plugin's name only. */
  g_assert_cmpstr (text, ==,
                   "messages.fips=«FIPS mode error»:«FIPS self-test failed. Restart the phone.»"
                   "|messages.plugin.vpn-anyconnect=«Service not working»:vpn-anyconnect"
                   "|messages.ldap-plaintext=«Directory»:«Not encrypted: the server did not "
                   "offer StartTLS»");
}

/* Without a translator the process locale's catalogue is used (C here:
 * the English msgids). */
static void
test_default_locale (void)
{
  g_autoptr (GVariant) props
      = g_variant_ref_sink (g_variant_new_parsed ("{'State': <'disconnected'>}"));
  g_autoptr (GPtrArray) lines = phonesec_status_words_feature (NULL, IFACE ("Vpn"), props);

  g_assert_cmpstr (((PhonesecStatusLine *) g_ptr_array_index (lines, 0))->value, ==,
                   "Disconnected");
  g_assert_cmpstr (((PhonesecStatusLine *) g_ptr_array_index (lines, 0))->label, ==,
                   "VPN connection");
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/status-words/vpn/connected", test_vpn_connected);
  ADD ("/status-words/vpn/failed", test_vpn_failed);
  ADD ("/status-words/hidden-gives-no-line", test_hidden_gives_no_line);
  ADD ("/status-words/unknown-state-shown-raw", test_unknown_state_shown_raw);
  ADD ("/status-words/dot1x/states", test_dot1x_states);
  ADD ("/status-words/proxy/auto-and-manual", test_proxy_auto_and_manual);
  ADD ("/status-words/ldap/security", test_ldap_security);
  ADD ("/status-words/firewall/ports", test_firewall_ports);
  ADD ("/status-words/provisioning/slot", test_provisioning_slot);
  ADD ("/status-words/tls-policy", test_tls_policy);
  ADD ("/status-words/metrics", test_metrics);
  ADD ("/status-words/sip/lines", test_sip_lines);
  ADD ("/status-words/services", test_services);
  ADD ("/status-words/unknown-interface", test_unknown_interface);
  ADD ("/status-words/messages", test_messages);
  g_test_add_func ("/status-words/default-locale", test_default_locale);
  return g_test_run ();
}
