#!/usr/bin/env bash
# CSAF 2.0 validation (JSON schema + every mandatory test of section 6.1) of the OASIS example
# advisories, by `safeguard advisory validate` and by @secvisogram/csaf-validator-lib in strict
# mode (.ci/csaf-validate.mjs, the interop harness), in the same run.
#
#   scripts/bench-csaf.sh [RUNS]     default 10 runs each; medians as a markdown table
#
# The lib is the pinned one of .ci/node (`npm ci --prefix .ci/node`). Both tools read the
# same files and both must agree that every file is valid, or the script stops.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
examples="$(cd .. && pwd)/shared/testdata/oasis-csaf/csaf_2.0/examples/csaf"
[ -d .ci/node/node_modules/@secvisogram/csaf-validator-lib ] ||
  npm ci --prefix .ci/node --no-audit --no-fund --loglevel=error
cargo build --release -q -p safeguard-cli
ours="$CARGO_TARGET_DIR/release/safeguard"

python3 - "$runs" "$ours" "$examples" <<'PY'
import glob, json, os, resource, statistics, subprocess, sys, time
runs, ours, examples = int(sys.argv[1]), sys.argv[2], sys.argv[3]
files = sorted(glob.glob(f"{examples}/**/*.json", recursive=True))
size = sum(os.path.getsize(f) for f in files)
tools = [
    ("safeguard advisory validate", [ours, "advisory", "validate", "--format", "json", *files]),
    ("csaf-validator-lib 2.0.10 (node, validateStrict)", ["node", ".ci/csaf-validate.mjs", *files]),
]
rows = []
for name, cmd in tools:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if p.returncode != 0:
            sys.exit(f"{name} failed ({p.returncode}): {p.stdout[:2000]}{p.stderr[:2000]}")
    out = json.loads(p.stdout)
    items = out if isinstance(out, list) else out.get("files", out)
    rows.append((name, statistics.median(walls), statistics.median(cpus)))
print(f"CSAF validation of the {len(files)} OASIS example advisories ({size/1024:.0f} KiB), median of {runs} runs\n")
print("| tool | wall ms | CPU ms |")
print("|---|---:|---:|")
for name, w, c in rows:
    print(f"| {name} | {w*1000:.1f} | {c*1000:.1f} |")
w0, c0 = rows[0][1], rows[0][2]
for name, w, c in rows[1:]:
    print(f"\n{name}: {w/w0:.1f}x our wall time, {c/c0:.1f}x our CPU time")
PY
