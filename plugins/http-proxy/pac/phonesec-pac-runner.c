/* phonesec-pac-runner.c: drives phonesec-pac-helper from the main loop.
 *
 * Requests (load, unload, find) queue in self->queue in the order they were
 * written to the helper; the helper answers them one at a time, so a reply
 * always belongs to the queue head. Only the head runs against the clock:
 * CALL_LIMIT_MS of wall time, LOAD_LIMIT_MS for a load (paused while the
 * daemon resolves a name for the script). Past it the helper is killed, the head fails, a new
 * helper is spawned, the script reloaded and the rest of the queue resent. A crash does the same
 * and emits "helper-crashed".
 *
 * Nothing here blocks: the pipes are read and written asynchronously, DNS
 * goes through GResolver (its own threads), the spawn is one fork+exec.
 *
 * The result cache (phonesec-pac-cache.h) is keyed on exactly what the
 * script is given (phonesec-pac-script-args.h), so an answer from it is the
 * one a new evaluation would give, but for the script's own state, its
 * clock and its DNS answers (hence the short lifetime).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-runner.h"

#include <gio/gunixoutputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>

#include "phonesec-pac-cache.h"
#include "phonesec-pac-protocol.h"
#include "phonesec-pac-result.h"
#include "phonesec-pac-script-args.h"

#define CALL_LIMIT_MS 1000
/* Compiling and running a script's top level (up to 1 MiB) may take
 * longer on a phone's CPU than one call. */
#define LOAD_LIMIT_MS 3000
#define DNS_LIMIT_MS 1000
#define CACHE_MAX_ENTRIES 1024
/* A phone's budget: the entry bound comes first for typical URLs (~200
 * bytes an entry); about ten of the longest (64 KiB URL, 32 KiB answer). */
#define CACHE_MAX_BYTES (1024 * 1024)
#define ALERTS_PER_MINUTE 20

typedef enum
{
  REQ_LOAD,   /* from load_script_async */
  REQ_RELOAD, /* internal: the script again, in a new helper */
  REQ_FIND,
} RequestKind;

typedef struct
{
  RequestKind kind;
  GTask *task;    /* NULL for REQ_RELOAD */
  GBytes *frame;  /* the whole frame, header included */
  GBytes *script; /* REQ_LOAD: the script (NULL = unload) */
  char *url;      /* REQ_FIND: the script's arguments */
  char *host;
  gboolean sent;
} Request;

typedef struct _Helper Helper;

struct _PhonesecPacRunner
{
  GObject parent_instance;

  char *helper_path;
  Helper *helper;
  GQueue queue; /* Request*, in the order sent */

  GBytes *script;         /* the loaded script, NULL if none */
  gboolean script_broken; /* it failed to reload in a new helper */
  GStrv my_addresses;

  guint cache_lifetime;
  PhonesecPacCache *cache;

  gint64 alert_window_start;
  guint alerts_in_window;
  guint alerts_dropped;
};

struct _Helper
{
  gatomicrefcount ref;
  PhonesecPacRunner *runner; /* NULL once detached */
  GSubprocess *process;
  GOutputStream *to_helper;
  GInputStream *from_helper;
  GCancellable *cancellable;
  GByteArray *in; /* bytes read, not yet parsed */
  guint8 chunk[64 * 1024];
  GByteArray *out; /* bytes to write, not yet handed to the stream */
  GBytes *writing; /* bytes the stream is writing */
  guint deadline_id;
  guint deadline_ms;
  guint dns_timeout_id;
  GCancellable *dns_cancellable;
};

enum
{
  SIGNAL_HELPER_CRASHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecPacRunner, phonesec_pac_runner, G_TYPE_OBJECT)

static void helper_start_read (Helper *h);
static void helper_flush (Helper *h);
static void runner_helper_died (PhonesecPacRunner *self, GError *error);

/* ---- requests -------------------------------------------------------- */

