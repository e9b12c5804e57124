/* phonesec-upload-queue.c: durable HTTP uploads for plugins.
 *
 * Each item is two files in the queue folder: <seq>.body, then <seq>.item (a
 * key file), both written atomically and durably; the .item file existing is
 * what makes the item exist, so a kill -9 between the two leaves an orphan
 * body that the next start removes. A 2xx reply removes the .item first.
 * One request is in flight at a time; the due item with the lowest sequence
 * number goes next.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-credentials.h"
#include "phonesec-http-private.h"
#include "phonesec-upload-queue.h"

#define ITEM_GROUP "Item"
#define HEADER_GROUP "Headers"
#define SECRET_HEADER_GROUP "SecretHeaders" /* header name → reference */
#define DEFAULT_MIN_MS (30 * 1000)
#define DEFAULT_MAX_MS (60 * 60 * 1000)
#define DEFAULT_MAX_ITEMS 32
#define DEFAULT_MAX_BYTES (8 * 1024 * 1024)
/* What is kept of a reply: only its status matters. */
#define MAX_REPLY (64 * 1024)

typedef struct
{
  guint64 seq;
  char *id; /* the sequence number in hex, also the file stem */
  char *owner;
  char *tag;
  PhonesecUploadFlags flags;
  char *method;
  char *url;
  char *content_type;
  GHashTable *headers;
  char *userinfo_ref;         /* nullable: the URL's user:password, asked for */
  GHashTable *secret_headers; /* header name → reference, asked for */
  guint64 size;
  guint attempts;
  gint64 due;       /* monotonic µs */
  gboolean dropped; /* dropped while in flight */
} Item;

struct _PhonesecUploadQueue
{
  GObject parent_instance;
  char *dir;
  PhonesecHttpClient *client;
  PhonesecMetrics *metrics;
  GPtrArray *items; /* Item*, by seq */
  guint64 next_seq;
  guint min_ms, max_ms;
  guint max_items;
  guint64 max_bytes;
  Item *in_flight;
  gboolean started;
  GCancellable *cancellable;
  guint timer;
  gulong allowed_handler;
  GHashTable *secret_funcs; /* owner → SecretFunc* */
};

typedef struct
{
  PhonesecUploadSecretFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} SecretFunc;

static void
secret_func_free (SecretFunc *sf)
{
  if (sf->destroy != NULL)
    sf->destroy (sf->user_data);
  g_free (sf);
}

enum
{
  SIGNAL_ITEM_DONE,
  SIGNAL_ITEM_FAILED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecUploadQueue, phonesec_upload_queue, G_TYPE_OBJECT)

static void schedule (PhonesecUploadQueue *self);

static void
item_free (Item *item)
{
  g_free (item->id);
  g_free (item->owner);
  g_free (item->tag);
  g_free (item->method);
  g_free (item->url);
  g_free (item->content_type);
  g_clear_pointer (&item->headers, g_hash_table_unref);
  g_free (item->userinfo_ref);
  g_clear_pointer (&item->secret_headers, g_hash_table_unref);
  g_free (item);
}

static char *
item_path (PhonesecUploadQueue *self, const Item *item, const char *suffix)
{
  g_autofree char *name = g_strconcat (item->id, suffix, NULL);
  return g_build_filename (self->dir, name, NULL);
}

char *
phonesec_upload_url_for_display (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  if (uri == NULL)
    return g_strdup (_ ("(an invalid URL)"));
  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_AUTH_PARAMS);
}

static void
remove_files (PhonesecUploadQueue *self, const Item *item)
{
  g_autofree char *meta = item_path (self, item, ".item");
  g_autofree char *body = item_path (self, item, ".body");

  /* The .item file first: without it the body is an orphan, never resent. */
  if (g_unlink (meta) < 0 && errno != ENOENT)
    g_warning ("Upload queue: cannot remove %s: %s", meta, g_strerror (errno));
  g_unlink (body);
}

static void
count (PhonesecUploadQueue *self, const char *what)
{
  g_autofree char *name = g_strconcat ("core.uploads.", what, NULL);

  if (self->metrics != NULL)
    phonesec_metrics_counter_add (self->metrics, name, 1);
}

