/* bench-resync.c: a resync of a real-shaped 5,000-element profile over
 * HTTPS, against fetching the same file with the curl program and parsing
 * it with GMarkup, in the same run.
 *
 * phonesecd with the provisioning plugin resyncs from a libsoup HTTPS
 * server in this process (the test PKI, the phone's client certificate):
 * Provisioning.Resync() → PropertiesChanged with State idle again, timed
 * here. That is the whole resync: the network service's request (a new
 * TLS connection each time, as provisioning requests get), the body back
 * to phonesecd, the checks, and Config.ImportProfile. The profile is what a
 * phone's cfg.xml looks like: the phonesec parameters as ExportProfile
 * writes them (values that import cleanly), among per-line, per-key and
 * phone-wide elements of the phone's other features (~97% of the file),
 * which the import reports as skipped. The same profile each time: the
 * periodic resync that finds nothing new, the common case.
 *
 * Baseline, alternating with it: `curl` (a new process, a new TLS
 * connection, the same client certificate and CA) fetches the same URL,
 * and GMarkup parses what it got, copying every element's name and text.
 *
 * Prints human-readable lines, then `BENCH metric=value` lines as bench/
 * does. Goal: a resync within 3x the baseline.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bench-common.h"
#include "prov-test-fixture.h"

#define ELEMENTS 5000
#define ROUNDS 20
#define WARMUP 3
#define GOAL_RATIO 3.0

/* Names of other features of the phone, as in real cfg.xml files: per
 * line (with _n_), then phone-wide. */
static const char *const per_line[] = {
  "Line_Enable",
  "Extension",
  "Display_Name",
  "User_ID",
  "Password",
  "Auth_ID",
  "Short_Name",
  "Share_Call_Appearance",
  "Dial_Plan",
  "Preferred_Codec",
  "Use_Pref_Codec_Only",
  "Second_Preferred_Codec",
  "SIP_Port",
  "SIP_Transport",
  "Register_Expires",
  "Proxy",
  "Outbound_Proxy",
  "Use_DNS_SRV",
  "DNS_SRV_Auto_Prefix",
  "Register",
  "Make_Call_Without_Reg",
  "Ans_Call_Without_Reg",
  "Call_Waiting_Serv",
  "Block_CID_Serv",
  "Block_ANC_Serv",
  "DND_Serv",
  "CFWD_All_Serv",
  "CFWD_Busy_Serv",
  "CFWD_No_Ans_Serv",
  "Voice_Mail_Number",
  "Mailbox_ID",
  "Ring_Tone",
  "Extended_Function",
  "Line_Key_Label",
  "Audio_Codec_Pref",
  "SRTP_Method",
  "Network_Jitter_Level",
  "Jitter_Buffer_Adjustment",
  "Caller_ID_Map",
  "Call_Park_Monitor",
  "Enable_Broadsoft_Hoteling",
  "Hoteling_Subscription_Expires",
  "Feature_Key_Sync",
  "Call_Center_Line",
  "Message_Waiting",
  "Default_Ring",
  "Conference_Bridge_URL",
  "Auto_Answer_Page",
  "RTP_Log_Intvl",
  "Sticky_183",
  "Auth_Resync-Reboot",
  "SIP_Proxy-Require",
  "SIP_Remote-Party-ID",
  "Referor_Bye_Delay",
  "Refer_Target_Bye_Delay",
  "Referee_Bye_Delay",
  "Refer-To_Target_Contact",
  "Set_G729_annexb",
  "Voice_Quality_Report",
};

static const char *const phone_wide[] = {
  "Station_Name",
  "Station_Display_Name",
  "Voice_Mail_Number",
  "Primary_NTP_Server",
  "Secondary_NTP_Server",
  "Time_Zone",
  "Time_Format",
  "Date_Format",
  "Ringer_Volume",
  "Speaker_Volume",
  "Handset_Volume",
  "Headset_Volume",
  "Back_Light_Timer",
  "Display_Brightness",
  "Screen_Saver_Enable",
  "Screen_Saver_Wait",
  "Language_Selection",
  "Locale",
  "Dictionary_Server_Script",
  "Programmable_Softkey_Enable",
  "Idle_Key_List",
  "Missed_Call_Key_List",
  "Off_Hook_Key_List",
  "Dialing_Input_Key_List",
  "Progressing_Key_List",
  "Connected_Key_List",
  "Start-Xfer_Key_List",
  "Start-Conf_Key_List",
  "Conferencing_Key_List",
  "Releasing_Key_List",
  "Hold_Key_List",
  "Ringing_Key_List",
  "Shared_Active_Key_List",
  "Shared_Held_Key_List",
  "Dial_Tone",
  "Busy_Tone",
  "Ring_Back_Tone",
  "Call_Waiting_Tone",
  "Hold_Tone",
  "Reorder_Tone",
  "Upgrade_Error_Retry_Delay",
  "Enable_Web_Server",
  "Web_Server_Port",
  "Enable_Web_Admin_Access",
  "CDP_Enable",
  "LLDP-MED_Enable",
  "Enable_VLAN",
  "VLAN_ID",
  "Peer_Firmware_Sharing",
  "Unit_1_Enable",
  "Unit_2_Enable",
  "Attendant_Console_Call_Pickup_Code",
};

