/* phonesec-prt-form.c: see the header.
 *
 * The parts are kept as they are added; the boundary is chosen at the end,
 * 32 random hex digits, again until it occurs in no part (it never does in
 * practice, but a report is arbitrary bytes).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <string.h>

#include "phonesec-prt-form.h"

typedef struct
{
  GBytes *head; /* the part's headers, blank line included */
  GBytes *data;
} Part;

struct _PhonesecPrtForm
{
  GArray *parts; /* Part */
};

static void
part_clear (Part *part)
{
  g_bytes_unref (part->head);
  g_bytes_unref (part->data);
}

PhonesecPrtForm *
phonesec_prt_form_new (void)
{
  PhonesecPrtForm *self = g_new0 (PhonesecPrtForm, 1);

  self->parts = g_array_new (FALSE, FALSE, sizeof (Part));
  g_array_set_clear_func (self->parts, (GDestroyNotify) part_clear);
  return self;
}

/* A quoted-string of RFC 9110 for a name or file name. */
static void
append_quoted (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if (*p != '\r' && *p != '\n')
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
add_part (PhonesecPrtForm *self, const char *name, const char *filename, const char *content_type,
          GBytes *data)
{
  GString *head = g_string_new ("Content-Disposition: form-data; name=");
  Part part;

  append_quoted (head, name);
  if (filename != NULL)
    {
      g_string_append (head, "; filename=");
      append_quoted (head, filename);
    }
  g_string_append (head, "\r\n");
  if (content_type != NULL)
    g_string_append_printf (head, "Content-Type: %s\r\n", content_type);
  g_string_append (head, "\r\n");
  part.head = g_string_free_to_bytes (head);
  part.data = g_bytes_ref (data);
  g_array_append_val (self->parts, part);
}

void
phonesec_prt_form_add_field (PhonesecPrtForm *self, const char *name, const char *value)
{
  g_autoptr (GBytes) data = g_bytes_new (value, strlen (value));

  add_part (self, name, NULL, NULL, data);
}

void
phonesec_prt_form_add_file (PhonesecPrtForm *self, const char *name, const char *filename,
                            const char *content_type, GBytes *data)
{
  add_part (self, name, filename, content_type, data);
}

static gboolean
boundary_is_free (PhonesecPrtForm *self, const char *boundary)
{
  gsize blen = strlen (boundary);

  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = &g_array_index (self->parts, Part, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (part->data, &len);

      if (len >= blen && memmem (data, len, boundary, blen) != NULL)
        return FALSE;
    }
  return TRUE;
}

GBytes *
phonesec_prt_form_finish (PhonesecPrtForm *self, char **content_type)
{
  g_autofree char *boundary = NULL;
  GByteArray *body = g_byte_array_new ();

  do
    {
      g_free (boundary);
      boundary = g_strdup_printf ("phonesec-%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                  g_random_int (), g_random_int ());
    }
  while (!boundary_is_free (self, boundary));
  for (guint i = 0; i < self->parts->len; i++)
    {
      Part *part = &g_array_index (self->parts, Part, i);
      g_autofree char *delimiter = g_strdup_printf ("--%s\r\n", boundary);

      g_byte_array_append (body, (const guint8 *) delimiter, strlen (delimiter));
      g_byte_array_append (body, g_bytes_get_data (part->head, NULL),
                           g_bytes_get_size (part->head));
      g_byte_array_append (body, g_bytes_get_data (part->data, NULL),
                           g_bytes_get_size (part->data));
      g_byte_array_append (body, (const guint8 *) "\r\n", 2);
    }
  {
    g_autofree char *close = g_strdup_printf ("--%s--\r\n", boundary);
    g_byte_array_append (body, (const guint8 *) close, strlen (close));
  }
  *content_type = g_strdup_printf ("multipart/form-data; boundary=%s", boundary);
  g_array_unref (self->parts);
  g_free (self);
  return g_byte_array_free_to_bytes (body);
}
