/* phonesec-netd-sandbox.c: see the header, and doc/security-model.md.
 *
 * Three layers, each on its own enough to stop something:
 *
 * - the uid: phonesecd starts the helper as an unprivileged user (root's
 *   files, the state folder 0700, other processes are out of reach) with
 *   no capabilities; here it refuses to run as root and makes itself
 *   undumpable, so that no process of the same uid can read its memory;
 * - Landlock (Linux 5.13+, best effort: an older kernel is logged): no
 *   file may be opened but the few name resolution reads (resolv.conf,
 *   hosts, nsswitch.conf, gai.conf, host.conf) and the helper's own
 *   /proc/self; no TCP port may be bound (6.7+), no abstract Unix socket
 *   reached and no signal sent outside the helper (6.12+);
 * - seccomp: the system calls of a threaded HTTP client, and sockets of
 *   the families AF_INET, AF_INET6 and AF_NETLINK (getaddrinfo's address
 *   check) only. No exec, no fork (threads only), no ptrace, no mount, no
 *   namespaces, no kernel keyrings; signals to itself only. Anything else
 *   fails with EPERM; a foreign architecture is killed.
 *
 * Under AddressSanitizer the seccomp filter, RLIMIT_AS and the undumpable
 * flag are left out: the sanitizer reserves terabytes of shadow memory and
 * LeakSanitizer traces its own threads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <netdb.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "phonesec-netd-sandbox.h"

#define AS_LIMIT_MIB 1024
#define NOFILE_LIMIT 512
/* The trust store goes through a memory file: writes up to its size. */
#define FSIZE_LIMIT (16 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define NETD_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NETD_UNDER_ASAN 1
#endif
#endif

#if defined(__x86_64__)
#define NETD_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NETD_AUDIT_ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define NETD_AUDIT_ARCH AUDIT_ARCH_ARM
#elif defined(__i386__)
#define NETD_AUDIT_ARCH AUDIT_ARCH_I386
#endif

static void G_GNUC_NORETURN
die (const char *what, int code)
{
  fprintf (stderr, "phonesec-netd: %s: %s\n", what, g_strerror (errno));
  _exit (code);
}

/* --- before anything ------------------------------------------------------- */

void
phonesec_netd_sandbox_prepare (int keep_fd)
{
  struct rlimit zero = { 0, 0 };
  struct rlimit nofile = { NOFILE_LIMIT, NOFILE_LIMIT };
  struct rlimit fsize = { FSIZE_LIMIT, FSIZE_LIMIT };

#ifndef NETD_UNDER_ASAN
  /* Its memory holds the proxy password: no other process of its uid may
   * read it (ptrace, /proc/PID/mem), and no core file keeps it. */
  if (prctl (PR_SET_DUMPABLE, 0) != 0)
    die ("PR_SET_DUMPABLE", 71);
#endif
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () == 1)
    _exit (0);
  /* phonesecd drops to an unprivileged user before exec; a root helper
   * means a mistake somewhere. */
  if (geteuid () == 0 || getuid () == 0)
    {
      fprintf (stderr, "phonesec-netd: refusing to run as root\n");
      _exit (78);
    }
  for (int fd = 3; fd < 1024; fd++)
    if (fd != keep_fd)
      close (fd);
  setrlimit (RLIMIT_CORE, &zero);
  setrlimit (RLIMIT_FSIZE, &fsize);
  setrlimit (RLIMIT_NOFILE, &nofile);
#ifndef NETD_UNDER_ASAN
  {
    struct rlimit as = { (rlim_t) AS_LIMIT_MIB << 20, (rlim_t) AS_LIMIT_MIB << 20 };
    setrlimit (RLIMIT_AS, &as);
  }
#endif
}

/* --- Landlock ---------------------------------------------------------------- */

/* What Debian 12's header predates. */
#define NETD_LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#define NETD_LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#define NETD_LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define NETD_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define NETD_LANDLOCK_SCOPE_SIGNAL (1ULL << 1)

struct netd_landlock_ruleset_attr
{
  __u64 handled_access_fs;
  __u64 handled_access_net;
  __u64 scoped;
};

/* Name resolution reads these at run time (glibc re-reads resolv.conf
 * when it changes). */
static const char *const readable_files[] = {
  "/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf",
};

