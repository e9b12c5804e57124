/* kamailio-fixture.h: a real Kamailio 5.6 registrar (Debian's kamailio and
 * kamailio-tls-modules) in the server namespace of a PhonesecVpnNet, as
 * TESTBED.md describes it: no database, pv_www_authenticate against one
 * password, modparam("auth", "algorithm") MD5 or SHA-256, listening on UDP,
 * TCP and TLS; as a registrar (401) or a proxy (407). It dies with the test program.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "tls-fixture.h"
#include "vpn-fixture.h"

G_BEGIN_DECLS

/* The name the client namespace's /etc/hosts gives the server (the
 * certificates name it, not its address). */
#define SIP_TEST_SERVER_NAME "sip.phonesec.test"
#define SIP_TEST_SERVER_IP PHONESEC_VPN_SERVER_IP

typedef struct
{
  const char *algorithm; /* MD5 or SHA-256 */
  gboolean qop;          /* qop="auth" in its challenges (else RFC 2069 form) */
  const char *password;
  guint port;     /* UDP and TCP */
  guint tls_port; /* TLS */
  const PhonesecTestCert *cert;
  gboolean proxy; /* a proxy: 407 and Proxy-Authenticate (pv_proxy_authenticate) */
} KamailioSpec;

typedef struct
{
  GSubprocess *process;
  char *dir;
  char *log_path;
} Kamailio;

/* Fails the test when kamailio, its TLS module or sipsak is missing: never
 * skipped (CI installs kamailio kamailio-tls-modules sipsak). */
void kamailio_require (void);

/* Writes its configuration in @parent_dir/@name and starts it; returns once
 * it accepts TCP and TLS connections. Asserts success (its log on failure). */
Kamailio *kamailio_start (PhonesecVpnNet *net, const char *name, const KamailioSpec *spec,
                          const char *parent_dir);
char *kamailio_dup_log (Kamailio *self);
/* The requests of @method it has received so far (its log). */
guint kamailio_count_requests (Kamailio *self, const char *method);
/* How many times @part occurs in @text (a log, phonesecctl's output). */
guint kamailio_count_in (const char *text, const char *part);
void kamailio_free (Kamailio *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Kamailio, kamailio_free)

/* Gives the client namespace's /etc/hosts the server's name. */
void kamailio_name_server (PhonesecVpnNet *net);

G_END_DECLS
