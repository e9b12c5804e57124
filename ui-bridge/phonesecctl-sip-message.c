/* phonesecctl-sip-message.c: REGISTER out, responses in.
 *
 * Enough of RFC 3261 for a registration probe, not a SIP stack: no
 * multipart bodies, no compact forms beyond those registrars use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
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

static gboolean
parse_status_line (PhonesecctlSipResponse *response, const char *line, GError **error)
{
  guint64 status;
  g_auto (GStrv) parts = g_strsplit (line, " ", 3);

  if (g_strv_length (parts) < 2 || !g_str_equal (parts[0], "SIP/2.0")
      || !g_ascii_string_to_unsigned (parts[1], 10, 100, 699, &status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("The server's answer is not a SIP response: %.60s"), line);
      return FALSE;
    }
  response->status = (guint) status;
  response->reason = g_strdup (parts[2] != NULL ? parts[2] : "");
  return TRUE;
}

static gboolean
parse_headers (PhonesecctlSipResponse *response, char **lines, GError **error)
{
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *colon;

      if ((lines[i][0] == ' ' || lines[i][0] == '\t') && response->values->len > 0)
        {
          char *joined
              = g_strconcat (g_ptr_array_index (response->values, response->values->len - 1), " ",
                             g_strstrip (lines[i]), NULL);

          g_free (response->values->pdata[response->values->len - 1]);
          response->values->pdata[response->values->len - 1] = joined;
          continue;
        }
      colon = strchr (lines[i], ':');
      if (colon == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _ ("The server's response has a header line without ':': %.60s"), lines[i]);
          return FALSE;
        }
      g_ptr_array_add (response->names, g_strstrip (g_strndup (lines[i], colon - lines[i])));
      g_ptr_array_add (response->values, g_strstrip (g_strdup (colon + 1)));
    }
  return TRUE;
}

PhonesecctlSipResponse *
phonesecctl_sip_response_parse (const char *data, gsize len, gboolean *complete, GError **error)
{
  const char *end = g_strstr_len (data, len, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (PhonesecctlSipResponse) response = g_new0 (PhonesecctlSipResponse, 1);
  const char *length_text;
  guint64 body = 0;

  *complete = FALSE;
  response->names = g_ptr_array_new_with_free_func (g_free);
  response->values = g_ptr_array_new_with_free_func (g_free);
  if (end == NULL)
    {
      if (len > PHONESECCTL_SIP_MAX_MESSAGE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                     _ ("The server's response is larger than %d bytes"),
                     PHONESECCTL_SIP_MAX_MESSAGE);
      return NULL;
    }
  head = g_strndup (data, end - data);
  lines = g_strsplit (head, "\r\n", -1);
  if (!parse_status_line (response, lines[0], error) || !parse_headers (response, lines, error))
    return NULL;
  length_text = phonesecctl_sip_response_get (response, "Content-Length");
  if (length_text != NULL
      && !g_ascii_string_to_unsigned (length_text, 10, 0, PHONESECCTL_SIP_MAX_MESSAGE, &body, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("The server's response has a bad Content-Length: %.20s"), length_text);
      return NULL;
    }
  response->length = (end - data) + 4 + body;
  if (response->length > len)
    return NULL;
  *complete = TRUE;
  return g_steal_pointer (&response);
}
