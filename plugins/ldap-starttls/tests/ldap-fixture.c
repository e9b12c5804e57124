/* ldap-fixture.c: a real slapd on loopback for the LDAP tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ldap-fixture.h"

/* slapd answers ~30 ms after it starts; 10 s covers a loaded machine. */
#define SLAPD_START_TIMEOUT_MS 10000
#define SLAPD_START_ATTEMPTS 5
/* Where Debian's slapd reads its Cyrus SASL configuration, whatever
 * SASL_CONF_PATH says. */
#define SLAPD_SASL_CONF_DIR "/etc/ldap/sasl2"

static const char seed_ldif[] = "dn: " PHONESEC_LDAP_SUFFIX "\n"
                                "objectClass: dcObject\n"
                                "objectClass: organization\n"
                                "dc: example\n"
                                "o: Example Corp\n"
                                "\n"
                                "dn: " PHONESEC_LDAP_PEOPLE "\n"
                                "objectClass: organizationalUnit\n"
                                "ou: people\n"
                                "\n"
                                "dn: " PHONESEC_LDAP_BIND_DN "\n"
                                "objectClass: inetOrgPerson\n"
                                "uid: amartin\n"
                                "cn: Alice Martin\n"
                                "sn: Martin\n"
                                "givenName: Alice\n"
                                "telephoneNumber: +1 408 555 0101\n"
                                "mobile: +1 408 555 0201\n"
                                "userPassword: " PHONESEC_LDAP_BIND_PASSWORD "\n"
                                "\n"
                                "dn: uid=bmartinez," PHONESEC_LDAP_PEOPLE "\n"
                                "objectClass: inetOrgPerson\n"
                                "uid: bmartinez\n"
                                "cn: Bruno Martinez\n"
                                "sn: Martinez\n"
                                "givenName: Bruno\n"
                                "telephoneNumber: +1 408 555 0102\n"
                                "mobile: +1 408 555 0202\n"
                                "\n"
                                "dn: uid=cdupont," PHONESEC_LDAP_PEOPLE "\n"
                                "objectClass: inetOrgPerson\n"
                                "uid: cdupont\n"
                                "cn: Claire Dupont\n"
                                "sn: Dupont\n"
                                "givenName: Claire\n"
                                "telephoneNumber: +1 408 555 0103\n"
                                "mobile: +1 408 555 0203\n"
                                "\n"
                                "dn: uid=ddurand," PHONESEC_LDAP_PEOPLE "\n"
                                "objectClass: inetOrgPerson\n"
                                "uid: ddurand\n"
                                "cn: David Durand\n"
                                "sn: Durand\n"
                                "givenName: David\n"
                                "telephoneNumber: +1 408 555 0104\n"
                                "mobile: +1 408 555 0204\n"
                                "\n"
                                "dn: uid=emarchand," PHONESEC_LDAP_PEOPLE "\n"
                                "objectClass: inetOrgPerson\n"
                                "uid: emarchand\n"
                                "cn: Eve Marchand\n"
                                "sn: Marchand\n"
                                "givenName: Eve\n"
                                "telephoneNumber: +1 408 555 0105\n"
                                "mobile: +1 408 555 0205\n"
                                "\n"
                                "dn: uid=mleblanc," PHONESEC_LDAP_PEOPLE "\n"
                                "objectClass: inetOrgPerson\n"
                                "uid: mleblanc\n"
                                "cn: Marc Leblanc\n"
                                "sn: Leblanc\n"
                                "givenName: Marc\n"
                                "telephoneNumber: +1 408 555 0106\n"
                                "mobile: +1 408 555 0206\n";

void
phonesec_test_require_slapd (void)
{
  const char *tools[] = { "slapd", "slapadd", "saslpasswd2", "unshare" };

  phonesec_test_require_gnutls_bin ();
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      /* slapd and slapadd live in /usr/sbin, not always in a user's PATH. */
      if (path == NULL)
        {
          g_autofree char *sbin = g_build_filename ("/usr/sbin", tools[i], NULL);

          if (g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
            continue;
          g_error ("%s is not installed: the LDAP tests run a real slapd; install slapd "
                   "ldap-utils libsasl2-modules sasl2-bin "
                   "(apt-get install --no-install-recommends ...)",
                   tools[i]);
        }
    }
}

