/* phonesec-pac-sandbox.h: confines phonesec-pac-helper before it reads its
 * first request (see phonesec-pac-sandbox.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <linux/filter.h>

/* Per-request CPU backstop, armed by the helper around each request. */
#define PAC_CPU_LIMIT_S 5

/* Closes fds, sets rlimits, no_new_privs and the seccomp filter; exits the
 * process if a step that must succeed fails. */
void phonesec_pac_sandbox_enter (void);

/* Room for the seccomp program of any architecture. */
#define PAC_SANDBOX_FILTER_MAX 64

/* Writes the helper's seccomp program for the architecture it was built
 * for into @out (@max entries): returns its length, or -1 where the
 * architecture has no filter. For phonesec_pac_sandbox_enter() and
 * test-pac-sandbox, which runs it on the architectures it cannot install
 * it on (qemu-user). */
int phonesec_pac_sandbox_filter (struct sock_filter *out, int max);

/* The AUDIT_ARCH_* value the filter accepts, or 0. */
unsigned phonesec_pac_sandbox_audit_arch (void);