/* Takes @item out of the queue and says so. */
static void
finish_item (PhonesecUploadQueue *self, Item *item, gboolean delivered, guint status,
             const char *message)
{
  guint index;

  remove_files (self, item);
  if (g_ptr_array_find (self->items, item, &index))
    g_ptr_array_steal_index_fast (self->items, index); /* order restored in schedule() */
  g_signal_emit (self, signals[SIGNAL_ITEM_DONE], 0, item->owner, item->id,
                 item->tag != NULL ? item->tag : "", delivered, status, message);
  count (self, delivered ? "delivered" : "dropped");
  if (item == self->in_flight)
    item->dropped = TRUE; /* freed by the reply handler */
  else
    item_free (item);
}

static gint
compare_seq (gconstpointer a, gconstpointer b)
{
  const Item *x = *(Item **) a, *y = *(Item **) b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static guint
owner_usage (PhonesecUploadQueue *self, const char *owner, guint64 *bytes)
{
  guint n = 0;

  *bytes = 0;
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      if (g_strcmp0 (item->owner, owner) == 0)
        {
          n++;
          *bytes += item->size;
        }
    }
  return n;
}

static Item *
oldest_of (PhonesecUploadQueue *self, const char *owner)
{
  Item *oldest = NULL;

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      if (g_strcmp0 (item->owner, owner) == 0 && item != self->in_flight
          && (oldest == NULL || item->seq < oldest->seq))
        oldest = item;
    }
  return oldest;
}

/* --- loading ------------------------------------------------------------- */

