/* phonesec-status-words.c: plugin state → the words of the status screens.
 *
 * Every word here is an English msgid of the "phonesec" domain; the French
 * is the guide's (Connecté, Déconnecté, En cours d'authentification...),
 * kept in po/fr.po. Raw values the tables do not know are shown as they
 * are, never dropped: a newer plugin's state still reaches the screen.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-status-words.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-dbus-names.h>

/* A raw property value and the msgid shown for it. */
typedef struct
{
  const char *raw;
  const char *msgid;
  PhonesecStatusLevel level;
} Word;

typedef void (*FeatureFunc) (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines);

typedef struct
{
  const char *feature; /* interface name after PHONESEC_DBUS_INTERFACE_PREFIX */
  const char *title;   /* msgid */
  FeatureFunc build;
} Feature;

const char *
phonesec_status_level_to_string (PhonesecStatusLevel level)
{
  switch (level)
    {
      case PHONESEC_STATUS_LEVEL_WARNING:
        return "warning";
      case PHONESEC_STATUS_LEVEL_ERROR:
        return "error";
      case PHONESEC_STATUS_LEVEL_INFO:
      default:
        return "info";
    }
}

void
phonesec_status_line_free (PhonesecStatusLine *line)
{
  if (line == NULL)
    return;
  g_free (line->id);
  g_free (line->label);
  g_free (line->value);
  g_free (line);
}

const char *
phonesec_status_words_translate (const PhonesecStatusWords *words, const char *msgid)
{
  if (words != NULL && words->translate != NULL)
    return words->translate (msgid, words->user_data);
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

#define TR(msgid) phonesec_status_words_translate (words, (msgid))

/* --- reading properties ----------------------------------------------------- */

static const char *
prop_string (GVariant *props, const char *name)
{
  g_autoptr (GVariant) value = NULL;

  if (props == NULL)
    return NULL;
  /* Serialised, @props holds its children's bytes, so the string lives as
   * long as it does; a tree-form value (built in process) would free the
   * child, and the string, with the lookup's reference. */
  g_variant_get_data (props);
  value = g_variant_lookup_value (props, name, G_VARIANT_TYPE_STRING);
  return value != NULL ? g_variant_get_string (value, NULL) : NULL;
}

static gboolean
prop_number (GVariant *props, const char *name, gint64 *out)
{
  g_autoptr (GVariant) value = props != NULL ? g_variant_lookup_value (props, name, NULL) : NULL;

  if (value == NULL)
    return FALSE;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    *out = (gint64) MIN (g_variant_get_uint64 (value), (guint64) G_MAXINT64);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    *out = g_variant_get_int64 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    *out = g_variant_get_uint32 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    *out = g_variant_get_int32 (value);
  else
    return FALSE;
  return TRUE;
}

/* --- building lines -------------------------------------------------------- */

static void
add_line (const PhonesecStatusWords *words, GPtrArray *lines, const char *id, const char *label,
          const char *value, PhonesecStatusLevel level)
{
  PhonesecStatusLine *line = g_new0 (PhonesecStatusLine, 1);

  line->id = g_strdup (id);
  line->label = g_strdup (TR (label));
  line->value = g_strdup (value != NULL ? value : "");
  line->level = level;
  g_ptr_array_add (lines, line);
}

/* The line for a state property through its word table; nothing when the
 * property is hidden. */
static void
add_word_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props,
               const char *property, const char *id, const char *label, const Word *table,
               gsize n_table)
{
  const char *raw = prop_string (props, property);

  if (raw == NULL)
    return;
  for (gsize i = 0; i < n_table; i++)
    if (strcmp (table[i].raw, raw) == 0)
      {
        add_line (words, lines, id, label, TR (table[i].msgid), table[i].level);
        return;
      }
  add_line (words, lines, id, label, raw, PHONESEC_STATUS_LEVEL_INFO);
}

