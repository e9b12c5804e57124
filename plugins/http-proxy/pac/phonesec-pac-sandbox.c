/* phonesec-pac-sandbox.c: what phonesec-pac-helper gives up before it
 * reads a script: every fd but 0-2, core dumps, file writes, new files,
 * most of its address space, new privileges, and all system calls but the
 * few a running duktape needs on its two pipes (seccomp-bpf allow-list;
 * anything else fails with EPERM, a foreign architecture is killed).
 *
 * Under AddressSanitizer the filter and RLIMIT_AS are left out: the
 * sanitizer runtime reserves terabytes of shadow memory and reads /proc.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include "phonesec-pac-sandbox.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PAC_AS_LIMIT_MIB 512

#if defined(__SANITIZE_ADDRESS__)
#define PAC_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PAC_UNDER_ASAN 1
#endif
#endif

/* The system calls a running duktape makes on its pipes, written per
 * architecture: the names differ (arm and i386 have mmap2 and no mmap,
 * aarch64 has no time(), 32-bit time64 code uses the *_time64 calls) and
 * a missing one is EPERM where the helper cannot survive it. */
/* clang-format off */
static const int pac_allowed_syscalls[] = {
  __NR_read, __NR_write, __NR_exit, __NR_exit_group, __NR_brk,
  __NR_munmap, __NR_mremap, __NR_madvise, __NR_mprotect, __NR_rt_sigreturn,
  __NR_setitimer, __NR_futex, __NR_clock_gettime, __NR_gettimeofday,
#if defined(__x86_64__)
  __NR_mmap, __NR_time,
#elif defined(__aarch64__)
  __NR_mmap,
#elif defined(__arm__)
  __NR_mmap2, __NR_sigreturn, __NR_clock_gettime64, __NR_futex_time64,
#elif defined(__i386__)
  __NR_mmap2, __NR_sigreturn, __NR_time, __NR_clock_gettime64, __NR_futex_time64,
#endif
};
/* clang-format on */

#if defined(__x86_64__)
#define PAC_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PAC_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define PAC_AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__i386__)
#define PAC_AUDIT_ARCH AUDIT_ARCH_I386
#endif

#define PAC_N_ALLOWED (sizeof pac_allowed_syscalls / sizeof pac_allowed_syscalls[0])

int
phonesec_pac_sandbox_filter (struct sock_filter *out, int max)
{
#ifdef PAC_AUDIT_ARCH
  int n = 0;

  if (max < PAC_SANDBOX_FILTER_MAX)
    return -1;
  out[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
                                            offsetof (struct seccomp_data, arch));
  out[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PAC_AUDIT_ARCH, 1, 0);
  out[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
  out[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS,
                                            offsetof (struct seccomp_data, nr));
#if defined(__x86_64__)
  /* x32 system calls share the architecture value: refuse them. */
  out[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1);
  out[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
#endif
  for (size_t i = 0; i < PAC_N_ALLOWED; i++)
    {
      out[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K,
                                                (unsigned) pac_allowed_syscalls[i], 0, 1);
      out[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
  out[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
  return n;
#else
  return -1;
#endif
}

unsigned
phonesec_pac_sandbox_audit_arch (void)
{
#ifdef PAC_AUDIT_ARCH
  return PAC_AUDIT_ARCH;
#else
  return 0;
#endif
}

static int
install_seccomp (void)
{
#if defined(PAC_AUDIT_ARCH) && !defined(PAC_UNDER_ASAN)
  struct sock_filter filter[PAC_SANDBOX_FILTER_MAX];
  struct sock_fprog prog = { 0, filter };
  int n = phonesec_pac_sandbox_filter (filter, PAC_SANDBOX_FILTER_MAX);

  if (n < 0)
    return -1;
  prog.len = (unsigned short) n;
  return prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
#else
  return 0;
#endif
}

static void
on_cpu_limit (int sig)
{
  _exit (69);
}

void
phonesec_pac_sandbox_enter (void)
{
  struct rlimit zero = { 0, 0 }, three = { 3, 3 };
  struct sigaction sa;
  struct tm tm;
  time_t t = 0;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (0);
#ifdef SYS_close_range
  if (syscall (SYS_close_range, 3, ~0U, 0) != 0)
#endif
    for (int fd = 3; fd < 1024; fd++)
      close (fd);

  /* Reads the zone now, while files can still be opened (not under
   * RLIMIT_NOFILE 3, not under the filter). With TZ unset, glibc reopens
   * /etc/localtime on every mktime() (duktape's Date calls it) and falls
   * back to UTC when it cannot: a TZ naming the file is read once. */
  setenv ("TZ", ":/etc/localtime", 0);
  tzset ();
  localtime_r (&t, &tm);

  setrlimit (RLIMIT_CORE, &zero);
  setrlimit (RLIMIT_FSIZE, &zero);
  setrlimit (RLIMIT_NOFILE, &three);
#ifndef PAC_UNDER_ASAN
  {
    struct rlimit as = { (rlim_t) PAC_AS_LIMIT_MIB << 20, (rlim_t) PAC_AS_LIMIT_MIB << 20 };
    setrlimit (RLIMIT_AS, &as);
  }
#endif
  prctl (PR_SET_DUMPABLE, 0);

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_cpu_limit;
  sigaction (SIGVTALRM, &sa, NULL);

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    _exit (72);
  if (getenv ("PHONESEC_PAC_NO_SECCOMP") == NULL && install_seccomp () != 0)
    _exit (73);
}