static const char *
tool_path (const char *name)
{
  static GHashTable *paths;
  const char *path;

  if (paths == NULL)
    paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  path = g_hash_table_lookup (paths, name);
  if (path == NULL)
    {
      char *found = g_find_program_in_path (name);

      if (found == NULL)
        found = g_build_filename ("/usr/sbin", name, NULL);
      g_hash_table_insert (paths, g_strdup (name), found);
      path = found;
    }
  return path;
}

/* Child setup: slapd dies with the test program. */
static void
die_with_test (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (1);
}

/* Runs a tool to completion with @input on its stdin; returns whether it
 * exited with 0, its merged output in @output. */
static gboolean
run_tool (const char *const *argv, const char *input, char **output)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, output, NULL, &error);
  g_assert_no_error (error);
  return g_subprocess_get_successful (process);
}

static void
run_tool_or_die (const char *const *argv, const char *input)
{
  g_autofree char *output = NULL;

  if (!run_tool (argv, input, &output))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);
      g_error ("%s failed:\n%s", command, output);
    }
}

gboolean
phonesec_ldap_sasldb_supported (char **why)
{
  static gsize checked;
  static gboolean supported;
  static char *reason;

  if (g_once_init_enter (&checked))
    {
      g_autofree char *output = NULL;
      const char *argv[] = { "unshare", "-m", "mount", "--bind", "/", SLAPD_SASL_CONF_DIR, NULL };

      if (!g_file_test (SLAPD_SASL_CONF_DIR, G_FILE_TEST_IS_DIR))
        reason = g_strdup (SLAPD_SASL_CONF_DIR " does not exist (is slapd installed?)");
      else if (run_tool (argv, NULL, &output))
        supported = TRUE;
      else
        reason = g_strdup_printf (
            "Debian's slapd reads its Cyrus SASL configuration (sasldb_path) only "
            "from " SLAPD_SASL_CONF_DIR "/slapd.conf, ignoring SASL_CONF_PATH; the fixture would "
            "bind-mount its own folder there in a private mount namespace, but "
            "'unshare -m mount --bind' is not permitted here (%s)",
            g_strstrip (output));
      g_once_init_leave (&checked, 1);
    }
  if (why != NULL)
    *why = g_strdup (reason);
  return supported;
}

static void
write_file (const char *dir, const char *name, const char *text, char **path_out)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
}

