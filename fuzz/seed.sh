#!/usr/bin/env bash
# Fill the fuzz corpus with the shipped scenarios and the hostile cases.
# Usage: fuzz/seed.sh   then   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run scenario
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/scenario
cp ../scenarios/*.toml corpus/scenario/
for f in ../tests/hostile/*.toml ../tests/hostile/*.bin; do
    cp "$f" "corpus/scenario/hostile_$(basename "$f")"
done
echo "seeded $(ls corpus/scenario | wc -l) files into fuzz/corpus/scenario"
