/* phonesec-prov-report-send.c: Report_Rule (see
 * phonesec-prov-report-send.h).
 *
 * The report is built from what the phone's user may read (no secret, no
 * hidden parameter or property derived from one): what leaves the phone
 * for a server is no more than what its screen may show.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-report-send.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-prov-fetch.h"
#include "phonesec-prov-macros.h"
#include "phonesec-prov-report.h"
#include "phonesec-prov-target.h"

static GBytes *
build_report (PhonesecContext *context)
{
  g_autoptr (GVariant) objects = phonesec_context_dup_objects_for (context, PHONESEC_VIEW_USER);
  g_autofree char *profile = phonesec_context_export_profile_for (context, PHONESEC_VIEW_USER);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  char *text
      = phonesec_prov_report_build (phonesec_context_get_device (context), objects, profile, now);

  return g_bytes_new_take (text, strlen (text));
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *server = NULL;
  g_autoptr (GBytes) answer = phonesec_prov_fetch_finish (result, &server, &error);

  g_task_set_task_data (task, g_steal_pointer (&server), g_free);
  if (answer == NULL)
    g_task_return_new_error (task, error->domain, error->code, "Report_Rule: %s", error->message);
  else
    g_task_return_boolean (task, TRUE);
}

/* The target, or NULL with @error (not prefixed). */
static PhonesecProvTarget *
report_target (PhonesecContext *context, GError **error)
{
  g_autofree char *text = phonesec_context_dup_string (context, "Report_Rule");
  g_autoptr (GHashTable) vars = phonesec_prov_vars_new (context);
  g_autoptr (PhonesecProvTarget) target = NULL;
  gboolean no_alternative;

  if (text == NULL || g_strstrip (text)[0] == '\0')
    return g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                                _ ("the rule is empty")),
           NULL;
  target = phonesec_prov_target_new (context, vars, "Report_Rule", text, &no_alternative, error);
  if (target != NULL && target->key != NULL)
    return g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                                _ ("encrypted reports (--key) are not supported; the report "
                                   "was not sent")),
           NULL;
  return g_steal_pointer (&target);
}

void
phonesec_prov_report_send_async (PhonesecContext *context, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProvTarget) target = report_target (context, &error);
  g_autoptr (GBytes) report = NULL;

  g_task_set_source_tag (task, phonesec_prov_report_send_async);
  if (target == NULL)
    {
      /* Restricted_Access_Domains' message names the rule already. */
      if (g_str_has_prefix (error->message, "Report_Rule:"))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, error->domain, error->code, "Report_Rule: %s",
                                 error->message);
      return;
    }
  report = build_report (context);
  phonesec_prov_target_upload_async (context, target, "POST", report, cancellable, on_sent,
                                     g_object_ref (task));
}

gboolean
phonesec_prov_report_send_finish (GAsyncResult *result, char **server, GError **error)
{
  if (server != NULL)
    *server = g_strdup (g_task_get_task_data (G_TASK (result)));
  return g_task_propagate_boolean (G_TASK (result), error);
}
