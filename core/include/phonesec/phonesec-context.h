/* phonesec-context.h: what the core gives a plugin.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <phonesec/phonesec-crash.h>
#include <phonesec/phonesec-device.h>
#include <phonesec/phonesec-http.h>
#include <phonesec/phonesec-metrics.h>
#include <phonesec/phonesec-secret.h>
#include <phonesec/phonesec-upload.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_CONTEXT (phonesec_context_get_type ())
PHONESEC_API GType phonesec_context_get_type (void);
G_DECLARE_FINAL_TYPE (PhonesecContext, phonesec_context, PHONESEC, CONTEXT, GObject)

/* Identity of the plugin this context belongs to. */
PHONESEC_API const char *phonesec_context_get_plugin_name (PhonesecContext *self);

/* --- Configuration (typed getters; a wrong name or type is a programming
 * error: g_critical() and a zero value). Per-line names carry the line
 * number: "SIP_Transport_1_". --- */
PHONESEC_API gboolean phonesec_context_get_bool (PhonesecContext *self, const char *name);
PHONESEC_API gint64 phonesec_context_get_int (PhonesecContext *self, const char *name);
PHONESEC_API char *phonesec_context_dup_string (PhonesecContext *self, const char *name);
PHONESEC_API GStrv phonesec_context_dup_strv (PhonesecContext *self, const char *name);
/* The typed value as on D-Bus; secrets excluded (use dup_secret). */
PHONESEC_API GVariant *phonesec_context_dup_value (PhonesecContext *self, const char *name);
/* Secret parameters (passwords) only come out this way. */
PHONESEC_API PhonesecSecret *phonesec_context_dup_secret (PhonesecContext *self, const char *name);
PHONESEC_API guint phonesec_context_get_line_count (PhonesecContext *self);
PHONESEC_API guint64 phonesec_context_get_generation (PhonesecContext *self);

/**
 * phonesec_context_watch:
 * @patterns: (array zero-terminated=1): parameter names or globs
 *   ("Proxy_*", "SIP_Transport_*_")
 *
 * Adds to the names for which config_changed() is called. The `Watch` key of
 * the `.plugin` file declares the same thing statically.
 */
PHONESEC_API void phonesec_context_watch (PhonesecContext *self, const char *const *patterns);

/* --- D-Bus --- */
PHONESEC_API GDBusConnection *phonesec_context_get_connection (PhonesecContext *self);
/* /org/phonesec/PhoneSec1/plugins/<name>, dashes as underscores */
PHONESEC_API const char *phonesec_context_get_object_path (PhonesecContext *self);
/**
 * phonesec_context_export_interface:
 * @iface: a gdbus-codegen skeleton, not exported by any other means
 *
 * Adds @iface to the plugin's object. The core answers its property reads
 * and sends its PropertiesChanged and signals itself, to each client with
 * what that client may see, as the annotations of the interface's XML
 * declare (every member needs one):
 *
 * - `org.phonesec.Access`: `user` (any caller), `admin`, or `group:NAME`
 *   (administrators and members of group NAME; methods and signals only);
 * - `org.phonesec.Parameters`: the parameters (names or globs, `@watch` for
 *   the `.plugin` file's Watch list) the member shows or is derived from: a
 *   caller sees it exactly when it may read them all;
 * - `org.phonesec.ParameterNames` `true`: an `as` property listing parameter
 *   names, each shown to those who may read it.
 *
 * A member with neither of the first two is for administrators only, and a
 * method call a rule refuses never reaches the plugin.
 */
PHONESEC_API void phonesec_context_export_interface (PhonesecContext *self,
                                                     GDBusInterfaceSkeleton *iface);
PHONESEC_API void phonesec_context_unexport_interface (PhonesecContext *self,
                                                       GDBusInterfaceSkeleton *iface);

/* --- Core services --- */
/* A private folder for the plugin (mode 0700), created on first use. */
PHONESEC_API const char *phonesec_context_get_state_dir (PhonesecContext *self);
/* The phone's one HTTP client (phonesec-http.h): requests are carried out by
 * the network service, following the proxy slot, the TLS policy and the
 * trust store. */
PHONESEC_API PhonesecHttpClient *phonesec_context_get_http_client (PhonesecContext *self);
/* The proxy slot the network service asks for every connection; %NULL
 * puts back direct connections. */
PHONESEC_API void phonesec_context_set_proxy_resolver (PhonesecContext *self,
                                                       GProxyResolver *resolver);
