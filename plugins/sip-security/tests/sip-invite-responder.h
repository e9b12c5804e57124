/* sip-invite-responder.h: the phone's SIP stack, as much of it as Auth
 * INVITE needs, for the tests: a UDP socket on 127.0.0.1 that answers an
 * initial INVITE (no To tag) with a 401 carrying SipSecurity.Challenge's
 * values, and its answer with 200 OK or another 401, as SipSecurity.Verify
 * says. A re-INVITE (To tag) of a dialog it established gets 200 OK without
 * Challenge or Verify; one of no such dialog gets 481, as the contract of
 * Challenge asks of the stack. ACKs need no answer. It runs on the default main context.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A synchronous SipSecurity call (the test's, which records replies). */
typedef GVariant *(*SipCallFunc) (const char *method, GVariant *args, const char *reply_type,
                                  GError **error);

typedef struct _SipInviteResponder SipInviteResponder;

SipInviteResponder *sip_invite_responder_new (SipCallFunc call);
void sip_invite_responder_free (SipInviteResponder *r);

guint16 sip_invite_responder_get_port (SipInviteResponder *r);
/* Seconds added to the clock for the next Verify only (Verify's
 * time-offset option): an answer that arrives "late". */
void sip_invite_responder_set_time_offset (SipInviteResponder *r, gint64 seconds);

/* What Verify said of each answer ("" when verified), and the answers. */
const GPtrArray *sip_invite_responder_get_reasons (SipInviteResponder *r);
const GPtrArray *sip_invite_responder_get_authorizations (SipInviteResponder *r);
/* The first WWW-Authenticate value of the last 401 sent. */
const char *sip_invite_responder_get_last_challenge (SipInviteResponder *r);
guint sip_invite_responder_get_verified (SipInviteResponder *r);
/* How many times it called Challenge; how many re-INVITEs it accepted. */
guint sip_invite_responder_get_challenged (SipInviteResponder *r);
guint sip_invite_responder_get_in_dialog (SipInviteResponder *r);

G_END_DECLS
