/* phonesec-prt-plugin.c: the prt-uploader plugin: org.phonesec.PhoneSec1.ProblemReport.
 *
 * A report is gathered on the main thread (log ring, configuration export,
 * D-Bus state: all in memory), compressed and written in a GTask thread, kept
 * in the plugin's state folder (the newest KEEP_REPORTS), and handed to the
 * core's durable upload queue, whose "item-done" tells us how it ended.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <phonesec/phonesec.h>
#include <sys/utsname.h>

#include "phonesec-prt-archive.h"
#include "phonesec-prt-form.h"
#include "phonesec-prt-generated.h"

#define OWNER "prt-uploader"
/* What the upload queue's items refer to for their secrets. */
#define RULE_REF "PRT_Upload_Rule"
#define HEADER_VALUE_REF "PRT_HTTP_Header_Value"
#define KEEP_REPORTS 10
#define MAX_REASON 256
/* The phone's user may ask for one report a minute (each holds the logs
 * and costs an upload); administrators as many as they like. */
#define USER_REPORT_GAP_US (60 * G_USEC_PER_SEC)
/* Helper crashes closer together than this make one report, not a storm. */
#define CRASH_REPORT_GAP_US (60 * G_USEC_PER_SEC)

#define PHONESEC_TYPE_PRT_PLUGIN (phonesec_prt_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecPrtPlugin, phonesec_prt_plugin, PHONESEC, PRT_PLUGIN, GObject)

typedef struct
{
  char *id;
  char *name;
  char *reason;
  gint64 created;
  guint64 size;
  gboolean crash;
  gboolean full;       /* holds hidden settings and logs: never sent over http:// */
  char *upload_status; /* not-configured, queued, uploaded, failed */
  char *upload_error;
  char *queue_item;
} Report;

struct _PhonesecPrtPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecPrtDBusProblemReport *iface;
  char *dir;
  GPtrArray *reports; /* Report*, oldest first */
  guint generating;
  guint timer;
  guint serial;
  gint64 last_crash_report;
  gint64 last_user_report; /* monotonic time of the last one a user asked for */
  gulong done_handler, failed_handler, crash_handler;
  GCancellable *cancellable;
};

static void phonesec_prt_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecPrtPlugin, phonesec_prt_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_prt_plugin_iface_init))

static void
report_free (Report *r)
{
  g_free (r->id);
  g_free (r->name);
  g_free (r->reason);
  g_free (r->upload_status);
  g_free (r->upload_error);
  g_free (r->queue_item);
  g_free (r);
}

static char *
report_path (PhonesecPrtPlugin *self, const Report *r, const char *suffix)
{
  g_autofree char *file = g_strconcat (r->id, suffix, NULL);
  return g_build_filename (self->dir, file, NULL);
}

static Report *
find_report (PhonesecPrtPlugin *self, const char *id)
{
  for (guint i = 0; i < self->reports->len; i++)
    if (g_str_equal (((Report *) self->reports->pdata[i])->id, id))
      return self->reports->pdata[i];
  return NULL;
}

/* --- metadata on disk ------------------------------------------------------ */

static void
save_report (PhonesecPrtPlugin *self, const Report *r)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *path = report_path (self, r, ".ini");
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;

  g_key_file_set_string (kf, "Report", "Name", r->name);
  g_key_file_set_string (kf, "Report", "Reason", r->reason);
  g_key_file_set_int64 (kf, "Report", "Created", r->created);
  g_key_file_set_uint64 (kf, "Report", "Size", r->size);
  g_key_file_set_boolean (kf, "Report", "Crash", r->crash);
  g_key_file_set_boolean (kf, "Report", "Full", r->full);
  g_key_file_set_string (kf, "Report", "UploadStatus", r->upload_status);
  g_key_file_set_string (kf, "Report", "UploadError", r->upload_error ? r->upload_error : "");
  g_key_file_set_string (kf, "Report", "QueueItem", r->queue_item ? r->queue_item : "");
  data = g_key_file_to_data (kf, NULL, NULL);
  if (!g_file_set_contents_full (path, data, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 &error))
    g_warning ("Cannot save the report %s: %s", r->id, error->message);
}

/* Ids sort by time. */
static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 ((*(Report **) a)->id, (*(Report **) b)->id);
}