static void
add_text_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props,
               const char *property, const char *id, const char *label)
{
  const char *text = prop_string (props, property);

  if (text != NULL)
    add_line (words, lines, id, label, text, PHONESEC_STATUS_LEVEL_INFO);
}

/* LastError: a line only while there is one. */
static void
add_error_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props, const char *id)
{
  const char *text = prop_string (props, "LastError");

  if (text != NULL && text[0] != '\0')
    add_line (words, lines, id, N_ ("Last error"), text, PHONESEC_STATUS_LEVEL_ERROR);
}

char *
phonesec_status_words_bytes (guint64 bytes)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, bytes);
}

char *
phonesec_status_words_time (const PhonesecStatusWords *words, gint64 unix_time)
{
  g_autoptr (GDateTime) time = NULL;

  if (unix_time <= 0)
    return g_strdup (TR (N_ ("Never")));
  time = g_date_time_new_from_unix_local (unix_time);
  if (time == NULL)
    return g_strdup_printf ("%" G_GINT64_FORMAT, unix_time);
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

static void
add_bytes_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props,
                const char *property, const char *id, const char *label)
{
  gint64 bytes;
  g_autofree char *text = NULL;

  if (!prop_number (props, property, &bytes))
    return;
  text = phonesec_status_words_bytes ((guint64) MAX (bytes, 0));
  add_line (words, lines, id, label, text, PHONESEC_STATUS_LEVEL_INFO);
}

/* A time property: unix seconds (x, t) or already text (s). */
static void
add_time_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props,
               const char *property, const char *id, const char *label)
{
  gint64 seconds;

  if (prop_number (props, property, &seconds))
    {
      g_autofree char *text = phonesec_status_words_time (words, seconds);
      add_line (words, lines, id, label, text, PHONESEC_STATUS_LEVEL_INFO);
    }
  else
    add_text_line (words, lines, props, property, id, label);
}

/* --- features ---------------------------------------------------------------- */

/* Applications > Statut > Statut du VPN: connexion VPN, adresse IP, masque,
 * octets envoyés, octets reçus. */
static void
build_vpn (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word states[] = {
    { "disconnected", N_ ("Disconnected"), PHONESEC_STATUS_LEVEL_INFO },
    { "connecting", N_ ("Connecting"), PHONESEC_STATUS_LEVEL_INFO },
    { "connected", N_ ("Connected"), PHONESEC_STATUS_LEVEL_INFO },
    { "disconnecting", N_ ("Disconnecting"), PHONESEC_STATUS_LEVEL_INFO },
    { "failed", N_ ("Failed"), PHONESEC_STATUS_LEVEL_ERROR },
  };

  add_word_line (words, lines, props, "State", "vpn.connection", N_ ("VPN connection"), states,
                 G_N_ELEMENTS (states));
  add_text_line (words, lines, props, "IpAddress", "vpn.ip-address", N_ ("VPN IP address"));
  add_text_line (words, lines, props, "Netmask", "vpn.netmask", N_ ("VPN subnet mask"));
  add_bytes_line (words, lines, props, "BytesSent", "vpn.bytes-sent", N_ ("Bytes sent"));
  add_bytes_line (words, lines, props, "BytesReceived", "vpn.bytes-received",
                  N_ ("Bytes received"));
  add_error_line (words, lines, props, "vpn.last-error");
}

/* 802.1X > État de la transaction: Désactivé, En cours d'authentification,
 * Authentifié (and the plugin's failed); Protocole: EAP-FAST or EAP-TLS
 * (the dot1x plugin's Method, empty while disabled). */
