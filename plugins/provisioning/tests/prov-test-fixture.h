/* prov-test-fixture.h: what the provisioning integration tests share: a
 * real phonesecd with the plugin (PHONESEC_PROV_PLUGIN_DIR), a test PKI, a
 * libsoup HTTP(S) server in the test process that serves files and keeps
 * what is uploaded to it, and a UDP socket as the syslog receiver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"

G_BEGIN_DECLS

#define PROV_PATH PHONESEC_DBUS_PLUGINS_PATH "/provisioning"
#define PROV_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "Provisioning"
#define DEV_MA "001122334455"
#define PROFILE(value)                                                                             \
  "<flat-profile><LDAP_Corp_Dir_Name ua=\"ro\">" value "</LDAP_Corp_Dir_Name></flat-profile>"
/* The --pwd the web server wants when require_auth is set (user phone). */
#define PASSWORD "Rule-Pa55word"

/* 6 under a daemon wrapper (valgrind...), else 1. */
extern guint prov_test_timeout_scale;
#define WAIT_MS (15000 * prov_test_timeout_scale)

typedef struct
{
  char *dir;
  PhonesecTestCa *ca;       /* issues the servers' certificates (--ca-file) */
  PhonesecTestCert *server; /* IP SAN 127.0.0.1 */
  PhonesecTestCa *other_ca; /* never trusted by the phone */
  PhonesecTestCert *other;  /* IP SAN 127.0.0.1, from other_ca */
  PhonesecTestCa *phone_ca; /* issues the phone's client certificate */
  char *client_cert, *client_key;
  char *device_file;
} ProvTestPki;

extern ProvTestPki prov_pki;

/* Made once per test program, in main(). */
void prov_test_pki_make (void);
void prov_test_pki_free (void);
/* Runs @argv (PATH searched); the test fails when it does. */
void prov_test_run_or_die (const char *const *argv);

typedef struct
{
  SoupServer *server;
  guint16 port;
  GHashTable *files;   /* path → GBytes, served to GET */
  GPtrArray *subjects; /* the client certificate subject of each request */
  GPtrArray *paths;    /* each request's path */
  GPtrArray *methods;  /* each request's method */
  GPtrArray *bodies;   /* each request's body (GBytes) */
  gboolean require_auth;
  guint authorizations; /* requests that carried an Authorization header */
} ProvWebServer;

/* HTTPS with @cert, or plain HTTP when @cert is NULL, on 127.0.0.1. */
ProvWebServer *prov_test_web_new (const PhonesecTestCert *cert);
void prov_test_web_free (ProvWebServer *web);
void prov_test_web_put (ProvWebServer *web, const char *path, GBytes *body);
/* From now on, libsoup's own Digest (MD5) server authentication, user
 * "phone" with PASSWORD, instead of require_auth's Basic. */
void prov_test_web_require_digest (ProvWebServer *web);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ProvWebServer, prov_test_web_free)

/* Writes @len bytes of @data into @dir/@name. */
void prov_test_write_file (const char *dir, const char *name, const void *data, gssize len);

typedef struct
{
  PhonesecTestBus *bus;
  ProvWebServer *web;
  GSocket *syslog; /* UDP on 127.0.0.1 */
  guint16 syslog_port;
} Fixture;

void prov_test_setup (Fixture *f, gconstpointer data);
void prov_test_teardown (Fixture *f, gconstpointer data);

void prov_test_apply (Fixture *f, const char *name, const char *value);
/* Starts phonesecd, applies the NAME, VALUE pairs (NULL-terminated; no
 * resync at start unless they say otherwise), and restarts it so that
 * they hold from the start. */
void prov_test_start_with (Fixture *f, ...) G_GNUC_NULL_TERMINATED;
char *prov_test_string (Fixture *f, const char *property);
guint64 prov_test_u64 (Fixture *f, const char *property);
/* Waits for the resync under way (or due) to end; its LastResult. */
char *prov_test_wait_resync (Fixture *f);
/* Resync() now, and its outcome. */
char *prov_test_resync (Fixture *f);
/* The next datagram of the syslog socket (waits up to 5 s). */
char *prov_test_next_syslog (Fixture *f);
void prov_test_assert_log_contains (Fixture *f, const char *needle);
/* @secret is in no property, log line or Profile_Rule read. */
void prov_test_assert_nowhere (Fixture *f, const char *secret);

G_END_DECLS
