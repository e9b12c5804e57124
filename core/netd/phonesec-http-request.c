/* phonesec-http-request.c: what a caller asks of the network service.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-http-private.h"

typedef struct
{
  char *name;
  char *value;            /* NULL for a secret header */
  PhonesecSecret *secret; /* else NULL */
} Header;

struct _PhonesecHttpRequest
{
  GObject parent_instance;

  char *method;
  char *url;
  GArray *headers; /* Header */
  char *content_type;
  GInputStream *body;
  gint64 length;
  PhonesecHttpFlags flags;
  PhonesecSecret *client_cert; /* PEM, certificate and key */
};

G_DEFINE_FINAL_TYPE (PhonesecHttpRequest, phonesec_http_request, G_TYPE_OBJECT)

static void
header_clear (Header *header)
{
  g_free (header->name);
  g_free (header->value);
  g_clear_pointer (&header->secret, phonesec_secret_unref);
}

static void
phonesec_http_request_finalize (GObject *object)
{
  PhonesecHttpRequest *self = PHONESEC_HTTP_REQUEST (object);

  g_free (self->method);
  /* It may hold user:password@. */
  explicit_bzero (self->url, strlen (self->url));
  g_free (self->url);
  g_array_unref (self->headers);
  g_free (self->content_type);
  g_clear_object (&self->body);
  g_clear_pointer (&self->client_cert, phonesec_secret_unref);
  G_OBJECT_CLASS (phonesec_http_request_parent_class)->finalize (object);
}

static void
phonesec_http_request_class_init (PhonesecHttpRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_http_request_finalize;
}

static void
phonesec_http_request_init (PhonesecHttpRequest *self)
{
  self->headers = g_array_new (FALSE, TRUE, sizeof (Header));
  g_array_set_clear_func (self->headers, (GDestroyNotify) header_clear);
  self->length = -1;
}

PhonesecHttpRequest *
phonesec_http_request_new (const char *method, const char *url)
{
  PhonesecHttpRequest *self;

  g_return_val_if_fail (method != NULL && url != NULL, NULL);
  self = g_object_new (PHONESEC_TYPE_HTTP_REQUEST, NULL);
  self->method = g_strdup (method);
  self->url = g_strdup (url);
  return self;
}

const char *
phonesec_http_request_get_method (PhonesecHttpRequest *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_REQUEST (self), NULL);
  return self->method;
}

const char *
phonesec_http_request_get_url (PhonesecHttpRequest *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_REQUEST (self), NULL);
  return self->url;
}

void
phonesec_http_request_add_header (PhonesecHttpRequest *self, const char *name, const char *value)
{
  Header header = { g_strdup (name), g_strdup (value), NULL };

  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (self));
  g_return_if_fail (name != NULL && value != NULL);
  g_array_append_val (self->headers, header);
}

void
phonesec_http_request_add_secret_header (PhonesecHttpRequest *self, const char *name,
                                         PhonesecSecret *value)
{
  Header header = { g_strdup (name), NULL, phonesec_secret_ref (value) };

  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (self));
  g_return_if_fail (name != NULL && value != NULL);
  g_array_append_val (self->headers, header);
}

void
phonesec_http_request_set_body (PhonesecHttpRequest *self, const char *content_type,
                                GInputStream *body, gint64 length)
{
  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (self));
  g_return_if_fail (body == NULL || G_IS_INPUT_STREAM (body));
  g_free (self->content_type);
  self->content_type = g_strdup (content_type);
  g_set_object (&self->body, body);
  self->length = body != NULL ? MAX (length, -1) : -1;
}

void
phonesec_http_request_set_body_bytes (PhonesecHttpRequest *self, const char *content_type,
                                      GBytes *body)
{
  g_autoptr (GInputStream) stream = NULL;

  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (self));
  if (body == NULL)
    {
      phonesec_http_request_set_body (self, NULL, NULL, -1);
      return;
    }
  /* Seekable: it can be sent again. */
  stream = g_memory_input_stream_new_from_bytes (body);
  phonesec_http_request_set_body (self, content_type, stream, g_bytes_get_size (body));
}

void
phonesec_http_request_set_flags (PhonesecHttpRequest *self, PhonesecHttpFlags flags)
{
  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (self));
  self->flags = flags;
}

PhonesecHttpFlags
phonesec_http_request_get_flags (PhonesecHttpRequest *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_REQUEST (self), 0);
  return self->flags;
}

void
phonesec_http_request_set_client_certificate (PhonesecHttpRequest *self, PhonesecSecret *pem)
{
  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (self));
  g_clear_pointer (&self->client_cert, phonesec_secret_unref);
  self->client_cert = pem != NULL ? phonesec_secret_ref (pem) : NULL;
}

/* The whole of @path, zeroed when dropped. */
static char *
read_pem (const char *path, gsize *len, GError **error)
{
  g_autoptr (GError) local = NULL;
  char *data = NULL;

  if (!g_file_get_contents (path, &data, len, &local))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_file_error (local->code), "%s cannot be read",
                   path);
      return NULL;
    }
  return data;
}

