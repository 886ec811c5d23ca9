#!/usr/bin/env bash
# `npm test`: everything the tests need, then the tests. Safe to run again; installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1

node scripts/ensure-deps.mjs

# The renderer is tested in Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "test: installing chromium for the dashboard tests (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
  else
    echo "test: /usr/bin/chromium is missing and cannot be installed here (needs root + apt-get); the browser tests will be skipped"
  fi
fi

echo "test: type check"
npx tsc --noEmit
echo "test: build"
npm run -s build
# Shuffled, so no test leans on another having run first; the seed is printed so a failure can be replayed:
#   VITEST_SEED=12345 npm test
seed="${VITEST_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
echo "test: vitest, shuffled with seed $seed (replay: VITEST_SEED=$seed npm test)"
npx vitest run --sequence.shuffle --sequence.seed="$seed" "$@"
