/* phonesec-ldap-client.h: the libldap side of the ldap-starttls plugin.
 *
 * Everything here blocks: call it from a worker thread only. The settings
 * are a plain copy of the configuration taken on the main thread, so a
 * worker never touches the PhonesecContext's configuration.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec.h>

G_BEGIN_DECLS

typedef enum
{
  PHONESEC_LDAP_AUTH_NONE,
  PHONESEC_LDAP_AUTH_SIMPLE,
  PHONESEC_LDAP_AUTH_DIGEST_MD5,
} PhonesecLdapAuth;

/* Reference-counted (g_atomic_rc_box): a job keeps the settings it started
 * with even when the configuration changes under it. */
typedef struct
{
  char *server;       /* ldap://... or ldaps://... */
  char *server_shown; /* server with a user:password@'s password masked: for messages */
  gboolean starttls;
  PhonesecLdapAuth auth;
  char *client_dn;
  char *username;
  PhonesecSecret *password; /* never logged, never in an error */
  char *search_base;
  char *last_name_filter;
  char *first_name_filter;
  char *display_attrs;
  char *number_mapping;
  /* The TLS policy at the time of the copy. */
  char *ca_file;
  char *priority;
  gboolean fips;
  PhonesecContext *context; /* only for phonesec_context_check_tls_session (thread-safe) */
  guint network_timeout;    /* seconds, connect and each operation */
} PhonesecLdapSettings;

PhonesecLdapSettings *phonesec_ldap_settings_new_from_context (PhonesecContext *context);
PhonesecLdapSettings *phonesec_ldap_settings_ref (PhonesecLdapSettings *settings);
void phonesec_ldap_settings_unref (PhonesecLdapSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecLdapSettings, phonesec_ldap_settings_unref)

/* What a connection negotiated: the Test() report and the Security property. */
typedef struct
{
  char *scheme;             /* ldap, ldaps */
  char *security;           /* ldaps, starttls, plaintext */
  char *tls_version;        /* "TLS1.3", or "" */
  char *cipher_suite;       /* IANA name, or "" */
  char *server_certificate; /* subject DN, or "" */
  char *bind;               /* anonymous, simple, DIGEST-MD5 */
} PhonesecLdapSessionInfo;

void phonesec_ldap_session_info_free (PhonesecLdapSessionInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecLdapSessionInfo, phonesec_ldap_session_info_free)
GVariant *phonesec_ldap_session_info_to_variant (const PhonesecLdapSessionInfo *info);

/* Connects, secures as configured, binds. Returns the negotiated facts, or
 * %NULL with @error. */
PhonesecLdapSessionInfo *phonesec_ldap_client_test (PhonesecLdapSettings *settings,
                                                    GCancellable *cancellable, GError **error);

/* Connects, binds and searches. Returns aa{sv} (floating) and sets
 * @info_out to the negotiated facts. */
GVariant *phonesec_ldap_client_search (PhonesecLdapSettings *settings, const char *query,
                                       guint max_results, guint timeout_seconds,
                                       PhonesecLdapSessionInfo **info_out,
                                       GCancellable *cancellable, GError **error);

G_END_DECLS
