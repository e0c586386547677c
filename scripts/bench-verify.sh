#!/usr/bin/env bash
# Offline verification of a keyless Sigstore bundle (Fulcio certificate, Rekor entry with its
# inclusion proof and checkpoint) by safeguard and by sigstore-python, in the same run.
#
#   scripts/bench-verify.sh [RUNS]     default 10 runs each; medians as a markdown table
#
# Input: sigstore-conformance's happy-path-v0.3 bundle over a.txt (../shared/testdata).
# sigstore-python (PEERS: `pip install sigstore==4.5.1`, SIGSTORE=path to its CLI, default
# /work/peers/bin/sigstore) runs with --offline, its TUF cache seeded from the trust roots
# sigstore-python 4.5.1 ships (stored beside the conformance suite), so neither tool touches
# the network. safeguard uses the production trusted root built into its binary.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
conf="$(cd .. && pwd)/shared/testdata/sigstore-conformance"
sigstore="${SIGSTORE:-/work/peers/bin/sigstore}"
[ -x "$sigstore" ] || { echo "sigstore-python not found at $sigstore (set SIGSTORE)" >&2; exit 2; }
cargo build --release -q -p safeguard-cli
ours="$CARGO_TARGET_DIR/release/safeguard"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tuf='https%3A%2F%2Ftuf-repo-cdn.sigstore.dev'
roots="$conf/prod-and-staging-trust-roots-from-sigstore-python-4.5.1/tuf-repo-cdn.sigstore.dev"
mkdir -p "$work/data/sigstore-python/tuf/$tuf" "$work/cache/sigstore-python/tuf/$tuf"
cp "$roots/root.json" "$work/data/sigstore-python/tuf/$tuf/"
cp "$roots/trusted_root.json" "$roots/signing_config.v0.2.json" "$work/cache/sigstore-python/tuf/$tuf/"
export XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache"

python3 - "$runs" "$ours" "$sigstore" "$conf/test/assets/bundle-verify" <<'PY'
import resource, statistics, subprocess, sys, time
runs, ours, sigstore, assets = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ident = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
issuer = "https://token.actions.githubusercontent.com"
bundle = f"{assets}/happy-path-v0.3/bundle.sigstore.json"
artifact = f"{assets}/a.txt"
tools = [
    ("safeguard verify", [ours, "verify", artifact, "--bundle", bundle,
        "--certificate-identity", ident, "--certificate-oidc-issuer", issuer]),
    ("sigstore-python verify identity --offline", [sigstore, "verify", "identity", "--offline",
        "--bundle", bundle, "--cert-identity", ident, "--cert-oidc-issuer", issuer, artifact]),
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
            sys.exit(f"{name} failed ({p.returncode}): {p.stdout}{p.stderr}")
    rows.append((name, statistics.median(walls), statistics.median(cpus)))
print(f"Offline verification of sigstore-conformance happy-path-v0.3, median of {runs} runs\n")
print("| tool | wall ms | CPU ms |")
print("|---|---:|---:|")
for name, w, c in rows:
    print(f"| {name} | {w*1000:.1f} | {c*1000:.1f} |")
w0, c0 = rows[0][1], rows[0][2]
for name, w, c in rows[1:]:
    print(f"\n{name}: {w/w0:.1f}x our wall time, {c/c0:.1f}x our CPU time")
PY