static void
load_reports (PhonesecPrtPlugin *self)
{
  g_autoptr (GDir) dir = g_dir_open (self->dir, 0, NULL);
  PhonesecUploadQueue *queue = phonesec_context_get_upload_queue (self->context);
  const char *file;

  while (dir != NULL && (file = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr (GKeyFile) kf = g_key_file_new ();
      g_autofree char *path = g_build_filename (self->dir, file, NULL);
      g_autofree char *archive = NULL;
      Report *r;

      if (!g_str_has_suffix (file, ".ini") || !g_key_file_load_from_file (kf, path, 0, NULL))
        continue;
      r = g_new0 (Report, 1);
      r->id = g_strndup (file, strlen (file) - 4);
      r->name = g_key_file_get_string (kf, "Report", "Name", NULL);
      r->reason = g_key_file_get_string (kf, "Report", "Reason", NULL);
      r->created = g_key_file_get_int64 (kf, "Report", "Created", NULL);
      r->size = g_key_file_get_uint64 (kf, "Report", "Size", NULL);
      r->crash = g_key_file_get_boolean (kf, "Report", "Crash", NULL);
      /* Reports of earlier versions were all full. */
      r->full = !g_key_file_has_key (kf, "Report", "Full", NULL)
                || g_key_file_get_boolean (kf, "Report", "Full", NULL);
      r->upload_status = g_key_file_get_string (kf, "Report", "UploadStatus", NULL);
      r->upload_error = g_key_file_get_string (kf, "Report", "UploadError", NULL);
      r->queue_item = g_key_file_get_string (kf, "Report", "QueueItem", NULL);
      archive = report_path (self, r, ".tar.gz");
      if (r->name == NULL || r->reason == NULL || r->upload_status == NULL
          || !g_file_test (archive, G_FILE_TEST_IS_REGULAR))
        {
          g_warning ("Dropping the incomplete report %s", r->id);
          g_unlink (path);
          g_unlink (archive);
          report_free (r);
          continue;
        }
      /* Queued in an earlier run but gone from the queue: we missed its end. */
      if (g_str_equal (r->upload_status, "queued")
          && !phonesec_upload_queue_has_item (queue, r->queue_item))
        {
          g_free (r->upload_status);
          r->upload_status = g_strdup ("failed");
          g_free (r->upload_error);
          r->upload_error = g_strdup (_ ("the upload queue no longer holds this report"));
          save_report (self, r);
        }
      g_ptr_array_add (self->reports, r);
    }
  g_ptr_array_sort (self->reports, compare_ids);
}

static void
prune_reports (PhonesecPrtPlugin *self)
{
  while (self->reports->len > KEEP_REPORTS)
    {
      Report *oldest = self->reports->pdata[0];
      g_autofree char *ini = report_path (self, oldest, ".ini");
      g_autofree char *archive = report_path (self, oldest, ".tar.gz");

      g_unlink (ini);
      g_unlink (archive);
      g_ptr_array_remove_index (self->reports, 0);
    }
}

/* --- upload ---------------------------------------------------------------- */

static void
set_upload_status (PhonesecPrtPlugin *self, Report *r, const char *status, const char *error)
{
  g_free (r->upload_status);
  r->upload_status = g_strdup (status);
  g_free (r->upload_error);
  r->upload_error = g_strdup (error != NULL ? error : "");
  save_report (self, r);
  if (g_strcmp0 (phonesec_prt_dbus_problem_report_get_last_report (self->iface), r->id) == 0)
    phonesec_prt_dbus_problem_report_set_upload_status (
        self->iface, g_str_equal (status, "not-configured") ? "failed" : status);
  if (error != NULL)
    phonesec_prt_dbus_problem_report_set_last_error (self->iface, error);
}

/* The rule after macro expansion, checked: http(s) with a host, inside
 * Restricted_Access_Domains. */
static char *
dup_upload_url (PhonesecPrtPlugin *self, const Report *r, gboolean put, GError **error)
{
  g_autofree char *rule = phonesec_context_dup_string (self->context, "PRT_Upload_Rule");
  g_autofree char *url = NULL;
  g_autoptr (GUri) uri = NULL;

  if (rule == NULL || rule[0] == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("PRT_Upload_Rule is empty: the report is kept on the phone"));
      return NULL;
    }
  url = phonesec_context_expand_macros (self->context, rule, NULL);
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      /* The rule itself is not shown: it may carry credentials. */
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("PRT_Upload_Rule is not an http:// or https:// URL after macro "
                              "expansion: the report is kept on the phone"));
      return NULL;
    }
  {
    g_auto (GStrv) domains = phonesec_context_dup_strv (self->context, "Restricted_Access_Domains");

    if (!phonesec_domains_check_url (url, (const char *const *) domains, "PRT_Upload_Rule", error))
      return NULL;
  }
  if (put && g_str_has_suffix (g_uri_get_path (uri), "/"))
    {
      g_autofree char *escaped = g_uri_escape_string (r->name, NULL, FALSE);
      g_autofree char *path = g_strconcat (g_uri_get_path (uri), escaped, NULL);
      g_autoptr (GUri) with_name = g_uri_build (
          G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), g_uri_get_userinfo (uri),
          g_uri_get_host (uri), g_uri_get_port (uri), path, g_uri_get_query (uri), NULL);
      return g_uri_to_string (with_name);
    }
  return g_steal_pointer (&url);
}

