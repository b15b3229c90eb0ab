#!/usr/bin/env bash
# Proves `make package`: builds the Debian packages from BUILD_DIR with CPack into a scratch
# directory, checks their control fields, unpacks them into a scratch root (dpkg -x) and runs
# what they installed. Usage: check_debian_packages.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
scratch=$(mktemp -d "${TMPDIR:-/tmp}/package-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() { echo "package: $*" >&2; exit 1; }

(cd "$scratch" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" \
   >"$scratch/cpack.log" 2>&1) || { cat "$scratch/cpack.log" >&2; fail "cpack failed"; }
program=$(find "$scratch/out" -maxdepth 1 -name "ticketsim_${version}_*.deb")
library=$(find "$scratch/out" -maxdepth 1 -name "ticketsim-dev_${version}_*.deb")
[[ -f "$program" && -f "$library" ]] || fail "expected ticketsim and ticketsim-dev .debs, got: $(ls "$scratch/out")"

# Read whole, never through a pipe that closes early: dpkg-deb killed by SIGPIPE leaves its
# /tmp/dpkg-deb.XXXXXX directory behind.
field() { local value; value=$(dpkg-deb -f "$1" "$2"); printf '%s\n' "$value"; }
[[ "$(field "$program" Package)" == ticketsim ]] || fail "program package name"
[[ "$(field "$program" Version)" == "$version" ]] || fail "program package version"
[[ -n "$(field "$program" Maintainer)" && -n "$(field "$program" Description)" ]] ||
  fail "program package lacks a maintainer or description"
synopsis() { local description; description=$(field "$1" Description); echo "${description%%$'\n'*}"; }
for package in "$program" "$library"; do
  (($(synopsis "$package" | wc -c) <= 80)) || fail "synopsis longer than 80: $(synopsis "$package")"
done
[[ "$(synopsis "$program")" != "$(synopsis "$library")" ]] || fail "both packages have one synopsis"
[[ "$(field "$library" Depends)" == *libstdc++* ]] ||
  fail "ticketsim-dev does not declare the C++ standard library: $(field "$library" Depends)"
# A dynamically linked program must declare the shared libraries it needs.
root=$scratch/root
dpkg-deb -x "$program" "$root"
dpkg-deb -x "$library" "$root"
if ldd "$root/usr/bin/ticketsim" >/dev/null 2>&1; then
  [[ "$(field "$program" Depends)" == *libc6* ]] ||
    fail "a dynamic ticketsim without declared dependencies: $(field "$program" Depends)"
fi

for file in usr/bin/ticketsim usr/share/man/man1/ticketsim.1.gz \
            usr/share/bash-completion/completions/ticketsim usr/share/doc/ticketsim/README.md \
            usr/include/ticketsim/experiment.h usr/include/ticketsim/version.h \
            usr/share/locale/zh_CN/LC_MESSAGES/ticketsim.mo; do
  [[ -f "$root/$file" ]] || fail "$file is not in the packages"
done
[[ -n "$(find "$root/usr/lib" -name libticketsim.a)" ]] || fail "libticketsim.a is not packaged"
[[ -n "$(find "$root/usr/lib" -name ticketsimConfig.cmake)" ]] || fail "no CMake package config"
[[ -n "$(find "$root/usr/lib" -name ticketsim.pc)" ]] || fail "no pkg-config file"

got=$("$root/usr/bin/ticketsim" --version)
[[ "$got" == "ticketsim $version" ]] || fail "the packaged binary printed '$got' for --version"
report=$(cd "$scratch" && "$root/usr/bin/ticketsim" run --mode flock --procs 4 --tickets 2 \
           --latency 0 --json)
[[ "$report" == *'"sold": 2'* || "$report" == *'"sold":2'* ]] ||
  fail "the packaged binary's run did not sell 2 tickets: $report"
# Unpacked anywhere, the program finds its catalogue beside it (../share/locale).
chinese=$(cd "$scratch" && "$root/usr/bin/ticketsim" run --procs 2 --latency 0 --lang zh)
[[ "$chinese" == *发生了什么* ]] || fail "the packaged binary did not speak Chinese: $chinese"
zcat "$root/usr/share/man/man1/ticketsim.1.gz" | grep -q '^\.TH TICKETSIM "1"' ||
  fail "the man page has no .TH header"
bash -c "source '$root/usr/share/bash-completion/completions/ticketsim' && complete -p ticketsim" \
  >/dev/null || fail "the bash completion does not register"
echo "package: $(basename "$program") and $(basename "$library") unpack and run"