static void
build_dot1x (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word states[] = {
    { "disabled", N_ ("Disabled"), PHONESEC_STATUS_LEVEL_INFO },
    { "authenticating", N_ ("Authenticating"), PHONESEC_STATUS_LEVEL_INFO },
    { "authenticated", N_ ("Authenticated"), PHONESEC_STATUS_LEVEL_INFO },
    { "failed", N_ ("Authentication failed"), PHONESEC_STATUS_LEVEL_ERROR },
  };
  const char *method = prop_string (props, "Method");

  add_word_line (words, lines, props, "State", "dot1x.state", N_ ("Transaction status"), states,
                 G_N_ELEMENTS (states));
  if (method != NULL)
    add_line (words, lines, "dot1x.method", N_ ("Protocol"),
              method[0] != '\0' ? method : TR (N_ ("None")), PHONESEC_STATUS_LEVEL_INFO);
  add_error_line (words, lines, props, "dot1x.last-error");
}

static void
build_proxy (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word modes[] = {
    { "Auto", N_ ("Auto"), PHONESEC_STATUS_LEVEL_INFO },
    { "Manual", N_ ("Manual"), PHONESEC_STATUS_LEVEL_INFO },
    { "Off", N_ ("Off"), PHONESEC_STATUS_LEVEL_INFO },
  };
  static const Word states[] = {
    { "off", N_ ("Direct connections"), PHONESEC_STATUS_LEVEL_INFO },
    { "manual", N_ ("Using the proxy server"), PHONESEC_STATUS_LEVEL_INFO },
    { "discovering", N_ ("Looking for the PAC file"), PHONESEC_STATUS_LEVEL_INFO },
    { "ready", N_ ("Using the PAC file"), PHONESEC_STATUS_LEVEL_INFO },
    { "error", N_ ("Error: direct connections"), PHONESEC_STATUS_LEVEL_ERROR },
  };
  static const Word sources[] = {
    { "dhcp", N_ ("DHCP (option 252)"), PHONESEC_STATUS_LEVEL_INFO },
    { "dns", N_ ("DNS (WPAD)"), PHONESEC_STATUS_LEVEL_INFO },
    { "configured", N_ ("PAC URL"), PHONESEC_STATUS_LEVEL_INFO },
    { "", N_ ("None"), PHONESEC_STATUS_LEVEL_INFO },
  };

  add_word_line (words, lines, props, "Mode", "proxy.mode", N_ ("Proxy mode"), modes,
                 G_N_ELEMENTS (modes));
  add_word_line (words, lines, props, "State", "proxy.state", N_ ("Proxy state"), states,
                 G_N_ELEMENTS (states));
  if (g_strcmp0 (prop_string (props, "Mode"), "Auto") == 0)
    {
      add_word_line (words, lines, props, "PacSource", "proxy.pac-source", N_ ("PAC source"),
                     sources, G_N_ELEMENTS (sources));
      add_text_line (words, lines, props, "PacUrl", "proxy.pac-url", N_ ("PAC URL"));
    }
  add_error_line (words, lines, props, "proxy.last-error");
}

/* The directory's connection security; plaintext is the guide's allowed
 * StartTLS fallback, shown as a warning. */
static void
build_ldap (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word states[] = {
    { "disabled", N_ ("Disabled"), PHONESEC_STATUS_LEVEL_INFO },
    { "idle", N_ ("Not connected yet"), PHONESEC_STATUS_LEVEL_INFO },
    { "connecting", N_ ("Connecting"), PHONESEC_STATUS_LEVEL_INFO },
    { "ready", N_ ("Ready"), PHONESEC_STATUS_LEVEL_INFO },
    { "error", N_ ("Error"), PHONESEC_STATUS_LEVEL_ERROR },
  };
  static const Word security[] = {
    { "ldaps", N_ ("LDAPS (TLS)"), PHONESEC_STATUS_LEVEL_INFO },
    { "starttls", N_ ("StartTLS (TLS)"), PHONESEC_STATUS_LEVEL_INFO },
    { "plaintext", N_ ("Plaintext: not encrypted"), PHONESEC_STATUS_LEVEL_WARNING },
    { "none", N_ ("No connection yet"), PHONESEC_STATUS_LEVEL_INFO },
  };

  add_word_line (words, lines, props, "State", "ldap.state", N_ ("Directory"), states,
                 G_N_ELEMENTS (states));
  add_text_line (words, lines, props, "Server", "ldap.server", N_ ("Directory server"));
  add_word_line (words, lines, props, "Security", "ldap.security", N_ ("Connection security"),
                 security, G_N_ELEMENTS (security));
  add_error_line (words, lines, props, "ldap.last-error");
}