static gboolean
queue_upload (PhonesecPrtPlugin *self, Report *r, GError **error)
{
  g_autofree char *method = phonesec_context_dup_string (self->context, "PRT_Upload_Method");
  g_autofree char *header = phonesec_context_dup_string (self->context, "PRT_HTTP_Header");
  g_autofree char *header_value
      = phonesec_context_dup_string (self->context, "PRT_HTTP_Header_Value");
  g_autofree char *archive_path = report_path (self, r, ".tar.gz");
  g_autoptr (GHashTable) secret_headers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) archive = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *item = NULL;
  gboolean put = g_strcmp0 (method, "PUT") == 0;
  PhonesecDevice *device = phonesec_context_get_device (self->context);

  url = dup_upload_url (self, r, put, error);
  if (url == NULL)
    return FALSE;
  /* Made for https:// or for the phone only: not for an http:// server. */
  if (r->full && g_ascii_strncasecmp (url, "http://", 7) == 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("This report holds hidden settings and logs, and PRT_Upload_Rule is "
                              "http://: it would cross the network in clear text, so it is kept "
                              "on the phone. Use an https:// rule, or generate a new report: "
                              "over http:// it leaves them out"));
      return FALSE;
    }
  mapped = g_mapped_file_new (archive_path, FALSE, error);
  if (mapped == NULL)
    return FALSE;
  archive = g_mapped_file_get_bytes (mapped);
  if (put)
    {
      body = g_bytes_ref (archive);
      content_type = g_strdup ("application/gzip");
    }
  else
    {
      PhonesecPrtForm *form = phonesec_prt_form_new ();
      g_autofree char *devicename
          = g_strconcat ("SEP", phonesec_device_get_mac_upper (device), NULL);

      /* The fields the phones send (see PARAMETERS.md). username is sent
       * empty: no user identity is read (User_ID_n_ belongs to a line). */
      phonesec_prt_form_add_field (form, "devicename", devicename);
      phonesec_prt_form_add_field (form, "serialno", phonesec_device_get_serial (device));
      phonesec_prt_form_add_field (form, "username", "");
      phonesec_prt_form_add_file (form, "prt_file", r->name, "application/gzip", archive);
      body = phonesec_prt_form_finish (form, &content_type);
    }
  /* Both or neither: the schema already checked each one's characters.
   * The value is a credential: the queue gets its reference, and asks
   * provide_secret() at send time. */
  if (header != NULL && header[0] != '\0' && header_value != NULL && header_value[0] != '\0')
    g_hash_table_insert (secret_headers, header, (char *) HEADER_VALUE_REF);
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  item = phonesec_upload_queue_add_full (
      phonesec_context_get_upload_queue (self->context), OWNER, r->id, PHONESEC_UPLOAD_DEFAULT,
      put ? "PUT" : "POST", url, content_type, NULL,
      uri != NULL && g_uri_get_userinfo (uri) != NULL ? RULE_REF : NULL, secret_headers, body,
      error);
  if (item == NULL)
    return FALSE;
  g_free (r->queue_item);
  r->queue_item = g_steal_pointer (&item);
  set_upload_status (self, r, "queued", NULL);
  return TRUE;
}

/* The upload queue asks for an item's secrets at send time: the current
 * ones, and only for the server they are configured for now. */
static PhonesecSecret *
provide_secret (const char *owner, const char *tag, const char *ref, const char *url,
                gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  g_autofree char *current = NULL;

  if (self->context == NULL || (current = dup_upload_url (self, NULL, FALSE, NULL)) == NULL
      || !phonesec_credentials_same_server (current, url))
    return NULL;
  if (g_str_equal (ref, RULE_REF))
    return phonesec_credentials_dup_userinfo_for (current, url);
  if (g_str_equal (ref, HEADER_VALUE_REF))
    {
      g_autofree char *value = phonesec_context_dup_string (self->context, HEADER_VALUE_REF);
      PhonesecSecret *secret
          = value != NULL && value[0] != '\0' ? phonesec_secret_new (value, -1) : NULL;

      if (value != NULL)
        explicit_bzero (value, strlen (value));
      return secret;
    }
  return NULL;
}