static const char *const values[] = {
  "Yes",
  "No",
  "5060",
  "3600",
  "sip.example.com",
  "G711u",
  "(*xx|[3469]11|0|00|[2-9]xxxxxx|1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)",
  "fnc=sd;ext=1001@$PROXY;nme=Desk",
  "350@-19;15(2/.2/1+2)",
  "",
  "10",
  "Front Desk",
  "pool.ntp.org",
  "GMT-08:00",
};

/* The phonesec elements of ExportProfile, one per line. */
static GPtrArray *
own_elements (PhonesecTestBus *bus)
{
  g_autoptr (GVariant) reply
      = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE,
                    "ExportProfile", g_variant_new_parsed ("(@a{sv} {},)"));
  const char *xml = NULL;
  g_auto (GStrv) lines = NULL;

  g_variant_get (reply, "(&s)", &xml);
  lines = g_strsplit (xml, "\n", -1);
  GPtrArray *own = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (line[0] == '<' && line[1] != '/' && line[1] != '?' && !g_str_has_prefix (line, "<flat"))
        g_ptr_array_add (own, g_strdup (line));
    }
  return own;
}

/* ELEMENTS elements: @own spread evenly among the other features'. */
static char *
build_profile (GPtrArray *own)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n");
  guint foreign = ELEMENTS - own->len, every = ELEMENTS / MAX (own->len, 1), next_own = 0;
  guint n_line = G_N_ELEMENTS (per_line), n_wide = G_N_ELEMENTS (phone_wide);

  for (guint i = 0, f = 0; i < ELEMENTS; i++)
    {
      const char *value = values[i % G_N_ELEMENTS (values)];
      g_autofree char *escaped = g_markup_escape_text (value, -1);
      g_autofree char *name = NULL;

      if (next_own < own->len && (i % every == 0 || ELEMENTS - i == own->len - next_own))
        {
          g_string_append_printf (xml, "  %s\n", (char *) own->pdata[next_own++]);
          continue;
        }
      if (f < n_wide)
        name = g_strdup (phone_wide[f]);
      else
        name = g_strdup_printf ("%s_%u_", per_line[(f - n_wide) % n_line],
                                1 + (f - n_wide) / n_line);
      g_string_append_printf (xml, "  <%s ua=\"%s\">%s</%s>\n", name, f % 3 ? "na" : "rw", escaped,
                              name);
      f++;
      g_assert_cmpuint (f, <=, foreign);
    }
  g_string_append (xml, "</flat-profile>\n");
  return g_string_free (xml, FALSE);
}

/* --- the resync ----------------------------------------------------------- */

static void
on_properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr (GVariant) changed = g_variant_get_child_value (parameters, 1);
  const char *state = NULL;

  if (g_variant_lookup (changed, "State", "&s", &state) && !g_str_equal (state, "resyncing"))
    *done = TRUE;
}

static gint64
time_resync (Fixture *f)
{
  gboolean done = FALSE;
  guint id = g_dbus_connection_signal_subscribe (
      f->bus->connection, BENCH_BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      PROV_PATH, PROV_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, &done, NULL);
  gint64 start = bench_now_ns (), ns;
  g_autofree char *result = NULL;

  g_variant_unref (
      bench_call (f->bus->connection, BENCH_BUS_NAME, PROV_PATH, PROV_IFACE, "Resync", NULL));
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  ns = bench_now_ns () - start;
  g_dbus_connection_signal_unsubscribe (f->bus->connection, id);
  result = prov_test_string (f, "LastResult");
  if (!g_str_equal (result, "success"))
    {
      g_autofree char *error = prov_test_string (f, "LastError");
      g_error ("The resync failed: %s", error);
    }
  return ns;
}