/* One line per open port range: its reason (already in the reader's
 * language, from the plugin) and "UDP 5060" or "UDP 16384-16538". */
static void
add_open_ports (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props)
{
  g_autoptr (GVariant) ports
      = props != NULL ? g_variant_lookup_value (props, "OpenPorts", G_VARIANT_TYPE ("a(sqqs)"))
                      : NULL;
  GVariantIter iter;
  const char *protocol, *why;
  guint16 first, last;
  guint n = 0;

  if (ports == NULL)
    return;
  g_variant_iter_init (&iter, ports);
  while (g_variant_iter_next (&iter, "(&sqq&s)", &protocol, &first, &last, &why))
    {
      g_autofree char *id = g_strdup_printf ("firewall.port.%u", n++);
      g_autofree char *proto = g_ascii_strup (protocol, -1);
      g_autofree char *value = first == last ? g_strdup_printf ("%s %u", proto, first)
                                             : g_strdup_printf ("%s %u-%u", proto, first, last);
      PhonesecStatusLine *line = g_new0 (PhonesecStatusLine, 1);

      line->id = g_steal_pointer (&id);
      line->label = g_strdup (why);
      line->value = g_steal_pointer (&value);
      g_ptr_array_add (lines, line);
    }
  if (n == 0)
    add_line (words, lines, "firewall.ports", N_ ("Open ports"), TR (N_ ("None")),
              PHONESEC_STATUS_LEVEL_INFO);
}

static void
build_firewall (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word states[] = {
    { "active", N_ ("Enabled"), PHONESEC_STATUS_LEVEL_INFO },
    { "disabled", N_ ("Disabled"), PHONESEC_STATUS_LEVEL_WARNING },
    { "error", N_ ("Error"), PHONESEC_STATUS_LEVEL_ERROR },
  };

  add_word_line (words, lines, props, "State", "firewall.state", N_ ("Firewall"), states,
                 G_N_ELEMENTS (states));
  add_open_ports (words, lines, props);
  add_error_line (words, lines, props, "firewall.last-error");
}

/* Slot: the provisioning plugin (DESIGN.md: State, LastResync, LastResult,
 * LastServer, LastError, NextResync) has not landed; times may come as unix
 * seconds or text. */
static void
build_provisioning (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word results[] = {
    { "success", N_ ("Succeeded"), PHONESEC_STATUS_LEVEL_INFO },
    { "succeeded", N_ ("Succeeded"), PHONESEC_STATUS_LEVEL_INFO },
    { "failed", N_ ("Failed"), PHONESEC_STATUS_LEVEL_ERROR },
    { "", N_ ("None yet"), PHONESEC_STATUS_LEVEL_INFO },
  };

  add_time_line (words, lines, props, "LastResync", "provisioning.last-resync", N_ ("Last resync"));
  add_word_line (words, lines, props, "LastResult", "provisioning.last-result", N_ ("Last result"),
                 results, G_N_ELEMENTS (results));
  add_text_line (words, lines, props, "LastServer", "provisioning.last-server",
                 N_ ("Provisioning server"));
  add_time_line (words, lines, props, "NextResync", "provisioning.next-resync", N_ ("Next resync"));
  add_error_line (words, lines, props, "provisioning.last-error");
}