static void
upload_or_keep (PhonesecPrtPlugin *self, Report *r)
{
  g_autoptr (GError) error = NULL;

  if (queue_upload (self, r, &error))
    return;
  g_warning ("Problem report %s not uploaded: %s", r->id, error->message);
  set_upload_status (self, r,
                     g_error_matches (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED)
                         ? "not-configured"
                         : "failed",
                     error->message);
}

static void
on_item_done (PhonesecUploadQueue *queue, const char *owner, const char *id, const char *tag,
              gboolean delivered, guint status, const char *message, gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  Report *r;

  if (!g_str_equal (owner, OWNER) || (r = find_report (self, tag)) == NULL
      || g_strcmp0 (r->queue_item, id) != 0)
    return;
  if (delivered)
    {
      g_message ("Problem report %s (%s) uploaded", r->id, r->name);
      phonesec_context_metric_add (self->context, "reports.uploaded", 1);
      set_upload_status (self, r, "uploaded", NULL);
      phonesec_prt_dbus_problem_report_set_last_error (self->iface, "");
    }
  else
    {
      phonesec_context_metric_add (self->context, "reports.upload_failed", 1);
      set_upload_status (self, r, "failed", message);
    }
}

static void
on_item_failed (PhonesecUploadQueue *queue, const char *owner, const char *id, const char *tag,
                guint status, const char *message, gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  Report *r;

  if (!g_str_equal (owner, OWNER) || (r = find_report (self, tag)) == NULL)
    return;
  g_free (r->upload_error);
  r->upload_error = g_strdup (message);
  phonesec_prt_dbus_problem_report_set_last_error (self->iface, message);
}

/* --- generation ------------------------------------------------------------ */

typedef struct
{
  Report *report;
  PhonesecPrtArchive *archive; /* filled on the main thread, finished in the thread */
  char *archive_path;
  GDBusMethodInvocation *invocation;
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->report, report_free);
  g_clear_pointer (&job->archive, phonesec_prt_archive_free);
  g_free (job->archive_path);
  g_clear_object (&job->invocation);
  g_free (job);
}

static char *
format_objects (GVariant *objects)
{
  GString *text = g_string_new (NULL);
  GVariantIter iter;
  const char *path;
  GVariant *interfaces;

  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &interfaces))
    {
      GVariantIter ifaces;
      const char *name;
      GVariant *properties;

      g_variant_iter_init (&ifaces, interfaces);
      while (g_variant_iter_next (&ifaces, "{&s@a{sv}}", &name, &properties))
        {
          GVariantIter props;
          const char *prop;
          GVariant *value;

          g_variant_iter_init (&props, properties);
          while (g_variant_iter_next (&props, "{&sv}", &prop, &value))
            {
              g_autofree char *printed = g_variant_print (value, FALSE);
              g_string_append_printf (text, "%s %s.%s = %s\n", path, name, prop, printed);
              g_variant_unref (value);
            }
          g_variant_unref (properties);
        }
      g_variant_unref (interfaces);
    }
  return g_string_free (text, FALSE);
}

static char *
format_crashes (GVariant *records)
{
  GString *text = g_string_new (NULL);
  GVariantIter iter;
  GVariant *record;

  g_variant_iter_init (&iter, records);
  while (g_variant_iter_next (&iter, "@a{sv}", &record))
    {
      g_autoptr (GVariantDict) dict = g_variant_dict_new (record);
      const char *process = "", *plugin = "", *signame = "", *details = "";
      gint32 signum = 0;
      gint64 when = 0;
      g_autoptr (GDateTime) time = NULL;
      g_autofree char *stamp = NULL;

      g_variant_dict_lookup (dict, "process", "&s", &process);
      g_variant_dict_lookup (dict, "plugin", "&s", &plugin);
      g_variant_dict_lookup (dict, "signal", "i", &signum);
      g_variant_dict_lookup (dict, "signal-name", "&s", &signame);
      g_variant_dict_lookup (dict, "time", "x", &when);
      g_variant_dict_lookup (dict, "details", "&s", &details);
      time = g_date_time_new_from_unix_utc (when);
      stamp = time != NULL ? g_date_time_format_iso8601 (time) : g_strdup ("?");
      g_string_append_printf (
          text, "process: %s\nplugin: %s\nsignal: %d%s%s\ntime: %s\ndetails:\n%s\n\n", process,
          plugin, signum, signame[0] ? " SIG" : "", signame, stamp, details);
      g_variant_unref (record);
    }
  return g_string_free (text, FALSE);
}

