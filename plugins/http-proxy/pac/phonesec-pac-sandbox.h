/* phonesec-pac-sandbox.h: confines phonesec-pac-helper before it reads its
 * first request (see phonesec-pac-sandbox.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/* Per-request CPU backstop, armed by the helper around each request. */
#define PAC_CPU_LIMIT_S 5

/* Closes fds, sets rlimits, no_new_privs and the seccomp filter; exits the
 * process if a step that must succeed fails. */
void phonesec_pac_sandbox_enter (void);
