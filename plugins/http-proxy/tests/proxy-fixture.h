/* proxy-fixture.h: the http-proxy tests' real peers on loopback:
 *
 * - tinyproxy 1.11 with its own configuration, log folder and port, in the
 *   foreground (-d), optionally with `BasicAuth USER PASS`; it dies with the
 *   test program (PR_SET_PDEATHSIG);
 * - a target HTTP server (SoupServer in a thread of its own, since the
 *   tests block the main thread in D-Bus calls) that records every request
 *   with its Via and Proxy-Authorization headers, also over HTTPS (to see
 *   what arrives inside a proxy's CONNECT tunnel);
 * - a Digest proxy: a SoupServer answering absolute-URI requests itself
 *   behind a SoupAuthDomainDigest with proxy=TRUE (tinyproxy has no
 *   Digest), recording what it accepted.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  char *dir;      /* tinyproxy.conf and the log */
  guint16 port;   /* 127.0.0.1 */
  char *log_path; /* its LogFile (LogLevel Info: one CONNECT line per request) */
} PhonesecTinyproxy;

/* Fails the test (g_error) when tinyproxy is missing: never skipped. */
void phonesec_test_require_tinyproxy (void);

/* @user, @password: (nullable): BasicAuth, or none. Returns once it accepts
 * connections; asserts success (its output is shown on failure). */
PhonesecTinyproxy *phonesec_tinyproxy_start (const char *parent_dir, const char *user,
                                             const char *password);
char *phonesec_tinyproxy_dup_log (PhonesecTinyproxy *self);
void phonesec_tinyproxy_free (PhonesecTinyproxy *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTinyproxy, phonesec_tinyproxy_free)

/* One request a server saw. */
typedef struct
{
  char *method;
  char *path;
  char *via;                 /* Via header, or NULL */
  char *proxy_authorization; /* Proxy-Authorization header, or NULL */
  char *auth_user;           /* Digest proxy: the user it accepted */
} PhonesecSeenRequest;

typedef struct _PhonesecTestHttpServer PhonesecTestHttpServer;

/* The target: answers 200 "target:<path>" to every GET. */
PhonesecTestHttpServer *phonesec_test_target_start (void);
/* The same on 127.0.0.1:@port (80 for WPAD, in a test's own namespace). */
PhonesecTestHttpServer *phonesec_test_target_start_on (guint16 port);
/* The same over HTTPS with the certificate and key in @cert_path and
 * @key_path (PEM). */
PhonesecTestHttpServer *phonesec_test_https_target_start (const char *cert_path,
                                                          const char *key_path);
/* A Digest-authenticating proxy stand-in: 407 + Proxy-Authenticate: Digest
 * until @user/@password are given, then 200 "digest-proxy:<path>". */
PhonesecTestHttpServer *phonesec_test_digest_proxy_start (const char *user, const char *password);
guint16 phonesec_test_http_server_get_port (PhonesecTestHttpServer *self);
/* From now on @path answers 200 with @body (a PAC file, say) instead of
 * "target:<path>". */
void phonesec_test_http_server_serve (PhonesecTestHttpServer *self, const char *path,
                                      const char *content_type, const char *body);
/* A copy of the last request for @path seen so far, or NULL. */
PhonesecSeenRequest *phonesec_test_http_server_dup_request (PhonesecTestHttpServer *self,
                                                            const char *path);
/* How many requests (challenged ones included) it saw for @path. */
guint phonesec_test_http_server_count (PhonesecTestHttpServer *self, const char *path);
/* How many of them carried a Proxy-Authorization header. */
guint phonesec_test_http_server_count_credentials (PhonesecTestHttpServer *self, const char *path);
void phonesec_test_http_server_free (PhonesecTestHttpServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTestHttpServer, phonesec_test_http_server_free)

void phonesec_seen_request_free (PhonesecSeenRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSeenRequest, phonesec_seen_request_free)

G_END_DECLS
