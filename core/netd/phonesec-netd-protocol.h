/* phonesec-netd-protocol.h: the private channel between phonesecd and
 * phonesec-netd, its network service. Shared by both sides.
 *
 * A stream socket (socketpair) carries frames:
 *
 *   uint32 length, big-endian: the bytes that follow (5 .. the receiver's
 *                              maximum, PHONESEC_NETD_MAX_TO_DAEMON or
 *                              PHONESEC_NETD_MAX_TO_HELPER)
 *   uint8  type
 *   uint32 id, big-endian      the request, proxy lookup or ping it is about
 *                              (0 for frames about the whole service)
 *   payload                    raw bytes (body data, the trust store) or one
 *                              GVariant of the type fixed for the frame type,
 *                              serialized in normal form
 *
 * doc/network-service.md describes every frame, the order they come in and
 * the flow control of bodies. The daemon treats whatever the helper sends as
 * hostile: a frame that is too long, of an unknown type, not in normal form,
 * out of order or over its flow-control window is a protocol violation, and
 * the helper is killed and restarted.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_NETD_PROTOCOL_VERSION 1

/* length + type + id */
#define PHONESEC_NETD_HEADER_SIZE 9
/* The largest length field each side accepts. The helper's frames are
 * small; the daemon's largest is the trust store (the system CA bundle). */
#define PHONESEC_NETD_MAX_TO_DAEMON (128 * 1024)
#define PHONESEC_NETD_MAX_TO_HELPER (8 * 1024 * 1024)
/* The largest body chunk in one DATA frame, each way. */
#define PHONESEC_NETD_CHUNK_MAX (64 * 1024)
#define PHONESEC_NETD_UPLOAD_CHUNK_MAX (256 * 1024)
/* Body bytes one side may send for a request before the other grants more
 * (CREDIT): what either side buffers per request at most. Uploads get a
 * larger window: phonesecd streams them from files. */
#define PHONESEC_NETD_WINDOW (256 * 1024)
#define PHONESEC_NETD_UPLOAD_WINDOW (1024 * 1024)
/* More credit than this outstanding is a violation. */
#define PHONESEC_NETD_MAX_CREDIT (4 * PHONESEC_NETD_UPLOAD_WINDOW)
#define PHONESEC_NETD_MAX_URL (16 * 1024)
#define PHONESEC_NETD_MAX_HEADERS 128
#define PHONESEC_NETD_MAX_REASON 256
#define PHONESEC_NETD_MAX_MESSAGE 1024
#define PHONESEC_NETD_MAX_INFO 2048
/* Proxy lookups the helper may have waiting on the daemon. */
#define PHONESEC_NETD_MAX_LOOKUPS 64

/* Daemon → helper. */
typedef enum
{
  PHONESEC_NETD_TO_HELPER_TRUST = 'T',         /* id 0; PEM: the whole trust store */
  PHONESEC_NETD_TO_HELPER_CONFIG = 'C',        /* id 0; a{sv} */
  PHONESEC_NETD_TO_HELPER_REQUEST = 'Q',       /* (ssa(ss)xuu) */
  PHONESEC_NETD_TO_HELPER_BODY_DATA = 'D',     /* raw */
  PHONESEC_NETD_TO_HELPER_BODY_END = 'E',      /* empty */
  PHONESEC_NETD_TO_HELPER_BODY_REWOUND = 'r',  /* empty: the body starts again */
  PHONESEC_NETD_TO_HELPER_BODY_FILE = 'F',     /* (tt) offset, length; with a descriptor */
  PHONESEC_NETD_TO_HELPER_CLIENT_CERT = 'Z',   /* PEM: certificate(s) and key; a secret */
  PHONESEC_NETD_TO_HELPER_CREDIT = 'W',        /* (u) more response bytes */
  PHONESEC_NETD_TO_HELPER_CANCEL = 'X',        /* empty */
  PHONESEC_NETD_TO_HELPER_PROXY_ANSWER = 'P',  /* (as); empty: the lookup failed */
  PHONESEC_NETD_TO_HELPER_PROXY_AUTH = 'A',    /* id 0; (bsssb) */
  PHONESEC_NETD_TO_HELPER_PROXY_CHANGED = 'N', /* id 0; empty */
  PHONESEC_NETD_TO_HELPER_PING = 'K',          /* id: sequence; empty */
} PhonesecNetdToHelper;

