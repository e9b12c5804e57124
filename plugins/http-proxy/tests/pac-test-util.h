/* pac-test-util.h: helpers shared by the PAC discovery integration tests:
 * temp folders, peers that die with the test, and waiting on a
 * PhonesecPacSource or a fetch from the main loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-pac-fetch.h"
#include "phonesec-pac-source.h"
#include <phonesec/phonesec-tftp.h>

G_BEGIN_DECLS

/* Fails the test (never skips) when @program is missing: @package says
 * what to install. */
void pac_test_require_program (const char *program, const char *package);

/* A new 0755 folder under /tmp; removed by pac_test_rm_rf(). */
char *pac_test_make_dir (const char *template_name);
void pac_test_rm_rf (const char *path);

/* Starts @argv with stdout and stderr appended to @log_path; it gets
 * SIGKILL when the test program dies. */
GSubprocess *pac_test_spawn (const char *const *argv, const char *log_path);
void pac_test_kill (GSubprocess *process);

/* Writes @len bytes of @data to @path with mode 0644. */
void pac_test_write_file (const char *path, const void *data, gsize len);
/* @len bytes of reproducible pseudo-random printable text. */
GBytes *pac_test_make_script (gsize len, guint seed);

/* Runs the main context until @source's state is "ready" or "error" and it
 * holds no running request, or @timeout_ms passed (fails the test). */
void pac_test_wait_settled (PhonesecPacSource *source, guint timeout_ms);
/* Runs the main context until "changed" was emitted @n more times. */
void pac_test_wait_changed (PhonesecPacSource *source, guint n, guint timeout_ms);

/* Fetches synchronously (iterating the main context). */
GBytes *pac_test_fetch (PhonesecHttpClient *session, const char *url,
                        const PhonesecPacFetchOptions *options, GError **error);
GBytes *pac_test_tftp (const char *host, guint16 port, const char *file,
                       const PhonesecTftpOptions *options, GError **error);

/* An HTTP client as the core's would be for PAC URLs: direct, no proxy,
 * its own network service (PHONESEC_NETD) trusting the CAs of @ca_file
 * only (none when NULL). */
PhonesecHttpClient *pac_test_client_new (const char *ca_file);

/* Iterates the main context for @ms milliseconds. */
void pac_test_run_for (guint ms);

G_END_DECLS
