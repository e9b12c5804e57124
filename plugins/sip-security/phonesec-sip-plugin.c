/* phonesec-sip-plugin.c: the sip-security plugin:
 * org.phonesec.PhoneSec1.SipSecurity.
 *
 * The D-Bus face of the SIP security decisions: each handler reads the
 * line's settings as they are now, hands them with the password (read
 * from the context only for the call, never kept) to the pure parts
 * (phonesec-sip-authorize.c, phonesec-sip-challenge.c, phonesec-sip-line.c)
 * and answers. Nothing blocks: digests and HMACs are microseconds.
 *
 * Who may call: the core checks org.phonesec.Access group:phonesec-sip
 * before a handler runs; the test-only options are further kept to
 * administrators here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>
#include <string.h>

#include "phonesec-sip-authorize.h"
#include "phonesec-sip-certificate.h"
#include "phonesec-sip-challenge.h"
#include "phonesec-sip-generated.h"
#include "phonesec-sip-policy.h"

#define PHONESEC_TYPE_SIP_PLUGIN (phonesec_sip_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecSipPlugin, phonesec_sip_plugin, PHONESEC, SIP_PLUGIN, GObject)

struct _PhonesecSipPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecSipDBusSipSecurity *iface;
  PhonesecSipNonces *nonces; /* the phone's own challenges */
  GPtrArray *counts;         /* PhonesecSipNonceCounts* per line, index line - 1 */
};

static void phonesec_sip_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecSipPlugin, phonesec_sip_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_sip_plugin_iface_init))

/* --- helpers ----------------------------------------------------------------- */

static PhonesecSipLine *
read_line (PhonesecSipPlugin *self, guint line, GError **error)
{
  guint lines = phonesec_context_get_line_count (self->context);

  if (line < 1 || line > lines)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("Line %u does not exist; allowed: 1 to %u"), line, lines);
      return NULL;
    }
  return phonesec_sip_line_read (self->context, line);
}

static PhonesecSecret *
dup_password (PhonesecSipPlugin *self, guint line)
{
  g_autofree char *name = phonesec_sip_line_parameter ("Password_n_", line);

  return phonesec_context_dup_secret (self->context, name);
}

/* The password, or NULL with an error: the phone's own challenges mean
 * nothing without one (anyone knowing the user would pass). */
static PhonesecSecret *
require_password (PhonesecSipPlugin *self, guint line, GError **error)
{
  PhonesecSecret *password = dup_password (self, line);

  if (!phonesec_secret_is_empty (password))
    return password;
  phonesec_secret_unref (password);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
               _ ("Line %u has no password (Password_%u_): it cannot authorize requests"), line,
               line);
  return NULL;
}

static gboolean
caller_is_admin (PhonesecSipPlugin *self, GDBusMethodInvocation *invocation)
{
  return phonesec_context_get_caller_view (self->context, invocation) == PHONESEC_VIEW_ADMIN;
}

