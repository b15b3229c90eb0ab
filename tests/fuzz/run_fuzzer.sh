#!/usr/bin/env bash
# Runs the store fuzzer for RUNS inputs, seeded with the kept corpus; new inputs go to a
# scratch directory, so the source tree is never written. Usage: run_fuzzer.sh FUZZER CORPUS RUNS
set -euo pipefail
fuzzer=$1 corpus=$2 runs=$3
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$fuzzer" -runs="$runs" -seed=1 -max_len=4096 -print_final_stats=1 "$scratch" "$corpus"