static GBytes *
frame_new (char type, const void *a, gsize alen, const void *b, gsize blen)
{
  GByteArray *f = g_byte_array_sized_new (5 + alen + blen);
  guint32 n = GUINT32_TO_BE ((guint32) (1 + alen + blen));
  guint8 t = (guint8) type;

  g_byte_array_append (f, (const guint8 *) &n, 4);
  g_byte_array_append (f, &t, 1);
  if (alen > 0)
    g_byte_array_append (f, a, alen);
  if (blen > 0)
    g_byte_array_append (f, b, blen);
  return g_byte_array_free_to_bytes (f);
}

static void
request_free (Request *r)
{
  g_clear_object (&r->task);
  g_clear_pointer (&r->frame, g_bytes_unref);
  g_clear_pointer (&r->script, g_bytes_unref);
  g_free (r->url);
  g_free (r->host);
  g_free (r);
}

/* ---- the helper process ---------------------------------------------- */

static Helper *
helper_ref (Helper *h)
{
  g_atomic_ref_count_inc (&h->ref);
  return h;
}

static void
helper_unref (Helper *h)
{
  if (!g_atomic_ref_count_dec (&h->ref))
    return;
  g_clear_object (&h->process);
  g_clear_object (&h->to_helper);
  g_clear_object (&h->from_helper);
  g_clear_object (&h->cancellable);
  g_clear_object (&h->dns_cancellable);
  g_byte_array_unref (h->in);
  g_byte_array_unref (h->out);
  g_clear_pointer (&h->writing, g_bytes_unref);
  g_free (h);
}

/* Cuts @h off its runner and kills it; pending callbacks see runner NULL. */
static void
helper_detach (Helper *h)
{
  h->runner = NULL;
  g_clear_handle_id (&h->deadline_id, g_source_remove);
  g_clear_handle_id (&h->dns_timeout_id, g_source_remove);
  if (h->dns_cancellable != NULL)
    g_cancellable_cancel (h->dns_cancellable);
  g_cancellable_cancel (h->cancellable);
  g_subprocess_force_exit (h->process);
  helper_unref (h);
}

static void
helper_send (Helper *h, GBytes *frame)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (frame, &len);

  g_byte_array_append (h->out, data, len);
  helper_flush (h);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Helper *h = user_data;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&h->writing, g_bytes_unref);
  /* A write error means the helper is gone: the wait callback says why. */
  if (g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error)
      && h->runner != NULL)
    helper_flush (h);
  helper_unref (h);
}

static void
helper_flush (Helper *h)
{
  gsize len;
  gconstpointer data;

  if (h->writing != NULL || h->out->len == 0 || h->runner == NULL)
    return;
  h->writing = g_byte_array_free_to_bytes (h->out);
  h->out = g_byte_array_new ();
  data = g_bytes_get_data (h->writing, &len);
  g_output_stream_write_all_async (h->to_helper, data, len, G_PRIORITY_DEFAULT, h->cancellable,
                                   on_written, helper_ref (h));
}

static gboolean
on_deadline (gpointer user_data)
{
  Helper *h = user_data;
  PhonesecPacRunner *self = h->runner;
  g_autoptr (GError) error = NULL;

  h->deadline_id = 0;
  g_object_ref (self);
  error
      = g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                     _ ("The PAC script ran for more than %u ms and was stopped"), h->deadline_ms);
  runner_helper_died (self, error);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

/* The head of the queue runs against the clock from now. */
static void
helper_arm_deadline (Helper *h)
{
  PhonesecPacRunner *self = h->runner;
  Request *head = g_queue_peek_head (&self->queue);

  g_clear_handle_id (&h->deadline_id, g_source_remove);
  if (head != NULL && head->sent)
    {
      h->deadline_ms = head->kind == REQ_FIND ? CALL_LIMIT_MS : LOAD_LIMIT_MS;
      h->deadline_id = g_timeout_add (h->deadline_ms, on_deadline, h);
    }
}