static void
build_problem_report (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  static const Word generation[] = {
    { "idle", N_ ("None yet"), PHONESEC_STATUS_LEVEL_INFO },
    { "generating", N_ ("Creating the report"), PHONESEC_STATUS_LEVEL_INFO },
    { "ready", N_ ("Report created"), PHONESEC_STATUS_LEVEL_INFO },
    { "failed", N_ ("Failed"), PHONESEC_STATUS_LEVEL_ERROR },
  };
  static const Word upload[] = {
    { "idle", N_ ("Not uploaded"), PHONESEC_STATUS_LEVEL_INFO },
    { "queued", N_ ("Waiting to upload"), PHONESEC_STATUS_LEVEL_INFO },
    { "uploaded", N_ ("Uploaded"), PHONESEC_STATUS_LEVEL_INFO },
    { "failed", N_ ("Upload failed"), PHONESEC_STATUS_LEVEL_ERROR },
  };

  add_word_line (words, lines, props, "GenerationStatus", "report.generation",
                 N_ ("Problem report"), generation, G_N_ELEMENTS (generation));
  add_word_line (words, lines, props, "UploadStatus", "report.upload", N_ ("Upload"), upload,
                 G_N_ELEMENTS (upload));
  add_error_line (words, lines, props, "report.last-error");
}

/* One extension's security, from SipSecurity.Lines: "TLS, digest
 * SHA-256/MD5, MediaSec requested", or Disabled. */
static void
add_sip_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *entry)
{
  static const Word mediasec[] = {
    { "off", N_ ("no MediaSec"), PHONESEC_STATUS_LEVEL_INFO },
    { "answer", N_ ("MediaSec when the server asks"), PHONESEC_STATUS_LEVEL_INFO },
    { "request", N_ ("MediaSec requested"), PHONESEC_STATUS_LEVEL_INFO },
  };
  g_autofree char *transport = NULL, *media = NULL, *digest = NULL;
  g_auto (GStrv) algorithms = NULL;
  const char *media_word = NULL;
  PhonesecStatusLine *line;
  guint32 n;
  gboolean enabled = TRUE;

  if (!g_variant_lookup (entry, "line", "u", &n))
    return;
  g_variant_lookup (entry, "enabled", "b", &enabled);
  g_variant_lookup (entry, "transport", "s", &transport);
  g_variant_lookup (entry, "mediasec", "s", &media);
  g_variant_lookup (entry, "digest-algorithms", "^as", &algorithms);
  media_word = media;
  for (gsize i = 0; media != NULL && i < G_N_ELEMENTS (mediasec); i++)
    if (strcmp (mediasec[i].raw, media) == 0)
      media_word = TR (mediasec[i].msgid);
  digest = algorithms != NULL ? g_strjoinv ("/", algorithms) : g_strdup ("MD5");
  /* Built here: the label is already in the reader's language. */
  line = g_new0 (PhonesecStatusLine, 1);
  line->id = g_strdup_printf ("sip.line.%u", n);
  line->label = g_strdup_printf (TR (N_ ("Line %u")), n);
  line->value = enabled ? g_strdup_printf (TR (N_ ("%s, digest %s, %s")),
                                           transport != NULL ? transport : "?", digest,
                                           media_word != NULL ? media_word : "")
                        : g_strdup (TR (N_ ("Disabled")));
  g_ptr_array_add (lines, line);
}

/* SipSecurity: one line per extension the reader may see (Lines is there
 * only for whoever may read every parameter it follows). */
static void
build_sip_security (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  g_autoptr (GVariant) sip_lines
      = g_variant_lookup_value (props, "Lines", G_VARIANT_TYPE ("aa{sv}"));
  GVariantIter iter;
  GVariant *line;

  if (sip_lines != NULL)
    {
      g_variant_iter_init (&iter, sip_lines);
      while ((line = g_variant_iter_next_value (&iter)) != NULL)
        {
          add_sip_line (words, lines, line);
          g_variant_unref (line);
        }
    }
  add_error_line (words, lines, props, "sip.last-error");
}

/* Voix > Système > Paramètres de sécurité as it is in force: the minimum
 * version, the cipher list (the guide's fallback when it is empty or not
 * usable) and FIPS mode, whose error the Status messages screen repeats. */