PHONESEC_API PhonesecDevice *phonesec_context_get_device (PhonesecContext *self);
/**
 * phonesec_context_expand_macros:
 * @extra: (nullable) (element-type utf8 utf8): context macros (SCHEME, ERR...)
 *
 * Expands @template with the device identity, the network facts ($IP) and
 * @extra. See phonesec_macro_expand().
 */
PHONESEC_API char *phonesec_context_expand_macros (PhonesecContext *self, const char *template,
                                                   GHashTable *extra);
/* TRUE when the previous run of phonesecd ended without a clean shutdown. */
PHONESEC_API gboolean phonesec_context_get_previous_run_crashed (PhonesecContext *self);
/* The network facts pushed through org.phonesec.PhoneSec1.Network (a{sv}):
 * domain s, addresses as, dns-servers as, dhcp-options a{us}. The context
 * emits "network-changed" (no arguments) when they change. */
PHONESEC_API GVariant *phonesec_context_dup_network (PhonesecContext *self);

/* --- Uploads, metrics, crashes, diagnostics --- */

/* The durable upload queue (phonesec-upload.h); use the plugin name as owner. */
PHONESEC_API PhonesecUploadQueue *phonesec_context_get_upload_queue (PhonesecContext *self);
/* The core's metrics registry (phonesec-metrics.h). */
PHONESEC_API PhonesecMetrics *phonesec_context_get_metrics (PhonesecContext *self);
/* Counter and gauge of this plugin: @name is prefixed with "<plugin>.". */
PHONESEC_API void phonesec_context_metric_add (PhonesecContext *self, const char *name,
                                               guint64 delta);
PHONESEC_API void phonesec_context_metric_set (PhonesecContext *self, const char *name,
                                               gint64 value);
/* The crash records (phonesec-crash.h). */
PHONESEC_API PhonesecCrashLog *phonesec_context_get_crash_log (PhonesecContext *self);
/* A helper process of this plugin died on @signum (0: abnormal exit, say
 * how in @details). */
PHONESEC_API void phonesec_context_report_crash (PhonesecContext *self, const char *process,
                                                 int signum, const char *details);
/**
 * PhonesecView:
 * @PHONESEC_VIEW_ADMIN: everything an administrator may see
 * @PHONESEC_VIEW_USER: what the phone's user may see: no hidden (`na`)
 *   parameter, nor any property derived from one
 *
 * Whose view of the configuration and state a call returns.
 */
typedef enum
{
  PHONESEC_VIEW_ADMIN,
  PHONESEC_VIEW_USER,
} PhonesecView;

/* The whole configuration as a cfg.xml, as an admin would export it:
 * secrets are never in it. */
PHONESEC_API char *phonesec_context_export_profile (PhonesecContext *self);
/* The same for @view (PHONESEC_VIEW_USER: no hidden parameter). */
PHONESEC_API char *phonesec_context_export_profile_for (PhonesecContext *self, PhonesecView view);
/* The daemon's recent log records (secrets masked), oldest first. */
PHONESEC_API GStrv phonesec_context_dup_recent_log (PhonesecContext *self);
/* The previous run's log when it crashed, else %NULL. */
PHONESEC_API char *phonesec_context_dup_previous_run_log (PhonesecContext *self);
/* Every plugin object's interfaces and properties, a{oa{sa{sv}}} as
 * ObjectManager.GetManagedObjects returns them. */
PHONESEC_API GVariant *phonesec_context_dup_objects (PhonesecContext *self);
/* The same as @view sees them (properties it may not see are absent). */
PHONESEC_API GVariant *phonesec_context_dup_objects_for (PhonesecContext *self, PhonesecView view);

/* --- TLS policy (TLS_Min_Version, TLS_Cipher_List, FIPS_Mode, trust store).
 * @app_class: "default" (every client but the two below), "sip" (the
 * default list, named for SIP over TLS), "web-server" or "xmpp". Take them
 * per connection: they change with the configuration. --- */