static void
on_helper_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Helper *h = user_data;
  PhonesecPacRunner *self = h->runner;
  GSubprocess *process = G_SUBPROCESS (source);

  g_subprocess_wait_finish (process, result, NULL);
  if (self != NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *how = NULL;
      int code;
      int signum = 0;

      if (g_subprocess_get_if_signaled (process))
        {
          code = signum = g_subprocess_get_term_sig (process);
          how = g_strdup_printf (_ ("killed by signal %d"), code);
        }
      else
        {
          code = g_subprocess_get_exit_status (process);
          how = g_strdup_printf (_ ("exit status %d"), code);
        }
      g_warning ("PAC helper %s died: %s", g_subprocess_get_identifier (process) ?: "", how);
      error = g_error_new (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                           _ ("The PAC helper process died (%s)"), how);
      g_object_ref (self);
      runner_helper_died (self, error);
      g_signal_emit (self, signals[SIGNAL_HELPER_CRASHED], 0, signum, how);
      g_object_unref (self);
    }
  helper_unref (h);
}

/* ---- replies ------------------------------------------------------- */

/* Text from the script, made fit for a log line or a D-Bus error: valid
 * UTF-8, bounded, no control characters. */
static char *
clean_text (const char *text, gsize len, gsize max)
{
  char *valid = g_utf8_make_valid (text, MIN (len, max));

  for (char *p = valid; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return valid;
}

static GError *
error_from_helper (char kind, const char *message, gsize len)
{
  g_autofree char *msg = clean_text (message, len, 512);

  switch (kind)
    {
      case PAC_ERR_SYNTAX:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            _ ("The PAC script has a syntax error: %s"), msg);
      case PAC_ERR_NO_FUNCTION:
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                    _ ("The PAC script defines no FindProxyForURL function"));
      case PAC_ERR_EXCEPTION:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The PAC script raised an error: %s"),
                            msg);
      case PAC_ERR_NOT_STRING:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            _ ("FindProxyForURL returned %s instead of a string"), msg);
      case PAC_ERR_MEMORY:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                            _ ("The PAC script used more than its %u MiB of memory"),
                            PAC_HEAP_MAX_MIB);
      case PAC_ERR_TOO_BIG:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                            _ ("The PAC script is larger than %u KiB"), PAC_SCRIPT_MAX / 1024);
      case PAC_ERR_NO_SCRIPT:
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                    _ ("No PAC script is loaded"));
      case PAC_ERR_RESULT_TOO_LONG:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                            _ ("FindProxyForURL returned more than %u KiB"), PAC_RESULT_MAX / 1024);
      default:
        return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The PAC helper failed: %s"), msg);
    }
}

/* Completes @r with the helper's reply (@error NULL) or @error. */
static void
request_complete (PhonesecPacRunner *self, Request *r, char type, const char *payload, gsize len,
                  GError *error)
{
  g_autoptr (GError) local = NULL;

  if (error == NULL && type == 'E')
    error = local
        = error_from_helper (len > 0 ? payload[0] : '?', payload + 1, len > 0 ? len - 1 : 0);
  switch (r->kind)
    {
      case REQ_RELOAD:
        if (error != NULL)
          {
            g_warning ("The PAC script could not be reloaded: %s", error->message);
            self->script_broken = TRUE;
          }
        break;
      case REQ_LOAD:
        if (error != NULL)
          {
            g_task_return_error (r->task, g_error_copy (error));
            break;
          }
        g_clear_pointer (&self->script, g_bytes_unref);
        self->script = r->script ? g_bytes_ref (r->script) : NULL;
        self->script_broken = FALSE;
        phonesec_pac_cache_clear (self->cache);
        g_task_return_boolean (r->task, TRUE);
        break;
      case REQ_FIND:
        {
          g_autofree char *result = NULL;
          g_auto (GStrv) parsed = NULL;
          g_autoptr (GError) parse_error = NULL;

          if (error != NULL)
            {
              g_task_return_error (r->task, g_error_copy (error));
              break;
            }
          result = g_strndup (payload, len);
          if (strlen (result) != len || !g_utf8_validate (result, -1, NULL))
            {
              g_task_return_new_error (r->task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       _ ("FindProxyForURL returned text that is not valid "
                                          "UTF-8"));
              break;
            }
          parsed = phonesec_pac_result_parse (result, &parse_error);
          if (parsed == NULL)
            {
              g_task_return_new_error (r->task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                       _ ("The PAC script returned an unusable result: %s"),
                                       parse_error->message);
              break;
            }
          if (self->cache_lifetime > 0)
            phonesec_pac_cache_insert (self->cache, r->url, r->host, result,
                                       g_get_monotonic_time ()
                                           + self->cache_lifetime * G_USEC_PER_SEC);
          g_task_return_pointer (r->task, g_steal_pointer (&result), g_free);
          break;
        }
    }
  request_free (r);
}