static void
build_tls_policy (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  g_autoptr (GVariant) fips = g_variant_lookup_value (props, "FipsMode", G_VARIANT_TYPE_BOOLEAN);
  g_autoptr (GVariant) cas = g_variant_lookup_value (props, "TrustedCAs", NULL);
  const char *ciphers = prop_string (props, "CipherList");
  const char *cipher_error = prop_string (props, "CipherListError");
  const char *fips_error = prop_string (props, "FipsError");

  add_text_line (words, lines, props, "MinVersion", "tls.min-version", N_ ("Minimum TLS version"));
  if (ciphers != NULL)
    add_line (words, lines, "tls.cipher-list", N_ ("Cipher list"),
              ciphers[0] != '\0' ? ciphers : TR (N_ ("Default list")), PHONESEC_STATUS_LEVEL_INFO);
  if (cipher_error != NULL && cipher_error[0] != '\0')
    add_line (words, lines, "tls.cipher-list-error", N_ ("Cipher list not usable"), cipher_error,
              PHONESEC_STATUS_LEVEL_WARNING);
  if (fips != NULL)
    add_line (words, lines, "tls.fips-mode", N_ ("FIPS mode"),
              TR (g_variant_get_boolean (fips) ? N_ ("On") : N_ ("Off")),
              PHONESEC_STATUS_LEVEL_INFO);
  if (fips_error != NULL && fips_error[0] != '\0')
    add_line (words, lines, "tls.fips-error", N_ ("FIPS mode error"), fips_error,
              PHONESEC_STATUS_LEVEL_ERROR);
  if (cas != NULL && g_variant_is_container (cas))
    {
      g_autofree char *count = g_strdup_printf ("%" G_GSIZE_FORMAT, g_variant_n_children (cas));
      add_line (words, lines, "tls.custom-cas", N_ ("Custom CA certificates"), count,
                PHONESEC_STATUS_LEVEL_INFO);
    }
}

/* Webex metrics: whether they may leave the phone, and what became of them. */
static void
build_metrics (const PhonesecStatusWords *words, GVariant *props, GPtrArray *lines)
{
  g_autoptr (GVariant) enabled = g_variant_lookup_value (props, "Enabled", G_VARIANT_TYPE_BOOLEAN);

  if (enabled != NULL)
    add_line (words, lines, "metrics.enabled", N_ ("Webex metrics"),
              TR (g_variant_get_boolean (enabled) ? N_ ("Enabled") : N_ ("Disabled")),
              PHONESEC_STATUS_LEVEL_INFO);
  add_bytes_line (words, lines, props, "Sent", "metrics.sent", N_ ("Batches sent"));
  add_bytes_line (words, lines, props, "Dropped", "metrics.dropped", N_ ("Batches dropped"));
  add_time_line (words, lines, props, "LastUpload", "metrics.last-upload", N_ ("Last upload"));
  add_error_line (words, lines, props, "metrics.last-error");
}

static const Feature features[] = {
  { "Vpn", N_ ("VPN Status"), build_vpn },
  { "TlsPolicy", N_ ("TLS Policy"), build_tls_policy },
  { "Dot1x", N_ ("Transaction status"), build_dot1x },
  { "HttpProxy", N_ ("HTTP Proxy Status"), build_proxy },
  { "Ldap", N_ ("Directory Status"), build_ldap },
  { "Firewall", N_ ("Firewall Status"), build_firewall },
  { "Provisioning", N_ ("Provisioning Status"), build_provisioning },
  { "ProblemReport", N_ ("Report problem"), build_problem_report },
  { "SipSecurity", N_ ("SIP Security"), build_sip_security },
  { "Metrics", N_ ("Webex Metrics"), build_metrics },
};

static const Feature *
find_feature (const char *interface)
{
  if (interface == NULL || !g_str_has_prefix (interface, PHONESEC_DBUS_INTERFACE_PREFIX))
    return NULL;
  interface += strlen (PHONESEC_DBUS_INTERFACE_PREFIX);
  for (gsize i = 0; i < G_N_ELEMENTS (features); i++)
    if (strcmp (features[i].feature, interface) == 0)
      return &features[i];
  return NULL;
}