static Item *
load_item (PhonesecUploadQueue *self, const char *stem)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *meta = g_strdup_printf ("%s/%s.item", self->dir, stem);
  g_autofree char *body = g_strdup_printf ("%s/%s.body", self->dir, stem);
  g_auto (GStrv) keys = NULL;
  GStatBuf st;
  Item *item;
  char *end;

  if (!g_key_file_load_from_file (kf, meta, G_KEY_FILE_NONE, NULL) || g_stat (body, &st) < 0)
    return NULL;
  item = g_new0 (Item, 1);
  item->seq = g_ascii_strtoull (stem, &end, 16);
  item->id = g_strdup (stem);
  item->owner = g_key_file_get_string (kf, ITEM_GROUP, "Owner", NULL);
  item->tag = g_key_file_get_string (kf, ITEM_GROUP, "Tag", NULL);
  item->flags = g_key_file_get_integer (kf, ITEM_GROUP, "Flags", NULL);
  item->method = g_key_file_get_string (kf, ITEM_GROUP, "Method", NULL);
  item->url = g_key_file_get_string (kf, ITEM_GROUP, "URL", NULL);
  item->content_type = g_key_file_get_string (kf, ITEM_GROUP, "ContentType", NULL);
  item->size = st.st_size;
  item->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  keys = g_key_file_get_keys (kf, HEADER_GROUP, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    g_hash_table_insert (item->headers, g_strdup (keys[i]),
                         g_key_file_get_string (kf, HEADER_GROUP, keys[i], NULL));
  item->userinfo_ref = g_key_file_get_string (kf, ITEM_GROUP, "UserInfoRef", NULL);
  item->secret_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_clear_pointer (&keys, g_strfreev);
  keys = g_key_file_get_keys (kf, SECRET_HEADER_GROUP, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    g_hash_table_insert (item->secret_headers, g_strdup (keys[i]),
                         g_key_file_get_string (kf, SECRET_HEADER_GROUP, keys[i], NULL));
  if (*end != '\0' || item->owner == NULL || item->method == NULL || item->url == NULL)
    {
      item_free (item);
      return NULL;
    }
  return item;
}

static gboolean
load_dir (PhonesecUploadQueue *self, GError **error)
{
  g_autoptr (GDir) dir = g_dir_open (self->dir, 0, error);
  g_autoptr (GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stem = NULL;
      Item *item;

      if (g_str_has_suffix (name, ".body"))
        {
          g_autofree char *meta = NULL;
          stem = g_strndup (name, strlen (name) - 5);
          meta = g_strdup_printf ("%s/%s.item", self->dir, stem);
          if (!g_file_test (meta, G_FILE_TEST_EXISTS))
            g_ptr_array_add (orphans, g_build_filename (self->dir, name, NULL));
          continue;
        }
      if (!g_str_has_suffix (name, ".item"))
        {
          /* Temp files of an interrupted write. */
          if (name[0] == '.' || strchr (name, '~') != NULL || g_str_has_prefix (name, "tmp"))
            g_ptr_array_add (orphans, g_build_filename (self->dir, name, NULL));
          continue;
        }
      stem = g_strndup (name, strlen (name) - 5);
      item = load_item (self, stem);
      if (item == NULL)
        {
          g_warning ("Upload queue: dropping the unreadable item %s", name);
          g_ptr_array_add (orphans, g_build_filename (self->dir, name, NULL));
          continue;
        }
      self->next_seq = MAX (self->next_seq, item->seq + 1);
      g_ptr_array_add (self->items, item);
    }
  for (guint i = 0; i < orphans->len; i++)
    g_unlink (orphans->pdata[i]);
  g_ptr_array_sort (self->items, compare_seq);
  if (self->items->len > 0)
    g_message ("Upload queue: %u item(s) left by an earlier run", self->items->len);
  return TRUE;
}

/* --- sending -------------------------------------------------------------- */

static guint
backoff_ms (PhonesecUploadQueue *self, guint attempts)
{
  guint64 delay = self->min_ms;

  for (guint i = 1; i < attempts && delay < self->max_ms; i++)
    delay *= 2;
  delay = MIN (delay, self->max_ms);
  /* Jitter: between half and all of the delay, so phones that failed
   * together do not retry together. */
  return (guint) (delay / 2 + g_random_int_range (0, (gint32) MAX (1, delay / 2 + 1)));
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecUploadQueue *self = user_data;
  Item *item = self->in_flight;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;
  guint status;

  reply = phonesec_http_client_send_and_read_finish (PHONESEC_HTTP_CLIENT (source), result,
                                                     &response, &error);
  /* A long reply body is cut short: the status is what counts. */
  status = response != NULL ? phonesec_http_response_get_status (response) : 0;
  self->in_flight = NULL;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Shutting down: the item stays on disk for the next run. */
      if (item->dropped)
        item_free (item);
      g_object_unref (self);
      return;
    }
  if (item->dropped)
    item_free (item);
  else if (status >= 200 && status < 300)
    {
      g_autofree char *message = g_strdup_printf (_ ("delivered (HTTP %u)"), status);
      finish_item (self, item, TRUE, status, message);
    }
  else
    {
      g_autofree char *where = phonesec_upload_url_for_display (item->url);
      g_autofree char *reason
          = response != NULL
                ? phonesec_netd_clean_text (phonesec_http_response_get_reason (response), 80)
                : NULL;
      g_autofree char *message
          = status == 0 ? g_strdup_printf (_ ("%s: %s"), where, error->message)
                        : g_strdup_printf (_ ("%s answered HTTP %u %s"), where, status, reason);
      gboolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;

      if (permanent)
        {
          g_warning ("Upload queue: %s; item %s of %s dropped", message, item->id, item->owner);
          finish_item (self, item, FALSE, status, message);
        }
      else
        {
          guint delay;
          item->attempts++;
          delay = backoff_ms (self, item->attempts);
          item->due = g_get_monotonic_time () + (gint64) delay * 1000;
          g_message ("Upload queue: %s; item %s of %s retried in %u ms", message, item->id,
                     item->owner, delay);
          count (self, "failed");
          g_signal_emit (self, signals[SIGNAL_ITEM_FAILED], 0, item->owner, item->id,
                         item->tag != NULL ? item->tag : "", status, message);
        }
    }
  schedule (self);
  g_object_unref (self);
}

/* The owner's current value of @ref for @item, or NULL. */
static PhonesecSecret *
ask_secret (PhonesecUploadQueue *self, Item *item, const char *ref)
{
  SecretFunc *sf = g_hash_table_lookup (self->secret_funcs, item->owner);
  PhonesecSecret *secret;

  if (sf == NULL)
    {
      g_message ("Upload queue: item %s of %s needs a secret, but %s gives none; sent without it",
                 item->id, item->owner, item->owner);
      return NULL;
    }
  secret
      = sf->func (item->owner, item->tag != NULL ? item->tag : "", ref, item->url, sf->user_data);
  if (secret == NULL)
    g_message ("Upload queue: item %s of %s: no secret for %s now; sent without it", item->id,
               item->owner, ref);
  return secret;
}