static void
runner_log_alert (PhonesecPacRunner *self, const char *text, gsize len)
{
  gint64 now = g_get_monotonic_time ();
  g_autofree char *valid = NULL;

  if (now - self->alert_window_start > 60 * G_USEC_PER_SEC)
    {
      if (self->alerts_dropped > 0)
        g_message ("PAC alert(): %u more messages not logged", self->alerts_dropped);
      self->alert_window_start = now;
      self->alerts_in_window = 0;
      self->alerts_dropped = 0;
    }
  if (self->alerts_in_window++ >= ALERTS_PER_MINUTE)
    {
      self->alerts_dropped++;
      return;
    }
  /* No control characters reach the log: one alert is one line. */
  valid = clean_text (text, len, PAC_ALERT_MAX);
  g_message ("PAC alert(): %s", valid);
}

typedef struct
{
  Helper *helper;
  char *name;
  GCancellable *cancellable; /* cancelled once the question was answered */
  gboolean ipv4_only;
} DnsQuestion;

static void
dns_answer (Helper *h, GList *addresses)
{
  GByteArray *payload = g_byte_array_new ();
  g_autoptr (GBytes) frame = NULL;

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *s = g_inet_address_to_string (l->data);
      g_byte_array_append (payload, (const guint8 *) s, strlen (s) + 1);
    }
  frame = frame_new ('d', payload->data, payload->len, NULL, 0);
  g_byte_array_unref (payload);
  g_clear_handle_id (&h->dns_timeout_id, g_source_remove);
  if (h->dns_cancellable != NULL)
    g_cancellable_cancel (h->dns_cancellable);
  g_clear_object (&h->dns_cancellable);
  helper_send (h, frame);
  helper_arm_deadline (h);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  DnsQuestion *q = user_data;
  g_autoptr (GError) error = NULL;
  GList *addresses;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  /* A lookup finishing after its timeout answered must not answer twice:
   * the helper would take it for the next request. */
  if (q->helper->runner != NULL && !g_cancellable_is_cancelled (q->cancellable))
    {
      GList *answer = NULL;

      for (GList *l = addresses; l != NULL; l = l->next)
        if (!q->ipv4_only || g_inet_address_get_family (l->data) == G_SOCKET_FAMILY_IPV4)
          answer = g_list_prepend (answer, l->data);
      answer = g_list_reverse (answer);
      dns_answer (q->helper, answer);
      g_list_free (answer);
    }
  g_resolver_free_addresses (addresses);
  helper_unref (q->helper);
  g_object_unref (q->cancellable);
  g_free (q->name);
  g_free (q);
}

static gboolean
on_dns_timeout (gpointer user_data)
{
  Helper *h = user_data;

  h->dns_timeout_id = 0;
  g_cancellable_cancel (h->dns_cancellable);
  dns_answer (h, NULL); /* not found */
  return G_SOURCE_REMOVE;
}

/* The script asked for a name: its clock stops while GResolver works. */
static void
helper_resolve (Helper *h, const char *payload, gsize len)
{
  g_autofree char *name = g_strndup (payload + 1, len - 1);
  DnsQuestion *q;

  g_clear_handle_id (&h->deadline_id, g_source_remove);
  /* RFC 6761: .invalid never resolves, no need to ask. */
  if (len < 2 || strlen (name) != len - 1 || h->dns_cancellable != NULL
      || !g_utf8_validate (name, -1, NULL) || g_str_has_suffix (name, ".invalid")
      || strcmp (name, "invalid") == 0)
    {
      dns_answer (h, NULL);
      return;
    }
  q = g_new0 (DnsQuestion, 1);
  /* Asked for any family and filtered here: IPV4_ONLY means AI_ADDRCONFIG
   * with AF_INET, which finds nothing while the phone has no IPv4 address
   * besides loopback. */
  q->ipv4_only = payload[0] == '4';
  q->helper = helper_ref (h);
  q->name = g_steal_pointer (&name);
  h->dns_cancellable = g_cancellable_new ();
  q->cancellable = g_object_ref (h->dns_cancellable);
  h->dns_timeout_id = g_timeout_add (DNS_LIMIT_MS, on_dns_timeout, h);
  {
    g_autoptr (GResolver) resolver = g_resolver_get_default ();
    g_resolver_lookup_by_name_async (resolver, q->name, h->dns_cancellable, on_resolved, q);
  }
}