const char *
phonesec_status_words_title (const PhonesecStatusWords *words, const char *interface)
{
  const Feature *feature = find_feature (interface);

  return feature != NULL ? TR (feature->title) : NULL;
}

GPtrArray *
phonesec_status_words_feature (const PhonesecStatusWords *words, const char *interface,
                               GVariant *properties)
{
  const Feature *feature = find_feature (interface);
  GPtrArray *lines;

  if (feature == NULL)
    return NULL;
  lines = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_status_line_free);
  if (properties != NULL && g_variant_is_of_type (properties, G_VARIANT_TYPE_VARDICT))
    feature->build (words, properties, lines);
  return lines;
}

/* --- Status messages ------------------------------------------------------ */

/* The msgid naming each feature in a status message. */
static const struct
{
  const char *feature;
  const char *label;
} message_labels[] = {
  { "Vpn", N_ ("VPN") },
  { "Dot1x", N_ ("802.1X") },
  { "HttpProxy", N_ ("HTTP proxy") },
  { "Ldap", N_ ("Directory") },
  { "Firewall", N_ ("Firewall") },
  { "Provisioning", N_ ("Provisioning") },
  { "ProblemReport", N_ ("Problem report") },
  { "SipSecurity", N_ ("SIP security") },
  { "Metrics", N_ ("Webex metrics") },
};

/* The guide: when FIPS mode cannot be entered, a security error is shown
 * and the phone must be restarted; the error also stays in Status messages. */
static void
add_tls_messages (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props)
{
  const char *fips = prop_string (props, "FipsError");
  const char *ciphers = prop_string (props, "CipherListError");

  if (fips != NULL && fips[0] != '\0')
    {
      g_autofree char *text = g_strdup_printf (TR (N_ ("%s. Restart the phone.")), fips);
      add_line (words, lines, "messages.fips", N_ ("FIPS mode error"), text,
                PHONESEC_STATUS_LEVEL_ERROR);
    }
  if (ciphers != NULL && ciphers[0] != '\0')
    add_line (words, lines, "messages.cipher-list", N_ ("TLS cipher list"), ciphers,
              PHONESEC_STATUS_LEVEL_WARNING);
}

static void
add_feature_messages (const PhonesecStatusWords *words, GPtrArray *lines, const char *feature,
                      GVariant *props)
{
  const char *error = prop_string (props, "LastError");
  const char *label = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (message_labels); i++)
    if (strcmp (message_labels[i].feature, feature) == 0)
      label = message_labels[i].label;
  if (label == NULL)
    return;
  if (error != NULL && error[0] != '\0')
    {
      g_autofree char *id = g_strdup_printf ("messages.%s", feature);
      add_line (words, lines, id, label, error, PHONESEC_STATUS_LEVEL_ERROR);
    }
  if (strcmp (feature, "Ldap") == 0
      && g_strcmp0 (prop_string (props, "Security"), "plaintext") == 0)
    add_line (words, lines, "messages.ldap-plaintext", label,
              TR (N_ ("Not encrypted: the server did not offer StartTLS")),
              PHONESEC_STATUS_LEVEL_WARNING);
}

/* A plugin that does not work: its Name and, when the reader may see it,
 * its Error. */
static void
add_plugin_message (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props)
{
  const char *name = prop_string (props, "Name");
  const char *error = prop_string (props, "Error");
  g_autofree char *id = NULL;
  g_autofree char *value = NULL;

  if (name == NULL || g_strcmp0 (prop_string (props, "State"), "error") != 0)
    return;
  id = g_strdup_printf ("messages.plugin.%s", name);
  value = error != NULL && error[0] != '\0' ? g_strdup_printf ("%s: %s", name, error)
                                            : g_strdup (name);
  add_line (words, lines, id, N_ ("Service not working"), value, PHONESEC_STATUS_LEVEL_ERROR);
}