/* The GnuTLS priority string for a new session (gnutls_priority_set_direct). */
PHONESEC_API char *phonesec_context_dup_tls_priority (PhonesecContext *self, const char *app_class);
/**
 * phonesec_context_dup_openssl_ciphers:
 * @app_class: (nullable): as for phonesec_context_dup_tls_priority()
 *
 * The TLS 1.2-and-older suites the policy allows @app_class, as an OpenSSL
 * cipher string (OpenSSL suite names joined by ':', preferred first), for
 * clients built on OpenSSL rather than GnuTLS (wpa_supplicant's
 * `openssl_ciphers`). Already resolved as every other client of the phone
 * sees it: an empty or invalid TLS_Cipher_List gives the class's fallback,
 * FIPS_Mode keeps only approved suites. Like OpenSSL cipher strings, it
 * does not govern TLS 1.3 suites. Empty when the policy allows none.
 *
 * Returns: (transfer full): the cipher string
 */
PHONESEC_API char *phonesec_context_dup_openssl_ciphers (PhonesecContext *self,
                                                         const char *app_class);
/* A PEM file with every trusted CA (system, custom, --ca-file): for
 * libraries that take a CA file (LDAP_OPT_X_TLS_CACERTFILE, openconnect). */
PHONESEC_API const char *phonesec_context_get_ca_bundle (PhonesecContext *self);
/* After a handshake: refuses a version or suite outside the policy (a
 * priority string can enable more suites than the admin's list). */
PHONESEC_API gboolean phonesec_context_check_tls_session (PhonesecContext *self,
                                                          gnutls_session_t session,
                                                          const char *app_class, GError **error);
/**
 * phonesec_context_check_server_certificate:
 * @certificate: the server's certificate, with its issuers as the server
 *   sent them (g_tls_certificate_get_issuer())
 * @host: (nullable): the host name or IP address the client dialled, or
 *   %NULL to skip the name check (only where the guide makes it an option:
 *   TLS_Name_Validate_n_)
 *
 * The checks every TLS client of the daemon makes on a server: the chain
 * against the phone's trust store (system, custom and --ca-file CAs) as it
 * is now, then the host name by RFC 6125 (DNS or IP subjectAltName, the CN
 * only without DNS names; no partial wildcards). For a client whose TLS runs
 * elsewhere (a SIP stack) or in a library that verifies nothing itself.
 *
 * Returns: %TRUE when both hold, else %FALSE with @error saying which and
 *   why, in words for the admin
 */
PHONESEC_API gboolean phonesec_context_check_server_certificate (PhonesecContext *self,
                                                                 GTlsCertificate *certificate,
                                                                 const char *host, GError **error);
/* FIPS_Mode: only FIPS-approved algorithms; no HTTP digest auth, no TR-069,
 * no MD5 SIP digest. */
PHONESEC_API gboolean phonesec_context_get_fips_mode (PhonesecContext *self);

/**
 * PhonesecAdminFunc:
 * @invocation: the method call, to answer
 * @owner: the object given to phonesec_context_run_as_admin()
 */
typedef void (*PhonesecAdminFunc) (GDBusMethodInvocation *invocation, GObject *owner);

/**
 * phonesec_context_run_as_admin:
 * @owner: kept alive until @func has run (usually the plugin)
 * @denied_message: the error a non-admin gets, in words an admin understands
 *
 * For a feature method that only administrators may call, with the rule
 * Config.Apply uses: uid 0, the daemon's own uid, or a member of the admin
 * group (phonesecd --admin-group). Runs @func at once when the caller is
 * already known, else once the bus has said who it is; anyone else gets
 * PHONESEC_ERROR_PERMISSION_DENIED with @denied_message.
 */
PHONESEC_API void phonesec_context_run_as_admin (PhonesecContext *self,
                                                 GDBusMethodInvocation *invocation, GObject *owner,
                                                 const char *denied_message,
                                                 PhonesecAdminFunc func);

/**
 * phonesec_context_get_caller_view:
 * @invocation: a call of a method of one of the plugin's interfaces
 *
 * Who called: the core classes every caller before a plugin's method
 * handler runs (and refuses the call if the method's `org.phonesec.Access`
 * or `org.phonesec.Parameters` annotations exclude it), so the answer is
 * immediate.
 */
PHONESEC_API PhonesecView phonesec_context_get_caller_view (PhonesecContext *self,
                                                            GDBusMethodInvocation *invocation);

/**
 * phonesec_context_set_error:
 * @message: (nullable): what went wrong, in words an admin understands
 *
 * Shows a runtime error on the plugin's object (State=error, Error=message),
 * or clears it with %NULL (State=active).
 */
PHONESEC_API void phonesec_context_set_error (PhonesecContext *self, const char *message);

G_END_DECLS