static void
allow_read (int ruleset, const char *path, gboolean directory)
{
  struct landlock_path_beneath_attr rule = { 0 };
  int fd = open (path, O_PATH | O_CLOEXEC);

  if (fd < 0)
    return; /* absent: nothing to allow */
  rule.allowed_access
      = LANDLOCK_ACCESS_FS_READ_FILE | (directory ? LANDLOCK_ACCESS_FS_READ_DIR : 0);
  rule.parent_fd = fd;
  if (syscall (SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0)
    fprintf (stderr, "phonesec-netd: Landlock rule for %s: %s\n", path, g_strerror (errno));
  close (fd);
}

static void
enter_landlock (void)
{
  struct netd_landlock_ruleset_attr attr = { 0 };
  gsize size = sizeof attr.handled_access_fs;
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  int ruleset;

  if (abi < 1)
    {
      /* A fact of the kernel (or of qemu-user), said once per start: not a
       * fault to warn about each time. */
      g_message ("Landlock is not available (%s): the network service's file system access is "
                 "limited by its user only",
                 g_strerror (errno));
      return;
    }
  /* Every file system right this kernel knows is handled, so denied
   * unless a rule gives it. */
  attr.handled_access_fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
  if (abi >= 2)
    attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3)
    attr.handled_access_fs |= NETD_LANDLOCK_ACCESS_FS_TRUNCATE;
  if (abi >= 5)
    attr.handled_access_fs |= NETD_LANDLOCK_ACCESS_FS_IOCTL_DEV;
  if (abi >= 4)
    {
      /* Connecting anywhere is the job; listening never is. */
      attr.handled_access_net = NETD_LANDLOCK_ACCESS_NET_BIND_TCP;
      size = offsetof (struct netd_landlock_ruleset_attr, scoped);
    }
  if (abi >= 6)
    {
      attr.scoped = NETD_LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | NETD_LANDLOCK_SCOPE_SIGNAL;
      size = sizeof attr;
    }
  ruleset = syscall (SYS_landlock_create_ruleset, &attr, size, 0);
  if (ruleset < 0)
    die ("landlock_create_ruleset", 74);
  for (guint i = 0; i < G_N_ELEMENTS (readable_files); i++)
    {
      char resolved[PATH_MAX];

      allow_read (ruleset, readable_files[i], FALSE);
      /* A managed resolv.conf is a symbolic link to a file that is
       * replaced by a rename: its folder, then. */
      if (realpath (readable_files[i], resolved) != NULL
          && strcmp (resolved, readable_files[i]) != 0)
        {
          g_autofree char *folder = g_path_get_dirname (resolved);
          allow_read (ruleset, folder, TRUE);
        }
    }
  allow_read (ruleset, "/proc/self", TRUE);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    die ("PR_SET_NO_NEW_PRIVS", 72);
  if (syscall (SYS_landlock_restrict_self, ruleset, 0) != 0)
    die ("landlock_restrict_self", 74);
  close (ruleset);
}

/* --- seccomp ---------------------------------------------------------------------- */

#define ALLOW(nr)                                                                                  \
  BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
#define LOAD_NR BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr))
#define LOAD_ARG(n) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[n]))
#define DENY BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

#if defined(NETD_AUDIT_ARCH) && !defined(NETD_UNDER_ASAN)
/* Development aid (PHONESEC_NETD_SECCOMP_TRAP=1): a refused call is
 * named on stderr, then fails with EPERM as it would. */
static void
on_sigsys (int signum, siginfo_t *info, void *context)
{
  char line[80];
  int len
      = snprintf (line, sizeof line, "phonesec-netd: system call %d refused\n", info->si_syscall);

  if (write (STDERR_FILENO, line, len) < 0)
    return;
#if defined(__x86_64__)
  ((ucontext_t *) context)->uc_mcontext.gregs[REG_RAX] = -EPERM;
#endif
}
#endif

#if defined(NETD_AUDIT_ARCH) && !defined(NETD_UNDER_ASAN)
/* The calls allowed whatever their arguments. */
static const guint32 plain_calls[] = {
  /* Memory, threads, time. */
  __NR_brk,
#ifdef __NR_mmap
  __NR_mmap,
#endif
#ifdef __NR_mmap2 /* arm, i386: no mmap */
  __NR_mmap2,
#endif
  __NR_munmap,
  __NR_mremap,
  __NR_mprotect,
  __NR_madvise,
  __NR_futex,
  __NR_set_robust_list,
#ifdef __NR_rseq
  __NR_rseq,
#endif
  __NR_sched_yield,
  __NR_sched_getaffinity,
  __NR_nanosleep,
  __NR_clock_nanosleep,
  __NR_clock_gettime,
  __NR_clock_getres,
  __NR_gettimeofday,
  __NR_getrandom,
  __NR_getpid,
  __NR_gettid,
  __NR_getuid,
  __NR_geteuid,
  __NR_getgid,
  __NR_getegid,
  __NR_getppid,
  __NR_uname,
  __NR_rt_sigaction,
  __NR_rt_sigprocmask,
  __NR_rt_sigreturn,
#ifdef __NR_sigreturn
  __NR_sigreturn,
#endif
#ifdef __NR_clock_gettime64 /* 32-bit code built with 64-bit time */
  __NR_clock_gettime64,
  __NR_clock_nanosleep_time64,
  __NR_futex_time64,
  __NR_ppoll_time64,
#endif
  __NR_sigaltstack,
  __NR_restart_syscall,
  __NR_exit,
  __NR_exit_group,
  /* Files: Landlock says which; descriptors. */
  __NR_openat,
  __NR_close,
  __NR_read,
  __NR_write,
  __NR_readv,
  __NR_writev,
  __NR_pread64,
  __NR_lseek,
  __NR_fstat,
#ifdef __NR_newfstatat
  __NR_newfstatat,
#endif
#ifdef __NR_fstatat64 /* 32-bit arm and i386 spellings */
  __NR_fstatat64,
  __NR_fstat64,
  __NR__llseek,
  __NR_fcntl64,
#endif
#ifdef __NR_statx
  __NR_statx,
#endif
#ifdef __NR_stat
  __NR_stat,
#endif
  __NR_fcntl,
  __NR_dup,
  __NR_dup3,
  __NR_pipe2,
  __NR_eventfd2,
  __NR_memfd_create,
  /* Waiting. */
  __NR_ppoll,
#ifdef __NR_poll
  __NR_poll,
#endif
  __NR_epoll_create1,
  __NR_epoll_ctl,
  __NR_epoll_pwait,
#ifdef __NR_epoll_wait
  __NR_epoll_wait,
#endif
  /* Sockets (created above). */
  __NR_connect,
  __NR_bind, /* netlink; TCP binds are Landlock's */
  __NR_getsockname,
  __NR_getpeername,
  __NR_getsockopt,
  __NR_setsockopt,
  __NR_sendto,
  __NR_recvfrom,
  __NR_sendmsg,
  __NR_recvmsg,
  __NR_sendmmsg,
  __NR_shutdown,
};