/* The owner's user:password for the item as an Authorization header value,
 * or NULL. Sent with the first request, as curl does with a URL's user
 * information: a 401 round trip would resend the body. */
static PhonesecSecret *
dup_basic_auth (PhonesecUploadQueue *self, Item *item)
{
  g_autoptr (PhonesecSecret) userinfo = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *encoded = NULL;
  g_autofree char *header = NULL;
  PhonesecSecret *secret;

  if (item->userinfo_ref == NULL
      || (userinfo = ask_secret (self, item, item->userinfo_ref)) == NULL)
    return NULL;
  plain = g_uri_unescape_string (phonesec_secret_peek (userinfo), NULL);
  if (plain == NULL)
    return NULL;
  encoded = g_base64_encode ((const guchar *) plain, strlen (plain));
  explicit_bzero (plain, strlen (plain));
  header = g_strconcat ("Basic ", encoded, NULL);
  explicit_bzero (encoded, strlen (encoded));
  secret = phonesec_secret_new (header, -1);
  explicit_bzero (header, strlen (header));
  return secret;
}

static void
send_item (PhonesecUploadQueue *self, Item *item)
{
  g_autofree char *body_path = item_path (self, item, ".body");
  g_autoptr (GFile) file = g_file_new_for_path (body_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInputStream) body = NULL;
  g_autoptr (PhonesecHttpRequest) request = NULL;
  g_autoptr (PhonesecSecret) authorization = NULL;
  g_autoptr (GFileInfo) info = NULL;
  GHashTableIter iter;
  gpointer key, value;

  /* The body streams from its file: never whole in memory, and a file
   * seeks, so it can be sent again (redirect, a restarted service). */
  body = g_file_read (file, NULL, &error);
  if (body != NULL)
    info = g_file_input_stream_query_info (body, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error);
  if (info == NULL)
    {
      g_autofree char *message = g_strdup_printf (_ ("cannot be sent: %s"), error->message);
      g_warning ("Upload queue: item %s of %s %s", item->id, item->owner, message);
      finish_item (self, item, FALSE, 0, message);
      return;
    }
  request = phonesec_http_request_new (item->method, item->url);
  phonesec_http_request_set_body (
      request, item->content_type != NULL ? item->content_type : "application/octet-stream",
      G_INPUT_STREAM (body), g_file_info_get_size (info));
  g_hash_table_iter_init (&iter, item->headers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    phonesec_http_request_add_header (request, key, value);
  if ((authorization = dup_basic_auth (self, item)) != NULL)
    phonesec_http_request_add_secret_header (request, "Authorization", authorization);
  g_hash_table_iter_init (&iter, item->secret_headers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr (PhonesecSecret) secret = ask_secret (self, item, value);

      if (secret != NULL)
        phonesec_http_request_add_secret_header (request, key, secret);
    }
  self->in_flight = item;
  phonesec_http_client_send_and_read_async (self->client, request, MAX_REPLY, self->cancellable,
                                            on_sent, g_object_ref (self));
}

static gboolean
on_timer (gpointer user_data)
{
  PhonesecUploadQueue *self = user_data;

  self->timer = 0;
  schedule (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (PhonesecUploadQueue *self)
{
  gint64 now = g_get_monotonic_time ();
  Item *next = NULL;

  g_clear_handle_id (&self->timer, g_source_remove);
  if (!self->started || self->in_flight != NULL || self->items == NULL)
    return;
  g_ptr_array_sort (self->items, compare_seq);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      if (item->due <= now)
        {
          send_item (self, item);
          return;
        }
      if (next == NULL || item->due < next->due)
        next = item;
    }
  if (next != NULL)
    self->timer = g_timeout_add ((guint) ((next->due - now + 999) / 1000), on_timer, self);
}

/* --- API ------------------------------------------------------------------ */

static gboolean
write_file (const char *path, const char *data, gsize len, GError **error)
{
  return g_file_set_contents_full (
      path, data, len, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
}

char *
phonesec_upload_queue_add (PhonesecUploadQueue *self, const char *owner, const char *tag,
                           PhonesecUploadFlags flags, const char *method, const char *url,
                           const char *content_type, GHashTable *headers, GBytes *body,
                           GError **error)
{
  return phonesec_upload_queue_add_full (self, owner, tag, flags, method, url, content_type,
                                         headers, NULL, NULL, body, error);
}

/* Refuses an upload the queue must not take; else the URL without its
 * user information in @bare_url. */
static gboolean
check_upload (PhonesecUploadQueue *self, PhonesecUploadFlags flags, const char *url,
              const char *userinfo_ref, gsize body_len, char **bare_url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *userinfo = NULL;
  gboolean has_password;

  if ((flags & PHONESEC_UPLOAD_METRICS) && self->metrics != NULL
      && !phonesec_metrics_get_sending_allowed (self->metrics))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _ ("Metrics may not leave the phone: Webex_Metrics_Enable is No"));
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL
      || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0
          && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The upload address must be an http:// or https:// URL with a host"));
      return FALSE;
    }
  /* The files hold the URL without user:password@: the owner gives it
   * back at send time. */
  *bare_url = phonesec_credentials_strip_url (url, &userinfo);
  has_password = userinfo != NULL && strchr (userinfo, ':') != NULL;
  if (userinfo != NULL)
    explicit_bzero (userinfo, strlen (userinfo));
  if (has_password && userinfo_ref == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The upload address carries a password; the queue never writes one "
                              "to disk: queue it with a userinfo reference"));
      return FALSE;
    }
  if (body_len > self->max_bytes)
    {
      /* Numbers as strings: no 64-bit format inside _(), and no long,
       * which is 32-bit on armhf. */
      g_autofree char *len = g_strdup_printf ("%" G_GSIZE_FORMAT, body_len);
      g_autofree char *max = g_strdup_printf ("%" G_GUINT64_FORMAT, self->max_bytes);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _ ("The upload is too large: %s bytes, at most %s"), len, max);
      return FALSE;
    }
  return TRUE;
}