/* Options only administrators may give (they exist for tests). */
static gboolean
check_test_options (PhonesecSipPlugin *self, GDBusMethodInvocation *invocation, GVariant *options,
                    const char *const *keys, GError **error)
{
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr (GVariant) value = g_variant_lookup_value (options, keys[i], NULL);

      if (value != NULL && !caller_is_admin (self, invocation))
        {
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
                       _ ("Option %s is for tests and administrators only"), keys[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* The method is a token and the Request-URI has no blank or control
 * character (RFC 3261 §25.1): both end up in headers. */
static gboolean
check_request (const char *method, const char *request_uri, GError **error)
{
  gboolean ok = method[0] != '\0' && request_uri[0] != '\0';

  for (const char *p = method; ok && *p != '\0'; p++)
    ok = g_ascii_isalnum (*p) || strchr ("-.!%*_+`'~", *p) != NULL;
  for (const char *p = request_uri; ok && *p != '\0'; p++)
    ok = (guchar) *p > 0x20 && *p != 0x7f;
  if (!ok)
    {
      g_autofree char *m = phonesec_quote_for_message (method, -1);
      g_autofree char *u = phonesec_quote_for_message (request_uri, -1);

      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("Not a SIP request: method '%s', Request-URI '%s'"), m, u);
    }
  return ok;
}

static GBytes *
lookup_body (GVariant *options)
{
  g_autoptr (GVariant) body = g_variant_lookup_value (options, "body", G_VARIANT_TYPE_BYTESTRING);

  return body != NULL ? g_variant_get_data_as_bytes (body) : NULL;
}

static gboolean
return_error (GDBusMethodInvocation *invocation, GError *error)
{
  g_dbus_method_invocation_take_error (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- Authorize ----------------------------------------------------------------- */

static PhonesecSipNonceCounts *
counts_for (PhonesecSipPlugin *self, guint line)
{
  while (self->counts->len < line)
    g_ptr_array_add (self->counts, phonesec_sip_nonce_counts_new ());
  return self->counts->pdata[line - 1];
}

static gboolean
on_handle_authorize (PhonesecSipDBusSipSecurity *iface, GDBusMethodInvocation *invocation,
                     guint line_number, const char *method, const char *request_uri,
                     const char *const *challenges, GVariant *options, gpointer user_data)
{
  PhonesecSipPlugin *self = user_data;
  static const char *const test_keys[] = { "cnonce", "nc", NULL };
  g_autoptr (PhonesecSipLine) line = NULL;
  g_autoptr (PhonesecSecret) password = NULL;
  g_autoptr (GBytes) body = lookup_body (options);
  g_autofree char *name = NULL;
  g_autofree char *value = NULL;
  PhonesecSipAuthorizeRequest request = { method, request_uri, challenges };
  GError *error = NULL;

  if (!check_test_options (self, invocation, options, test_keys, &error)
      || !check_request (method, request_uri, &error)
      || (line = read_line (self, line_number, &error)) == NULL)
    return return_error (invocation, error);
  if (!line->enabled)
    return return_error (invocation, g_error_new (PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                                                  _ ("Line %u is disabled (Line_Enable_%u_)"),
                                                  line_number, line_number));
  g_variant_lookup (options, "proxy", "b", &request.proxy);
  g_variant_lookup (options, "cnonce", "&s", &request.cnonce);
  g_variant_lookup (options, "nc", "u", &request.nc);
  request.body = body;
  password = dup_password (self, line_number);
  if (!phonesec_sip_authorize (line, password, &request, counts_for (self, line_number), &name,
                               &value, &error))
    {
      g_message ("Line %u: no answer to the %s challenge: %s", line_number, method, error->message);
      return return_error (invocation, error);
    }
  g_debug ("Line %u: answered a challenge to %s", line_number, method);
  phonesec_sip_dbus_sip_security_complete_authorize (iface, invocation, name, value);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- Challenge and Verify ---------------------------------------------------------- */

static gboolean
on_handle_challenge (PhonesecSipDBusSipSecurity *iface, GDBusMethodInvocation *invocation,
                     guint line_number, const char *method, gpointer user_data)
{
  PhonesecSipPlugin *self = user_data;
  g_autoptr (PhonesecSipLine) line = NULL;
  g_autoptr (PhonesecSecret) password = NULL;
  g_auto (GStrv) challenges = NULL;
  GError *error = NULL;

  if (!check_request (method, "-", &error)
      || (line = read_line (self, line_number, &error)) == NULL)
    return return_error (invocation, error);
  /* SIP method names are case-sensitive (RFC 3261 §7.1). */
  if (g_str_equal (method, "INVITE") && !line->auth_invite)
    {
      phonesec_sip_dbus_sip_security_complete_challenge (iface, invocation,
                                                         (const char *const[]){ NULL });
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if ((password = require_password (self, line_number, &error)) == NULL)
    return return_error (invocation, error);
  challenges = phonesec_sip_challenges_new (line, self->nonces, phonesec_sip_nonces_now (), FALSE);
  if (challenges[0] == NULL)
    return return_error (invocation,
                         g_error_new (PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                                      _ ("Line %u allows no digest algorithm (FIPS_Mode forbids "
                                         "MD5 and Auth_Support_RFC8760_%u_ is No)"),
                                      line_number, line_number));
  phonesec_sip_dbus_sip_security_complete_challenge (iface, invocation,
                                                     (const char *const *) challenges);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_verify (PhonesecSipDBusSipSecurity *iface, GDBusMethodInvocation *invocation,
                  guint line_number, const char *method, const char *request_uri,
                  const char *authorization, GVariant *options, gpointer user_data)
{
  PhonesecSipPlugin *self = user_data;
  static const char *const test_keys[] = { "time-offset", NULL };
  g_autoptr (PhonesecSipLine) line = NULL;
  g_autoptr (PhonesecSecret) password = NULL;
  g_autoptr (GBytes) body = lookup_body (options);
  g_auto (GStrv) challenges = NULL;
  g_autofree char *detail = NULL;
  PhonesecSipVerifyResult result;
  gint64 now = phonesec_sip_nonces_now (), offset = 0;
  GError *error = NULL;

  if (!check_test_options (self, invocation, options, test_keys, &error)
      || !check_request (method, request_uri, &error)
      || (line = read_line (self, line_number, &error)) == NULL
      || (password = require_password (self, line_number, &error)) == NULL)
    return return_error (invocation, error);
  if (g_variant_lookup (options, "time-offset", "x", &offset))
    now += offset;
  result = phonesec_sip_verify (line, password, self->nonces, method, request_uri, authorization,
                                body, now, &detail);
  if (result != PHONESEC_SIP_VERIFY_OK)
    {
      g_message ("Line %u: %s refused: %s%s%s", line_number, method,
                 phonesec_sip_verify_result_name (result), detail != NULL ? ": " : "",
                 detail != NULL ? detail : "");
      challenges = phonesec_sip_challenges_new (line, self->nonces, phonesec_sip_nonces_now (),
                                                result == PHONESEC_SIP_VERIFY_STALE);
    }
  phonesec_sip_dbus_sip_security_complete_verify (
      iface, invocation, result == PHONESEC_SIP_VERIFY_OK, phonesec_sip_verify_result_name (result),
      challenges != NULL ? (const char *const *) challenges : (const char *const[]){ NULL });
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- GetLinePolicy and CheckServerCertificate ---------------------------------------- */

static gboolean
on_handle_get_line_policy (PhonesecSipDBusSipSecurity *iface, GDBusMethodInvocation *invocation,
                           guint line_number, gpointer user_data)
{
  PhonesecSipPlugin *self = user_data;
  g_autoptr (PhonesecSipLine) line = NULL;
  g_autoptr (PhonesecSecret) password = NULL;
  GError *error = NULL;

  if ((line = read_line (self, line_number, &error)) == NULL)
    return return_error (invocation, error);
  password = dup_password (self, line_number);
  phonesec_sip_dbus_sip_security_complete_get_line_policy (
      iface, invocation,
      phonesec_sip_policy_new (self->context, line, !phonesec_secret_is_empty (password)));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_check_server_certificate (PhonesecSipDBusSipSecurity *iface,
                                    GDBusMethodInvocation *invocation, guint line_number,
                                    const char *host, GVariant *der_chain, gpointer user_data)
{
  PhonesecSipPlugin *self = user_data;
  g_autoptr (PhonesecSipLine) line = NULL;
  g_autoptr (GTlsCertificate) chain = NULL;
  g_autoptr (GError) refusal = NULL;
  GError *error = NULL;
  gboolean trusted;

  if ((line = read_line (self, line_number, &error)) == NULL
      || (chain = phonesec_sip_certificate_from_der (der_chain, &error)) == NULL)
    return return_error (invocation, error);
  /* The guide's per-line switch: only the name check is optional. */
  trusted = phonesec_context_check_server_certificate (
      self->context, chain, line->tls_name_validate ? host : NULL, &refusal);
  if (!trusted)
    g_message ("Line %u: TLS server refused: %s", line_number, refusal->message);
  phonesec_sip_dbus_sip_security_complete_check_server_certificate (
      iface, invocation, trusted, trusted ? "" : refusal->message);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- state ------------------------------------------------------------------------- */

static void
update_lines_property (PhonesecSipPlugin *self)
{
  guint lines = phonesec_context_get_line_count (self->context);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 1; i <= lines; i++)
    {
      g_autoptr (PhonesecSipLine) line = phonesec_sip_line_read (self->context, i);
      g_autoptr (PhonesecSecret) password = dup_password (self, i);

      g_variant_builder_add_value (
          &builder, phonesec_sip_policy_summary (line, !phonesec_secret_is_empty (password)));
    }
  phonesec_sip_dbus_sip_security_set_lines (self->iface, g_variant_builder_end (&builder));
}

/* The lines that @names concern; every line for the global ones. */
static GArray *
changed_lines (PhonesecSipPlugin *self, const char *const *names)
{
  guint lines = phonesec_context_get_line_count (self->context);
  g_autofree gboolean *hit = g_new0 (gboolean, lines + 1);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint i = 0; names[i] != NULL; i++)
    {
      guint line = phonesec_sip_line_of_parameter (names[i]);

      if (line == 0)
        for (guint l = 1; l <= lines; l++)
          hit[l] = TRUE;
      else if (line <= lines)
        hit[line] = TRUE;
    }
  for (guint32 l = 1; l <= lines; l++)
    if (hit[l])
      g_array_append_val (out, l);
  return out;
}

/* --- PhonesecPlugin ------------------------------------------------------------------ */

static void
stop_feature (PhonesecSipPlugin *self)
{
  if (self->iface != NULL && self->context != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_pointer (&self->nonces, phonesec_sip_nonces_free);
  g_ptr_array_set_size (self->counts, 0);
  g_clear_object (&self->context);
}

static gboolean
phonesec_sip_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecSipPlugin *self = PHONESEC_SIP_PLUGIN (plugin);

  g_set_object (&self->context, context);
  /* A secret per start ("per boot"): nonces of a previous run are unknown. */
  self->nonces = phonesec_sip_nonces_new ();
  self->iface = phonesec_sip_dbus_sip_security_skeleton_new ();
  g_signal_connect (self->iface, "handle-authorize", G_CALLBACK (on_handle_authorize), self);
  g_signal_connect (self->iface, "handle-challenge", G_CALLBACK (on_handle_challenge), self);
  g_signal_connect (self->iface, "handle-verify", G_CALLBACK (on_handle_verify), self);
  g_signal_connect (self->iface, "handle-get-line-policy", G_CALLBACK (on_handle_get_line_policy),
                    self);
  g_signal_connect (self->iface, "handle-check-server-certificate",
                    G_CALLBACK (on_handle_check_server_certificate), self);
  update_lines_property (self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

static void
phonesec_sip_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_SIP_PLUGIN (plugin));
}

static void
phonesec_sip_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecSipPlugin *self = PHONESEC_SIP_PLUGIN (plugin);
  g_autoptr (GArray) lines = NULL;

  if (self->iface == NULL)
    return;
  update_lines_property (self);
  lines = changed_lines (self, names);
  if (lines->len == 0)
    return;
  phonesec_sip_dbus_sip_security_emit_lines_changed (
      self->iface,
      g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, lines->data, lines->len, sizeof (guint32)));
}

static void
phonesec_sip_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_sip_plugin_activate;
  iface->deactivate = phonesec_sip_plugin_deactivate;
  iface->config_changed = phonesec_sip_plugin_config_changed;
}

/* --- GObject ------------------------------------------------------------------------- */

static void
phonesec_sip_plugin_dispose (GObject *object)
{
  stop_feature (PHONESEC_SIP_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_sip_plugin_parent_class)->dispose (object);
}

static void
phonesec_sip_plugin_finalize (GObject *object)
{
  g_ptr_array_unref (PHONESEC_SIP_PLUGIN (object)->counts);
  G_OBJECT_CLASS (phonesec_sip_plugin_parent_class)->finalize (object);
}

static void
phonesec_sip_plugin_class_init (PhonesecSipPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_sip_plugin_dispose;
  G_OBJECT_CLASS (klass)->finalize = phonesec_sip_plugin_finalize;
}

static void
phonesec_sip_plugin_init (PhonesecSipPlugin *self)
{
  self->counts = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_sip_nonce_counts_free);
}

PHONESEC_PLUGIN_DEFINE (phonesec_sip_plugin_get_type)
