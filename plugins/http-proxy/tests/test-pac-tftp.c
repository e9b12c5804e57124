/* test-pac-tftp.c: PAC_URL over TFTP against a real tftpd-hpa (in.tftpd in
 * the foreground on 127.0.0.1, a free port, chrooted to a temp folder).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <phonesec/phonesec.h>
#include <string.h>

#include <libsoup/soup.h>

#include "pac-test-util.h"
#include "phonesec-tftp-packet.h"

/* Fast timeouts: the server is on loopback. */
static const PhonesecTftpOptions fast = {
  .packet_timeout_ms = 300,
  .retries = 3,
  .total_timeout_ms = 10000,
};

typedef struct
{
  char *dir;
  char *log_path;
  GSubprocess *tftpd;
  guint16 port;
  PhonesecHttpClient *session;
} Fixture;

static guint16
pick_udp_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Ready when it answers: a request for a missing file gets "file not
 * found". */
static gboolean
tftpd_answers (guint16 port)
{
  PhonesecTftpOptions probe = { .packet_timeout_ms = 100, .retries = 1, .total_timeout_ms = 500 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = pac_test_tftp ("127.0.0.1", port, "ready-probe", &probe, &error);

  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  pac_test_require_program ("in.tftpd", "tftpd-hpa");
  f->dir = pac_test_make_dir ("pac-tftp-XXXXXX");
  f->log_path = g_build_filename (f->dir, "in.tftpd.log", NULL);
  f->session = pac_test_client_new (NULL);
  for (guint attempt = 0; attempt < 5 && f->tftpd == NULL; attempt++)
    {
      g_autofree char *address = NULL;

      f->port = pick_udp_port ();
      address = g_strdup_printf ("127.0.0.1:%u", f->port);
      {
        /* -L: foreground; -s: chroot to the folder (runs as nobody); -T:
         * retransmit after 100 ms (the lossy test). */
        const char *argv[]
            = { "in.tftpd", "-L", "-a", address, "-T", "100000", "-s", f->dir, NULL };

        f->tftpd = pac_test_spawn (argv, f->log_path);
      }
      for (guint i = 0; i < 50 && !tftpd_answers (f->port); i++)
        if (g_subprocess_get_identifier (f->tftpd) == NULL)
          break;
      if (!tftpd_answers (f->port))
        {
          pac_test_kill (f->tftpd);
          g_clear_object (&f->tftpd);
        }
    }
  g_assert_nonnull (f->tftpd);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  pac_test_kill (f->tftpd);
  g_clear_object (&f->tftpd);
  g_clear_object (&f->session);
  pac_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->log_path);
}

static GBytes *
put_file (Fixture *f, const char *name, gsize len)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  GBytes *bytes = pac_test_make_script (len, (guint) len);

  pac_test_write_file (path, g_bytes_get_data (bytes, NULL), len);
  return bytes;
}

static char *
url_of (Fixture *f, const char *name)
{
  return g_strdup_printf ("tftp://127.0.0.1:%u/%s", f->port, name);
}

/* The whole path: PAC_URL=tftp://... through the source. */
static void
test_source_fetches_pac (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) expected = put_file (f, "proxy.pac", 300);
  g_autofree char *url = url_of (f, "proxy.pac");
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);

  g_object_set (source, "tftp-packet-timeout-ms", 300, NULL);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 10000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "ready");
  g_assert_null (phonesec_pac_source_get_error (source));
  g_assert_cmpstr (phonesec_pac_source_get_origin (source), ==, "configured");
  g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, url);
  g_assert_true (g_bytes_equal (phonesec_pac_source_get_script (source), expected));
}