/* Helper → daemon. */
typedef enum
{
  PHONESEC_NETD_TO_DAEMON_READY = 'R',        /* id 0; (u) protocol version */
  PHONESEC_NETD_TO_DAEMON_HEAD = 'H',         /* (usa(ss)xa{sv}) */
  PHONESEC_NETD_TO_DAEMON_DATA = 'D',         /* raw, 1 .. CHUNK_MAX */
  PHONESEC_NETD_TO_DAEMON_END = 'E',          /* empty */
  PHONESEC_NETD_TO_DAEMON_FAIL = 'F',         /* (uus) kind, code, message */
  PHONESEC_NETD_TO_DAEMON_CREDIT = 'W',       /* (u) more request body bytes */
  PHONESEC_NETD_TO_DAEMON_REWIND = 'r',       /* empty: send the body again */
  PHONESEC_NETD_TO_DAEMON_PROXY_LOOKUP = 'P', /* (s) */
  PHONESEC_NETD_TO_DAEMON_AUTH_EVENT = 'A',   /* id 0; (u) PhonesecProxyAuthEvent */
  PHONESEC_NETD_TO_DAEMON_LOG = 'L',          /* id 0; (us) level, text */
  PHONESEC_NETD_TO_DAEMON_PONG = 'K',         /* id: the ping's sequence; empty */
} PhonesecNetdToDaemon;

/* REQUEST flags. */
typedef enum
{
  PHONESEC_NETD_REQUEST_HAS_BODY = 1 << 0,
  PHONESEC_NETD_REQUEST_REWINDABLE = 1 << 1, /* the daemon can send the body again */
  PHONESEC_NETD_REQUEST_NO_REDIRECT = 1 << 2,
  PHONESEC_NETD_REQUEST_NEW_CONNECTION = 1 << 3,
  /* The body is a file, passed as a read-only descriptor (BODY_FILE): no
   * DATA, no CREDIT, no REWIND for it. */
  PHONESEC_NETD_REQUEST_BODY_FILE = 1 << 4,
  /* The request presents a client certificate, which follows in a
   * CLIENT_CERT frame: the request waits for it. */
  PHONESEC_NETD_REQUEST_CLIENT_CERT = 1 << 5,
  /* The admin guide's provisioning checks of the server certificate
   * (phonesec-netd-tls-guard.h), on a connection of its own. */
  PHONESEC_NETD_REQUEST_PROVISIONING = 1 << 6,
} PhonesecNetdRequestFlags;
#define PHONESEC_NETD_REQUEST_FLAGS_ALL 0x7f
/* The largest CLIENT_CERT payload: a chain and its key. */
#define PHONESEC_NETD_MAX_CLIENT_CERT (64 * 1024)

/* FAIL kinds. */
typedef enum
{
  PHONESEC_NETD_FAIL_IO = 1,          /* code: a GIOErrorEnum */
  PHONESEC_NETD_FAIL_TLS = 2,         /* the handshake failed or the certificate is bad */
  PHONESEC_NETD_FAIL_TLS_REFUSED = 3, /* the TLS policy's checks refused the connection */
  PHONESEC_NETD_FAIL_HTTP = 4,        /* libsoup: bad reply, too many redirects */
  PHONESEC_NETD_FAIL_BODY = 5,        /* the body could not be sent (again) */
  PHONESEC_NETD_FAIL_CANCELLED = 6,   /* after a CANCEL */
  PHONESEC_NETD_FAIL_REQUEST = 7,     /* the request itself was unusable */
} PhonesecNetdFailKind;
#define PHONESEC_NETD_FAIL_LAST PHONESEC_NETD_FAIL_REQUEST

/* LOG levels. */
typedef enum
{
  PHONESEC_NETD_LOG_DEBUG = 0,
  PHONESEC_NETD_LOG_MESSAGE = 1,
  PHONESEC_NETD_LOG_WARNING = 2,
} PhonesecNetdLogLevel;

