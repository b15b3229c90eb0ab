#!/usr/bin/env bash
# The database modes' speed (README "Database modes"): for each mode, `ticketsim run` with 8
# customers x 2,000 purchases (no think, search or hold time) against bench/libpq_loop, a
# hand-written libpq program issuing the same statements, timed as whole processes by
# hyperfine in the same run, alternating. Prints a Markdown table of purchases per second.
#
# usage: pg_virtualenv -t bench/database_bench.sh BUILD_DIR [RUNS]   (MODES="none atomic" for some)
# (pg_virtualenv starts a throw-away PostgreSQL and sets PGHOST, PGPORT, ...; `make bench`
# runs it so.)
set -euo pipefail
build=${1:?usage: database_bench.sh BUILD_DIR [RUNS]}
runs=${2:-7}
procs=8
purchases=2000
tickets=$((procs * purchases))
[[ -n ${PGHOST:-} ]] || { echo "database_bench: no PGHOST; run it under pg_virtualenv" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "| mode | ticketsim purchases/s | libpq loop purchases/s | ticketsim / loop |"
echo "|---|---:|---:|---:|"
for mode in ${MODES:-none row-lock advisory optimistic atomic serializable}; do
  hyperfine --style none --warmup 1 --runs "$runs" --export-json "$scratch/$mode.json" \
    "$build/ticketsim run --store postgresql:// --mode $mode --procs $procs --attempts $purchases --tickets $tickets --latency 0 --search-latency 0 --hold 0" \
    "$build/bench/libpq_loop $mode $procs $purchases $tickets" >/dev/null
  python3 - "$scratch/$mode.json" "$mode" "$tickets" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
ours, loop = (statistics.median(r["times"]) for r in results)
n = int(sys.argv[3])
print(f"| {sys.argv[2]} | {n / ours:,.0f} | {n / loop:,.0f} | {loop / ours:.2f}x |")
PY
done