/* Kernel, uptime, memory: read in the thread (small /proc files). */
static char *
system_facts (void)
{
  GString *text = g_string_new (NULL);
  struct utsname un;
  g_autofree char *uptime = NULL, *meminfo = NULL, *loadavg = NULL;

  if (uname (&un) == 0)
    g_string_append_printf (text, "kernel: %s %s %s %s\n", un.sysname, un.release, un.version,
                            un.machine);
  if (g_file_get_contents ("/proc/uptime", &uptime, NULL, NULL))
    g_string_append_printf (text, "uptime: %s", uptime);
  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    g_string_append_printf (text, "loadavg: %s", loadavg);
  if (g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL))
    {
      g_auto (GStrv) lines = g_strsplit (meminfo, "\n", 6);
      g_string_append (text, "memory:\n");
      for (guint i = 0; lines[i] != NULL && i < 5; i++)
        g_string_append_printf (text, "  %s\n", lines[i]);
    }
  return g_string_free (text, FALSE);
}

static void
build_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autofree char *facts = system_facts ();
  g_autoptr (GBytes) bytes = NULL;
  GError *error = NULL;

  phonesec_prt_archive_add (job->archive, "system.txt", facts, -1);
  bytes = phonesec_prt_archive_finish (g_steal_pointer (&job->archive), &error);
  if (bytes == NULL
      || !g_file_set_contents_full (
          job->archive_path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
          G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->report->size = g_bytes_get_size (bytes);
  g_task_return_boolean (task, TRUE);
}

static void
generation_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecPrtPlugin *self = PHONESEC_PRT_PLUGIN (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  Report *r;

  self->generating--;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("The problem report could not be written: %s"), error->message);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->iface == NULL)
        return;
      g_warning ("%s", message);
      phonesec_prt_dbus_problem_report_set_generation_status (self->iface, "failed");
      phonesec_prt_dbus_problem_report_set_last_error (self->iface, message);
      if (job->invocation != NULL)
        g_dbus_method_invocation_return_error_literal (
            g_steal_pointer (&job->invocation), PHONESEC_ERROR, PHONESEC_ERROR_FAILED, message);
      return;
    }
  r = g_steal_pointer (&job->report);
  g_ptr_array_add (self->reports, r);
  save_report (self, r);
  g_message ("Problem report %s written: %s (%" G_GUINT64_FORMAT " bytes, reason: %s)", r->id,
             r->name, r->size, r->reason);
  phonesec_context_metric_add (self->context, "reports.generated", 1);
  phonesec_prt_dbus_problem_report_set_generation_status (
      self->iface, self->generating > 0 ? "generating" : "ready");
  phonesec_prt_dbus_problem_report_set_last_report (self->iface, r->id);
  phonesec_prt_dbus_problem_report_set_last_error (self->iface, "");
  upload_or_keep (self, r);
  if (job->invocation != NULL)
    g_dbus_method_invocation_return_value (g_steal_pointer (&job->invocation),
                                           g_variant_new ("(s)", r->id));
  prune_reports (self);
}

static char *
new_report_id (PhonesecPrtPlugin *self, GDateTime *now)
{
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  /* The serial keeps ids of one second apart and sortable. */
  for (;;)
    {
      char *id = g_strdup_printf ("%s-%03u", stamp, self->serial++ % 1000);
      if (find_report (self, id) == NULL)
        return id;
      g_free (id);
    }
}

/* Whether the report would go out over http://. Such a report must hold
 * nothing hidden from the phone's user (which a proxy the user configured
 * could read): the configuration and the objects as the user sees them,
 * and no log, which may quote any setting. */
static gboolean
upload_in_clear (PhonesecPrtPlugin *self)
{
  g_autofree char *rule = phonesec_context_dup_string (self->context, "PRT_Upload_Rule");
  g_autofree char *url = NULL;

  if (rule == NULL || rule[0] == '\0')
    return FALSE;
  url = phonesec_context_expand_macros (self->context, rule, NULL);
  return g_ascii_strncasecmp (g_strstrip (url), "http://", 7) == 0;
}

