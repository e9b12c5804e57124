/* prov-test-util.h: small helpers the provisioning tests share.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs `sh -c @command` with @input on stdin; its stdout (the test fails
 * when the command does). */
GBytes *prov_test_run_filter (const char *command, GBytes *input);

/* @text without its NUL. */
GBytes *prov_test_text_bytes (const char *text);

G_END_DECLS