/* Handles one frame from the helper; FALSE on a protocol violation. */
static gboolean
helper_dispatch (Helper *h, const guint8 *frame, gsize len)
{
  PhonesecPacRunner *self = h->runner;
  char type = (char) frame[0];
  const char *payload = (const char *) frame + 1;
  Request *head;

  switch (type)
    {
      case 'L':
        runner_log_alert (self, payload, len - 1);
        return TRUE;
      case 'D':
        helper_resolve (h, payload, len - 1);
        return TRUE;
      case 'O':
      case 'R':
      case 'E':
        head = g_queue_peek_head (&self->queue);
        if (head == NULL || !head->sent)
          return FALSE;
        g_queue_pop_head (&self->queue);
        request_complete (self, head, type, payload, len - 1, NULL);
        if (h->runner != NULL)
          helper_arm_deadline (h);
        return TRUE;
      default:
        return FALSE;
    }
}

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Helper *h = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecPacRunner) keep = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n <= 0 || h->runner == NULL)
    {
      /* EOF or error: on_helper_exited() reports the death. */
      helper_unref (h);
      return;
    }
  /* Callbacks run from here may drop the caller's last reference. */
  keep = g_object_ref (h->runner);
  g_byte_array_append (h->in, h->chunk, n);
  while (h->runner != NULL && h->in->len >= 4)
    {
      guint32 flen;

      memcpy (&flen, h->in->data, 4);
      flen = GUINT32_FROM_BE (flen);
      if (flen < 1 || flen > PAC_FRAME_MAX)
        {
          g_autoptr (GError) perr = g_error_new_literal (
              G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The PAC helper sent a malformed reply"));
          runner_helper_died (h->runner, perr);
          break;
        }
      if (h->in->len < 4 + flen)
        break;
      {
        g_autoptr (GBytes) frame = g_bytes_new (h->in->data + 4, flen);
        g_byte_array_remove_range (h->in, 0, 4 + flen);
        if (!helper_dispatch (h, g_bytes_get_data (frame, NULL), flen))
          {
            g_autoptr (GError) perr = g_error_new_literal (
                G_IO_ERROR, G_IO_ERROR_FAILED, _ ("The PAC helper sent a malformed reply"));
            runner_helper_died (h->runner, perr);
          }
      }
    }
  if (h->runner != NULL)
    helper_start_read (h);
  helper_unref (h);
}

static void
helper_start_read (Helper *h)
{
  g_input_stream_read_async (h->from_helper, h->chunk, sizeof h->chunk, G_PRIORITY_DEFAULT,
                             h->cancellable, on_read, helper_ref (h));
}

static GBytes *
addresses_frame (PhonesecPacRunner *self)
{
  GByteArray *payload = g_byte_array_new ();
  GBytes *frame;

  for (guint i = 0; self->my_addresses != NULL && self->my_addresses[i] != NULL; i++)
    g_byte_array_append (payload, (const guint8 *) self->my_addresses[i],
                         strlen (self->my_addresses[i]) + 1);
  frame = frame_new ('A', payload->data, payload->len, NULL, 0);
  g_byte_array_unref (payload);
  return frame;
}

/* Makes sure a helper runs and every queued request has been sent to it;
 * FALSE with @error if the helper cannot be started. */