static void
assert_fetch_exact (Fixture *f, gsize len)
{
  g_autofree char *name = g_strdup_printf ("pac-%" G_GSIZE_FORMAT ".js", len);
  g_autoptr (GBytes) expected = put_file (f, name, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = pac_test_tftp ("127.0.0.1", f->port, name, &fast, &error);

  g_assert_no_error (error);
  if (!g_bytes_equal (got, expected))
    g_error ("%" G_GSIZE_FORMAT " bytes: got %" G_GSIZE_FORMAT " bytes, not the same", len,
             g_bytes_get_size (got));
}

static void
test_multi_block (Fixture *f, gconstpointer data)
{
  assert_fetch_exact (f, 1);
  assert_fetch_exact (f, 511);
  assert_fetch_exact (f, 513);
  assert_fetch_exact (f, 1500);
  assert_fetch_exact (f, 100000);
}

/* A file of 512*k bytes ends with an empty DATA packet. */
static void
test_exact_blocks (Fixture *f, gconstpointer data)
{
  assert_fetch_exact (f, 512);
  assert_fetch_exact (f, 1024);
  assert_fetch_exact (f, 512 * 7);
}

static void
test_missing_file (Fixture *f, gconstpointer data)
{
  g_autofree char *url = url_of (f, "missing.pac");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = pac_test_fetch (f->session, url, NULL, &error);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);

  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_nonnull (strstr (error->message, "file not found"));

  /* The source says the same, and holds no script. */
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 10000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_null (phonesec_pac_source_get_script (source));
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), url));
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "file not found"));
}

static void
test_too_big (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) big = put_file (f, "big.pac", 4097);
  g_autoptr (GBytes) at_cap = put_file (f, "cap.pac", 4096);
  PhonesecTftpOptions capped = fast;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = NULL;

  capped.max_size = 4096;
  got = pac_test_tftp ("127.0.0.1", f->port, "big.pac", &capped, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "4096 bytes"));
  g_clear_error (&error);

  got = pac_test_tftp ("127.0.0.1", f->port, "cap.pac", &capped, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, at_cap));

  /* The default cap (1 MiB) through the source. */
  {
    g_autoptr (GBytes) huge = put_file (f, "huge.pac", 1024 * 1024 + 1);
    g_autofree char *url = url_of (f, "huge.pac");
    g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);

    phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
    pac_test_wait_settled (source, 20000);
    g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
    g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "1048576 bytes"));
    g_assert_null (phonesec_pac_source_get_script (source));
  }
}

static void
test_server_down (Fixture *f, gconstpointer data)
{
  guint16 port = f->port;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = NULL;
  gint64 start;
  double elapsed;

  pac_test_kill (f->tftpd);
  g_clear_object (&f->tftpd);
  start = g_get_monotonic_time ();
  got = pac_test_tftp ("127.0.0.1", port, "proxy.pac", &fast, &error);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "no answer from the TFTP server 127.0.0.1:"));
  /* 4 sends 300 ms apart: about 1.2 s. */
  g_assert_cmpfloat (elapsed, >=, 1.1);
  g_assert_cmpfloat (elapsed, <, 3.0);

  /* The total timeout bounds it too. */
  {
    PhonesecTftpOptions patient
        = { .packet_timeout_ms = 300, .retries = 50, .total_timeout_ms = 1000 };

    g_clear_error (&error);
    start = g_get_monotonic_time ();
    got = pac_test_tftp ("127.0.0.1", port, "proxy.pac", &patient, &error);
    elapsed = (g_get_monotonic_time () - start) / 1e6;
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
    g_assert_nonnull (strstr (error->message, "did not complete within 1 s"));
    g_assert_cmpfloat (elapsed, <, 2.0);
  }
}

static void
test_no_credentials_in_messages (Fixture *f, gconstpointer data)
{
  g_autofree char *url
      = g_strdup_printf ("tftp://admin:Sup3rSecret@127.0.0.1:%u/missing.pac", f->port);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);

  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 10000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_null (strstr (phonesec_pac_source_get_error (source), "Sup3rSecret"));
  g_assert_null (strstr (phonesec_pac_source_get_error (source), "admin"));
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "missing.pac"));
}

/* --- transfer ID ----------------------------------------------------------- */

/* A rogue on another port of the same host sprays forged DATA packets at
 * the client's port during a real transfer. The client must answer them
 * "unknown transfer ID" and keep the real server's bytes only. Block 1 is
 * never forged: before the server's first answer any port could claim the
 * transfer (RFC 1350 has no defence there). */
typedef struct
{
  GSocket *rogue;
  volatile gint stop;
  volatile gint forged_sent;
  volatile gint tid_errors;
  volatile gint client_port;
} Rogue;

