/* phonesec-vpn-openconnect.h: what the plugin says to and reads from the
 * openconnect program, as pure functions (unit-tested and fuzzed).
 *
 * - the command line (never the password: it goes on stdin);
 * - openconnect's progress lines (stdout and stderr, run with LC_ALL=C),
 *   classified into the failures an admin needs to see;
 * - the lines our configuration script (phonesec-vpn-script) writes on
 *   fd 3, one per call: "phonesec-vpn-v1<TAB>key=value<TAB>...".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The one tunnel interface name (openconnect --interface). */
#define PHONESEC_VPN_IFNAME "vpn0"
/* The fd on which the script reports, in openconnect and the script. */
#define PHONESEC_VPN_REPORT_FD 3
#define PHONESEC_VPN_REPORT_TAG "phonesec-vpn-v1"

/* One connection attempt's settings, read from the configuration. */
typedef struct
{
  char *openconnect; /* the program */
  char *server;      /* VPN_Server: host name or IP address, no port */
  char *user;        /* VPN_User_Name */
  char *group;       /* VPN_Tunnel_Group, "" for none */
  char *cafile;      /* the phone's trust bundle */
  char *priority;    /* GnuTLS priority string, NULL: openconnect's own */
  char *script;      /* phonesec-vpn-script */
} PhonesecVpnSettings;

void phonesec_vpn_settings_free (PhonesecVpnSettings *settings);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecVpnSettings, phonesec_vpn_settings_free)

/* Checks the values openconnect will get (server, user, group: present
 * where required, no control characters, server a plain host). The error
 * (PHONESEC_ERROR_INVALID_VALUE) names the parameter. */
gboolean phonesec_vpn_settings_check (const PhonesecVpnSettings *settings, GError **error);

/* https://HOST/ (brackets around an IPv6 literal). */
char *phonesec_vpn_server_url (const char *server);

/* The openconnect command line (NULL-terminated): --passwd-on-stdin,
 * --non-inter, --cafile, --no-system-trust (the bundle already holds the
 * system CAs), no --servercert, options in --name=value form and the URL
 * after "--" so no value can be read as an option. */
GStrv phonesec_vpn_build_argv (const PhonesecVpnSettings *settings);

/* What a progress line of openconnect tells. Ordered: a higher value is a
 * more specific explanation of a failure than a lower one. */
typedef enum
{
  PHONESEC_VPN_OUTPUT_NONE = 0,
  PHONESEC_VPN_OUTPUT_CONFIGURED,      /* "Configured as ADDRESS, ..." */
  PHONESEC_VPN_OUTPUT_DTLS_UP,         /* "Established DTLS connection ..." */
  PHONESEC_VPN_OUTPUT_CONNECTION_LOST, /* read errors, DPD, "Reconnect failed" */
  PHONESEC_VPN_OUTPUT_SESSION_ENDED,   /* the server ended the session / cookie */
  PHONESEC_VPN_OUTPUT_UNREACHABLE,     /* DNS, TCP connect */
  PHONESEC_VPN_OUTPUT_TLS_FAILED,      /* handshake failure (detail: GnuTLS text) */
  PHONESEC_VPN_OUTPUT_INPUT_REQUIRED,  /* the server wants more than user+password */
  PHONESEC_VPN_OUTPUT_AUTH_FAILED,     /* "Login failed." */
  PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED,  /* chain not verified (detail: reason) */
  PHONESEC_VPN_OUTPUT_CERT_HOSTNAME,   /* certificate not valid for the name */
  /* VPN_Tunnel_Group is not among the server's groups (detail: the group).
   * openconnect would go on with the server's default group: the plugin
   * stops it at once instead. */
  PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE,
} PhonesecVpnOutputKind;

/**
 * phonesec_vpn_output_classify:
 * @line: one line of openconnect's output (no newline)
 * @detail: (out) (optional): the variable part (a reason, an address), or %NULL
 */
PhonesecVpnOutputKind phonesec_vpn_output_classify (const char *line, char **detail);

/* Failures that retrying with the same settings cannot fix. */
gboolean phonesec_vpn_output_is_fatal (PhonesecVpnOutputKind kind);
/* Failures after which openconnect would carry on wrongly: stop it now. */
gboolean phonesec_vpn_output_must_abort (PhonesecVpnOutputKind kind);

/* The admin's explanation of a failure (translated), naming @server. */
char *phonesec_vpn_output_describe (PhonesecVpnOutputKind kind, const char *detail,
                                    const char *server);

/* @text with every occurrence of @secret (if not empty) replaced by "***",
 * control characters replaced by spaces and cut to @max_chars. */
char *phonesec_vpn_mask_line (const char *text, const char *secret, gsize max_chars);

/* A report of phonesec-vpn-script. */
typedef struct
{
  char *reason;  /* pre-init connect disconnect attempt-reconnect reconnect error */
  char *ifname;  /* TUNDEV */
  char *address; /* IPv4, NULL if not given */
  char *netmask; /* dotted mask */
  guint prefix;  /* its length, 0..32 */
  guint mtu;     /* 0: not given */
  char *gateway; /* VPNGATEWAY */
  GStrv dns;     /* never NULL */
  GStrv routes;  /* CIDR, never NULL; empty: full tunnel */
  char *message; /* reason=error: what failed */
} PhonesecVpnScriptEvent;

/* Parses one line; NULL and @error (PHONESEC_ERROR_INVALID_VALUE) for a line
 * that is not a well-formed report (wrong tag, unknown reason, bad address,
 * mask or number, duplicate keys, a connect without address). Unknown keys
 * are ignored. */
PhonesecVpnScriptEvent *phonesec_vpn_script_event_parse (const char *line, GError **error);
void phonesec_vpn_script_event_free (PhonesecVpnScriptEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecVpnScriptEvent, phonesec_vpn_script_event_free)

/* The prefix length of a dotted IPv4 mask, or -1 if not a contiguous mask. */
int phonesec_vpn_netmask_prefix (const char *netmask);

G_END_DECLS