static char *
make_config (PhonesecLdapServer *self, const PhonesecLdapServerSpec *spec)
{
  g_autoptr (GString) conf = g_string_new (NULL);
  g_autofree char *db_dir = g_build_filename (self->dir, "db", NULL);
  g_autofree char *pid_path = g_build_filename (self->dir, "slapd.pid", NULL);
  char *path = NULL;

  g_assert_cmpint (g_mkdir (db_dir, 0700), ==, 0);
  g_string_append (conf, "include /etc/ldap/schema/core.schema\n"
                         "include /etc/ldap/schema/cosine.schema\n"
                         "include /etc/ldap/schema/inetorgperson.schema\n"
                         "modulepath /usr/lib/ldap\n"
                         "moduleload back_mdb\n");
  g_string_append_printf (conf, "pidfile \"%s\"\n", pid_path);
  if (spec->cert != NULL)
    {
      const char *ca = spec->ca != NULL ? spec->ca->cert->cert_path : spec->cert->cert_path;

      g_string_append_printf (conf,
                              "TLSCertificateFile \"%s\"\n"
                              "TLSCertificateKeyFile \"%s\"\n"
                              "TLSCACertificateFile \"%s\"\n"
                              "TLSVerifyClient never\n",
                              spec->cert->cert_path, spec->cert->key_path, ca);
      if (spec->priority != NULL)
        g_string_append_printf (conf, "TLSCipherSuite \"%s\"\n", spec->priority);
    }
  /* DIGEST-MD5: the realm users are looked up in, the host name in the
   * digest-uri, and the sasldb auxprop when asked (its path is in the SASL
   * configuration, see start_slapd). A DIGEST-MD5 identity maps to the
   * person's entry. */
  g_string_append (conf, "sasl-realm " PHONESEC_LDAP_SASL_REALM "\n"
                         "sasl-host ldap.test\n");
  if (spec->sasldb)
    g_string_append (conf, "sasl-auxprops sasldb\n");
  g_string_append (conf, "authz-regexp \"uid=([^,]*),cn=" PHONESEC_LDAP_SASL_REALM
                         ",cn=digest-md5,cn=auth\" \"uid=$1," PHONESEC_LDAP_PEOPLE "\"\n");
  /* Anonymous read of the people (and of the root DSE, where clients read
   * supportedSASLMechanisms); passwords only for binding. No "security"
   * line: the plaintext variant must take binds in clear text, and the
   * TLS tests check slapd's log for clear-text operations instead. */
  g_string_append (conf, "access to dn.base=\"\" by * read\n"
                         "access to attrs=userPassword by self write by anonymous auth by * none\n"
                         "access to dn.subtree=\"" PHONESEC_LDAP_SUFFIX "\" by * read\n"
                         "access to * by * none\n"
                         "database mdb\n"
                         "maxsize 10485760\n"
                         "suffix \"" PHONESEC_LDAP_SUFFIX "\"\n"
                         "rootdn \"cn=admin," PHONESEC_LDAP_SUFFIX "\"\n"
                         "rootpw fixture-root-not-a-phone-secret\n");
  g_string_append_printf (conf, "directory \"%s\"\n", db_dir);
  write_file (self->dir, "slapd.conf", conf->str, &path);
  return path;
}

static void
make_sasldb (PhonesecLdapServer *self)
{
  g_autofree char *sasl_dir = g_build_filename (self->dir, "sasl2", NULL);
  g_autofree char *db = g_build_filename (self->dir, "sasldb2", NULL);
  g_autofree char *conf = NULL;

  g_assert_cmpint (g_mkdir (sasl_dir, 0755), ==, 0);
  conf = g_strdup_printf ("mech_list: DIGEST-MD5\n"
                          "sasldb_path: %s\n",
                          db);
  write_file (sasl_dir, "slapd.conf", conf, NULL);
  {
    const char *argv[]
        = { tool_path ("saslpasswd2"), "-p", "-c", "-f", db, "-u", PHONESEC_LDAP_SASL_REALM,
            PHONESEC_LDAP_SASL_USER,   NULL };
    run_tool_or_die (argv, PHONESEC_LDAP_SASL_PASSWORD);
  }
}

static gboolean
process_running (GSubprocess *process)
{
  return g_subprocess_get_identifier (process) != NULL;
}

static GSubprocess *
spawn_slapd (PhonesecLdapServer *self, const PhonesecLdapServerSpec *spec, const char *conf)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *sasl_dir = g_build_filename (self->dir, "sasl2", NULL);
  GSubprocess *process;
  int fd;

  if (spec->cert != NULL)
    urls = g_strdup_printf ("ldap://127.0.0.1:%u/ ldaps://127.0.0.1:%u/", self->port,
                            self->tls_port);
  else
    urls = g_strdup_printf ("ldap://127.0.0.1:%u/", self->port);

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, GINT_TO_POINTER (getpid ()),
                                         NULL);
  if (spec->sasldb)
    {
      /* unshare makes the new mount namespace's mounts private: the bind
       * mount is seen by this slapd only. exec keeps the death signal. */
      g_ptr_array_add (argv, "unshare");
      g_ptr_array_add (argv, "-m");
      g_ptr_array_add (argv, "sh");
      g_ptr_array_add (argv, "-c");
      g_ptr_array_add (argv, "mount --bind \"$0\" " SLAPD_SASL_CONF_DIR " && exec \"$@\"");
      g_ptr_array_add (argv, sasl_dir);
    }
  g_ptr_array_add (argv, (char *) tool_path ("slapd"));
  g_ptr_array_add (argv, "-f");
  g_ptr_array_add (argv, (char *) conf);
  g_ptr_array_add (argv, "-h");
  g_ptr_array_add (argv, urls);
  /* -d keeps slapd in the foreground; "stats" logs every connection and
   * operation (TLS established, STARTTLS, BIND, SRCH) to stderr. */
  g_ptr_array_add (argv, "-d");
  g_ptr_array_add (argv, "stats");
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static gboolean
listening (PhonesecLdapServer *self)
{
  return phonesec_test_port_accepts (self->port)
         && (self->tls_port == 0 || phonesec_test_port_accepts (self->tls_port));
}