/* Room for @body_len more bytes of @owner: the owner's oldest items go. */
static void
make_room (PhonesecUploadQueue *self, const char *owner, gsize body_len)
{
  guint64 used_bytes;
  guint used;

  while ((used = owner_usage (self, owner, &used_bytes)) > 0
         && (used >= self->max_items || used_bytes + body_len > self->max_bytes))
    {
      Item *oldest = oldest_of (self, owner);
      if (oldest == NULL)
        break;
      g_warning ("Upload queue of %s is full (%u items, %" G_GUINT64_FORMAT
                 " bytes): dropping its oldest item %s",
                 owner, used, used_bytes, oldest->id);
      finish_item (self, oldest, FALSE, 0, _ ("dropped: the upload queue was full"));
    }
}

/* Copies the @from headers (may be NULL) into @to and @group of @kf. */
static void
take_headers (GHashTable *from, GHashTable *to, GKeyFile *kf, const char *group)
{
  GHashTableIter iter;
  gpointer key, value;

  if (from == NULL)
    return;
  g_hash_table_iter_init (&iter, from);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_key_file_set_string (kf, group, key, value);
      g_hash_table_insert (to, g_strdup (key), g_strdup (value));
    }
}

/* The item's description as written to its .item file. */
static void
describe_item (const Item *item, GKeyFile *kf)
{
  g_key_file_set_string (kf, ITEM_GROUP, "Owner", item->owner);
  if (item->tag != NULL)
    g_key_file_set_string (kf, ITEM_GROUP, "Tag", item->tag);
  g_key_file_set_integer (kf, ITEM_GROUP, "Flags", item->flags);
  g_key_file_set_string (kf, ITEM_GROUP, "Method", item->method);
  g_key_file_set_string (kf, ITEM_GROUP, "URL", item->url);
  if (item->userinfo_ref != NULL)
    g_key_file_set_string (kf, ITEM_GROUP, "UserInfoRef", item->userinfo_ref);
  if (item->content_type != NULL)
    g_key_file_set_string (kf, ITEM_GROUP, "ContentType", item->content_type);
}

/* Writes the item's body and description; frees @item on failure. */
static gboolean
store_item (PhonesecUploadQueue *self, Item *item, GKeyFile *kf, GBytes *body, GError **error)
{
  g_autofree char *meta = g_key_file_to_data (kf, NULL, NULL);
  g_autofree char *body_path = NULL, *meta_path = NULL;

  /* The folder could not be made at start (a full disk): try again. */
  g_mkdir_with_parents (self->dir, 0700);
  body_path = item_path (self, item, ".body");
  meta_path = item_path (self, item, ".item");
  if (!write_file (body_path, body != NULL ? g_bytes_get_data (body, NULL) : "", item->size, error)
      || !write_file (meta_path, meta, strlen (meta), error))
    {
      g_unlink (body_path);
      item_free (item);
      g_prefix_error (error, _ ("Cannot queue the upload: "));
      return FALSE;
    }
  return TRUE;
}