static gboolean
runner_ensure_helper (PhonesecPacRunner *self, GError **error)
{
  Helper *h = self->helper;

  if (h == NULL)
    {
      g_autoptr (GSubprocessLauncher) launcher = NULL;
      g_autoptr (GBytes) addresses = NULL;
      GSubprocess *process;

      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                            | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      process = g_subprocess_launcher_spawn (launcher, error, self->helper_path, NULL);
      if (process == NULL)
        return FALSE;
      h = g_new0 (Helper, 1);
      g_atomic_ref_count_init (&h->ref);
      h->runner = self;
      h->process = process;
      h->to_helper = g_object_ref (g_subprocess_get_stdin_pipe (process));
      /* Our end of the pipe must not block: a frame larger than the room
       * left in the pipe would otherwise stall the main loop until a busy
       * (or hung) helper reads it. */
      g_unix_set_fd_nonblocking (g_unix_output_stream_get_fd (G_UNIX_OUTPUT_STREAM (h->to_helper)),
                                 TRUE, NULL);
      h->from_helper = g_object_ref (g_subprocess_get_stdout_pipe (process));
      h->cancellable = g_cancellable_new ();
      h->in = g_byte_array_new ();
      h->out = g_byte_array_new ();
      self->helper = h;
      g_subprocess_wait_async (process, NULL, on_helper_exited, helper_ref (h));
      helper_start_read (h);

      addresses = addresses_frame (self);
      helper_send (h, addresses);
      /* A new helper has no script: the loaded one goes first. */
      if (self->script != NULL && !self->script_broken)
        {
          Request *r = g_new0 (Request, 1);
          gsize len;
          gconstpointer data = g_bytes_get_data (self->script, &len);

          r->kind = REQ_RELOAD;
          r->frame = frame_new ('S', data, len, NULL, 0);
          g_queue_push_head (&self->queue, r);
        }
    }

  for (GList *l = self->queue.head; l != NULL; l = l->next)
    {
      Request *r = l->data;
      if (r->sent)
        continue;
      r->sent = TRUE;
      helper_send (h, r->frame);
      if (l == self->queue.head)
        helper_arm_deadline (h);
    }
  return TRUE;
}

/* The helper hung or died: the head of the queue fails with @error, the rest
 * goes to a new helper (after the script, reloaded). */
static void
runner_helper_died (PhonesecPacRunner *self, GError *error)
{
  Helper *h = self->helper;
  Request *head;
  GQueue same_host = G_QUEUE_INIT;
  gboolean hung;
  g_autoptr (GError) spawn_error = NULL;

  if (h == NULL)
    return;
  self->helper = NULL;
  helper_detach (h);

  head = g_queue_peek_head (&self->queue);
  if (head != NULL && head->sent)
    g_queue_pop_head (&self->queue);
  else
    head = NULL;
  /* The queue is made consistent before any callback runs (a callback may
   * queue a new request): nothing is sent, no stale RELOAD remains. When
   * the script hung on a host, the calls queued for the same host would
   * hang too: they fail now rather than one second at a time. */
  hung = head != NULL && head->kind == REQ_FIND
         && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  for (GList *l = self->queue.head; l != NULL;)
    {
      GList *next = l->next;
      Request *r = l->data;
      r->sent = FALSE;
      if (r->kind == REQ_RELOAD)
        {
          g_queue_delete_link (&self->queue, l);
          request_free (r);
        }
      else if (hung && r->kind == REQ_FIND && g_strcmp0 (r->host, head->host) == 0)
        {
          g_queue_delete_link (&self->queue, l);
          g_queue_push_tail (&same_host, r);
        }
      l = next;
    }
  if (head != NULL && head->kind == REQ_RELOAD)
    {
      /* The script kills every helper it is loaded into: stop trying. */
      g_warning ("The PAC script could not be reloaded: %s", error->message);
      self->script_broken = TRUE;
      request_free (head);
    }
  else if (head != NULL)
    request_complete (self, head, 'E', NULL, 0, error);
  while (!g_queue_is_empty (&same_host))
    request_complete (self, g_queue_pop_head (&same_host), 'E', NULL, 0, error);

  /* Respawn now when there is work or a script to get back to (unless a
   * callback above already did). */
  if (self->helper == NULL
      && (self->queue.length > 0 || (self->script != NULL && !self->script_broken)))
    {
      if (!runner_ensure_helper (self, &spawn_error))
        {
          Request *r;
          while ((r = g_queue_pop_head (&self->queue)) != NULL)
            request_complete (self, r, 'E', NULL, 0, spawn_error);
        }
    }
}

