#!/bin/sh
# run-fuzz.sh TARGET SEED_CORPUS WORK_DIR: explores for $PHONESEC_FUZZ_SECONDS
# (default 10) with the seeds read-only and new inputs kept in WORK_DIR.
set -eu
target=$1 seeds=$2 work=$3
mkdir -p "$work"
# libFuzzer's default exit code for a finding is 77, which meson reads as
# a skipped test: a crash must fail.
exec "$target" -max_total_time="${PHONESEC_FUZZ_SECONDS:-10}" -timeout=10 -error_exitcode=1 \
  -rss_limit_mb=2048 -artifact_prefix="$work/" -print_final_stats=1 "$work" "$seeds"
