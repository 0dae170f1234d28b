#!/usr/bin/env bash
# Build the fixture pages with the code of COMMIT and with the working tree, and compare
# every file of the two releases. A refactor must leave every data file the same; only
# the manifest (its pipeline fingerprint), and so the card and SHA256SUMS, may differ.
#
#   scripts/compare_builds.sh COMMIT
set -euo pipefail
commit=${1:?usage: scripts/compare_builds.sh COMMIT}
top=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'git -C "$top" worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$top" worktree add -q "$work/before" "$commit"
for part in "$top"/tests/fixtures/pages "$top"/tests/fixtures/check*; do
    mkdir -p "$work/raw/$(basename "$part")"
    find "$part" -maxdepth 1 -type f ! -name '*.json' ! -name 'README.md' -exec cp {} "$work/raw/$(basename "$part")/" \;
done
build() {  # build with the code under $1/src into $2
    (cd "$work" && PYTHONPATH="$1/src" python -m cadrespeech build --version 0.1.0 --raw "$work/raw" --out "$2" \
        --quiet --no-cache --jobs 2 --card "$1/DATASET_CARD.md" --citation "$1/CITATION.cff" >/dev/null)
}
build "$work/before" "$work/out-before"
build "$top" "$work/out-after"
differ=0
while IFS= read -r file; do
    if cmp -s "$work/out-before/v0.1.0/$file" "$work/out-after/v0.1.0/$file"; then
        echo "same    $file"
    else
        echo "differs $file"
        case "$file" in manifest.json | README.md | SHA256SUMS) ;; *) differ=1 ;; esac
    fi
done < <(cd "$work/out-before/v0.1.0" && find . -type f | sed 's|^\./||' | sort)
exit "$differ"
