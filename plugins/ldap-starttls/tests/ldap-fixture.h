/* ldap-fixture.h: a throwaway slapd (Debian's OpenLDAP 2.5, GnuTLS) on
 * loopback, with its own configuration, database and log in a folder the
 * caller owns, seeded with a small directory (slapd, ldap-utils).
 *
 * slapd runs in the foreground (-d stats: its connection log goes to the
 * log file) and dies with the test program (PR_SET_PDEATHSIG), so a failed
 * assertion leaves nothing running.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tls-fixture.h"

G_BEGIN_DECLS

/* The seeded directory: dc=example,dc=com, ou=people and six people. */
#define PHONESEC_LDAP_SUFFIX "dc=example,dc=com"
#define PHONESEC_LDAP_PEOPLE "ou=people,dc=example,dc=com"
/* The entry the phone binds as (Simple); its userPassword. */
#define PHONESEC_LDAP_BIND_DN "uid=amartin,ou=people,dc=example,dc=com"
#define PHONESEC_LDAP_BIND_PASSWORD "Ph0ne-Bind-7c1e9a"
/* The DIGEST-MD5 user, in the sasldb only (realm PHONESEC_LDAP_SASL_REALM). */
#define PHONESEC_LDAP_SASL_USER "amartin"
#define PHONESEC_LDAP_SASL_REALM "example.com"
#define PHONESEC_LDAP_SASL_PASSWORD "Ph0ne-Digest-3f8b2d"

/* What the server offers. */
typedef struct
{
  /* TLS certificate and key; NULL: no TLS configured at all (no ldaps://
   * listener, StartTLS answered "unavailable"). */
  const PhonesecTestCert *cert;
  /* TLSCACertificateFile (slapd wants one); NULL: the certificate's own. */
  const PhonesecTestCa *ca;
  /* TLSCipherSuite, a GnuTLS priority string ("NORMAL:-VERS-ALL:+VERS-TLS1.1");
   * NULL: slapd's default. */
  const char *priority;
  /* DIGEST-MD5 against a sasldb of the fixture's own. Debian's slapd reads
   * its Cyrus SASL configuration (sasldb_path, mech_list) only from
   * /etc/ldap/sasl2/slapd.conf: its compiled-in path callback makes SASL
   * ignore SASL_CONF_PATH. So the fixture bind-mounts its own folder over
   * /etc/ldap/sasl2 in a private mount namespace (unshare -m) for slapd
   * alone; see phonesec_ldap_sasldb_supported(). */
  gboolean sasldb;
} PhonesecLdapServerSpec;

typedef struct
{
  GSubprocess *process;
  char *dir;        /* slapd.conf, db/, seed.ldif, the log */
  guint16 port;     /* ldap:// (StartTLS when TLS is configured) */
  guint16 tls_port; /* ldaps://, 0 without TLS */
  char *ldap_url;   /* ldap://127.0.0.1:PORT */
  char *ldaps_url;  /* ldaps://127.0.0.1:TLS_PORT, NULL without TLS */
  char *log_path;   /* slapd's stderr (-d stats) */
} PhonesecLdapServer;

/* Fails the test (g_error) when slapd, slapadd or saslpasswd2 is missing:
 * these tests are never skipped, CI installs slapd ldap-utils
 * libsasl2-modules sasl2-bin. */
void phonesec_test_require_slapd (void);

/* Whether this machine lets the fixture give slapd its own SASL
 * configuration (a private mount namespace: needs CAP_SYS_ADMIN); FALSE
 * with the reason in @why otherwise. */
gboolean phonesec_ldap_sasldb_supported (char **why);

/* Writes the configuration in a new folder under @parent_dir, seeds the
 * database with slapadd, starts slapd on free loopback ports and returns
 * once it accepts connections. Asserts success (the log is shown on
 * failure). */
PhonesecLdapServer *phonesec_ldap_server_start (const PhonesecLdapServerSpec *spec,
                                                const char *parent_dir);
/* slapd's log so far. */
char *phonesec_ldap_server_dup_log (PhonesecLdapServer *self);
/* Kills slapd and waits for it. */
void phonesec_ldap_server_free (PhonesecLdapServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecLdapServer, phonesec_ldap_server_free)

G_END_DECLS
