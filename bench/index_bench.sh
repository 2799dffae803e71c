#!/usr/bin/env bash
# Times the indexer on a notes folder copied N times: a full build, a no-op
# sync, one changed file, and the index size. Usage:
#   bench/index_bench.sh [NOTES_DIR] [COPIES]    (default: the shared corpus, 10)
# Writes under bench/out/ (ignored by git). Needs a built tree in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
notes=${1:-../shared/corpus/pydanny-event-notes}
copies=${2:-10}
indexer=build/indexer/indexer
out=bench/out
rm -rf "$out" && mkdir -p "$out/notes"
for i in $(seq 1 "$copies"); do cp -r "$notes" "$out/notes/copy$i"; done
sleep 2  # let the copies leave the 2-second "racy" window
files=$(find "$out/notes" -type f | wc -l)
echo "corpus: $files files, $(du -sh "$out/notes" | cut -f1) ($copies copies of $notes)"
timed() { /usr/bin/time -f "  %e s wall, %U s user, %M KiB peak" "$@"; }
echo "full build:";      timed "$indexer" --db "$out/db" "$out/notes"
echo "no-op sync:";      timed "$indexer" --db "$out/db" "$out/notes"
one=$(find "$out/notes" -name '*.rst' -print -quit)
echo "* edited" >> "$one"
echo "one changed file:"; timed "$indexer" --db "$out/db" "$out/notes"
echo "index size: $(du -sh "$out/db" | cut -f1)"
