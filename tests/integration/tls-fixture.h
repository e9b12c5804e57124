/* tls-fixture.h: test PKI made with certtool, and gnutls-serv peers on
 * loopback (gnutls-bin).
 *
 * Everything is generated at test time in a folder the caller owns; the
 * servers die with the test program (PR_SET_PDEATHSIG), so a failed
 * assertion leaves nothing running.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A certificate and its private key, both PEM files. */
typedef struct
{
  char *name;
  char *cert_path;
  char *key_path;
} PhonesecTestCert;

/* A self-signed CA (basicConstraints CA:TRUE, keyCertSign) that issues
 * server certificates into the same folder. */
typedef struct
{
  char *dir;
  PhonesecTestCert *cert;
} PhonesecTestCa;

/* What a server certificate says. NULL fields are left out. */
typedef struct
{
  const char *cn;         /* default: "phonesec test server" */
  const char *ip_address; /* IP SAN */
  const char *dns_name;   /* DNS SAN */
  guint rsa_bits;         /* 0: 2048 */
  /* Validity as "YYYY-MM-DD HH:MM:SS" (UTC), both or neither; NULL: valid
   * from now for two days. Dates in the past make an expired certificate. */
  const char *not_before;
  const char *not_after;
} PhonesecTestCertSpec;

/* Fails the test (g_error) when certtool or gnutls-serv is not installed:
 * these tests are never skipped, CI installs gnutls-bin. */
void phonesec_test_require_gnutls_bin (void);

/* A new CA named @name (its CN) in @dir/@name/. Asserts success. */
PhonesecTestCa *phonesec_test_ca_new (const char *dir, const char *name);
void phonesec_test_ca_free (PhonesecTestCa *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTestCa, phonesec_test_ca_free)

/* A server certificate (tls_www_server, signing and encryption key usage)
 * signed by @self, with a fresh RSA key; @name names its files. */
PhonesecTestCert *phonesec_test_ca_issue (PhonesecTestCa *self, const char *name,
                                          const PhonesecTestCertSpec *spec);

void phonesec_test_cert_free (PhonesecTestCert *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTestCert, phonesec_test_cert_free)

/* The certificate file's PEM text. */
char *phonesec_test_cert_dup_pem (const PhonesecTestCert *self);

/**
 * PhonesecTlsServerFlags:
 * @PHONESEC_TLS_SERVER_NONE: a server as deployed: session tickets and a
 *   resumption database, so clients may resume sessions
 * @PHONESEC_TLS_SERVER_NO_RESUMPTION: --noticket --nodb: every handshake is
 *   a full one, with the certificate
 */
typedef enum
{
  PHONESEC_TLS_SERVER_NONE = 0,
  PHONESEC_TLS_SERVER_NO_RESUMPTION = 1 << 0,
} PhonesecTlsServerFlags;

/* A gnutls-serv --http on 127.0.0.1:port (a free port). */
typedef struct
{
  GSubprocess *process;
  guint16 port;
  char *priority;
  char *cert_name; /* PhonesecTestCert.name, for messages */
  char *https_url; /* https://127.0.0.1:PORT/ */
  char *tls_url;   /* tls://127.0.0.1:PORT */
  char *log_path;  /* gnutls-serv's stdout and stderr */
} PhonesecTlsServer;

/**
 * phonesec_tls_server_start:
 * @cert: the server certificate and key
 * @priority: a full GnuTLS priority string ("NORMAL:-VERS-ALL:+VERS-TLS1.2")
 * @log_dir: where the server's log goes
 *
 * Starts gnutls-serv and returns once it accepts TCP connections on
 * 127.0.0.1. Asserts success (the log is shown on failure).
 */
PhonesecTlsServer *phonesec_tls_server_start (const PhonesecTestCert *cert, const char *priority,
                                              const char *log_dir);
PhonesecTlsServer *phonesec_tls_server_start_full (const PhonesecTestCert *cert,
                                                   const char *priority,
                                                   PhonesecTlsServerFlags flags,
                                                   const char *log_dir);
char *phonesec_tls_server_dup_log (PhonesecTlsServer *self);
/* Kills the server and waits for it. */
void phonesec_tls_server_free (PhonesecTlsServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTlsServer, phonesec_tls_server_free)

/* A TCP port of 127.0.0.1 that nobody listens on now (bind to port 0, read
 * it, close): another process may take it first, so callers retry. */
guint16 phonesec_test_pick_free_port (void);
/* TRUE when a TCP connection to 127.0.0.1:@port succeeds. */
gboolean phonesec_test_port_accepts (guint16 port);

/* Priority strings for servers whose highest version is @version ("TLS 1.0"
 * ... "TLS 1.3"): that version only. */
char *phonesec_tls_server_priority_for_version (const char *version);

G_END_DECLS