static void
generate (PhonesecPrtPlugin *self, const char *reason, gboolean crash,
          GDBusMethodInvocation *invocation)
{
  gboolean in_clear = upload_in_clear (self);
  PhonesecView view = in_clear ? PHONESEC_VIEW_USER : PHONESEC_VIEW_ADMIN;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GTask) task = NULL;
  g_autofree char *prt_name = phonesec_context_dup_string (self->context, "PRT_Name");
  g_autofree char *expanded = NULL;
  g_autofree char *report_txt = NULL, *stamp = NULL, *profile = NULL, *objects_txt = NULL;
  g_autofree char *device_txt = NULL, *log_txt = NULL, *previous = NULL;
  g_auto (GStrv) log = NULL;
  g_autoptr (GVariant) objects = NULL;
  PhonesecDevice *device = phonesec_context_get_device (self->context);
  Job *job = g_new0 (Job, 1);
  Report *r = g_new0 (Report, 1);

  r->id = new_report_id (self, now);
  expanded = prt_name != NULL && prt_name[0] != '\0'
                 ? phonesec_context_expand_macros (self->context, prt_name, NULL)
                 : g_strdup ("");
  r->name = phonesec_prt_make_name (expanded, phonesec_device_get_mac (device), now);
  r->reason = g_strdup (reason);
  r->created = g_date_time_to_unix (now);
  r->crash = crash;
  r->full = !in_clear;
  r->upload_status = g_strdup ("not-configured");
  job->report = r;
  job->archive_path = report_path (self, r, ".tar.gz");
  /* The handler's reference: the reply (or job_free) consumes it. */
  job->invocation = invocation;
  job->archive = phonesec_prt_archive_new ();

  /* Everything that lives in the daemon is copied now, on the main thread. */
  stamp = g_date_time_format_iso8601 (now);
  report_txt = g_strdup_printf (
      "id: %s\nname: %s\nreason: %s\ncreated: %s\ncrash: %s\nphonesec: %s\ncontents: %s\n", r->id,
      r->name, r->reason, stamp, crash ? "yes" : "no", PACKAGE_VERSION,
      in_clear ? "reduced: PRT_Upload_Rule is http://, so the report crosses the network in "
                 "clear text; the settings hidden from the phone's user and the logs (which may "
                 "quote them) are left out. Use an https:// rule for a full report."
               : "full");
  phonesec_prt_archive_add (job->archive, "report.txt", report_txt, -1);
  if (!in_clear)
    {
      log = phonesec_context_dup_recent_log (self->context);
      log_txt = g_strjoinv ("\n", log);
      phonesec_prt_archive_add (job->archive, "log/phonesecd.log", log_txt, -1);
      if (crash && (previous = phonesec_context_dup_previous_run_log (self->context)) != NULL)
        phonesec_prt_archive_add (job->archive, "log/previous-run.log", previous, -1);
    }
  profile = phonesec_context_export_profile_for (self->context, view);
  phonesec_prt_archive_add (job->archive, "config/cfg.xml", profile, -1);
  objects = phonesec_context_dup_objects_for (self->context, view);
  objects_txt = format_objects (objects);
  phonesec_prt_archive_add (job->archive, "state/objects.txt", objects_txt, -1);
  device_txt = g_strdup_printf (
      "MAC=%s\nSerial=%s\nProductName=%s\nProductSeries=%s\n"
      "SoftwareVersion=%s\nHardwareVersion=%s\n",
      phonesec_device_get_mac_colon (device), phonesec_device_get_serial (device),
      phonesec_device_get_product_name (device), phonesec_device_get_product_series (device),
      phonesec_device_get_software_version (device), phonesec_device_get_hardware_version (device));
  phonesec_prt_archive_add (job->archive, "device.txt", device_txt, -1);
  if (crash)
    {
      g_autoptr (GVariant) records
          = phonesec_crash_log_dup_records (phonesec_context_get_crash_log (self->context));
      g_autofree char *crash_txt = format_crashes (records);
      phonesec_prt_archive_add (job->archive, "crash.txt", crash_txt, -1);
    }

  self->generating++;
  phonesec_prt_dbus_problem_report_set_generation_status (self->iface, "generating");
  task = g_task_new (self, self->cancellable, generation_done, NULL);
  g_task_set_source_tag (task, generate);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, build_in_thread);
}

/* --- triggers -------------------------------------------------------------- */

static void
crash_report (PhonesecPrtPlugin *self, const char *what)
{
  gint64 now = g_get_monotonic_time ();

  if (!phonesec_context_get_bool (self->context, "PRT_Upload_at_Crash"))
    {
      g_message ("%s: no crash report (PRT_Upload_at_Crash is No)", what);
      return;
    }
  if (self->last_crash_report != 0 && now - self->last_crash_report < CRASH_REPORT_GAP_US)
    {
      g_message ("%s: already reported less than a minute ago", what);
      return;
    }
  self->last_crash_report = now;
  generate (self, "crash", TRUE, NULL);
}

static void
on_crashed (PhonesecCrashLog *log, GVariant *record, gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  const char *process = "?";

  g_variant_lookup (record, "process", "&s", &process);
  crash_report (self, process);
}