char *
phonesec_upload_queue_add_full (PhonesecUploadQueue *self, const char *owner, const char *tag,
                                PhonesecUploadFlags flags, const char *method, const char *url,
                                const char *content_type, GHashTable *headers,
                                const char *userinfo_ref, GHashTable *secret_headers, GBytes *body,
                                GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autofree char *bare_url = NULL;
  gsize body_len = body != NULL ? g_bytes_get_size (body) : 0;
  Item *item;

  g_return_val_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self), NULL);
  g_return_val_if_fail (owner != NULL && method != NULL && url != NULL, NULL);

  if (!check_upload (self, flags, url, userinfo_ref, body_len, &bare_url, error))
    return NULL;
  make_room (self, owner, body_len);

  item = g_new0 (Item, 1);
  item->seq = self->next_seq++;
  item->id = g_strdup_printf ("%016" G_GINT64_MODIFIER "x", item->seq);
  item->owner = g_strdup (owner);
  item->tag = g_strdup (tag);
  item->flags = flags;
  item->method = g_strdup (method);
  /* A user name alone is no secret: kept when nothing asks for it. */
  item->url = g_strdup (userinfo_ref != NULL ? bare_url : url);
  item->content_type = g_strdup (content_type);
  item->size = body_len;
  item->headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  item->userinfo_ref = g_strdup (userinfo_ref);
  item->secret_headers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  describe_item (item, kf);
  take_headers (headers, item->headers, kf, HEADER_GROUP);
  take_headers (secret_headers, item->secret_headers, kf, SECRET_HEADER_GROUP);
  if (!store_item (self, item, kf, body, error))
    return NULL;
  g_ptr_array_add (self->items, item);
  count (self, "queued");
  schedule (self);
  return g_strdup (item->id);
}

void
phonesec_upload_queue_set_secret_func (PhonesecUploadQueue *self, const char *owner,
                                       PhonesecUploadSecretFunc func, gpointer user_data,
                                       GDestroyNotify destroy)
{
  SecretFunc *sf;

  g_return_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self));
  g_return_if_fail (owner != NULL);

  if (func == NULL)
    {
      g_hash_table_remove (self->secret_funcs, owner);
      return;
    }
  sf = g_new0 (SecretFunc, 1);
  sf->func = func;
  sf->user_data = user_data;
  sf->destroy = destroy;
  g_hash_table_replace (self->secret_funcs, g_strdup (owner), sf);
}

guint
phonesec_upload_queue_discard (PhonesecUploadQueue *self, const char *owner,
                               PhonesecUploadFlags flags)
{
  g_autoptr (GPtrArray) victims = g_ptr_array_new ();

  g_return_val_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self), 0);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      if ((owner == NULL || g_str_equal (owner, item->owner))
          && (flags == 0 || (item->flags & flags) != 0))
        g_ptr_array_add (victims, item);
    }
  for (guint i = 0; i < victims->len; i++)
    finish_item (self, victims->pdata[i], FALSE, 0, _ ("discarded"));
  if (victims->len > 0)
    g_message ("Upload queue: %u item(s) discarded", victims->len);
  schedule (self);
  return victims->len;
}

void
phonesec_upload_queue_retry_now (PhonesecUploadQueue *self, const char *owner)
{
  g_return_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self));
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];
      if (owner == NULL || g_str_equal (owner, item->owner))
        item->due = 0;
    }
  schedule (self);
}

gboolean
phonesec_upload_queue_has_item (PhonesecUploadQueue *self, const char *id)
{
  g_return_val_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self), FALSE);
  for (guint i = 0; i < self->items->len; i++)
    if (g_strcmp0 (((Item *) self->items->pdata[i])->id, id) == 0)
      return TRUE;
  return FALSE;
}

gboolean
phonesec_upload_queue_is_busy (PhonesecUploadQueue *self)
{
  g_return_val_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self), FALSE);
  return self->in_flight != NULL;
}