/* The client's port: the one UDP socket of this process that is not the
 * rogue's, found through /proc. */
static guint16
find_client_port (guint16 own_port, guint16 server_port)
{
  g_autoptr (GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autoptr (GHashTable) inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *table = NULL;
  g_auto (GStrv) lines = NULL;
  const char *name;

  while (fds != NULL && (name = g_dir_read_name (fds)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_str_has_prefix (target, "socket:["))
        g_hash_table_add (inodes, g_strndup (target + 8, strlen (target) - 9));
    }
  if (!g_file_get_contents ("/proc/self/net/udp", &table, NULL, NULL))
    return 0;
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr (GPtrArray) words = g_ptr_array_new ();
      const char *colon;
      guint port;

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      if (words->len < 10 || !g_hash_table_contains (inodes, g_ptr_array_index (words, 9)))
        continue;
      colon = strchr (g_ptr_array_index (words, 1), ':');
      port = colon != NULL ? (guint) strtoul (colon + 1, NULL, 16) : 0;
      if (port != 0 && port != own_port && port != server_port)
        return port;
    }
  return 0;
}

static gpointer
rogue_thread (gpointer data)
{
  Rogue *r = data;
  g_autoptr (GSocketAddress) own = g_socket_get_local_address (r->rogue, NULL);
  guint16 own_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (own));
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) client = NULL;
  guint8 forged[4 + 512];
  guint16 block = 2;

  while (!g_atomic_int_get (&r->stop) && g_atomic_int_get (&r->client_port) == 0)
    {
      guint16 port = find_client_port (own_port, 0);

      if (port != 0)
        g_atomic_int_set (&r->client_port, port);
      else
        g_usleep (200);
    }
  if (g_atomic_int_get (&r->client_port) == 0)
    return NULL;
  client = g_inet_socket_address_new (loopback, g_atomic_int_get (&r->client_port));
  memset (forged, 'X', sizeof forged);
  while (!g_atomic_int_get (&r->stop))
    {
      guint8 reply[600];
      gssize n;

      forged[0] = 0, forged[1] = 3, forged[2] = block >> 8, forged[3] = block & 0xff;
      if (g_socket_send_to (r->rogue, client, (const char *) forged, sizeof forged, NULL, NULL) > 0)
        g_atomic_int_inc (&r->forged_sent);
      block = block >= 400 ? 2 : block + 1;
      while ((n = g_socket_receive (r->rogue, (char *) reply, sizeof reply, NULL, NULL)) > 0)
        if (n >= 4 && reply[1] == PHONESEC_TFTP_ERROR && reply[3] == PHONESEC_TFTP_ERR_UNKNOWN_TID)
          g_atomic_int_inc (&r->tid_errors);
      g_usleep (50);
    }
  return NULL;
}

static void
test_transfer_id_checked (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) expected = put_file (f, "tid.pac", 512 * 400 + 17);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GBytes) got = NULL;
  Rogue rogue = { 0 };
  GThread *thread;

  rogue.rogue
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (rogue.rogue, any_port, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (rogue.rogue, FALSE);
  thread = g_thread_new ("rogue", rogue_thread, &rogue);
  got = pac_test_tftp ("127.0.0.1", f->port, "tid.pac", &fast, &error);
  /* Let the last replies to the rogue arrive. */
  pac_test_run_for (50);
  g_atomic_int_set (&rogue.stop, 1);
  g_thread_join (thread);
  g_object_unref (rogue.rogue);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, expected));
  g_test_message ("%d forged packets sent, %d answered \"unknown transfer ID\"", rogue.forged_sent,
                  rogue.tid_errors);
  g_assert_cmpint (rogue.client_port, !=, 0);
  g_assert_cmpint (rogue.forged_sent, >, 0);
  g_assert_cmpint (rogue.tid_errors, >, 0);
}

/* --- packet loss ---------------------------------------------------------- */

/* A UDP relay between the client and tftpd that drops a share of the
 * packets each way: the client sends its RRQ to `front`, the relay forwards
 * it from `back` to the server; the server's answers (from its transfer
 * port) go to the client from `tid`, the client's ACKs to `tid` go back to
 * the server's transfer port. */
