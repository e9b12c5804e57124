/* test-pac-sandbox.c: the PAC helper's seccomp program, for the
 * architecture this test was built for, run through a small classic-BPF
 * interpreter. Under qemu-user (scripts/cross-test) the helper cannot
 * install it (qemu refuses PR_SET_SECCOMP), so this is where arm and
 * aarch64 builds show that it names their system calls; test-pac-runner
 * runs the real filter natively.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include "phonesec-pac-sandbox.h"

/* Runs @prog on a seccomp_data of @arch and @nr; fails the test on an
 * instruction the filter is not expected to hold. */
static guint32
run_filter (const struct sock_filter *prog, int len, guint32 arch, int nr)
{
  struct seccomp_data data = { .nr = nr, .arch = arch };
  guint32 acc = 0;

  for (int pc = 0; pc < len; pc++)
    {
      const struct sock_filter *in = &prog[pc];

      switch (in->code)
        {
          case BPF_LD | BPF_W | BPF_ABS:
            g_assert_cmpuint (in->k + 4, <=, sizeof data);
            memcpy (&acc, (const guint8 *) &data + in->k, 4);
            break;
          case BPF_JMP | BPF_JEQ | BPF_K:
            pc += acc == in->k ? in->jt : in->jf;
            break;
          case BPF_JMP | BPF_JGE | BPF_K:
            pc += acc >= in->k ? in->jt : in->jf;
            break;
          case BPF_RET | BPF_K:
            return in->k;
          default:
            g_error ("unexpected BPF instruction %#x at %d", in->code, pc);
        }
    }
  g_error ("the filter ran past its end");
  return 0;
}

static struct sock_filter filter[PAC_SANDBOX_FILTER_MAX];
static int filter_len;

/* What glibc and duktape call while the helper evaluates scripts, by
 * this architecture's names (the helper dies on an EPERM here). */
static const int needed[] = {
  SYS_read,
  SYS_write,
  SYS_exit,
  SYS_exit_group,
  SYS_brk,
  SYS_munmap,
  SYS_mremap,
  SYS_madvise,
  SYS_mprotect,
  SYS_rt_sigreturn,
  SYS_setitimer,
  SYS_clock_gettime,
  SYS_gettimeofday,
  SYS_futex,
#ifdef SYS_mmap
  SYS_mmap,
#endif
#ifdef SYS_mmap2
  SYS_mmap2,
#endif
#ifdef SYS_clock_gettime64
  SYS_clock_gettime64,
#endif
#ifdef SYS_futex_time64
  SYS_futex_time64,
#endif
#ifdef SYS_sigreturn
  SYS_sigreturn,
#endif
};

/* Every way out of the sandbox: files, sockets, processes, privileges. */
static const int refused[] = {
  SYS_openat,     SYS_socket,    SYS_connect, SYS_execve,  SYS_clone, SYS_ptrace, SYS_kill,
  SYS_prctl,      SYS_setrlimit, SYS_mount,   SYS_unshare, SYS_bpf,   SYS_ioctl,  SYS_sendto,
#ifdef SYS_open
  SYS_open,
#endif
#ifdef SYS_fork
  SYS_fork,
#endif
#ifdef SYS_socketcall
  SYS_socketcall,
#endif
};

static void
test_has_filter (void)
{
  g_assert_cmpint (filter_len, >, 4);
  g_assert_cmpint (filter_len, <=, PAC_SANDBOX_FILTER_MAX);
#if defined(__x86_64__)
  g_assert_cmpuint (phonesec_pac_sandbox_audit_arch (), ==, AUDIT_ARCH_X86_64);
#elif defined(__aarch64__)
  g_assert_cmpuint (phonesec_pac_sandbox_audit_arch (), ==, AUDIT_ARCH_AARCH64);
#elif defined(__arm__)
  g_assert_cmpuint (phonesec_pac_sandbox_audit_arch (), ==, AUDIT_ARCH_ARM);
#endif
  /* Too small a buffer is refused, not overrun. */
  g_assert_cmpint (phonesec_pac_sandbox_filter (filter, 4), ==, -1);
}

static void
test_allows_needed (void)
{
  guint32 arch = phonesec_pac_sandbox_audit_arch ();

  for (guint i = 0; i < G_N_ELEMENTS (needed); i++)
    g_assert_cmphex (run_filter (filter, filter_len, arch, needed[i]), ==, SECCOMP_RET_ALLOW);
}

static void
test_refuses_others (void)
{
  guint32 arch = phonesec_pac_sandbox_audit_arch ();

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_cmphex (run_filter (filter, filter_len, arch, refused[i]), ==,
                     SECCOMP_RET_ERRNO | EPERM);
  /* A number no architecture uses. */
  g_assert_cmphex (run_filter (filter, filter_len, arch, 9999), ==, SECCOMP_RET_ERRNO | EPERM);
}

static void
test_kills_foreign_arch (void)
{
  static const guint32 arches[]
      = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM };
  guint32 own = phonesec_pac_sandbox_audit_arch ();

  for (guint i = 0; i < G_N_ELEMENTS (arches); i++)
    if (arches[i] != own)
      g_assert_cmphex (run_filter (filter, filter_len, arches[i], SYS_read), ==,
                       SECCOMP_RET_KILL_PROCESS);
#if defined(__x86_64__)
  /* x32 numbers carry the x86-64 architecture value. */
  g_assert_cmphex (run_filter (filter, filter_len, own, 0x40000000 | SYS_read), ==,
                   SECCOMP_RET_KILL_PROCESS);
#endif
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  filter_len = phonesec_pac_sandbox_filter (filter, PAC_SANDBOX_FILTER_MAX);
  g_test_add_func ("/pac/sandbox/has-filter", test_has_filter);
  g_test_add_func ("/pac/sandbox/allows-needed", test_allows_needed);
  g_test_add_func ("/pac/sandbox/refuses-others", test_refuses_others);
  g_test_add_func ("/pac/sandbox/kills-foreign-arch", test_kills_foreign_arch);
  return g_test_run ();
}
