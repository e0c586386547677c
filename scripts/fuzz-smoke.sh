#!/usr/bin/env bash
# Run every fuzz target for a short while (default 15 s each). Longer by hand:
#   FUZZ_SECONDS=600 scripts/fuzz-smoke.sh
# The machine has only a stable toolchain; cargo-fuzz's sanitizer flags need
# RUSTC_BOOTSTRAP=1 to be accepted by it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-15}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install --locked --quiet cargo-fuzz --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1
for target in $(cargo fuzz list); do
  echo "== fuzz $target (${seconds}s)"
  log="target/fuzz-$target.log"
  mkdir -p target
  if ! cargo fuzz run "$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz target $target failed; the crashing input is under fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^Done' "$log" || true
done
