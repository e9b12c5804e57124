/* bench-common.h: timing, statistics, report lines and the baseline echo
 * service shared by the phonesec benchmarks.
 *
 * Every benchmark measures phonesecd against a baseline run on the same
 * machine in the same run, and publishes the ratio: absolute times vary per
 * machine, the ratio much less.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-test-bus.h"

G_BEGIN_DECLS

#define BENCH_BUS_NAME PHONESEC_DBUS_NAME
#define BENCH_ROOT_PATH PHONESEC_DBUS_PATH
#define BENCH_CONFIG_IFACE PHONESEC_DBUS_INTERFACE_CONFIG
#define BENCH_MANAGER_IFACE PHONESEC_DBUS_INTERFACE_MANAGER

/* The baseline service (bench-echo-service.c). */
#define BENCH_ECHO_NAME "org.phonesec.BenchEcho"
#define BENCH_ECHO_PATH "/org/phonesec/BenchEcho"
#define BENCH_ECHO_IFACE "org.phonesec.BenchEcho"

/* The probe plugin (bench-probe.c) and its signal. */
#define BENCH_PROBE_PATH PHONESEC_DBUS_PLUGINS_PATH "/bench_probe"
#define BENCH_PROBE_IFACE "org.phonesec.BenchProbe"

/* Parses the options every benchmark takes (--echo, --probe-dir,
 * --build-root); exits with status 2 on a bad command line. */
void bench_init (int *argc, char ***argv, const char *summary);
const char *bench_echo_path (void);
const char *bench_probe_dir (void);
const char *bench_build_root (void);

/* CLOCK_MONOTONIC in nanoseconds: the same clock in every process, so a
 * timestamp taken in the daemon compares with one taken here. */
gint64 bench_now_ns (void);

/* Samples are gint64 nanoseconds; these sort @samples in place. */
GArray *bench_samples_new (guint reserve);
double bench_median_us (GArray *samples);
double bench_percentile_us (GArray *samples, double percent);

/* Prints the machine-greppable line:
 *   BENCH <metric>=<value> goal<=<goal> PASS|MISS
 * or, when @goal is < 0 (an absolute figure, informative only):
 *   BENCH <metric>=<value>
 * A missed goal never fails the program: benchmarks inform, they do not
 * gate. */
void bench_report (const char *metric, double value, double goal);
/* The same for a figure that should be at least @goal (a speed-up):
 *   BENCH <metric>=<value> goal>=<goal> PASS|MISS */
void bench_report_min (const char *metric, double value, double goal);

/* A fixture (private bus + the paths for phonesecd) whose state folder is
 * checked: fsync costs nothing on tmpfs, so durable-write ratios measured
 * there would be meaningless, and we say so. */
PhonesecTestBus *bench_bus_new (void);

/* Copies bench-probe (and, with @all_built, every plugin built under
 * BUILD_ROOT/plugins/) into the fixture's plugin folder, with modes the
 * loader accepts. Returns the number of plugins installed. */
guint bench_install_plugins (PhonesecTestBus *bus, gboolean probe, gboolean all_built);

/* A synchronous call; aborts on error (a benchmark of a failing call
 * measures nothing). @args may be a non-floating variant reused across
 * calls. Returns the reply. */
GVariant *bench_call (GDBusConnection *connection, const char *dest, const char *path,
                      const char *iface, const char *method, GVariant *args);
/* The same, returning only the round-trip time in nanoseconds. */
gint64 bench_time_call (GDBusConnection *connection, const char *dest, const char *path,
                        const char *iface, const char *method, GVariant *args);

/* The baseline: bench-echo-service on the fixture's bus, ready once this
 * returns. */
GSubprocess *bench_echo_start (PhonesecTestBus *bus);
/* Gives the echo service the name → value table its Get answers from. */
void bench_echo_prime (PhonesecTestBus *bus, GVariant *values_asv);
void bench_echo_stop (GSubprocess *echo);

/* VmRSS of a process in KiB, 0 if unknown. */
guint64 bench_rss_kib (const char *pid);

/* CPU time of a process, per thread name (comm): a snapshot from
 * /proc/PID/task/TID/schedstat (nanoseconds on a CPU). Two snapshots around a
 * loop give the CPU each operation costs in that process, which wall-clock
 * time alone cannot split from waiting (I/O, wake-ups, other processes). */
GHashTable *bench_cpu_snapshot (GSubprocess *process);
/* Prints "LABEL CPU/op: total us (thread us, ...)" from two snapshots. */
void bench_print_cpu (const char *label, GHashTable *before, GHashTable *after, guint ops);

/* Iterates the default main context for @ms milliseconds. */
void bench_idle (guint ms);

G_END_DECLS
