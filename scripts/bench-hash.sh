#!/usr/bin/env bash
# SHA-256 throughput of safeguard-attest's streaming hasher against sha256sum and
# `openssl dgst -sha256`, on the same 1 GiB file in the same run (warm page cache).
#
#   scripts/bench-hash.sh [RUNS]     default 5 runs each; medians are printed as a markdown table
#
# BENCH_FILE (default /tmp/bench-hash-1g.bin) is created once with random data when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
file="${BENCH_FILE:-/tmp/bench-hash-1g.bin}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -ne 1073741824 ]; then
  head -c 1073741824 /dev/urandom >"$file"
fi
cargo build --release -q -p safeguard-attest --example sha256
ours="$CARGO_TARGET_DIR/release/examples/sha256"
cat "$file" >/dev/null   # warm the page cache

python3 - "$runs" "$file" "$ours" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
runs, path, ours = int(sys.argv[1]), sys.argv[2], sys.argv[3]
size = os.path.getsize(path)
tools = [("safeguard-attest (sha2)", [ours, path])]
if shutil.which("sha256sum"):
    tools.append(("sha256sum", ["sha256sum", path]))
if shutil.which("openssl"):
    tools.append(("openssl dgst -sha256", ["openssl", "dgst", "-sha256", "-r", path]))
digests, rows = {}, []
for name, cmd in tools:
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    digests[name] = out.split()[0].lstrip("*").lower()
    w, c = statistics.median(walls), statistics.median(cpus)
    rows.append((name, w, c, size / w / 1e9, size / c / 1e9))
if len(set(digests.values())) != 1:
    sys.exit(f"digests differ: {digests}")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
sha_ni = any("sha_ni" in l for l in open("/proc/cpuinfo") if l.startswith("flags"))
print(f"SHA-256 of a {size >> 20} MiB file, median of {runs} runs; CPU: {cpu}; sha_ni: {'yes' if sha_ni else 'no'}")
print(f"digest {next(iter(digests.values()))} (all tools agree)\n")
print("| tool | wall s | CPU s | GB/s (wall) | GB/s per CPU-second |")
print("|---|---:|---:|---:|---:|")
for name, w, c, gw, gc in rows:
    print(f"| {name} | {w:.3f} | {c:.3f} | {gw:.2f} | {gc:.2f} |")
PY
