#!/usr/bin/env bash
# Build a git repository with history from the vendored crates: one commit per 10 crates,
# then 200 commits that each edit one file. Deterministic (fixed dates and order).
set -euo pipefail
src=${1:?usage: make-history-repo.sh VENDOR_DIR OUT_REPO}
dst=${2:?usage: make-history-repo.sh VENDOR_DIR OUT_REPO}
rm -rf "$dst"; mkdir -p "$dst"; cd "$dst"
git init -q -b main
git config user.name Bench; git config user.email bench@example.org
export GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
mapfile -t crates < <(ls "$src" | sort)
n=0
for ((i=0; i<${#crates[@]}; i+=10)); do
  for c in "${crates[@]:i:10}"; do cp -r "$src/$c" "vendor-$c"; done
  git add -A >/dev/null; git commit -q -m "vendor batch $i"; n=$((n+1))
done
mapfile -t rs < <(git ls-files -z '*.rs' | tr '\0' '\n' | sort | awk 'NR % 97 == 0 && n++ < 200')
for f in "${rs[@]}"; do echo "// edited $n" >> "$f"; git commit -q -am "edit $f"; n=$((n+1)); done
git gc -q
echo "commits: $n"; du -sh .git