static void
add_object_messages (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *interfaces)
{
  GVariantIter iter;
  const char *interface;
  GVariant *props;

  g_variant_iter_init (&iter, interfaces);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &interface, &props))
    {
      if (!g_str_has_prefix (interface, PHONESEC_DBUS_INTERFACE_PREFIX))
        continue;
      if (strcmp (interface, PHONESEC_DBUS_INTERFACE_TLS_POLICY) == 0)
        add_tls_messages (words, lines, props);
      else if (strcmp (interface, PHONESEC_DBUS_INTERFACE_PLUGIN) == 0)
        add_plugin_message (words, lines, props);
      else
        add_feature_messages (words, lines, interface + strlen (PHONESEC_DBUS_INTERFACE_PREFIX),
                              props);
    }
}

static gint
compare_level (gconstpointer a, gconstpointer b)
{
  const PhonesecStatusLine *la = *(PhonesecStatusLine *const *) a;
  const PhonesecStatusLine *lb = *(PhonesecStatusLine *const *) b;

  return (int) lb->level - (int) la->level;
}

typedef void (*ObjectFunc) (const PhonesecStatusWords *words, GPtrArray *lines,
                            GVariant *interfaces);

/* The lines @add makes of each object of @objects (a{oa{sa{sv}}}). */
static GPtrArray *
object_lines (const PhonesecStatusWords *words, GVariant *objects, ObjectFunc add)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_status_line_free);
  GVariantIter iter;
  GVariant *interfaces;

  if (objects == NULL || !g_variant_is_of_type (objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}")))
    return lines;
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_loop (&iter, "{&o@a{sa{sv}}}", NULL, &interfaces))
    add (words, lines, interfaces);
  return lines;
}

GPtrArray *
phonesec_status_words_messages (const PhonesecStatusWords *words, GVariant *objects)
{
  GPtrArray *lines = object_lines (words, objects, add_object_messages);

  /* Errors first; g_ptr_array_sort is stable (merge sort) within a level. */
  g_ptr_array_sort (lines, compare_level);
  return lines;
}

/* --- Services ---------------------------------------------------------------- */

/* A plugin: its own name (no msgid) and whether it runs. */
static void
add_service_line (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *props)
{
  static const Word states[] = {
    { "active", N_ ("Running"), PHONESEC_STATUS_LEVEL_INFO },
    { "loaded", N_ ("Starting"), PHONESEC_STATUS_LEVEL_INFO },
    { "error", N_ ("Not working"), PHONESEC_STATUS_LEVEL_ERROR },
    { "disabled", N_ ("Disabled"), PHONESEC_STATUS_LEVEL_WARNING },
  };
  const char *name = prop_string (props, "Name");
  const char *state = prop_string (props, "State");
  PhonesecStatusLine *line;

  if (name == NULL || state == NULL)
    return;
  line = g_new0 (PhonesecStatusLine, 1);
  line->id = g_strdup_printf ("services.%s", name);
  line->label = g_strdup (name);
  line->value = g_strdup (state);
  for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
    if (strcmp (states[i].raw, state) == 0)
      {
        g_free (line->value);
        line->value = g_strdup (TR (states[i].msgid));
        line->level = states[i].level;
      }
  g_ptr_array_add (lines, line);
}

static void
add_object_service (const PhonesecStatusWords *words, GPtrArray *lines, GVariant *interfaces)
{
  g_autoptr (GVariant) plugin
      = g_variant_lookup_value (interfaces, PHONESEC_DBUS_INTERFACE_PLUGIN, NULL);

  if (plugin != NULL)
    add_service_line (words, lines, plugin);
}

GPtrArray *
phonesec_status_words_services (const PhonesecStatusWords *words, GVariant *objects)
{
  return object_lines (words, objects, add_object_service);
}
