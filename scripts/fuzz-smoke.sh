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

# Seed the reader targets with real files when the shared test data is beside the repo.
# (awk 'NR<=N', not head: head closes the pipe early, and under pipefail the producer's
# SIGPIPE would fail the script.)
shared="$(cd .. && pwd)/../shared/testdata"
if [ -d "$shared/osv-scalibr-extractors" ]; then
  mkdir -p corpus/lockfile corpus/sbom_read
  for dir in "$shared"/osv-scalibr-extractors/*/*/; do
    id="$(basename "$(dirname "$dir")")/$(basename "$dir")"
    find "$dir" -type f -size -64k ! -name expected.json | while read -r f; do
      seed="corpus/lockfile/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
      [ -e "$seed" ] || { printf '%s\n' "$id"; cat "$f"; } >"$seed"
    done
  done
  find "$shared/syft-formats" "$shared/cyclonedx-specification" -name '*.json' -size -64k 2>/dev/null | awk 'NR<=400' | while read -r f; do
      cp -n "$f" "corpus/sbom_read/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
    done
  # The attestation predicates: SBOMs of both formats, and a vulns v0.2 predicate.
  mkdir -p corpus/attest_predicates
  find "$shared/syft-formats" -name '*.json' -size -64k 2>/dev/null | awk 'NR<=60' | while read -r f; do
      cp -n "$f" "corpus/attest_predicates/$(printf '%s' "$f" | sha1sum | cut -c1-16)"
    done
  printf '%s' '{"scanner":{"uri":"https://safeguard.dev/scan","version":"0.1.0","db":{"lastUpdate":"2025-03-01T10:00:00Z"},"result":[{"id":"GHSA-aaaa-bbbb-cccc","severity":[{"method":"rating","score":"high"}],"annotations":[{"purl":"pkg:cargo/a@1"}]}]},"metadata":{"scanStartedOn":"2025-03-01T10:00:00Z","scanFinishedOn":"2025-03-01T10:00:01Z"}}' >corpus/attest_predicates/vulns-seed
fi
if [ -d "$shared/rustsec-advisory-db-osv" ]; then
  mkdir -p corpus/osv_record corpus/vex_read corpus/cvss_parse corpus/version_parse corpus/osv_zip
  python3 - "$shared" corpus/osv_zip <<'PY'
import glob, os, sys, zipfile
shared, out = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(os.path.join(shared, "rustsec-advisory-db-osv", "crates", "*.json")))[:3]
for method in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(out, f"seed-{method}.zip"), "w", method) as z:
        for f in files:
            z.write(f, os.path.basename(f))
PY
  find "$shared/rustsec-advisory-db-osv" "$shared/osv-schema/tools/osv-linter/testdata" -name '*.json' -size -16k | awk 'NR<=300' | while read -r f; do cp -n "$f" "corpus/osv_record/$(printf '%s' "$f" | sha1sum | cut -c1-16)"; done
  find "$shared/openvex-spec" "$shared/openvex-go-vex" -name '*.json' -size -32k 2>/dev/null | awk 'NR<=100' | while read -r f; do cp -n "$f" "corpus/vex_read/$(printf '%s' "$f" | sha1sum | cut -c1-16)"; done
  cat "$shared"/cvss-vectors/tests/vectors_* | cut -d' ' -f1 | sort -u | awk 'NR<=300' |
    while read -r v; do printf '%s' "$v" >"corpus/cvss_parse/$(printf '%s' "$v" | sha1sum | cut -c1-16)"; done
fi
if [ -d "$shared/oasis-csaf" ]; then
  mkdir -p corpus/csaf_validate
  find "$shared/oasis-csaf/csaf_2.0/test/validator/data/mandatory" "$shared/oasis-csaf/csaf_2.0/examples/csaf" -name '*.json' -size -32k | awk 'NR<=200' | while read -r f; do cp -n "$f" "corpus/csaf_validate/$(printf '%s' "$f" | sha1sum | cut -c1-16)"; done
fi
# The store's recorder: a scan report with findings that exercise creation and keys.
mkdir -p corpus/store_record
printf '%s' '{"target":"repo","tool_version":"t","scanned_at":"2025-03-01T10:00:00Z","db":{"path":"x","records":1,"newest_modified":"2025-01-02T00:00:00Z"},"components":2,"findings":[{"component":{"ecosystem":"npm","name":"a","version":"1.0.0","purl":"pkg:npm/a@1.0.0","relationship":"direct"},"id":"GHSA-1","aliases":["CVE-2025-1"],"severity":{"rating":"high","score":7.5,"source":"cvss"},"fixed_versions":["1.0.1"],"published":"2025-01-01T00:00:00Z","modified":"2025-01-02T00:00:00Z"},{"component":{"ecosystem":"npm","name":"b","version":"2.0.0","purl":"pkg:npm/b@2.0.0","relationship":"transitive"},"id":"GHSA-2","severity":{"rating":null,"source":"unknown"},"modified":"2025-01-02T00:00:00Z","informational":"unmaintained"}]}' >corpus/store_record/report-seed

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
