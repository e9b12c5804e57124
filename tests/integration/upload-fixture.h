/* upload-fixture.h: a real HTTP(S) server (libsoup 3) in the test process,
 * on 127.0.0.1, that records every request the daemon's upload queue makes,
 * and helpers to read what arrived (multipart forms, tar.gz archives).
 *
 * The server runs on the default main context: it answers only while the
 * test iterates it (phonesec_test_wait_until, phonesec_upload_server_wait),
 * which every wait in these tests does. The daemon's uploads are
 * asynchronous, so a test blocked in a D-Bus call never deadlocks it. But
 * a request that arrives while the test blocks (stopping the daemon, say)
 * is answered only later, possibly after its sender died: drain with
 * phonesec_upload_server_run_for() before changing the status.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* One request as the server received it. */
typedef struct
{
  char *method;
  char *path;
  char *query;                 /* NULL without one */
  SoupMessageHeaders *headers; /* the request headers */
  GBytes *body;                /* every byte of the request body */
  guint status;                /* what the server answered */
} PhonesecUploadRequest;

typedef struct _PhonesecUploadServer PhonesecUploadServer;

/* Starts listening on 127.0.0.1 on a free port: plain HTTP, or HTTPS when
 * @cert_path and @key_path (PEM files) are given. Asserts success. */
PhonesecUploadServer *phonesec_upload_server_new (const char *cert_path, const char *key_path);
void phonesec_upload_server_free (PhonesecUploadServer *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecUploadServer, phonesec_upload_server_free)

guint16 phonesec_upload_server_get_port (PhonesecUploadServer *self);
/* "http://127.0.0.1:PORT" + @path (which starts with "/"), or https. */
char *phonesec_upload_server_url (PhonesecUploadServer *self, const char *path);

/* Answers @status to the next @count requests (0: every request until the
 * next call), then 200 again. The default is 200. */
void phonesec_upload_server_set_status (PhonesecUploadServer *self, guint status, guint count);

/* Down: stops listening and closes every connection, so new connections are
 * refused. Up: listens again on the same port. */
void phonesec_upload_server_down (PhonesecUploadServer *self);
void phonesec_upload_server_up (PhonesecUploadServer *self);
gboolean phonesec_upload_server_is_up (PhonesecUploadServer *self);

/* Every request recorded so far (PhonesecUploadRequest*), in arrival order. */
GPtrArray *phonesec_upload_server_get_requests (PhonesecUploadServer *self);
/* How many requests whose path starts with @prefix (NULL: any) were
 * recorded; with @answered_ok, only those answered 2xx. */
guint phonesec_upload_server_count (PhonesecUploadServer *self, const char *prefix,
                                    gboolean answered_ok);
/* Iterates the default main context until at least @n requests matching
 * @prefix were answered 2xx, or @timeout_ms elapsed; returns whether they
 * arrived. */
gboolean phonesec_upload_server_wait (PhonesecUploadServer *self, const char *prefix, guint n,
                                      guint timeout_ms);
/* Iterates the default main context for @ms, serving requests. */
void phonesec_upload_server_run_for (PhonesecUploadServer *self, guint ms);
/* Forgets the recorded requests. */
void phonesec_upload_server_clear (PhonesecUploadServer *self);

/* --- reading what arrived --------------------------------------------- */

/* One part of a multipart/form-data body. */
typedef struct
{
  char *name;     /* the form field name */
  char *filename; /* NULL when the part carries none */
  char *content_type;
  GBytes *body;
} PhonesecFormPart;

void phonesec_form_part_free (PhonesecFormPart *part);
/* Parses @request's body as multipart/form-data; returns the parts
 * (PhonesecFormPart*) or NULL when it is not a valid multipart body. */
GPtrArray *phonesec_upload_request_parse_form (PhonesecUploadRequest *request);
/* The part named @name, or NULL. */
PhonesecFormPart *phonesec_form_find (GPtrArray *parts, const char *name);

/* Unpacks a tar.gz held in @archive with libarchive: member path → GBytes
 * (regular files only), or NULL with @error when it is not a valid tar.gz. */
GHashTable *phonesec_test_untar (GBytes *archive, GError **error);
/* The member names, sorted, joined by ",". */
char *phonesec_test_untar_names (GHashTable *members);

/* TRUE when @needle occurs in @haystack, byte for byte. */
gboolean phonesec_test_bytes_contain (GBytes *haystack, const char *needle);

G_END_DECLS