/* Queues @r and sends it; completes it with an error if no helper runs. */
static void
runner_submit (PhonesecPacRunner *self, Request *r)
{
  g_autoptr (GError) error = NULL;

  g_queue_push_tail (&self->queue, r);
  if (!runner_ensure_helper (self, &error))
    {
      g_queue_remove (&self->queue, r);
      g_prefix_error (&error, _ ("Cannot start the PAC helper: "));
      request_complete (self, r, 'E', NULL, 0, error);
    }
}

/* ---- public API ------------------------------------------------------- */

PhonesecPacRunner *
phonesec_pac_runner_new (const char *helper_path)
{
  PhonesecPacRunner *self;

  g_return_val_if_fail (helper_path != NULL, NULL);
  self = g_object_new (PHONESEC_TYPE_PAC_RUNNER, NULL);
  self->helper_path = g_strdup (helper_path);
  return self;
}

void
phonesec_pac_runner_load_script_async (PhonesecPacRunner *self, GBytes *script,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Request *r;

  g_return_if_fail (PHONESEC_IS_PAC_RUNNER (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, phonesec_pac_runner_load_script_async);

  if (script != NULL)
    {
      gsize len;
      const char *data = g_bytes_get_data (script, &len);

      if (len > PAC_SCRIPT_MAX)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                   _ ("The PAC script is larger than %u KiB"),
                                   PAC_SCRIPT_MAX / 1024);
          return;
        }
      if (len > 0 && memchr (data, '\0', len) != NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _ ("The PAC script contains a NUL byte"));
          return;
        }
      if (!g_utf8_validate_len (data, len, NULL))
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _ ("The PAC script is not valid UTF-8"));
          return;
        }
    }

  r = g_new0 (Request, 1);
  r->kind = REQ_LOAD;
  r->task = g_steal_pointer (&task);
  r->script = script ? g_bytes_ref (script) : NULL;
  if (script != NULL)
    {
      gsize len;
      gconstpointer data = g_bytes_get_data (script, &len);
      r->frame = frame_new ('S', data, len, NULL, 0);
    }
  else
    r->frame = frame_new ('U', NULL, 0, NULL, 0);
  runner_submit (self, r);
}

