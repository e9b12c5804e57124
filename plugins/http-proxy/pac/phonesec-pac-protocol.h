/* phonesec-pac-protocol.h: the pipe protocol between PhonesecPacRunner
 * (in phonesecd) and phonesec-pac-helper. Shared by both sides; plain C, no
 * GLib, so the helper stays small.
 *
 * Framing: every message is a frame
 *
 *   uint32 length, big-endian (1 .. PAC_FRAME_MAX)
 *   length bytes: one type byte, then the payload
 *
 * Fields inside a payload are separated by a NUL byte; no field may contain
 * one (the runner refuses scripts and URLs with NUL bytes).
 *
 * Daemon → helper                       Helper → daemon
 *   'S' script source       (reply)       'O' script loaded; payload "Ex" when
 *   'U' unload              (reply)           FindProxyForURLEx is defined, else
 *   'A' my addresses, NUL-separated           empty (reply to 'S' and 'U')
 *       (no reply)                        'R' FindProxyForURL result (reply to 'F')
 *   'F' url NUL host        (reply)       'E' kind byte, then a message (reply to
 *   'd' DNS answer: addresses,                'S' or 'F'); kinds: PAC_ERR_*
 *       NUL-separated; empty = not found  'D' DNS question: '4' (IPv4 only) or
 *                                             '*' (any family), then the name
 *                                         'L' alert() text (at most
 *                                             PAC_ALERT_MAX bytes)
 *
 * The helper handles one request at a time, in order: every 'S', 'U' and
 * 'F' gets exactly one reply, so the daemon may pipeline requests and match
 * replies in order. While evaluating, the helper may send 'D' and then waits
 * for the single 'd' answering it (DNS is resolved by the daemon: the helper
 * has no network access at all); requests arriving meanwhile are kept and
 * handled in order afterwards, and a 'd' nobody waits for is ignored. 'L'
 * frames need no answer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* The largest script accepted, checked by the runner before sending it and
 * by the helper again. */
#define PAC_SCRIPT_MAX (1024 * 1024)
/* The longest URL handed to the script. */
#define PAC_URL_MAX (64 * 1024)
#define PAC_FRAME_MAX (PAC_SCRIPT_MAX + PAC_URL_MAX + 16)
/* The longest FindProxyForURL result accepted. */
#define PAC_RESULT_MAX (32 * 1024)
#define PAC_ALERT_MAX 1024
/* Heap cap of the script (the duktape allocator refuses beyond it). */
#define PAC_HEAP_MAX_MIB 64
/* DNS questions per request, after which names are "not found". */
#define PAC_DNS_MAX_PER_CALL 16

#define PAC_ERR_SYNTAX 's' /* script does not compile; message has the line */
#define PAC_ERR_NO_FUNCTION 'n'
#define PAC_ERR_EXCEPTION 'x'  /* the script threw; message is the exception */
#define PAC_ERR_NOT_STRING 't' /* message is the type of what it returned */
#define PAC_ERR_MEMORY 'm'
#define PAC_ERR_TOO_BIG 'b'
#define PAC_ERR_NO_SCRIPT 'u'
#define PAC_ERR_RESULT_TOO_LONG 'r'
#define PAC_ERR_PROTOCOL 'p'
#define PAC_ERR_FATAL 'f' /* duktape gave up; the helper exits after it */