PhonesecLdapServer *
phonesec_ldap_server_start (const PhonesecLdapServerSpec *spec, const char *parent_dir)
{
  PhonesecLdapServer *self = g_new0 (PhonesecLdapServer, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *template = g_build_filename (parent_dir, "slapd-XXXXXX", NULL);
  g_autofree char *conf = NULL;
  g_autofree char *ldif = NULL;

  if (spec->sasldb)
    {
      g_autofree char *why = NULL;

      if (!phonesec_ldap_sasldb_supported (&why))
        g_error ("%s", why);
    }
  self->dir = g_mkdtemp_full (g_steal_pointer (&template), 0755);
  g_assert_nonnull (self->dir);
  self->log_path = g_build_filename (self->dir, "slapd.log", NULL);
  conf = make_config (self, spec);
  write_file (self->dir, "seed.ldif", seed_ldif, &ldif);
  {
    const char *argv[] = { tool_path ("slapadd"), "-q", "-f", conf, "-l", ldif, NULL };
    run_tool_or_die (argv, NULL);
  }
  if (spec->sasldb)
    make_sasldb (self);

  for (guint attempt = 0; attempt < SLAPD_START_ATTEMPTS; attempt++)
    {
      gint64 deadline = g_get_monotonic_time () + SLAPD_START_TIMEOUT_MS * 1000;

      self->port = phonesec_test_pick_free_port ();
      self->tls_port = 0;
      if (spec->cert != NULL)
        do
          self->tls_port = phonesec_test_pick_free_port ();
        while (self->tls_port == self->port);
      self->process = spawn_slapd (self, spec, conf);
      while (process_running (self->process) && !listening (self)
             && g_get_monotonic_time () < deadline)
        g_usleep (2000);
      if (process_running (self->process) && listening (self))
        break;
      if (process_running (self->process))
        {
          g_autofree char *log = phonesec_ldap_server_dup_log (self);
          g_error ("slapd did not listen on ports %u/%u within %d ms; its log:\n%s", self->port,
                   self->tls_port, SLAPD_START_TIMEOUT_MS, log);
        }
      /* It exited: most likely a port was taken meanwhile. */
      if (attempt + 1 == SLAPD_START_ATTEMPTS)
        {
          g_autofree char *log = phonesec_ldap_server_dup_log (self);
          g_error ("slapd exited at start; its log:\n%s", log);
        }
      g_clear_object (&self->process);
    }
  self->ldap_url = g_strdup_printf ("ldap://127.0.0.1:%u", self->port);
  if (self->tls_port != 0)
    self->ldaps_url = g_strdup_printf ("ldaps://127.0.0.1:%u", self->tls_port);
  return self;
}

char *
phonesec_ldap_server_dup_log (PhonesecLdapServer *self)
{
  char *log = NULL;

  if (self->log_path == NULL || !g_file_get_contents (self->log_path, &log, NULL, NULL))
    return g_strdup ("");
  return log;
}

void
phonesec_ldap_server_free (PhonesecLdapServer *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
    }
  g_free (self->dir);
  g_free (self->ldap_url);
  g_free (self->ldaps_url);
  g_free (self->log_path);
  g_free (self);
}