gboolean
phonesec_pac_runner_load_script_finish (PhonesecPacRunner *self, GAsyncResult *result,
                                        GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
phonesec_pac_runner_set_my_addresses (PhonesecPacRunner *self, const char *const *addresses)
{
  g_autoptr (GPtrArray) valid = g_ptr_array_new_with_free_func (g_free);

  g_return_if_fail (PHONESEC_IS_PAC_RUNNER (self));
  for (guint i = 0; addresses != NULL && addresses[i] != NULL; i++)
    if (g_hostname_is_ip_address (addresses[i]))
      g_ptr_array_add (valid, g_strdup (addresses[i]));
    else
      g_warning ("Ignoring “%s”: not an IP address", addresses[i]);
  g_ptr_array_add (valid, NULL);

  g_strfreev (self->my_addresses);
  self->my_addresses = (GStrv) g_ptr_array_free (g_steal_pointer (&valid), FALSE);
  phonesec_pac_cache_clear (self->cache);
  if (self->helper != NULL)
    {
      g_autoptr (GBytes) frame = addresses_frame (self);
      helper_send (self->helper, frame);
    }
}

void
phonesec_pac_runner_set_cache_lifetime (PhonesecPacRunner *self, guint seconds)
{
  g_return_if_fail (PHONESEC_IS_PAC_RUNNER (self));
  self->cache_lifetime = seconds;
  if (seconds == 0)
    phonesec_pac_cache_clear (self->cache);
}

/* A find queued behind a load runs against the script being loaded. */
static gboolean
runner_load_pending (PhonesecPacRunner *self)
{
  for (GList *l = self->queue.head; l != NULL; l = l->next)
    if (((Request *) l->data)->kind == REQ_LOAD)
      return TRUE;
  return FALSE;
}

void
phonesec_pac_runner_find_proxy_async (PhonesecPacRunner *self, const char *url,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *host = NULL;
  g_autofree char *script_url = NULL;
  g_autoptr (GError) error = NULL;
  Request *r;
  gsize url_len;

  g_return_if_fail (PHONESEC_IS_PAC_RUNNER (self));
  g_return_if_fail (url != NULL);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, phonesec_pac_runner_find_proxy_async);

  url_len = strlen (url);
  if (url_len > PAC_URL_MAX)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _ ("The URL is longer than %u KiB"), PAC_URL_MAX / 1024);
      return;
    }
  if (!g_utf8_validate_len (url, url_len, NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _ ("The URL is not valid UTF-8"));
      return;
    }
  if (!phonesec_pac_script_args (url, &script_url, &host, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->script == NULL && !runner_load_pending (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               _ ("No PAC script is loaded"));
      return;
    }
  if (self->script_broken && !runner_load_pending (self))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _ ("The PAC script could not be reloaded after its helper "
                                  "process was restarted"));
      return;
    }
  if (self->cache_lifetime > 0)
    {
      const char *cached
          = phonesec_pac_cache_lookup (self->cache, script_url, host, g_get_monotonic_time ());

      if (cached != NULL)
        {
          g_task_return_pointer (task, g_strdup (cached), g_free);
          return;
        }
    }

  r = g_new0 (Request, 1);
  r->kind = REQ_FIND;
  r->task = g_steal_pointer (&task);
  r->frame = frame_new ('F', script_url, strlen (script_url) + 1, host, strlen (host));
  r->url = g_steal_pointer (&script_url);
  r->host = g_steal_pointer (&host);
  runner_submit (self, r);
}

char *
phonesec_pac_runner_find_proxy_finish (PhonesecPacRunner *self, GAsyncResult *result,
                                       GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------ */

static void
phonesec_pac_runner_dispose (GObject *object)
{
  PhonesecPacRunner *self = PHONESEC_PAC_RUNNER (object);
  Request *r;

  if (self->helper != NULL)
    {
      helper_detach (self->helper);
      self->helper = NULL;
    }
  /* Tasks hold a reference on us, so only internal requests can remain. */
  while ((r = g_queue_pop_head (&self->queue)) != NULL)
    request_free (r);
  G_OBJECT_CLASS (phonesec_pac_runner_parent_class)->dispose (object);
}

static void
phonesec_pac_runner_finalize (GObject *object)
{
  PhonesecPacRunner *self = PHONESEC_PAC_RUNNER (object);

  g_free (self->helper_path);
  g_clear_pointer (&self->script, g_bytes_unref);
  g_strfreev (self->my_addresses);
  phonesec_pac_cache_free (self->cache);
  G_OBJECT_CLASS (phonesec_pac_runner_parent_class)->finalize (object);
}

static void
phonesec_pac_runner_init (PhonesecPacRunner *self)
{
  g_queue_init (&self->queue);
  self->cache = phonesec_pac_cache_new (CACHE_MAX_ENTRIES, CACHE_MAX_BYTES);
}

static void
phonesec_pac_runner_class_init (PhonesecPacRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  struct sigaction old;

  object_class->dispose = phonesec_pac_runner_dispose;
  object_class->finalize = phonesec_pac_runner_finalize;

  /**
   * PhonesecPacRunner::helper-crashed:
   * @signum: the signal that killed the helper, 0 for an abnormal exit
   * @how: how it died, for a crash report
   *
   * The helper died on its own (not killed for running too long); the
   * request it was running failed and a new helper took over.
   */
  signals[SIGNAL_HELPER_CRASHED]
      = g_signal_new ("helper-crashed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);

  /* Writing to a helper that just died must fail with EPIPE, not kill the
   * daemon: ignore SIGPIPE unless someone already handles it. */
  if (sigaction (SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
    signal (SIGPIPE, SIG_IGN);
}
