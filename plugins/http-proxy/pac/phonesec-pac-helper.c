/* phonesec-pac-helper.c: evaluates one untrusted PAC script in duktape,
 * inside a process that can do almost nothing else.
 *
 * Started by PhonesecPacRunner with stdin/stdout as pipes; speaks the
 * framed protocol of phonesec-pac-protocol.h. Plain C without GLib: the
 * less code runs next to the script, the better.
 *
 * Sandbox (phonesec-pac-sandbox.c), in the order it is set up:
 * - every fd but 0, 1, 2 closed; dies with its parent (PR_SET_PDEATHSIG);
 * - rlimits: address space (PAC_AS_LIMIT_MIB), no core, no file writes,
 *   no new files (RLIMIT_NOFILE = 3); CPU time is limited per request
 *   (below), not per lifetime, so a long-lived helper is not killed;
 * - PR_SET_NO_NEW_PRIVS, then a seccomp-bpf allow-list of the few system
 *   calls a running duktape needs (read/write on its pipes, memory, clock,
 *   timers, exit); anything else fails with EPERM. No socket(), open() or
 *   execve(): DNS questions go to the daemon over the pipe.
 * - the script's heap is capped at PAC_HEAP_MAX_MIB by the allocator
 *   (duktape turns a refused allocation into a catchable RangeError);
 * - each request runs under an ITIMER_VIRTUAL of PAC_CPU_LIMIT_S: a
 *   backstop only, the daemon kills the helper much earlier (1 s of wall
 *   clock per call, 3 s per load), since Debian's duktape has no
 *   execution-timeout hook.
 *
 * The script sees only the ECMAScript built-ins and the PAC helpers
 * (phonesec-pac-library.h); the URL and host reach FindProxyForURL as
 * values on the duktape stack, never as source text.
 *
 * Tests only: PHONESEC_PAC_TEST_NOW=<seconds since the epoch> fixes the
 * clock of weekdayRange/dateRange/timeRange (TZ chooses the local zone).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <duktape.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "phonesec-pac-library.h"
#include "phonesec-pac-protocol.h"
#include "phonesec-pac-sandbox.h"

#define PAC_ALERTS_PER_CALL 32
#define PAC_MESSAGE_MAX 512

/* ---- I/O ------------------------------------------------------------- */

static unsigned char *frame_buf;

static void
write_all (const void *data, size_t len)
{
  const unsigned char *p = data;

  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        _exit (0); /* the daemon went away */
      p += n;
      len -= (size_t) n;
    }
}

static void
send_frame2 (char type, const void *a, size_t alen, const void *b, size_t blen)
{
  uint32_t n = (uint32_t) (1 + alen + blen);
  unsigned char head[5] = { n >> 24, n >> 16, n >> 8, n, (unsigned char) type };

  write_all (head, sizeof head);
  if (alen > 0)
    write_all (a, alen);
  if (blen > 0)
    write_all (b, blen);
}

static void
send_frame (char type, const void *payload, size_t len)
{
  send_frame2 (type, payload, len, NULL, 0);
}

static void
send_error (char kind, const char *message)
{
  size_t len = message ? strlen (message) : 0;

  if (len > PAC_MESSAGE_MAX)
    len = PAC_MESSAGE_MAX;
  send_frame2 ('E', &kind, 1, message, len);
}

