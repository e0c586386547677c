#!/usr/bin/env bash
# Whole-process benchmarks of the vulnerability database and scan, with cargo-audit measured in
# the same run (see ../shared/bench/PEERS.md for installing it).
#
#   scripts/bench-vulndb.sh [RUNS]      default 5 runs each; medians are printed
#
# 1. Build: `db import` of gen_osv.py's 300k synthetic records (NDJSON, and the all.zip layout)
#    plus the real RustSec, Go, PyPA and GHSA data, into a fresh database.
# 2. Scan each benchmark input against that database (includes opening it).
# 3. cargo-audit against its native RustSec database and safeguard against the same snapshot's
#    OSV branch, on bigrust's Cargo.lock; the finding sets are compared.
# 4. divan: open, lookups and matching at 300k scale (SAFEGUARD_BENCH_DB).
#
# cargo-audit is looked up on PATH, then in PEERS_CARGO (default /work/peers-cargo/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
shared="${SHARED:-../shared}"
export PATH="$PATH:${PEERS_CARGO:-/work/peers-cargo/bin}"
work="${BENCH_WORK:-$(mktemp -d)}"
mkdir -p "$work"

cargo build --release --locked -q -p safeguard-cli
sg="$PWD/target/release/safeguard"

# measure CMD...: runs CMD $runs times (stdout to $work/out); prints "wall cpu rss_mb" medians,
# from getrusage of the child.
measure() {
  python3 - "$runs" "$work/out" "$work/err" "$@" <<'PY'
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
    if p.returncode not in (0, 1):
        sys.stderr.write(f"FAILED ({p.returncode}): {' '.join(cmd)}\n" + open(err, errors="replace").read()[-800:])
        sys.exit(1)
    cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    rsss.append(after.ru_maxrss / 1024)
print(f"{statistics.median(walls):.4f} {statistics.median(cpus):.4f} {max(rsss):.1f}")
PY
}

corpus="$work/osv300k"
if [ ! -f "$corpus.ndjson" ]; then
  echo "generating the 300k-record corpus (gen_osv.py, ~40 s)…" >&2
  python3 "$shared/bench/gen_osv.py" 300000 "$corpus" >&2
fi
real=("$shared/testdata/rustsec-advisory-db-osv/crates" "$shared/testdata/golang-vulndb/data/osv"
      "$shared/testdata/pypa-advisory-database/vulns" "$shared/testdata/ghsa-sample/advisories")

echo "## Build (db import into a fresh database)"
echo
echo "| input | records read | imported | wall s | CPU s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for kind in ndjson zip; do
  db="$work/build-$kind.db"
  read -r wall cpu rss < <(measure bash -c "rm -f '$db' && exec '$sg' db import --db '$db' --format json '$corpus.$kind' ${real[*]}")
  counts=$(python3 -c "import json,sys; r=json.load(open('$work/out')); print(r['read'], r['stats']['records'])")
  echo "| 300k synthetic ($kind) + real data | ${counts% *} | ${counts#* } | $wall | $cpu | $rss |"
done
db="$work/build-ndjson.db"
echo
"$sg" db stats --db "$db" | tail -1
echo

echo "## Scan against the 300k database (includes opening it)"
echo
echo "| input | components | findings | wall s | CPU s | peak RSS MB |"
echo "|---|---|---|---|---|---|"
for input in bigrust bignode bigpy; do
  src="$shared/bench/inputs/$input"
  [ -d "$src" ] || continue
  read -r wall cpu rss < <(measure "$sg" scan "$src" --db "$db" --format json -q)
  counts=$(python3 -c "import json; r=json.load(open('$work/out')); print(r['components'], len(r['findings']))")
  echo "| $input | ${counts% *} | ${counts#* } | $wall | $cpu | $rss |"
done
echo

echo "## bigrust: safeguard (RustSec OSV branch) against cargo-audit (native RustSec), same snapshot"
echo
rustsec_db="$work/rustsec.db"
rm -f "$rustsec_db"
"$sg" db import -q --db "$rustsec_db" "$shared/testdata/rustsec-advisory-db-osv/crates"
lock_dir="$work/bigrust"
mkdir -p "$lock_dir"
cp "$shared/bench/inputs/bigrust/Cargo.lock" "$lock_dir/"
echo "| tool | wall s | CPU s | peak RSS MB |"
echo "|---|---|---|---|"
read -r s_wall s_cpu s_rss < <(measure "$sg" scan "$lock_dir" --db "$rustsec_db" --format json -q)
cp "$work/out" "$work/safeguard-bigrust.json"
echo "| safeguard scan | $s_wall | $s_cpu | $s_rss |"
if command -v cargo-audit >/dev/null 2>&1; then
  read -r a_wall a_cpu a_rss < <(measure cargo-audit audit --db "$shared/testdata/rustsec-advisory-db" --no-fetch --stale -f "$lock_dir/Cargo.lock" --json)
  cp "$work/out" "$work/audit-bigrust.json"
  echo "| cargo audit | $a_wall | $a_cpu | $a_rss |"
  python3 - "$s_wall" "$s_cpu" "$a_wall" "$a_cpu" <<'PY'
import sys
sw, sc, aw, ac = map(float, sys.argv[1:])
print(f"\ncargo-audit / safeguard: wall {aw / sw:.1f}x, CPU {ac / sc:.1f}x")
PY
  echo
  python3 - "$work/safeguard-bigrust.json" "$work/audit-bigrust.json" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
audit = json.load(open(sys.argv[2]))
mine = {(f["id"], f["component"]["name"], f["component"]["version"]) for f in ours["findings"]}
theirs = {(v["advisory"]["id"], v["package"]["name"], v["package"]["version"]) for v in audit["vulnerabilities"]["list"]}
warn = set()
for kind, items in (audit.get("warnings") or {}).items():
    for w in items:
        if w.get("advisory"):
            warn.add((w["advisory"]["id"], w["package"]["name"], w["package"]["version"]))
print(f"findings: safeguard {len(mine)}; cargo-audit {len(theirs)} vulnerabilities + {len(warn)} advisory warnings (unmaintained/unsound)")
print(f"  same: {len(mine & (theirs | warn))}")
for label, s in (("only safeguard", mine - theirs - warn), ("only cargo-audit", (theirs | warn) - mine)):
    for item in sorted(s):
        print(f"  {label}: {' '.join(item)}")
PY
else
  echo "(cargo-audit not installed: cargo install --locked cargo-audit)"
fi
echo

echo "## divan at 300k scale"
echo
SAFEGUARD_BENCH_DB="$db" cargo bench -q -p safeguard-vulndb --bench db 2>/dev/null | grep -v '^$'