static gboolean
on_timer (gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;

  generate (self, "periodic (PRT_Max_Timer)", FALSE, NULL);
  return G_SOURCE_CONTINUE;
}

static void
update_timer (PhonesecPrtPlugin *self)
{
  gint64 minutes = phonesec_context_get_int (self->context, "PRT_Max_Timer");
  const char *scale = g_getenv ("PHONESEC_PRT_MINUTE_MS"); /* tests only */
  guint64 minute_ms = 60000;

  g_clear_handle_id (&self->timer, g_source_remove);
  if (minutes <= 0)
    return;
  if (scale != NULL)
    minute_ms = MAX (1, g_ascii_strtoull (scale, NULL, 10));
  self->timer = g_timeout_add ((guint) MIN (G_MAXUINT, minutes * minute_ms), on_timer, self);
}

/* --- D-Bus ----------------------------------------------------------------- */

static gboolean
on_handle_generate (PhonesecPrtDBusProblemReport *iface, GDBusMethodInvocation *invocation,
                    const char *reason, gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  g_autofree char *one_line = NULL;
  gint64 now = g_get_monotonic_time ();

  if (g_utf8_strlen (reason, -1) > MAX_REASON)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             _ ("The reason is longer than %d characters"),
                                             MAX_REASON);
      return TRUE;
    }
  if (phonesec_context_get_caller_view (self->context, invocation) == PHONESEC_VIEW_USER)
    {
      if (self->last_user_report != 0 && now - self->last_user_report < USER_REPORT_GAP_US)
        {
          guint wait_s
              = (guint) ((USER_REPORT_GAP_US - (now - self->last_user_report)) / G_USEC_PER_SEC)
                + 1;

          g_dbus_method_invocation_return_error (
              invocation, G_DBUS_ERROR, G_DBUS_ERROR_LIMITS_EXCEEDED,
              _ ("A problem report was made for the phone's user less than a minute ago; try "
                 "again in %u s"),
              wait_s);
          return TRUE;
        }
      self->last_user_report = now;
    }
  /* One line in report.txt: the reason cannot forge the lines after it. */
  one_line = g_strdelimit (g_strdup (reason), "\r\n\t\v\f", ' ');
  generate (self, one_line[0] != '\0' ? one_line : "user", FALSE, invocation);
  return TRUE;
}

static gboolean
on_handle_upload (PhonesecPrtDBusProblemReport *iface, GDBusMethodInvocation *invocation,
                  const char *id, gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  g_autoptr (GError) error = NULL;
  Report *r = find_report (self, id);

  if (r == NULL)
    {
      g_autofree char *q = phonesec_quote_for_message (id, -1);

      g_dbus_method_invocation_return_error (invocation, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
                                             _ ("No problem report has the id “%s”"), q);
      return TRUE;
    }
  phonesec_prt_dbus_problem_report_set_last_report (self->iface, r->id);
  if (!queue_upload (self, r, &error))
    {
      set_upload_status (self, r,
                         g_error_matches (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED)
                             ? "not-configured"
                             : "failed",
                         error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }
  phonesec_prt_dbus_problem_report_complete_upload (iface, invocation);
  return TRUE;
}

static gboolean
on_handle_list (PhonesecPrtDBusProblemReport *iface, GDBusMethodInvocation *invocation,
                gpointer user_data)
{
  PhonesecPrtPlugin *self = user_data;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < self->reports->len; i++)
    {
      Report *r = self->reports->pdata[i];
      GVariantDict dict;

      g_variant_dict_init (&dict, NULL);
      g_variant_dict_insert (&dict, "id", "s", r->id);
      g_variant_dict_insert (&dict, "name", "s", r->name);
      g_variant_dict_insert (&dict, "reason", "s", r->reason);
      g_variant_dict_insert (&dict, "created", "x", r->created);
      g_variant_dict_insert (&dict, "size", "t", r->size);
      g_variant_dict_insert (&dict, "crash", "b", r->crash);
      g_variant_dict_insert (&dict, "upload-status", "s", r->upload_status);
      g_variant_dict_insert (&dict, "upload-error", "s", r->upload_error ? r->upload_error : "");
      g_variant_builder_add_value (&builder, g_variant_dict_end (&dict));
    }
  phonesec_prt_dbus_problem_report_complete_list (iface, invocation,
                                                  g_variant_builder_end (&builder));
  return TRUE;
}

/* --- PhonesecPlugin -------------------------------------------------------- */

