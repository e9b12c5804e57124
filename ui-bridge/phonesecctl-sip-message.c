/* phonesecctl-sip-message.c: REGISTER out, responses in.
 *
 * Enough of RFC 3261 for a registration probe, not a SIP stack: no
 * multipart bodies, no compact forms beyond those registrars use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <glib/gi18n.h>
#include <string.h>

#include "phonesecctl-sip-message.h"

static char *
random_token (void)
{
  return g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
}

char *
phonesecctl_sip_register_to_string (const PhonesecctlSipRegister *r)
{
  GString *out = g_string_new (NULL);
  g_autofree char *branch = random_token ();
  g_autofree char *user = g_uri_escape_string (r->user, "!$&'()*+,;=?/-_.~", FALSE);
  const char *param = g_ascii_strcasecmp (r->transport, "UDP") == 0   ? ""
                      : g_ascii_strcasecmp (r->transport, "TCP") == 0 ? ";transport=tcp"
                                                                      : ";transport=tls";

  g_string_append_printf (out, "REGISTER %s SIP/2.0\r\n", r->request_uri);
  g_string_append_printf (out, "Via: SIP/2.0/%s %s;branch=z9hG4bK%s;rport\r\n", r->transport,
                          r->local, branch);
  g_string_append (out, "Max-Forwards: 70\r\n");
  g_string_append_printf (out, "From: <sip:%s@%s>;tag=%s\r\n", user, r->domain, r->from_tag);
  g_string_append_printf (out, "To: <sip:%s@%s>\r\n", user, r->domain);
  g_string_append_printf (out, "Call-ID: %s\r\n", r->call_id);
  g_string_append_printf (out, "CSeq: %u REGISTER\r\n", r->cseq);
  g_string_append_printf (out, "Contact: <sip:%s@%s%s>\r\n", user, r->local, param);
  g_string_append_printf (out, "Expires: %u\r\n", r->expires);
  for (guint i = 0; r->extra_headers != NULL && r->extra_headers[i] != NULL; i++)
    g_string_append_printf (out, "%s\r\n", r->extra_headers[i]);
  g_string_append (out, "User-Agent: phonesecctl/" PACKAGE_VERSION "\r\n");
  g_string_append (out, "Content-Length: 0\r\n\r\n");
  return g_string_free (out, FALSE);
}

void
phonesecctl_sip_response_free (PhonesecctlSipResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->reason);
  g_ptr_array_unref (response->names);
  g_ptr_array_unref (response->values);
  g_free (response);
}

static const char *
long_name (const char *name)
{
  static const char *const compact[][2] = {
    { "i", "Call-ID" }, { "l", "Content-Length" }, { "v", "Via" }, { "f", "From" },
    { "t", "To" },      { "m", "Contact" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (compact); i++)
    if (g_ascii_strcasecmp (name, compact[i][0]) == 0)
      return compact[i][1];
  return name;
}

GPtrArray *
phonesecctl_sip_response_get_all (const PhonesecctlSipResponse *response, const char *name)
{
  GPtrArray *values = g_ptr_array_new ();

  for (guint i = 0; i < response->names->len; i++)
    if (g_ascii_strcasecmp (long_name (response->names->pdata[i]), name) == 0)
      g_ptr_array_add (values, response->values->pdata[i]);
  return values;
}

const char *
phonesecctl_sip_response_get (const PhonesecctlSipResponse *response, const char *name)
{
  g_autoptr (GPtrArray) values = phonesecctl_sip_response_get_all (response, name);

  return values->len > 0 ? values->pdata[0] : NULL;
}

/* At most 60 characters of @line, cut between characters (the head was
 * checked as UTF-8 without control characters before). */
static char *
excerpt (const char *line)
{
  if (g_utf8_strlen (line, -1) <= 60)
    return g_strdup (line);
  return g_utf8_substring (line, 0, 60);
}

/* "@what: @line" (its start). */
static gboolean
invalid (GError **error, const char *what, const char *line)
{
  g_autofree char *quoted = excerpt (line);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", what, quoted);
  return FALSE;
}

static gboolean
refuse (GError **error, const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return FALSE;
}

/* "SIP/2.0 SP 3DIGIT SP Reason-Phrase" (RFC 3261 §7.2). */
static gboolean
parse_status_line (PhonesecctlSipResponse *response, const char *line, GError **error)
{
  guint64 status;
  g_auto (GStrv) parts = g_strsplit (line, " ", 3);

  if (g_strv_length (parts) < 2 || !g_str_equal (parts[0], "SIP/2.0") || strlen (parts[1]) != 3
      || !g_ascii_isdigit (parts[1][0])
      || !g_ascii_string_to_unsigned (parts[1], 10, 100, 699, &status, NULL))
    return invalid (error, _ ("The server's answer is not a SIP response"), line);
  response->status = (guint) status;
  response->reason = g_strdup (parts[2] != NULL ? parts[2] : "");
  return TRUE;
}

/* A continuation line (RFC 3261 §7.3.1) joined to the header before it. */
static gboolean
fold_into_last (PhonesecctlSipResponse *response, char *line, GError **error)
{
  char **last;
  char *joined;

  if (response->values->len == 0)
    return invalid (error, _ ("The server's response starts its headers with a continuation"),
                    line);
  last = (char **) &response->values->pdata[response->values->len - 1];
  joined = g_strconcat (*last, " ", g_strstrip (line), NULL);
  g_free (*last);
  *last = joined;
  return TRUE;
}