gboolean
phonesec_http_request_set_client_certificate_files (PhonesecHttpRequest *self,
                                                    const char *cert_file, const char *key_file,
                                                    GError **error)
{
  g_autofree char *cert = NULL, *key = NULL, *both = NULL;
  gsize cert_len = 0, key_len = 0;
  g_autoptr (PhonesecSecret) secret = NULL;

  g_return_val_if_fail (PHONESEC_IS_HTTP_REQUEST (self), FALSE);
  g_return_val_if_fail (cert_file != NULL, FALSE);
  cert = read_pem (cert_file, &cert_len, error);
  if (cert != NULL && key_file != NULL && g_strcmp0 (key_file, cert_file) != 0)
    key = read_pem (key_file, &key_len, error);
  if (cert == NULL || (key_file != NULL && g_strcmp0 (key_file, cert_file) != 0 && key == NULL))
    {
      if (cert != NULL)
        explicit_bzero (cert, cert_len);
      return FALSE;
    }
  both = g_strconcat (cert, "\n", key != NULL ? key : "", NULL);
  explicit_bzero (cert, cert_len);
  if (key != NULL)
    explicit_bzero (key, key_len);
  secret = phonesec_secret_new (both, -1);
  explicit_bzero (both, strlen (both));
  phonesec_http_request_set_client_certificate (self, secret);
  return TRUE;
}

/* --- for the client ------------------------------------------------------- */

GInputStream *
phonesec_http_request_get_body (PhonesecHttpRequest *self, gint64 *length)
{
  *length = self->length;
  return self->body;
}

PhonesecSecret *
phonesec_http_request_get_client_certificate (PhonesecHttpRequest *self)
{
  return self->client_cert;
}

gboolean
phonesec_http_request_body_can_rewind (PhonesecHttpRequest *self)
{
  return self->body == NULL
         || (G_IS_SEEKABLE (self->body) && g_seekable_can_seek (G_SEEKABLE (self->body)));
}

gboolean
phonesec_http_request_check (PhonesecHttpRequest *self, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (self->url, G_URI_FLAGS_ENCODED, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0)
      || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0'
      || strlen (self->url) > PHONESEC_NETD_MAX_URL || !g_utf8_validate (self->url, -1, NULL))
    {
      g_set_error_literal (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                           "not an http:// or https:// URL with a host");
      return FALSE;
    }
  if (!phonesec_netd_check_method (self->method))
    {
      g_set_error_literal (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                           "not an HTTP method");
      return FALSE;
    }
  if (self->headers->len + 1 > PHONESEC_NETD_MAX_HEADERS)
    {
      g_set_error_literal (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                           "too many headers");
      return FALSE;
    }
  for (guint i = 0; i < self->headers->len; i++)
    {
      Header *h = &g_array_index (self->headers, Header, i);
      const char *value = h->secret != NULL ? phonesec_secret_peek (h->secret) : h->value;

      if (!phonesec_netd_check_header_name (h->name) || !phonesec_netd_check_header_value (value)
          || !g_utf8_validate (value, -1, NULL))
        {
          /* The name only: the value may be a secret. */
          g_set_error (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                       "header %.64s: not a token, or a value with CR, LF or invalid UTF-8",
                       g_utf8_validate (h->name, -1, NULL) ? h->name : "?");
          return FALSE;
        }
    }
  if (self->client_cert != NULL
      && strlen (phonesec_secret_peek (self->client_cert)) > PHONESEC_NETD_MAX_CLIENT_CERT)
    {
      g_set_error_literal (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                           "client certificate too large");
      return FALSE;
    }
  if (self->content_type != NULL && !phonesec_netd_check_header_value (self->content_type))
    {
      g_set_error_literal (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                           "bad Content-Type");
      return FALSE;
    }
  return TRUE;
}

GVariant *
phonesec_http_request_to_variant (PhonesecHttpRequest *self, guint32 flags)
{
  GVariantBuilder headers;

  g_variant_builder_init (&headers, G_VARIANT_TYPE ("a(ss)"));
  for (guint i = 0; i < self->headers->len; i++)
    {
      Header *h = &g_array_index (self->headers, Header, i);

      g_variant_builder_add (&headers, "(ss)", h->name,
                             h->secret != NULL ? phonesec_secret_peek (h->secret) : h->value);
    }
  if (self->body != NULL && self->content_type != NULL)
    g_variant_builder_add (&headers, "(ss)", "Content-Type", self->content_type);
  if (self->flags & PHONESEC_HTTP_NO_REDIRECT)
    flags |= PHONESEC_NETD_REQUEST_NO_REDIRECT;
  if (self->flags & PHONESEC_HTTP_NEW_CONNECTION)
    flags |= PHONESEC_NETD_REQUEST_NEW_CONNECTION;
  if (self->flags & PHONESEC_HTTP_PROVISIONING)
    flags |= PHONESEC_NETD_REQUEST_PROVISIONING;
  if (self->body != NULL)
    flags |= PHONESEC_NETD_REQUEST_HAS_BODY;
  if (self->client_cert != NULL)
    flags |= PHONESEC_NETD_REQUEST_CLIENT_CERT;
  return g_variant_new ("(ss@a(ss)xuu)", self->method, self->url, g_variant_builder_end (&headers),
                        self->body != NULL ? self->length : -1, flags, 0);
}