typedef struct
{
  GSocket *front;
  GSocket *tid;
  GSocket *back;
  guint16 server_port;
  GSocketAddress *client;
  GSocketAddress *server_tid;
  GRand *rand;
  guint drop_percent;
  volatile gint stop;
  volatile gint dropped;
  volatile gint forwarded;
} Relay;

static GSocket *
udp_on_loopback (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  GSocket *socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  return socket;
}

static guint16
port_of (GSocket *socket)
{
  g_autoptr (GSocketAddress) address = g_socket_get_local_address (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

static void
relay_forward (Relay *r, GSocket *from_socket, GSocket *out, GSocketAddress **remember,
               GSocketAddress *to)
{
  guint8 buf[PHONESEC_TFTP_MAX_PACKET + 64];
  GSocketAddress *sender = NULL;
  gssize n;

  while ((n = g_socket_receive_from (from_socket, &sender, (char *) buf, sizeof buf, NULL, NULL))
         > 0)
    {
      if (remember != NULL)
        {
          g_clear_object (remember);
          *remember = g_object_ref (sender);
          if (to == NULL)
            to = *remember;
        }
      g_clear_object (&sender);
      if (to == NULL)
        continue;
      if ((guint) g_rand_int_range (r->rand, 0, 100) < r->drop_percent)
        {
          g_atomic_int_inc (&r->dropped);
          continue;
        }
      g_socket_send_to (out, to, (const char *) buf, n, NULL, NULL);
      g_atomic_int_inc (&r->forwarded);
    }
  g_clear_object (&sender);
}

static gpointer
relay_thread (gpointer data)
{
  Relay *r = data;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) server = g_inet_socket_address_new (loopback, r->server_port);

  while (!g_atomic_int_get (&r->stop))
    {
      /* Short waits: simple, and the thread notices stop soon. */
      g_socket_condition_timed_wait (r->front, G_IO_IN, 2000, NULL, NULL);
      relay_forward (r, r->front, r->back, &r->client, server);
      relay_forward (r, r->back, r->tid, &r->server_tid, r->client);
      relay_forward (r, r->tid, r->back, NULL, r->server_tid);
    }
  return NULL;
}

/* 15% of the packets lost each way: the client's retransmissions and its
 * answers to the server's retransmissions still give the exact file. */
static void
test_packet_loss (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) expected = put_file (f, "lossy.pac", 512 * 40 + 100);
  PhonesecTftpOptions patient
      = { .packet_timeout_ms = 150, .retries = 20, .total_timeout_ms = 60000 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = NULL;
  Relay relay = { 0 };
  GThread *thread;

  relay.front = udp_on_loopback ();
  relay.tid = udp_on_loopback ();
  relay.back = udp_on_loopback ();
  relay.server_port = f->port;
  relay.rand = g_rand_new_with_seed (1350);
  relay.drop_percent = 15;
  thread = g_thread_new ("relay", relay_thread, &relay);
  got = pac_test_tftp ("127.0.0.1", port_of (relay.front), "lossy.pac", &patient, &error);
  g_atomic_int_set (&relay.stop, 1);
  g_thread_join (thread);

  g_test_message ("relay: %d packets forwarded, %d dropped", relay.forwarded, relay.dropped);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, expected));
  g_assert_cmpint (relay.dropped, >, 0);
  g_clear_object (&relay.front);
  g_clear_object (&relay.tid);
  g_clear_object (&relay.back);
  g_clear_object (&relay.client);
  g_clear_object (&relay.server_tid);
  g_rand_free (relay.rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/pac-tftp/source-fetches-pac", test_source_fetches_pac);
  ADD ("/pac-tftp/multi-block", test_multi_block);
  ADD ("/pac-tftp/exact-blocks", test_exact_blocks);
  ADD ("/pac-tftp/missing-file", test_missing_file);
  ADD ("/pac-tftp/too-big", test_too_big);
  ADD ("/pac-tftp/server-down", test_server_down);
  ADD ("/pac-tftp/no-credentials-in-messages", test_no_credentials_in_messages);
  ADD ("/pac-tftp/transfer-id-checked", test_transfer_id_checked);
  ADD ("/pac-tftp/packet-loss", test_packet_loss);
  return g_test_run ();
}
