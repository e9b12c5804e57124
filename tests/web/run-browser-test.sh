#!/bin/sh
# Runs the browser test: installs playwright-core (pinned by package.json and
# package-lock.json) into the build folder on first use, with npm from the
# package registry, never a browser download; then drives /usr/bin/chromium.
#   run-browser-test.sh SOURCE_DIR BUILD_DIR [SCRIPT]
# SCRIPT: test-web-ui.js unless given (test-web-status.js).
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu
src=$1
build=$2
script=${3:-test-web-ui.js}
mkdir -p "$build"
if [ ! -x /usr/bin/chromium ]; then
  echo "not ok - /usr/bin/chromium is missing (scripts/install-deps installs it)"
  exit 1
fi
if [ ! -f "$build/node_modules/playwright-core/package.json" ] \
   || ! cmp -s "$src/package-lock.json" "$build/package-lock.json"; then
  cp "$src/package.json" "$src/package-lock.json" "$build/"
  # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core downloads nothing, but
  # say it anyway.
  (cd "$build" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
export NODE_PATH="$build/node_modules"
export PHONESEC_WEB_ARTEFACTS="${PHONESEC_WEB_ARTEFACTS:-$build/artefacts}"
rm -rf "$PHONESEC_WEB_ARTEFACTS"
exec node "$src/$script"