/* --- the baseline: curl, then GMarkup ------------------------------------- */

static void
on_start (GMarkupParseContext *context, const char *element, const char **names,
          const char **values_, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, g_strdup (element));
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
         GError **error)
{
  g_ptr_array_add (user_data, g_strndup (text, len));
}

static const GMarkupParser parser = { on_start, NULL, on_text, NULL, NULL };

static void
on_communicated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gint64
time_curl_and_parse (const char *url, gint64 *fetch_ns)
{
  const char *argv[] = { "curl",
                         "-sS",
                         "--fail",
                         "--cacert",
                         prov_pki.ca->cert->cert_path,
                         "--cert",
                         prov_pki.client_cert,
                         "--key",
                         prov_pki.client_key,
                         url,
                         NULL };
  gint64 start = bench_now_ns ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) curl = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GPtrArray) copied = g_ptr_array_new_with_free_func (g_free);
  GMarkupParseContext *context;

  g_assert_no_error (error);
  /* The server lives in this process: the main context runs meanwhile. */
  g_subprocess_communicate_async (curl, NULL, NULL, on_communicated, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!g_subprocess_communicate_finish (curl, result, &body, NULL, &error)
      || !g_subprocess_get_successful (curl))
    g_error ("curl %s failed: %s", url, error != NULL ? error->message : "exit status");
  *fetch_ns = bench_now_ns () - start;
  context = g_markup_parse_context_new (&parser, 0, copied, NULL);
  if (!g_markup_parse_context_parse (context, g_bytes_get_data (body, NULL),
                                     g_bytes_get_size (body), &error)
      || !g_markup_parse_context_end_parse (context, &error))
    g_error ("GMarkup: %s", error->message);
  g_markup_parse_context_free (context);
  return bench_now_ns () - start;
}

/* --- main ------------------------------------------------------------------- */

static void
report (GArray *resync, GArray *baseline, GArray *fetch, gsize size)
{
  double resync_us = bench_median_us (resync), baseline_us = bench_median_us (baseline);
  double fetch_us = bench_median_us (fetch);

  g_print ("Profile: %u elements, %" G_GSIZE_FORMAT " bytes, over HTTPS; %u alternating rounds:\n",
           ELEMENTS, size, ROUNDS);
  g_print ("  Resync() to State idle          median %9.1f us  p99 %9.1f us\n", resync_us,
           bench_percentile_us (resync, 99));
  g_print ("  curl fetch + GMarkup parse      median %9.1f us  (fetch alone %9.1f us)\n",
           baseline_us, fetch_us);
  bench_report ("resync_us", resync_us, -1);
  bench_report ("resync_curl_fetch_us", fetch_us, -1);
  bench_report ("resync_curl_gmarkup_us", baseline_us, -1);
  bench_report ("resync_ratio", resync_us / baseline_us, GOAL_RATIO);
}

int
main (int argc, char **argv)
{
  Fixture f = { NULL };
  g_autoptr (GArray) resync = bench_samples_new (ROUNDS);
  g_autoptr (GArray) baseline = bench_samples_new (ROUNDS);
  g_autoptr (GArray) fetch = bench_samples_new (ROUNDS);
  g_autoptr (GPtrArray) own = NULL;
  g_autoptr (GBytes) profile = NULL;
  g_autofree char *url = NULL, *xml = NULL;

  g_test_init (&argc, &argv, NULL);
  prov_test_pki_make ();
  prov_test_setup (&f, NULL);
  f.web = prov_test_web_new (prov_pki.server);
  url = g_strdup_printf ("https://127.0.0.1:%u/p.xml", f.web->port);
  prov_test_start_with (&f, "Profile_Rule", url, NULL);
  own = own_elements (f.bus);
  xml = build_profile (own);
  profile = g_bytes_new (xml, strlen (xml));
  prov_test_web_put (f.web, "/p.xml", profile);
  g_print ("%u phonesec elements among %u\n", own->len, ELEMENTS);
  for (guint i = 0; i < WARMUP + ROUNDS; i++)
    {
      gint64 resync_ns = time_resync (&f), fetch_ns = 0;
      gint64 baseline_ns = time_curl_and_parse (url, &fetch_ns);

      if (i < WARMUP)
        continue;
      g_array_append_val (resync, resync_ns);
      g_array_append_val (baseline, baseline_ns);
      g_array_append_val (fetch, fetch_ns);
    }
  report (resync, baseline, fetch, strlen (xml));
  prov_test_teardown (&f, NULL);
  prov_test_pki_free ();
  return 0;
}