static int
read_all (void *data, size_t len)
{
  unsigned char *p = data;

  while (len > 0)
    {
      ssize_t n = read (STDIN_FILENO, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

/* Requests that arrived while a DNS answer was awaited (the daemon
 * pipelines requests), kept in order for the main loop. */
typedef struct Deferred
{
  struct Deferred *next;
  size_t len;
  unsigned char data[];
} Deferred;

static Deferred *deferred_head, **deferred_tail = &deferred_head;

/* Reads one frame from the pipe into frame_buf; returns its length (type
 * byte included), or exits on EOF or a malformed length. */
static size_t
read_frame_from_pipe (void)
{
  unsigned char head[4];
  uint32_t n;

  if (read_all (head, 4) < 0)
    _exit (0);
  n = ((uint32_t) head[0] << 24) | ((uint32_t) head[1] << 16) | ((uint32_t) head[2] << 8) | head[3];
  if (n < 1 || n > PAC_FRAME_MAX)
    _exit (65);
  if (read_all (frame_buf, n) < 0)
    _exit (0);
  frame_buf[n] = '\0';
  return n;
}

static void
defer_frame (size_t n)
{
  Deferred *d = malloc (sizeof *d + n);

  if (d == NULL)
    _exit (71);
  d->next = NULL;
  d->len = n;
  memcpy (d->data, frame_buf, n);
  *deferred_tail = d;
  deferred_tail = &d->next;
}

/* The next request: a deferred one first. */
static size_t
read_frame (void)
{
  Deferred *d = deferred_head;
  size_t n;

  if (d == NULL)
    return read_frame_from_pipe ();
  deferred_head = d->next;
  if (deferred_head == NULL)
    deferred_tail = &deferred_head;
  n = d->len;
  memcpy (frame_buf, d->data, n);
  frame_buf[n] = '\0';
  free (d);
  return n;
}

/* ---- the capped allocator ------------------------------------------- */

typedef struct
{
  size_t used;
  int refused; /* set when an allocation hit the cap */
} HeapAccount;

/* Each block starts with its size; 16 bytes keep the payload aligned. */
#define HDR 16

static void *
cap_alloc (void *udata, duk_size_t size)
{
  HeapAccount *acc = udata;
  unsigned char *p;

  if (size == 0)
    return NULL;
  if (size > ((size_t) PAC_HEAP_MAX_MIB << 20) - acc->used)
    {
      acc->refused = 1;
      return NULL;
    }
  p = malloc (size + HDR);
  if (p == NULL)
    {
      acc->refused = 1;
      return NULL;
    }
  memcpy (p, &size, sizeof size);
  acc->used += size;
  return p + HDR;
}

static void
cap_free (void *udata, void *ptr)
{
  HeapAccount *acc = udata;
  unsigned char *p;
  size_t size;

  if (ptr == NULL)
    return;
  p = (unsigned char *) ptr - HDR;
  memcpy (&size, p, sizeof size);
  acc->used -= size;
  free (p);
}

static void *
cap_realloc (void *udata, void *ptr, duk_size_t size)
{
  HeapAccount *acc = udata;
  unsigned char *p, *q;
  size_t old;

  if (ptr == NULL)
    return cap_alloc (udata, size);
  if (size == 0)
    {
      cap_free (udata, ptr);
      return NULL;
    }
  p = (unsigned char *) ptr - HDR;
  memcpy (&old, p, sizeof old);
  if (size > old && size - old > ((size_t) PAC_HEAP_MAX_MIB << 20) - acc->used)
    {
      acc->refused = 1;
      return NULL;
    }
  q = realloc (p, size + HDR);
  if (q == NULL)
    {
      acc->refused = 1;
      return NULL;
    }
  memcpy (q, &size, sizeof size);
  acc->used = acc->used - old + size;
  return q + HDR;
}

static void
fatal_handler (void *udata, const char *msg)
{
  send_error (PAC_ERR_FATAL, msg ? msg : "fatal error");
  _exit (70);
}

/* ---- state ----------------------------------------------------------- */

typedef struct
{
  duk_context *ctx;
  HeapAccount *acc;
} Script;

static Script current;
static char *my_addresses; /* NUL-separated, my_addresses_len bytes */
static size_t my_addresses_len;
static double request_gen; /* changes at every request (DNS memo) */
static int dns_questions;  /* this request */
static int alerts;         /* this request */

/* ---- native primitives for the library -------------------------------- */

static int
parse_ip (const char *s, unsigned char out[16], int *family)
{
  if (inet_pton (AF_INET, s, out) == 1)
    {
      *family = AF_INET;
      return 1;
    }
  if (inet_pton (AF_INET6, s, out) == 1)
    {
      *family = AF_INET6;
      return 1;
    }
  return 0;
}

static void
push_list (duk_context *ctx, const char *list, size_t len)
{
  duk_uarridx_t i = 0;
  const char *p = list, *end = list + len;

  duk_push_array (ctx);
  while (p < end)
    {
      size_t l = strnlen (p, (size_t) (end - p));
      if (l > 0)
        {
          duk_push_lstring (ctx, p, l);
          duk_put_prop_index (ctx, -2, i++);
        }
      p += l + 1;
    }
}

/* N.dns(name, '4' | '*') → array of addresses. IP literals answer
 * themselves; anything else is a question to the daemon. */
static duk_ret_t
n_dns (duk_context *ctx)
{
  const char *name = duk_require_string (ctx, 0);
  const char *fam = duk_require_string (ctx, 1);
  unsigned char bin[16];
  int family;
  size_t n;

  if (parse_ip (name, bin, &family))
    {
      duk_push_array (ctx);
      if (family == AF_INET || fam[0] == '*')
        {
          duk_push_string (ctx, name);
          duk_put_prop_index (ctx, -2, 0);
        }
      return 1;
    }
  if (name[0] == '\0' || strlen (name) > 253 || dns_questions >= PAC_DNS_MAX_PER_CALL)
    {
      duk_push_array (ctx);
      return 1;
    }
  dns_questions++;
  send_frame2 ('D', fam[0] == '4' ? "4" : "*", 1, name, strlen (name));
  /* frame_buf holds the request being evaluated: its payload (url, host)
   * is on the duktape stack already, so the buffer can be reused. */
  while ((n = read_frame_from_pipe ()) > 0 && frame_buf[0] != 'd')
    defer_frame (n);
  push_list (ctx, (const char *) frame_buf + 1, n - 1);
  return 1;
}

static duk_ret_t
n_my_addrs (duk_context *ctx)
{
  push_list (ctx, my_addresses ? my_addresses : "", my_addresses_len);
  return 1;
}

static duk_ret_t
n_gen (duk_context *ctx)
{
  duk_push_number (ctx, request_gen);
  return 1;
}

static duk_ret_t
n_is_ip4 (duk_context *ctx)
{
  unsigned char bin[4];

  duk_push_boolean (ctx, inet_pton (AF_INET, duk_require_string (ctx, 0), bin) == 1);
  return 1;
}

/* N.now(gmt) → [year, month 0-11, day, hour, minute, second, weekday]. */
static duk_ret_t
n_now (duk_context *ctx)
{
  const char *fixed = getenv ("PHONESEC_PAC_TEST_NOW");
  time_t t = fixed ? (time_t) strtoll (fixed, NULL, 10) : time (NULL);
  struct tm tm;
  int v[7];

  if (duk_to_boolean (ctx, 0))
    gmtime_r (&t, &tm);
  else
    localtime_r (&t, &tm);
  v[0] = tm.tm_year + 1900;
  v[1] = tm.tm_mon;
  v[2] = tm.tm_mday;
  v[3] = tm.tm_hour;
  v[4] = tm.tm_min;
  v[5] = tm.tm_sec;
  v[6] = tm.tm_wday;
  duk_push_array (ctx);
  for (int i = 0; i < 7; i++)
    {
      duk_push_int (ctx, v[i]);
      duk_put_prop_index (ctx, -2, (duk_uarridx_t) i);
    }
  return 1;
}

/* One pattern element against character @c: '?', a bracket class
 * ([abc], [a-z], [!x] or [^x]) or a literal. Sets *@next past the element;
 * an unclosed '[' is a literal. */
static int
match_one (const char *p, char c, const char **next)
{
  if (*p == '?')
    {
      *next = p + 1;
      return 1;
    }
  if (*p == '[')
    {
      const char *q = p + 1;
      int negate = 0, hit = 0;

      if (*q == '!' || *q == '^')
        {
          negate = 1;
          q++;
        }
      /* A ']' right after the opening is a member, not the end. */
      do
        {
          if (*q == '\0')
            break;
          if (q[1] == '-' && q[2] != ']' && q[2] != '\0')
            {
              if ((unsigned char) c >= (unsigned char) q[0]
                  && (unsigned char) c <= (unsigned char) q[2])
                hit = 1;
              q += 3;
            }
          else
            {
              if (c == *q)
                hit = 1;
              q++;
            }
        }
      while (*q != ']');
      if (*q == ']')
        {
          *next = q + 1;
          return hit != negate;
        }
    }
  *next = p + 1;
  return *p == c;
}

/* Shell expression match: '*' any run, '?' one character, [...] a class,
 * everything else literal (browsers turn the pattern into a regular
 * expression, where a class works too). Iterative with a single backtrack
 * point: never exponential, whatever the pattern. */
static int
glob_match (const char *s, const char *p)
{
  const char *star = NULL, *retry = NULL, *next;

  while (*s != '\0')
    {
      if (*p == '*')
        {
          star = p++;
          retry = s;
        }
      else if (*p != '\0' && match_one (p, *s, &next))
        {
          p = next;
          s++;
        }
      else if (star != NULL)
        {
          p = star + 1;
          s = ++retry;
        }
      else
        return 0;
    }
  while (*p == '*')
    p++;
  return *p == '\0';
}

static duk_ret_t
n_glob (duk_context *ctx)
{
  duk_push_boolean (ctx, glob_match (duk_require_string (ctx, 0), duk_require_string (ctx, 1)));
  return 1;
}

static duk_ret_t
n_in_net4 (duk_context *ctx)
{
  struct in_addr ip, pat, mask;

  if (inet_pton (AF_INET, duk_require_string (ctx, 0), &ip) != 1
      || inet_pton (AF_INET, duk_require_string (ctx, 1), &pat) != 1
      || inet_pton (AF_INET, duk_require_string (ctx, 2), &mask) != 1)
    {
      duk_push_false (ctx);
      return 1;
    }
  duk_push_boolean (ctx, (ip.s_addr & mask.s_addr) == (pat.s_addr & mask.s_addr));
  return 1;
}

/* N.inNetEx("ip", "prefix/len"): both the same family, no DNS. */
static duk_ret_t
n_in_net_ex (duk_context *ctx)
{
  const char *ip = duk_require_string (ctx, 0);
  const char *prefix = duk_require_string (ctx, 1);
  const char *slash = strchr (prefix, '/');
  unsigned char a[16], b[16];
  char net[INET6_ADDRSTRLEN + 1];
  int fa, fb, bits, max;
  char *end;

  duk_push_false (ctx);
  if (slash == NULL || (size_t) (slash - prefix) >= sizeof net)
    return 1;
  memcpy (net, prefix, (size_t) (slash - prefix));
  net[slash - prefix] = '\0';
  if (!parse_ip (ip, a, &fa) || !parse_ip (net, b, &fb) || fa != fb)
    return 1;
  if (slash[1] < '0' || slash[1] > '9')
    return 1;
  errno = 0;
  bits = (int) strtol (slash + 1, &end, 10);
  max = fa == AF_INET ? 32 : 128;
  if (*end != '\0' || errno != 0 || bits < 0 || bits > max)
    return 1;
  for (int i = 0; i < max / 8 && bits > 0; i++, bits -= 8)
    {
      unsigned char m = bits >= 8 ? 0xff : (unsigned char) (0xff << (8 - bits));
      if ((a[i] & m) != (b[i] & m))
        return 1;
    }
  duk_pop (ctx);
  duk_push_true (ctx);
  return 1;
}

typedef struct
{
  int family;
  unsigned char bin[16];
  char text[INET6_ADDRSTRLEN];
} SortItem;

static int
sort_cmp (const void *x, const void *y)
{
  const SortItem *a = x, *b = y;

  /* IPv6 first, as Microsoft's sortIpAddressList does, then by value. */
  if (a->family != b->family)
    return a->family == AF_INET6 ? -1 : 1;
  return memcmp (a->bin, b->bin, a->family == AF_INET6 ? 16 : 4);
}

/* N.sortIps("a;b;c") → the sorted list, or false when an item is not an
 * address. */
static duk_ret_t
n_sort_ips (duk_context *ctx)
{
  duk_size_t len;
  const char *list = duk_require_lstring (ctx, 0, &len);
  SortItem items[64];
  size_t n = 0;
  const char *p = list;

  if (len == 0 || len > 64 * INET6_ADDRSTRLEN)
    {
      duk_push_false (ctx);
      return 1;
    }
  while (1)
    {
      const char *semi = strchr (p, ';');
      size_t l = semi ? (size_t) (semi - p) : strlen (p);

      if (n == 64 || l == 0 || l >= INET6_ADDRSTRLEN)
        {
          duk_push_false (ctx);
          return 1;
        }
      memcpy (items[n].text, p, l);
      items[n].text[l] = '\0';
      memset (items[n].bin, 0, 16);
      if (!parse_ip (items[n].text, items[n].bin, &items[n].family))
        {
          duk_push_false (ctx);
          return 1;
        }
      n++;
      if (semi == NULL)
        break;
      p = semi + 1;
    }
  qsort (items, n, sizeof items[0], sort_cmp);
  for (size_t i = 0; i < n; i++)
    {
      if (i > 0)
        duk_push_string (ctx, ";");
      duk_push_string (ctx, items[i].text);
    }
  duk_concat (ctx, (duk_idx_t) (2 * n - 1));
  return 1;
}

static duk_ret_t
n_alert (duk_context *ctx)
{
  duk_size_t len;
  const char *msg = duk_require_lstring (ctx, 0, &len);

  if (alerts++ < PAC_ALERTS_PER_CALL)
    send_frame ('L', msg, len > PAC_ALERT_MAX ? PAC_ALERT_MAX : len);
  return 0;
}

static const duk_function_list_entry natives[] = {
  { "dns", n_dns, 2 },
  { "myAddrs", n_my_addrs, 0 },
  { "gen", n_gen, 0 },
  { "isIp4", n_is_ip4, 1 },
  { "now", n_now, 1 },
  { "glob", n_glob, 2 },
  { "inNet4", n_in_net4, 3 },
  { "inNetEx", n_in_net_ex, 2 },
  { "sortIps", n_sort_ips, 1 },
  { "alert", n_alert, 1 },
  { NULL, NULL, 0 },
};

/* ---- script lifecycle -------------------------------------------------- */

static void
script_free (Script *s)
{
  if (s->ctx != NULL)
    duk_destroy_heap (s->ctx);
  free (s->acc);
  s->ctx = NULL;
  s->acc = NULL;
}

/* The thrown value as text, on the stack top; pops it. */
static void
send_thrown (duk_context *ctx, HeapAccount *acc, char kind)
{
  if (acc->refused)
    send_error (PAC_ERR_MEMORY, duk_safe_to_string (ctx, -1));
  else
    send_error (kind, duk_safe_to_string (ctx, -1));
  duk_pop (ctx);
}

static int
has_function (duk_context *ctx, const char *name)
{
  int r;

  duk_get_global_string (ctx, name);
  r = duk_is_function (ctx, -1);
  duk_pop (ctx);
  return r;
}

static void
arm_cpu_limit (int on)
{
  struct itimerval it = { { 0, 0 }, { on ? PAC_CPU_LIMIT_S : 0, 0 } };

  setitimer (ITIMER_VIRTUAL, &it, NULL);
}

static const char *const engine_globals[] = {
  "Duktape", "CBOR", "TextEncoder", "TextDecoder", "performance",
};

static void
load_script (const char *src, size_t len)
{
  Script s = { NULL, NULL };

  if (len > PAC_SCRIPT_MAX)
    {
      send_error (PAC_ERR_TOO_BIG, "script too big");
      return;
    }
  s.acc = calloc (1, sizeof *s.acc);
  if (s.acc == NULL)
    _exit (71);
  s.ctx = duk_create_heap (cap_alloc, cap_realloc, cap_free, s.acc, fatal_handler);
  if (s.ctx == NULL)
    _exit (71);

  /* The library first, on a global object holding only ECMAScript's
   * built-ins (duktape's own extensions removed). */
  duk_push_global_object (s.ctx);
  for (size_t i = 0; i < sizeof engine_globals / sizeof engine_globals[0]; i++)
    duk_del_prop_string (s.ctx, -1, engine_globals[i]);
  duk_pop (s.ctx);
  if (duk_peval_lstring (s.ctx, pac_library_source, sizeof pac_library_source - 1) != 0)
    {
      send_thrown (s.ctx, s.acc, PAC_ERR_FATAL);
      script_free (&s);
      return;
    }
  duk_push_object (s.ctx);
  duk_put_function_list (s.ctx, -1, natives);
  duk_push_global_object (s.ctx);
  if (duk_pcall (s.ctx, 2) != 0)
    {
      send_thrown (s.ctx, s.acc, PAC_ERR_FATAL);
      script_free (&s);
      return;
    }
  duk_pop (s.ctx);

  /* Then the script: compiled (syntax errors carry their line), then run. */
  duk_push_string (s.ctx, "pac");
  if (duk_pcompile_lstring_filename (s.ctx, 0, src, len) != 0)
    {
      send_thrown (s.ctx, s.acc, PAC_ERR_SYNTAX);
      script_free (&s);
      return;
    }
  if (duk_pcall (s.ctx, 0) != 0)
    {
      send_thrown (s.ctx, s.acc, PAC_ERR_EXCEPTION);
      script_free (&s);
      return;
    }
  duk_pop (s.ctx);
  if (has_function (s.ctx, "FindProxyForURLEx"))
    {
      script_free (&current);
      current = s;
      send_frame ('O', "Ex", 2);
    }
  else if (has_function (s.ctx, "FindProxyForURL"))
    {
      script_free (&current);
      current = s;
      send_frame ('O', NULL, 0);
    }
  else
    {
      send_error (PAC_ERR_NO_FUNCTION, "no FindProxyForURL");
      script_free (&s);
    }
}

/* Pushes UTF-8 text as an ECMAScript string: duktape keeps a character
 * outside the BMP as one code point where the language wants a surrogate
 * pair (url.length would be wrong), so those are re-encoded as CESU-8. */
static void
push_utf8 (duk_context *ctx, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *) s, *end = p + len;
  unsigned char *out, *o;

  if (memchr (s, 0xf0, len) == NULL && memchr (s, 0xf1, len) == NULL
      && memchr (s, 0xf2, len) == NULL && memchr (s, 0xf3, len) == NULL
      && memchr (s, 0xf4, len) == NULL)
    {
      duk_push_lstring (ctx, s, len);
      return;
    }
  out = o = duk_push_fixed_buffer (ctx, len / 4 * 6 + len % 4 + 6);
  while (p < end)
    {
      if (*p >= 0xf0 && *p <= 0xf4 && end - p >= 4)
        {
          uint32_t c = ((uint32_t) (p[0] & 0x07) << 18) | ((uint32_t) (p[1] & 0x3f) << 12)
                       | ((uint32_t) (p[2] & 0x3f) << 6) | (p[3] & 0x3f);
          uint32_t hi = 0xd800 + ((c - 0x10000) >> 10), lo = 0xdc00 + ((c - 0x10000) & 0x3ff);

          *o++ = 0xe0 | (hi >> 12);
          *o++ = 0x80 | ((hi >> 6) & 0x3f);
          *o++ = 0x80 | (hi & 0x3f);
          *o++ = 0xe0 | (lo >> 12);
          *o++ = 0x80 | ((lo >> 6) & 0x3f);
          *o++ = 0x80 | (lo & 0x3f);
          p += 4;
        }
      else
        *o++ = *p++;
    }
  duk_push_lstring (ctx, (const char *) out, (size_t) (o - out));
  duk_remove (ctx, -2);
}

static void
find_proxy (const char *url, size_t url_len, const char *host, size_t host_len)
{
  duk_context *ctx = current.ctx;
  const char *result;
  duk_size_t len;

  if (ctx == NULL)
    {
      send_error (PAC_ERR_NO_SCRIPT, "no script");
      return;
    }
  current.acc->refused = 0;
  if (has_function (ctx, "FindProxyForURLEx"))
    duk_get_global_string (ctx, "FindProxyForURLEx");
  else
    duk_get_global_string (ctx, "FindProxyForURL");
  push_utf8 (ctx, url, url_len);
  duk_push_lstring (ctx, host, host_len);
  if (duk_pcall (ctx, 2) != 0)
    {
      send_thrown (ctx, current.acc, PAC_ERR_EXCEPTION);
      duk_set_top (ctx, 0);
      return;
    }
  if (!duk_is_string (ctx, -1))
    {
      static const char *const names[]
          = { "nothing",  "undefined", "null",     "a boolean", "a number",
              "a string", "an object", "a buffer", "a pointer", "a lightfunc" };
      duk_int_t t = duk_get_type (ctx, -1);

      send_error (PAC_ERR_NOT_STRING,
                  t >= 0 && t < (duk_int_t) (sizeof names / sizeof names[0]) ? names[t] : "?");
      duk_set_top (ctx, 0);
      return;
    }
  result = duk_get_lstring (ctx, -1, &len);
  if (len > PAC_RESULT_MAX)
    send_error (PAC_ERR_RESULT_TOO_LONG, "result too long");
  else
    send_frame ('R', result, len);
  duk_set_top (ctx, 0);
}

int
main (int argc, char **argv)
{
  phonesec_pac_sandbox_enter ();
  frame_buf = malloc (PAC_FRAME_MAX + 1);
  if (frame_buf == NULL)
    _exit (71);

  for (;;)
    {
      size_t n = read_frame ();
      const char *payload = (const char *) frame_buf + 1;
      size_t len = n - 1;

      request_gen += 1;
      dns_questions = 0;
      alerts = 0;
      switch (frame_buf[0])
        {
          case 'S':
            arm_cpu_limit (1);
            load_script (payload, len);
            arm_cpu_limit (0);
            break;
          case 'U':
            script_free (&current);
            send_frame ('O', NULL, 0);
            break;
          case 'A':
            free (my_addresses);
            my_addresses = malloc (len + 1);
            if (my_addresses == NULL)
              _exit (71);
            memcpy (my_addresses, payload, len);
            my_addresses_len = len;
            break;
          case 'F':
            {
              size_t url_len = strnlen (payload, len);
              if (url_len == len)
                {
                  send_error (PAC_ERR_PROTOCOL, "bad find request");
                  break;
                }
              arm_cpu_limit (1);
              find_proxy (payload, url_len, payload + url_len + 1, len - url_len - 1);
              arm_cpu_limit (0);
              break;
            }
          case 'd':
            break; /* a late DNS answer: nothing waits for it */
          default:
            send_error (PAC_ERR_PROTOCOL, "unknown request");
            break;
        }
    }
}