/* @checked, then the plain list, then refusal (or the trap). */
static void
install_filter (const struct sock_filter *checked, guint n_checked, gboolean trap)
{
  g_autofree struct sock_filter *filter
      = g_new (struct sock_filter, n_checked + 2 * G_N_ELEMENTS (plain_calls) + 1);
  struct sock_fprog prog = { 0, filter };

  memcpy (filter, checked, n_checked * sizeof *checked);
  prog.len = n_checked;
  for (guint i = 0; i < G_N_ELEMENTS (plain_calls); i++)
    {
      filter[prog.len++]
          = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, plain_calls[i], 0, 1);
      filter[prog.len++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
  filter[prog.len++] = (struct sock_filter) DENY;
  if (trap)
    {
      struct sigaction sa = { 0 };

      filter[prog.len - 1] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_TRAP);
      sa.sa_sigaction = on_sigsys;
      sa.sa_flags = SA_SIGINFO;
      sigaction (SIGSYS, &sa, NULL);
    }
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    die ("PR_SET_NO_NEW_PRIVS", 72);
  if (prctl (PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0)
    die ("seccomp", 73);
}
#endif

static void
enter_seccomp (void)
{
#if defined(NETD_AUDIT_ARCH) && !defined(NETD_UNDER_ASAN)
  gboolean trap = g_getenv ("PHONESEC_NETD_SECCOMP_TRAP") != NULL;
  pid_t self = getpid ();
  /* The calls whose arguments are checked, then the number reloaded for
   * the plain list. */
  const struct sock_filter checked[]
      = { BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NETD_AUDIT_ARCH, 1, 0),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
          LOAD_NR,
#if defined(__x86_64__)
          /* x32 system calls share the architecture value: refuse them. */
          BPF_JUMP (BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif

          /* socket (domain): the Internet, and netlink for getaddrinfo. */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 6),
          LOAD_ARG (0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 2, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 1, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,

          /* clone: threads only (clone3 hides its flags: ENOSYS makes glibc
           * fall back to clone). */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4),
          LOAD_ARG (0),
          BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,
#ifdef __NR_clone3
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
#endif

          /* Signals to itself only (abort(), raise()). */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_tgkill, 1, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_kill, 0, 4),
          LOAD_ARG (0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) self, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,

          /* ioctl: non-blocking and byte counts on sockets, isatty. */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 6),
          LOAD_ARG (1),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, FIONBIO, 2, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, FIONREAD, 1, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, TCGETS, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,

          /* prlimit64: its own limits only (pthread_create reads them). */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_prlimit64, 0, 5),
          LOAD_ARG (0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (guint32) self, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,

          /* sched_getattr: GLib copies the creating thread's scheduling to a
           * new thread; its own only. */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_sched_getattr, 0, 4),
          LOAD_ARG (0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,

          /* prctl: thread names only. */
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_prctl, 0, 5),
          LOAD_ARG (0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PR_SET_NAME, 1, 0),
          BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PR_GET_NAME, 0, 1),
          BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
          DENY,

          LOAD_NR,
        };
  /* qemu-user cannot install filters (scripts/cross-test sets this). */
  if (g_getenv ("PHONESEC_NETD_NO_SECCOMP") != NULL)
    return;
  install_filter (checked, G_N_ELEMENTS (checked), trap);
#endif
}

void
phonesec_netd_sandbox_enter (void)
{
  enter_landlock ();
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    die ("PR_SET_NO_NEW_PRIVS", 72);
  enter_seccomp ();
}