void
phonesec_upload_queue_start (PhonesecUploadQueue *self)
{
  g_return_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self));
  self->started = TRUE;
  schedule (self);
}

guint
phonesec_upload_queue_get_length (PhonesecUploadQueue *self, const char *owner)
{
  guint64 bytes;
  g_return_val_if_fail (PHONESEC_IS_UPLOAD_QUEUE (self), 0);
  return owner == NULL ? self->items->len : owner_usage (self, owner, &bytes);
}

void
phonesec_upload_queue_set_backoff (PhonesecUploadQueue *self, guint min_ms, guint max_ms)
{
  self->min_ms = MAX (1, min_ms);
  self->max_ms = MAX (self->min_ms, max_ms);
}

void
phonesec_upload_queue_set_limits (PhonesecUploadQueue *self, guint max_items, guint64 max_bytes)
{
  self->max_items = MAX (1, max_items);
  self->max_bytes = max_bytes;
}

static void
on_sending_allowed_changed (PhonesecMetrics *metrics, gboolean allowed, gpointer user_data)
{
  PhonesecUploadQueue *self = user_data;

  /* Disabled: what was buffered never leaves the phone. */
  if (!allowed)
    phonesec_upload_queue_discard (self, NULL, PHONESEC_UPLOAD_METRICS);
}

PhonesecUploadQueue *
phonesec_upload_queue_new (const char *dir, PhonesecHttpClient *client, PhonesecMetrics *metrics)
{
  g_autoptr (PhonesecUploadQueue) self = g_object_new (PHONESEC_TYPE_UPLOAD_QUEUE, NULL);
  g_autoptr (GError) local_error = NULL;

  self->dir = g_strdup (dir);
  self->client = g_object_ref (client);
  if (metrics != NULL)
    {
      self->metrics = g_object_ref (metrics);
      self->allowed_handler = g_signal_connect (metrics, "sending-allowed-changed",
                                                G_CALLBACK (on_sending_allowed_changed), self);
    }
  /* Without its folder (a full disk at the first start) the queue starts
   * empty: the daemon must still start; adding an item says why it fails. */
  if (g_mkdir_with_parents (dir, 0700) < 0)
    g_warning ("Upload queue: cannot create %s (%s); nothing can be queued until it can", dir,
               g_strerror (errno));
  else if (!load_dir (self, &local_error))
    g_warning ("Upload queue: cannot read %s (%s); starting empty", dir, local_error->message);
  if (self->metrics != NULL && !phonesec_metrics_get_sending_allowed (self->metrics))
    phonesec_upload_queue_discard (self, NULL, PHONESEC_UPLOAD_METRICS);
  return g_steal_pointer (&self);
}

static void
phonesec_upload_queue_dispose (GObject *object)
{
  PhonesecUploadQueue *self = PHONESEC_UPLOAD_QUEUE (object);

  g_clear_handle_id (&self->timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  if (self->metrics != NULL)
    g_clear_signal_handler (&self->allowed_handler, self->metrics);
  G_OBJECT_CLASS (phonesec_upload_queue_parent_class)->dispose (object);
}

static void
phonesec_upload_queue_finalize (GObject *object)
{
  PhonesecUploadQueue *self = PHONESEC_UPLOAD_QUEUE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->secret_funcs, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->metrics);
  g_free (self->dir);
  G_OBJECT_CLASS (phonesec_upload_queue_parent_class)->finalize (object);
}

static void
phonesec_upload_queue_class_init (PhonesecUploadQueueClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = phonesec_upload_queue_dispose;
  object_class->finalize = phonesec_upload_queue_finalize;
  signals[SIGNAL_ITEM_DONE] = g_signal_new (
      "item-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
      6, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN, G_TYPE_UINT, G_TYPE_STRING);
  signals[SIGNAL_ITEM_FAILED] = g_signal_new (
      "item-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
      5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING);
}

static void
phonesec_upload_queue_init (PhonesecUploadQueue *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  self->secret_funcs
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) secret_func_free);
  self->cancellable = g_cancellable_new ();
  self->min_ms = DEFAULT_MIN_MS;
  self->max_ms = DEFAULT_MAX_MS;
  self->max_items = DEFAULT_MAX_ITEMS;
  self->max_bytes = DEFAULT_MAX_BYTES;
}
