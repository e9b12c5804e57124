/* phonesec-http-response.c: an answer from the network service; its body
 * is a feed stream the client fills as DATA frames arrive.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-http-private.h"

struct _PhonesecHttpResponse
{
  GObject parent_instance;

  guint status;
  char *reason;
  GVariant *headers; /* a(ss) */
  gint64 length;
  GVariant *tls_info; /* a{sv} or NULL */
  char *remote_address;
  PhonesecNetdFeedStream *body;
};

G_DEFINE_FINAL_TYPE (PhonesecHttpResponse, phonesec_http_response, G_TYPE_OBJECT)

static void
phonesec_http_response_finalize (GObject *object)
{
  PhonesecHttpResponse *self = PHONESEC_HTTP_RESPONSE (object);

  g_free (self->reason);
  g_free (self->remote_address);
  g_clear_pointer (&self->headers, g_variant_unref);
  g_clear_pointer (&self->tls_info, g_variant_unref);
  g_clear_object (&self->body);
  G_OBJECT_CLASS (phonesec_http_response_parent_class)->finalize (object);
}

static void
phonesec_http_response_class_init (PhonesecHttpResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_http_response_finalize;
}

static void
phonesec_http_response_init (PhonesecHttpResponse *self)
{
}

PhonesecHttpResponse *
phonesec_http_response_new (guint status, const char *reason, GVariant *headers, gint64 length,
                            GVariant *tls_info, const char *remote_address,
                            PhonesecNetdFeedStream *body)
{
  PhonesecHttpResponse *self = g_object_new (PHONESEC_TYPE_HTTP_RESPONSE, NULL);

  self->status = status;
  self->reason = g_strdup (reason);
  self->headers = g_variant_ref_sink (headers);
  self->length = length;
  self->tls_info = tls_info != NULL ? g_variant_ref_sink (tls_info) : NULL;
  self->remote_address = g_strdup (remote_address);
  self->body = g_object_ref (body);
  return self;
}

const char *
phonesec_http_response_get_remote_address (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), NULL);
  return self->remote_address;
}

guint
phonesec_http_response_get_status (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), 0);
  return self->status;
}

const char *
phonesec_http_response_get_reason (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), NULL);
  return self->reason;
}

const char *
phonesec_http_response_get_header (PhonesecHttpResponse *self, const char *name)
{
  GVariantIter iter;
  const char *key, *value;

  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), NULL);
  g_variant_iter_init (&iter, self->headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &key, &value))
    if (g_ascii_strcasecmp (key, name) == 0)
      return value;
  return NULL;
}

GVariant *
phonesec_http_response_get_headers (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), NULL);
  return self->headers;
}

gint64
phonesec_http_response_get_content_length (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), -1);
  return self->length;
}

GInputStream *
phonesec_http_response_get_body (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), NULL);
  return G_INPUT_STREAM (self->body);
}

GVariant *
phonesec_http_response_get_tls_info (PhonesecHttpResponse *self)
{
  g_return_val_if_fail (PHONESEC_IS_HTTP_RESPONSE (self), NULL);
  return self->tls_info;
}
