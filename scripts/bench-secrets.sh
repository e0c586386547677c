#!/usr/bin/env bash
# Whole-process benchmarks of `safeguard secrets`, with gitleaks (and Kingfisher when present)
# measured in the same run on the same inputs (see ../shared/bench/PEERS.md for installing them).
#
#   scripts/bench-secrets.sh [RUNS]      default 5 runs each; medians are printed
#
# Inputs (BENCH_WORK, default /work/bench-secrets):
#   vendor/    `cargo vendor` of ../shared/bench/inputs/bigrust (~0.5 GB of real source):
#                mkdir -p $BENCH_WORK && cp -r ../shared/bench/inputs/bigrust $BENCH_WORK/ &&
#                (cd $BENCH_WORK/bigrust && mkdir -p src && touch src/lib.rs && cargo vendor ../vendor)
#   histrepo/  a git repository built from vendor/ by scripts/make-history-repo.sh
#                (one commit per 10 crates, then 200 commits that each edit one file)
#
# 1. Tree scan: safeguard secrets over vendor/ (all rules, all cores) — MB per CPU-second from
#    the bytes it reports scanning; gitleaks dir and kingfisher on the same folder.
# 2. History scan: safeguard secrets --history-only against gitleaks git on histrepo/.
#
# Peers are looked up on PATH, then in PEERS_BIN (default /work/peers/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work="${BENCH_WORK:-/work/bench-secrets}"
export PATH="$PATH:${PEERS_BIN:-/work/peers/bin}"
for need in "$work/vendor" "$work/histrepo/.git"; do
  [ -e "$need" ] || { echo "missing $need (see the header of this script)" >&2; exit 2; }
done

cargo build --release --locked -q -p safeguard-cli
sg="$PWD/target/release/safeguard"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# measure CMD...: runs CMD $runs times; prints "wall cpu rss_mb" medians from getrusage.
measure() {
  python3 - "$runs" "$tmp/out" "$tmp/err" "$@" <<'PY'
import resource, statistics, subprocess, sys, time
runs, out, err, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
walls, cpus, rsss = [], [], []
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "wb") as o, open(err, "wb") as e:
        p = subprocess.run(cmd, stdout=o, stderr=e)
    walls.append(time.perf_counter() - t0)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1, 200, 205):
        sys.stderr.write(f"FAILED ({p.returncode}): {' '.join(cmd)}\n" + open(err, errors="replace").read()[-800:])
        sys.exit(1)
    cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    rsss.append(after.ru_maxrss / 1024)
print(f"{statistics.median(walls):.3f} {statistics.median(cpus):.3f} {max(rsss):.1f}")
PY
}

field() { python3 -c "import json,sys; d=json.load(open('$tmp/out')); print($1)"; }

echo "## Tree scan: $work/vendor"
echo
rules=$("$sg" secrets rules --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
read -r w c r < <(measure "$sg" secrets "$work/vendor" --format json)
bytes=$(field 'd["bytes"]'); files=$(field 'd["files"]'); found=$(field 'len(d["findings"])')
mbcpu=$(python3 -c "print(f'{$bytes/1e6/$c:.0f}')")
echo "| tool | rules | wall s | CPU s | MB per CPU-s | peak RSS MB | findings |"
echo "|---|---|---|---|---|---|---|"
echo "| safeguard secrets | $rules | $w | $c | $mbcpu | $r | $found distinct secrets in $files files ($((bytes/1000000)) MB) |"
sg_tree_cpu=$c
if command -v gitleaks >/dev/null; then
  read -r w c r < <(measure gitleaks dir "$work/vendor" --no-banner --exit-code 0 --report-format json --report-path "$tmp/gl.json")
  n=$(python3 -c "import json; print(len(json.load(open('$tmp/gl.json'))))")
  echo "| gitleaks dir | ~ | $w | $c | $(python3 -c "print(f'{$bytes/1e6/$c:.0f}')") | $r | $n findings |"
  gl_tree_cpu=$c
fi
if command -v kingfisher >/dev/null; then
  read -r w c r < <(measure kingfisher scan "$work/vendor" --no-validate --no-update-check --format json --output "$tmp/kf.json")
  echo "| kingfisher scan | ~ | $w | $c | $(python3 -c "print(f'{$bytes/1e6/$c:.0f}')") | $r | (not compared) |"
fi
echo
echo "MB per CPU-second for the peers uses the bytes safeguard scanned (same folder)."
[ -n "${gl_tree_cpu:-}" ] && echo "CPU ratio gitleaks/safeguard on the tree: $(python3 -c "print(f'{$gl_tree_cpu/$sg_tree_cpu:.1f}')")×"
echo

echo "## History scan: $work/histrepo ($(git -C "$work/histrepo" rev-list --all --count) commits)"
echo
read -r w c r < <(measure "$sg" secrets "$work/histrepo" --history-only --format json)
blobs=$(field 'd["blobs"]'); bb=$(field 'd["blob_bytes"]'); found=$(field 'len(d["findings"])')
echo "| tool | wall s | CPU s | peak RSS MB | findings |"
echo "|---|---|---|---|---|"
echo "| safeguard secrets --history-only | $w | $c | $r | $found distinct secrets; $blobs blobs, $((bb/1000000)) MB |"
sg_w=$w; sg_c=$c
if command -v gitleaks >/dev/null; then
  read -r w c r < <(measure gitleaks git "$work/histrepo" --no-banner --exit-code 0 --report-format json --report-path "$tmp/glh.json")
  n=$(python3 -c "import json; print(len(json.load(open('$tmp/glh.json'))))")
  echo "| gitleaks git | $w | $c | $r | $n findings |"
  echo
  echo "gitleaks/safeguard: $(python3 -c "print(f'{$w/$sg_w:.1f}')")× wall, $(python3 -c "print(f'{$c/$sg_c:.1f}')")× CPU"
fi
