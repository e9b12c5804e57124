/* dot1x-fixture.h: a LAN switch and a phone for 802.1X tests.
 *
 * - Two network namespaces, "phone" and "switch", joined by veth pairs
 *   (one per switch port), and a scratch folder; a reaper process deletes
 *   them, and kills what runs in them, when the test program ends however
 *   it ends.
 * - The switch: hostapd with driver=wired and its internal EAP server
 *   (EAP-TLS, and EAP-FAST with MSCHAPv2 inside), on the switch end.
 * - The phone's system bus (a dbus-daemon of the test's own, given to
 *   phonesecd as DBUS_SYSTEM_BUS_ADDRESS) and wpa_supplicant -u on it, in
 *   the phone namespace, as a phone runs them.
 * - A PKI made with certtool: the switch's CA and server certificate, the
 *   phone's certificate from that CA and one from another CA.
 *
 * hostapd, hostapd_cli, wpa_supplicant, ip, certtool and dbus-daemon are
 * required (root: namespaces): a missing one fails the test, never skips
 * it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-test-bus.h"

G_BEGIN_DECLS

/* The switch's EAP-FAST account. */
#define PHONESEC_DOT1X_FAST_USER "phone-4411"
#define PHONESEC_DOT1X_FAST_PASSWORD "Fast-Pass-7c2e91"

void phonesec_dot1x_require_tools (void);

typedef struct
{
  char *dir;
  char *ca_cert; /* the switch's CA: the phone trusts it (--ca-file) */
  char *server_cert;
  char *server_key;
  char *phone_cert; /* issued by ca_cert */
  char *phone_key;
  char *other_phone_cert; /* issued by another CA */
  char *other_phone_key;
} PhonesecDot1xPki;

typedef struct
{
  char *dir; /* scratch (the PKI, the switches), removed with the rest */
  char *phone_ns;
  char *switch_ns;
  GSubprocess *reaper; /* cleans up when its stdin closes */
  guint n_ports;
} PhonesecDot1xNet;

PhonesecDot1xNet *phonesec_dot1x_net_new (void);
void phonesec_dot1x_net_free (PhonesecDot1xNet *self);

PhonesecDot1xPki *phonesec_dot1x_pki_new (PhonesecDot1xNet *net);
void phonesec_dot1x_pki_free (PhonesecDot1xPki *self);
/* A new veth pair, both ends up; returns the phone end's name and sets
 * @switch_ifname to the switch end's. */
char *phonesec_dot1x_net_add_port (PhonesecDot1xNet *self, char **switch_ifname);
/* The phone end gets a new random MAC: a new station for the switch,
 * which remembers the old one for a while after a failure or a logoff. */
char *phonesec_dot1x_net_new_mac (PhonesecDot1xNet *self, const char *phone_ifname);
/* Takes the switch end down or up: the phone's carrier follows. */
void phonesec_dot1x_net_set_switch_port (PhonesecDot1xNet *self, const char *switch_ifname,
                                         gboolean up);
/* Runs @argv in namespace @ns; returns the exit status, output in @output. */
int phonesec_dot1x_net_run (const char *ns, char **output, const char *const *argv);

typedef struct
{
  /* hostapd's tls_flags, e.g. "[DISABLE-TLSv1.1][DISABLE-TLSv1.2]"; NULL: none. */
  const char *tls_flags;
  /* hostapd's openssl_ciphers; NULL: its default. */
  const char *openssl_ciphers;
} PhonesecHostapdSpec;

typedef struct
{
  GSubprocess *process;
  char *ns;
  char *ifname;
  char *dir;
  char *conf_path;
  char *log_path;
  char *ctrl_dir;
} PhonesecHostapd;

/* Starts hostapd on @switch_ifname and returns once it is enabled. */
PhonesecHostapd *phonesec_hostapd_start (PhonesecDot1xNet *net, const PhonesecDot1xPki *pki,
                                         const char *switch_ifname,
                                         const PhonesecHostapdSpec *spec);
void phonesec_hostapd_free (PhonesecHostapd *self);
char *phonesec_hostapd_dup_log (PhonesecHostapd *self);
/* How often @needle is in the log after byte @from. */
guint phonesec_hostapd_count (PhonesecHostapd *self, gsize from, const char *needle);
gsize phonesec_hostapd_log_size (PhonesecHostapd *self);
/* `hostapd_cli COMMAND [ARG]` on the switch's port; its output. */
char *phonesec_hostapd_cli (PhonesecHostapd *self, const char *command, const char *arg);
/* `hostapd_cli sta MAC`: the switch's view of the phone's port (flags=[AUTHORIZED],
 * dot1xAuthEapolLogoffFramesRx=...); "" when it knows no such station. */
char *phonesec_hostapd_dup_station (PhonesecHostapd *self, const char *mac);

typedef struct
{
  PhonesecTestBus *bus;        /* a dbus-daemon, no phonesecd on it */
  const char *address;         /* its address */
  GDBusConnection *connection; /* root's connection to it */
  GSubprocess *supplicant;     /* wpa_supplicant -u, or NULL */
  char *supplicant_log;
  char *ns;
} PhonesecDot1xSystem;

/* The system bus; sets DBUS_SYSTEM_BUS_ADDRESS for the processes this test
 * starts from now on (phonesecd). */
PhonesecDot1xSystem *phonesec_dot1x_system_new (const char *phone_ns);
void phonesec_dot1x_system_free (PhonesecDot1xSystem *self);
/* wpa_supplicant -u in the phone namespace; returns once it owns
 * fi.w1.wpa_supplicant1. */
void phonesec_dot1x_system_start_supplicant (PhonesecDot1xSystem *self);
/* SIGKILL (a crash) or SIGTERM, and waits until its name is gone. */
void phonesec_dot1x_system_stop_supplicant (PhonesecDot1xSystem *self, gboolean crash);
char *phonesec_dot1x_system_dup_supplicant_log (PhonesecDot1xSystem *self);
/* /proc/PID/cmdline of wpa_supplicant, NULs as spaces. */
char *phonesec_dot1x_system_dup_supplicant_cmdline (PhonesecDot1xSystem *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecDot1xPki, phonesec_dot1x_pki_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecDot1xNet, phonesec_dot1x_net_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecHostapd, phonesec_hostapd_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecDot1xSystem, phonesec_dot1x_system_free)

G_END_DECLS