static gboolean
parse_headers (PhonesecctlSipResponse *response, char **lines, GError **error)
{
  for (guint i = 1; lines[i] != NULL; i++)
    {
      const char *colon;
      char *name;

      if (lines[i][0] == ' ' || lines[i][0] == '\t')
        {
          if (!fold_into_last (response, lines[i], error))
            return FALSE;
          continue;
        }
      if (response->names->len == PHONESECCTL_SIP_MAX_HEADERS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _ ("The server's response has more than %d headers"),
                       PHONESECCTL_SIP_MAX_HEADERS);
          return FALSE;
        }
      colon = strchr (lines[i], ':');
      if (colon == NULL)
        return invalid (error, _ ("The server's response has a header line without ':'"), lines[i]);
      name = g_strstrip (g_strndup (lines[i], colon - lines[i]));
      g_ptr_array_add (response->names, name);
      g_ptr_array_add (response->values, g_strstrip (g_strdup (colon + 1)));
      if (name[0] == '\0' || strpbrk (name, " \t") != NULL)
        return invalid (error, _ ("The server's response has a bad header name"), lines[i]);
    }
  return TRUE;
}

/* The head is UTF-8 text whose only control characters are HT and the CRLF
 * line ends: what reaches the terminal or an error message cannot move the
 * cursor or forge a line. */
static gboolean
check_head_text (const char *head, gsize len, GError **error)
{
  if (memchr (head, '\0', len) != NULL)
    return refuse (error, _ ("The server's response has a NUL byte in its headers"));
  if (!g_utf8_validate_len (head, len, NULL))
    return refuse (error, _ ("The server's response headers are not UTF-8"));
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) head[i];
      gboolean line_end = (c == '\r' && i + 1 < len && head[i + 1] == '\n')
                          || (c == '\n' && i > 0 && head[i - 1] == '\r');

      if ((c < 0x20 && c != '\t' && !line_end) || c == 0x7f)
        return refuse (error, _ ("The server's response has a control character in its headers"));
    }
  return TRUE;
}

/* Content-Length (or l), the same in every copy: 0 when absent. */
static gboolean
body_length (const PhonesecctlSipResponse *response, guint64 *body, GError **error)
{
  g_autoptr (GPtrArray) all = phonesecctl_sip_response_get_all (response, "Content-Length");

  *body = 0;
  for (guint i = 0; i < all->len; i++)
    {
      guint64 value;

      if (!g_ascii_isdigit (((const char *) all->pdata[i])[0])
          || !g_ascii_string_to_unsigned (all->pdata[i], 10, 0, PHONESECCTL_SIP_MAX_MESSAGE, &value,
                                          NULL)
          || (i > 0 && value != *body))
        return invalid (error, _ ("The server's response has a bad Content-Length"), all->pdata[i]);
      *body = value;
    }
  return TRUE;
}

/* Where the head ends (the blank line), or NULL with @error set when no
 * head can be coming. */
static const char *
find_head_end (const char *data, gsize len, GError **error)
{
  const char *end = memmem (data, len, "\r\n\r\n", 4);

  if (end == NULL || end - data > PHONESECCTL_SIP_MAX_MESSAGE)
    {
      if (len > PHONESECCTL_SIP_MAX_MESSAGE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                     _ ("The server's response is larger than %d bytes"),
                     PHONESECCTL_SIP_MAX_MESSAGE);
      else if (memchr (data, '\0', len) != NULL)
        check_head_text (data, len, error);
      else if (memmem (data, len, "\n\n", 2) != NULL)
        refuse (error, _ ("The server's response does not end its lines with CRLF"));
      return NULL;
    }
  return end;
}

static PhonesecctlSipResponse *
response_new (void)
{
  PhonesecctlSipResponse *response = g_new0 (PhonesecctlSipResponse, 1);

  response->names = g_ptr_array_new_with_free_func (g_free);
  response->values = g_ptr_array_new_with_free_func (g_free);
  return response;
}

PhonesecctlSipResponse *
phonesecctl_sip_response_parse (const char *data, gsize len, gboolean *complete, GError **error)
{
  g_autoptr (PhonesecctlSipResponse) response = response_new ();
  gsize skipped = 0;
  const char *end;
  g_autofree char *head = NULL;
  g_auto (GStrv) lines = NULL;
  guint64 body = 0;

  *complete = FALSE;
  /* A stream may carry CRLFs before a message (RFC 3261 §7.5, RFC 5626
   * keep-alives). */
  while (skipped + 1 < len && data[skipped] == '\r' && data[skipped + 1] == '\n')
    skipped += 2;
  end = find_head_end (data + skipped, len - skipped, error);
  if (end == NULL)
    return NULL;
  if (!check_head_text (data + skipped, end - (data + skipped), error))
    return NULL;
  head = g_strndup (data + skipped, end - (data + skipped));
  lines = g_strsplit (head, "\r\n", -1);
  if (!parse_status_line (response, lines[0], error) || !parse_headers (response, lines, error)
      || !body_length (response, &body, error))
    return NULL;
  response->length = (end - data) + 4 + body;
  if (response->length > len)
    return NULL;
  *complete = TRUE;
  return g_steal_pointer (&response);
}