static void
stop_feature (PhonesecPrtPlugin *self)
{
  PhonesecUploadQueue *queue;

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->context != NULL)
    {
      queue = phonesec_context_get_upload_queue (self->context);
      g_clear_signal_handler (&self->done_handler, queue);
      g_clear_signal_handler (&self->failed_handler, queue);
      phonesec_upload_queue_set_secret_func (queue, OWNER, NULL, NULL, NULL);
      g_clear_signal_handler (&self->crash_handler, phonesec_context_get_crash_log (self->context));
    }
  if (self->iface != NULL)
    {
      phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
      g_clear_object (&self->iface);
    }
  g_clear_object (&self->context);
}

static gboolean
phonesec_prt_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecPrtPlugin *self = PHONESEC_PRT_PLUGIN (plugin);
  PhonesecUploadQueue *queue = phonesec_context_get_upload_queue (context);

  g_set_object (&self->context, context);
  self->dir = g_build_filename (phonesec_context_get_state_dir (context), "reports", NULL);
  if (g_mkdir_with_parents (self->dir, 0700) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Cannot create the report folder %s: %s"), self->dir, g_strerror (saved));
      g_clear_object (&self->context);
      return FALSE;
    }
  self->iface = phonesec_prt_dbus_problem_report_skeleton_new ();
  phonesec_prt_dbus_problem_report_set_generation_status (self->iface, "idle");
  phonesec_prt_dbus_problem_report_set_upload_status (self->iface, "idle");
  phonesec_prt_dbus_problem_report_set_last_error (self->iface, "");
  phonesec_prt_dbus_problem_report_set_last_report (self->iface, "");
  g_signal_connect (self->iface, "handle-generate", G_CALLBACK (on_handle_generate), self);
  g_signal_connect (self->iface, "handle-upload", G_CALLBACK (on_handle_upload), self);
  g_signal_connect (self->iface, "handle-list", G_CALLBACK (on_handle_list), self);
  load_reports (self);
  if (self->reports->len > 0)
    {
      Report *last = self->reports->pdata[self->reports->len - 1];
      phonesec_prt_dbus_problem_report_set_last_report (self->iface, last->id);
      phonesec_prt_dbus_problem_report_set_upload_status (
          self->iface,
          g_str_equal (last->upload_status, "not-configured") ? "failed" : last->upload_status);
    }
  self->done_handler = g_signal_connect (queue, "item-done", G_CALLBACK (on_item_done), self);
  self->failed_handler = g_signal_connect (queue, "item-failed", G_CALLBACK (on_item_failed), self);
  phonesec_upload_queue_set_secret_func (queue, OWNER, provide_secret, self, NULL);
  self->crash_handler = g_signal_connect (phonesec_context_get_crash_log (context), "crashed",
                                          G_CALLBACK (on_crashed), self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  update_timer (self);
  /* The daemon's own crash is known before any plugin runs. */
  if (phonesec_context_get_previous_run_crashed (context))
    crash_report (self, "phonesecd (previous run)");
  return TRUE;
}

static void
phonesec_prt_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_PRT_PLUGIN (plugin));
}

static void
phonesec_prt_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecPrtPlugin *self = PHONESEC_PRT_PLUGIN (plugin);

  if (g_strv_contains (names, "PRT_Max_Timer"))
    update_timer (self);
}

static void
phonesec_prt_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_prt_plugin_activate;
  iface->deactivate = phonesec_prt_plugin_deactivate;
  iface->config_changed = phonesec_prt_plugin_config_changed;
}

/* --- GObject --------------------------------------------------------------- */

static void
phonesec_prt_plugin_dispose (GObject *object)
{
  stop_feature (PHONESEC_PRT_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_prt_plugin_parent_class)->dispose (object);
}

static void
phonesec_prt_plugin_finalize (GObject *object)
{
  PhonesecPrtPlugin *self = PHONESEC_PRT_PLUGIN (object);

  g_ptr_array_unref (self->reports);
  g_clear_object (&self->cancellable);
  g_free (self->dir);
  G_OBJECT_CLASS (phonesec_prt_plugin_parent_class)->finalize (object);
}

static void
phonesec_prt_plugin_class_init (PhonesecPrtPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_prt_plugin_dispose;
  G_OBJECT_CLASS (klass)->finalize = phonesec_prt_plugin_finalize;
}

static void
phonesec_prt_plugin_init (PhonesecPrtPlugin *self)
{
  self->reports = g_ptr_array_new_with_free_func ((GDestroyNotify) report_free);
  self->cancellable = g_cancellable_new ();
}

PHONESEC_PLUGIN_DEFINE (phonesec_prt_plugin_get_type)
