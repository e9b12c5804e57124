/* phonesec-netd-protocol.c: framing and the checks every received frame
 * goes through. Pure functions: the fuzz target drives them through the
 * daemon's dispatch (tests/fuzz/fuzz-netd-protocol.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-netd-protocol.h"

#define MAX_HEADER_VALUE (8 * 1024)

/* The quark's name is the macro argument spelt out. */
/* clang-format off */
G_DEFINE_QUARK (phonesec-netd-error-quark, phonesec_netd_error)
/* clang-format on */

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

int
phonesec_netd_frame_split (const guint8 *data, gsize len, gsize max_length,
                           PhonesecNetdFrame *frame, gsize *consumed, GError **error)
{
  guint32 length;

  if (len < 4)
    return 0;
  length = read_be32 (data);
  /* type + id at least; the bound before any allocation. */
  if (length < PHONESEC_NETD_HEADER_SIZE - 4 || length > max_length)
    {
      g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_FRAME,
                   "frame length %u outside 5..%" G_GSIZE_FORMAT, length, max_length);
      return -1;
    }
  if (len - 4 < length)
    return 0;
  frame->type = data[4];
  frame->id = read_be32 (data + 5);
  frame->payload = data + PHONESEC_NETD_HEADER_SIZE;
  frame->length = length - (PHONESEC_NETD_HEADER_SIZE - 4);
  *consumed = 4 + (gsize) length;
  return 1;
}

static guint8 *
frame_alloc (guint8 type, guint32 id, gsize len)
{
  guint8 *data = g_malloc (PHONESEC_NETD_HEADER_SIZE + len);
  guint32 length = GUINT32_TO_BE ((guint32) (len + PHONESEC_NETD_HEADER_SIZE - 4));
  guint32 be_id = GUINT32_TO_BE (id);

  memcpy (data, &length, 4);
  data[4] = type;
  memcpy (data + 5, &be_id, 4);
  return data;
}

GBytes *
phonesec_netd_frame_new (guint8 type, guint32 id, const void *payload, gsize len)
{
  guint8 *data = frame_alloc (type, id, len);

  if (len > 0)
    memcpy (data + PHONESEC_NETD_HEADER_SIZE, payload, len);
  return g_bytes_new_take (data, PHONESEC_NETD_HEADER_SIZE + len);
}

typedef struct
{
  guint8 *data;
  gsize len;
} Sensitive;

static void
sensitive_free (gpointer user_data)
{
  Sensitive *s = user_data;

  explicit_bzero (s->data, s->len);
  g_free (s->data);
  g_free (s);
}

static GBytes *
bytes_new_sensitive (guint8 *data, gsize len)
{
  Sensitive *s = g_new (Sensitive, 1);

  s->data = data;
  s->len = len;
  return g_bytes_new_with_free_func (data, len, sensitive_free, s);
}

GBytes *
phonesec_netd_frame_new_secret (guint8 type, guint32 id, const void *payload, gsize len)
{
  guint8 *data = frame_alloc (type, id, len);

  if (len > 0)
    memcpy (data + PHONESEC_NETD_HEADER_SIZE, payload, len);
  return bytes_new_sensitive (data, PHONESEC_NETD_HEADER_SIZE + len);
}

GBytes *
phonesec_netd_frame_new_variant (guint8 type, guint32 id, GVariant *value, gboolean sensitive)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (value);
  gsize len = g_variant_get_size (owned);
  guint8 *data = frame_alloc (type, id, len);

  /* g_variant_store() wants aligned memory; the payload is not. */
  if (len > 0)
    memcpy (data + PHONESEC_NETD_HEADER_SIZE, g_variant_get_data (owned), len);
  if (!sensitive)
    return g_bytes_new_take (data, PHONESEC_NETD_HEADER_SIZE + len);
  return bytes_new_sensitive (data, PHONESEC_NETD_HEADER_SIZE + len);
}

GVariant *
phonesec_netd_frame_parse (const PhonesecNetdFrame *frame, const char *type_string, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_new (frame->payload, frame->length);
  g_autoptr (GVariant) value
      = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type_string), bytes, FALSE));

  /* Normal form: every offset in range, every string valid UTF-8 and
   * terminated, nothing left over; the only form either side writes. */
  if (!g_variant_is_normal_form (value))
    {
      g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_PAYLOAD,
                   "frame 0x%02x is not a %s in normal form", frame->type, type_string);
      return NULL;
    }
  return g_steal_pointer (&value);
}

gboolean
phonesec_netd_frame_check_empty (const PhonesecNetdFrame *frame, GError **error)
{
  if (frame->length == 0)
    return TRUE;
  g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_PAYLOAD,
               "frame 0x%02x must be empty, has %" G_GSIZE_FORMAT " bytes", frame->type,
               frame->length);
  return FALSE;
}

/* RFC 9110 token characters. */
static gboolean
is_tchar (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

gboolean
phonesec_netd_check_header_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > 256)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!is_tchar (name[i]))
      return FALSE;
  return TRUE;
}

gboolean
phonesec_netd_check_header_value (const char *value)
{
  gsize len = strlen (value);

  return len <= MAX_HEADER_VALUE && strpbrk (value, "\r\n") == NULL;
}

gboolean
phonesec_netd_check_method (const char *method)
{
  return strlen (method) <= 32 && phonesec_netd_check_header_name (method);
}

gboolean
phonesec_netd_check_headers (GVariant *headers, GError **error)
{
  GVariantIter iter;
  const char *name, *value;

  if (g_variant_n_children (headers) > PHONESEC_NETD_MAX_HEADERS)
    {
      g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_PAYLOAD,
                   "%" G_GSIZE_FORMAT " headers, at most %u", g_variant_n_children (headers),
                   PHONESEC_NETD_MAX_HEADERS);
      return FALSE;
    }
  g_variant_iter_init (&iter, headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &value))
    if (!phonesec_netd_check_header_name (name) || !phonesec_netd_check_header_value (value))
      {
        g_set_error_literal (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_PAYLOAD,
                             "a header name that is not a token, or a value with CR or LF");
        return FALSE;
      }
  return TRUE;
}

char *
phonesec_netd_clean_text (const char *text, gsize max)
{
  gsize len = strlen (text);
  char *clean;

  /* Cut on a character boundary. */
  if (len > max)
    len = g_utf8_find_prev_char (text, text + max + 1) - text;
  clean = g_utf8_make_valid (text, len);
  for (char *p = clean; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  return clean;
}
