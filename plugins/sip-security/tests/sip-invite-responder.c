/* sip-invite-responder.c: see sip-invite-responder.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "sip-invite-responder.h"

#define PHONE_TAG "phone"

struct _SipInviteResponder
{
  SipCallFunc call;
  GSocket *socket;
  guint16 port;
  gint64 time_offset; /* for the next Verify only */
  GPtrArray *authorizations;
  GPtrArray *reasons;
  char *last_challenge; /* the first WWW-Authenticate of the last 401 */
  guint verified;
  guint challenged;    /* Challenge calls */
  guint in_dialog;     /* re-INVITEs answered without Challenge */
  GHashTable *dialogs; /* Call-IDs of the INVITEs answered 200 (our tag "phone") */
};

static char *
header_of (char **lines, const char *name)
{
  gsize n = strlen (name);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_ascii_strncasecmp (lines[i], name, n) == 0 && lines[i][n] == ':')
      return g_strstrip (g_strdup (lines[i] + n + 1));
  return NULL;
}

static void
reply_to (SipInviteResponder *r, GSocketAddress *peer, char **lines, const char *status,
          const char *const *challenges)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *copied[] = { "Via", "From", "To", "Call-ID", "CSeq" };

  g_string_append_printf (out, "SIP/2.0 %s\r\n", status);
  for (guint h = 0; h < G_N_ELEMENTS (copied); h++)
    for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
      if (g_ascii_strncasecmp (lines[i], copied[h], strlen (copied[h])) == 0
          && lines[i][strlen (copied[h])] == ':')
        g_string_append_printf (out, "%s%s\r\n", lines[i],
                                g_str_equal (copied[h], "To") && g_str_has_prefix (status, "200")
                                        && strstr (lines[i], ";tag=") == NULL
                                    ? ";tag=" PHONE_TAG
                                    : "");
  for (guint i = 0; challenges != NULL && challenges[i] != NULL; i++)
    g_string_append_printf (out, "WWW-Authenticate: %s\r\n", challenges[i]);
  if (challenges != NULL && challenges[0] != NULL)
    {
      g_free (r->last_challenge);
      r->last_challenge = g_strdup (challenges[0]);
    }
  g_string_append (out, "Content-Length: 0\r\n\r\n");
  g_socket_send_to (r->socket, peer, out->str, out->len, NULL, NULL);
}

/* An INVITE with a To tag is inside a dialog (RFC 3261 §12.2): the stack
 * does not challenge it (SipSecurity.Challenge's contract) when the dialog
 * is one it established, and answers 481 when not (§12.2.2), so a forged
 * tag never skips Auth INVITE. TRUE when handled here. */
static gboolean
handle_in_dialog (SipInviteResponder *r, GSocketAddress *peer, char **lines)
{
  g_autofree char *to = header_of (lines, "To");
  g_autofree char *call_id = header_of (lines, "Call-ID");
  const char *tag = to != NULL ? strstr (to, ";tag=") : NULL;

  if (tag == NULL)
    return FALSE;
  if (call_id != NULL && g_hash_table_contains (r->dialogs, call_id)
      && g_str_equal (tag + strlen (";tag="), PHONE_TAG))
    {
      r->in_dialog++;
      reply_to (r, peer, lines, "200 OK", NULL);
    }
  else
    reply_to (r, peer, lines, "481 Call/Transaction Does Not Exist", NULL);
  return TRUE;
}

/* The phone's SIP stack: challenge an initial INVITE, check its answer. */
static void
handle_invite (SipInviteResponder *r, GSocketAddress *peer, char **lines)
{
  g_auto (GStrv) request = g_strsplit (lines[0], " ", 3);
  g_autofree char *authorization = header_of (lines, "Authorization");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_auto (GStrv) challenges = NULL;
  gboolean verified;
  const char *reason;
  GVariantDict options;

  if (handle_in_dialog (r, peer, lines))
    return;
  if (authorization == NULL)
    {
      r->challenged++;
      reply = r->call ("Challenge", g_variant_new ("(us)", 1, "INVITE"), "(as)", &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(^as)", &challenges);
      reply_to (r, peer, lines, "401 Unauthorized", (const char *const *) challenges);
      return;
    }
  g_variant_dict_init (&options, NULL);
  if (r->time_offset != 0)
    g_variant_dict_insert (&options, "time-offset", "x", r->time_offset);
  r->time_offset = 0;
  reply = r->call ("Verify",
                   g_variant_new ("(usss@a{sv})", 1, "INVITE", request[1], authorization,
                                  g_variant_dict_end (&options)),
                   "(bsas)", &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b&s^as)", &verified, &reason, &challenges);
  g_ptr_array_add (r->authorizations, g_strdup (authorization));
  g_ptr_array_add (r->reasons, g_strdup (reason));
  if (verified)
    {
      r->verified++;
      g_hash_table_add (r->dialogs, header_of (lines, "Call-ID"));
      reply_to (r, peer, lines, "200 OK", NULL);
    }
  else
    reply_to (r, peer, lines, "401 Unauthorized", (const char *const *) challenges);
}

static gboolean
on_datagram (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  SipInviteResponder *r = user_data;
  char buffer[8192];
  g_autoptr (GSocketAddress) peer = NULL;
  gssize n = g_socket_receive_from (socket, &peer, buffer, sizeof buffer - 1, NULL, NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (n <= 0)
    return G_SOURCE_CONTINUE;
  text = g_strndup (buffer, n);
  lines = g_strsplit (text, "\r\n", -1);
  if (g_str_has_prefix (lines[0], "INVITE "))
    handle_invite (r, peer, lines);
  return G_SOURCE_CONTINUE; /* ACKs need no answer */
}

SipInviteResponder *
sip_invite_responder_new (SipCallFunc call)
{
  SipInviteResponder *r = g_new0 (SipInviteResponder, 1);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GSource) source = NULL;
  g_autoptr (GError) error = NULL;

  r->socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (r->socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (r->socket, &error);
  r->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  source = g_socket_create_source (r->socket, G_IO_IN, NULL);
  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) on_datagram, r, NULL);
  g_source_attach (source, NULL);
  r->call = call;
  r->authorizations = g_ptr_array_new_with_free_func (g_free);
  r->reasons = g_ptr_array_new_with_free_func (g_free);
  r->dialogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return r;
}

void
sip_invite_responder_free (SipInviteResponder *r)
{
  g_socket_close (r->socket, NULL);
  g_object_unref (r->socket);
  g_ptr_array_unref (r->authorizations);
  g_ptr_array_unref (r->reasons);
  g_free (r->last_challenge);
  g_hash_table_unref (r->dialogs);
  g_free (r);
}

guint16
sip_invite_responder_get_port (SipInviteResponder *r)
{
  return r->port;
}

void
sip_invite_responder_set_time_offset (SipInviteResponder *r, gint64 seconds)
{
  r->time_offset = seconds;
}

const GPtrArray *
sip_invite_responder_get_reasons (SipInviteResponder *r)
{
  return r->reasons;
}

const GPtrArray *
sip_invite_responder_get_authorizations (SipInviteResponder *r)
{
  return r->authorizations;
}

const char *
sip_invite_responder_get_last_challenge (SipInviteResponder *r)
{
  return r->last_challenge;
}

guint
sip_invite_responder_get_verified (SipInviteResponder *r)
{
  return r->verified;
}

guint
sip_invite_responder_get_challenged (SipInviteResponder *r)
{
  return r->challenged;
}

guint
sip_invite_responder_get_in_dialog (SipInviteResponder *r)
{
  return r->in_dialog;
}