/* GVariant types of the structured payloads. */
#define PHONESEC_NETD_TYPE_CONFIG "a{sv}"
/* method, url, headers, length, flags, timeout */
#define PHONESEC_NETD_TYPE_REQUEST "(ssa(ss)xuu)"
#define PHONESEC_NETD_TYPE_CREDIT "(u)"
#define PHONESEC_NETD_TYPE_BODY_FILE "(tt)"
#define PHONESEC_NETD_TYPE_PROXY_ANSWER "(as)"
#define PHONESEC_NETD_TYPE_PROXY_AUTH "(bsssb)" /* enabled, proxy, user, password, fips */
#define PHONESEC_NETD_TYPE_READY "(u)"
/* status, reason, headers, length, info (tls-version s, tls-suite s,
 * tls-peer-subject s, remote-address s) */
#define PHONESEC_NETD_TYPE_HEAD "(usa(ss)xa{sv})"
#define PHONESEC_NETD_TYPE_FAIL "(uus)"
#define PHONESEC_NETD_TYPE_PROXY_LOOKUP "(s)"
#define PHONESEC_NETD_TYPE_AUTH_EVENT "(u)"
#define PHONESEC_NETD_TYPE_LOG "(us)"

#define PHONESEC_NETD_ERROR (phonesec_netd_error_quark ())
GQuark phonesec_netd_error_quark (void);

/* Every way the bytes can break the protocol. */
typedef enum
{
  PHONESEC_NETD_ERROR_FRAME,   /* length out of bounds */
  PHONESEC_NETD_ERROR_TYPE,    /* unknown frame type */
  PHONESEC_NETD_ERROR_PAYLOAD, /* not the payload the type wants */
  PHONESEC_NETD_ERROR_ORDER,   /* a frame where it cannot come */
  PHONESEC_NETD_ERROR_FLOW,    /* over the window, or too much credit */
} PhonesecNetdError;

typedef struct
{
  guint8 type;
  guint32 id;
  const guint8 *payload; /* points into the buffer given to split */
  gsize length;
} PhonesecNetdFrame;

/**
 * phonesec_netd_frame_split:
 * @max_length: the largest length field accepted
 * @consumed: (out): the bytes of @data the frame took
 *
 * Returns 1 with *@frame filled when a whole frame starts @data, 0 when
 * more bytes are needed, -1 with @error when the length field is out of
 * bounds (the stream can never be read again).
 */
int phonesec_netd_frame_split (const guint8 *data, gsize len, gsize max_length,
                               PhonesecNetdFrame *frame, gsize *consumed, GError **error);

/* A frame with a raw payload (@len may be 0). */
GBytes *phonesec_netd_frame_new (guint8 type, guint32 id, const void *payload, gsize len);
/* A frame with a raw payload that is a secret: zeroed when freed. */
GBytes *phonesec_netd_frame_new_secret (guint8 type, guint32 id, const void *payload, gsize len);
/* A frame whose payload is @value (floating references are sunk). With
 * @sensitive, the bytes are zeroed when the frame is freed (credentials). */
GBytes *phonesec_netd_frame_new_variant (guint8 type, guint32 id, GVariant *value,
                                         gboolean sensitive);

/* The payload as a GVariant of @type_string, in normal form, or NULL with
 * @error (PHONESEC_NETD_ERROR_PAYLOAD). Owns a copy of the bytes. */
GVariant *phonesec_netd_frame_parse (const PhonesecNetdFrame *frame, const char *type_string,
                                     GError **error);
/* An empty payload, or FALSE with @error. */
gboolean phonesec_netd_frame_check_empty (const PhonesecNetdFrame *frame, GError **error);

/* Checks received from the other side. */
gboolean phonesec_netd_check_header_name (const char *name);
/* No CR, LF or NUL; at most 8 KiB. */
gboolean phonesec_netd_check_header_value (const char *value);
/* a(ss): at most MAX_HEADERS, each name a token, each value clean. */
gboolean phonesec_netd_check_headers (GVariant *headers, GError **error);
gboolean phonesec_netd_check_method (const char *method);

/* @text made fit for a log line or an error message: valid UTF-8 (it is,
 * from a GVariant), at most @max bytes, control characters as spaces. */
char *phonesec_netd_clean_text (const char *text, gsize max);

G_END_DECLS
