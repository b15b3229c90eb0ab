#!/usr/bin/env bash
# Proves ticketsim is a good citizen as a subproject: configures tests/subproject (which
# add_subdirectory's ticketsim with Catch2, Google Benchmark and CLI11 made unfindable) without a
# build type, then checks that ticketsim left the parent's build type alone, added none of
# its tests (nor fuzz or *_NOT_BUILT entries) to the parent's ctest, defined no program and
# needed no CLI11, and passes no CLI11 on to consumers of ticketsim::ticketsim; then builds
# the parent and runs its test. Usage: check_subproject.sh SOURCE_DIR
set -euo pipefail
source=$1
scratch=$(mktemp -d "${TMPDIR:-/tmp}/subproject-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "subproject: $*" >&2; exit 1; }

cmake -S "$source/tests/subproject" -B "$scratch/build" \
      -DTICKETSIM_SOURCE_DIR="$source" >"$scratch/configure.log" 2>&1 ||
  { cat "$scratch/configure.log" >&2; fail "the parent project did not configure"; }

[[ "$(cat "$scratch/build/parent_build_type.txt")" == "[]" ]] ||
  fail "ticketsim changed the parent's build type to $(cat "$scratch/build/parent_build_type.txt")"

tests=$(cd "$scratch/build" && ctest -N | sed -n 's/^ *Test *#[0-9]*: //p')
[[ "$tests" == "parent.own_test" ]] || fail "the parent's ctest lists more than its own test: $tests"

[[ "$(cat "$scratch/build/program_targets.txt")" == "[]" ]] ||
  fail "a library-only subproject still defines the program: $(cat "$scratch/build/program_targets.txt")"

# The parent builds and runs its program against the library alone.
cmake --build "$scratch/build" -j 2 >"$scratch/build.log" 2>&1 ||
  { tail -30 "$scratch/build.log" >&2; fail "the parent project did not build"; }
(cd "$scratch/build" && ctest --output-on-failure >"$scratch/ctest.log" 2>&1) ||
  { cat "$scratch/ctest.log" >&2; fail "the parent's own test failed"; }

interface=$(cat "$scratch/build/ticketsim_interface.txt")
[[ "$interface" != *CLI11* ]] || fail "ticketsim::ticketsim passes CLI11 on: $interface"
[[ "$interface" != *Catch2* && "$interface" != *benchmark* ]] ||
  fail "ticketsim::ticketsim passes a test library on: $interface"
echo "subproject: build type left alone, only the parent's test, interface: $interface"
