#!/usr/bin/env bash
# Proves the library from outside: installs BUILD_DIR into a scratch prefix, checks that only
# the public headers were installed, builds tests/consumer with find_package(ticketsim CONFIG)
# and runs its tests, then builds a program with pkg-config alone and runs it.
# Usage: check_installed_library.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail
build=$1 source=$2 version=$3
scratch=$(mktemp -d "${TMPDIR:-/tmp}/consumer-check.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
prefix=$scratch/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null

# Only include/ticketsim/*.h (and the generated version.h): no internal header.
installed=$(cd "$prefix/include" && find . -type f | sort)
expected=$( (cd "$source/include" && find . -name '*.h'; echo ./ticketsim/version.h) | sort)
if [[ "$installed" != "$expected" ]]; then
  echo "installed headers differ from include/ticketsim:" >&2
  diff <(echo "$expected") <(echo "$installed") >&2
  exit 1
fi
for file in bin/ticketsim share/man/man1/ticketsim.1.gz \
            share/bash-completion/completions/ticketsim; do
  [[ -f "$prefix/$file" ]] || { echo "not installed: $file" >&2; exit 1; }
done
got=$("$prefix/bin/ticketsim" --version)
[[ "$got" == "ticketsim $version" ]] || { echo "ticketsim --version printed '$got'" >&2; exit 1; }

# The consumer project, configured as its author would, against the scratch prefix only.
cmake -S "$source/tests/consumer" -B "$scratch/build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$scratch/build" -j 2 >/dev/null
(cd "$scratch/build" && ctest --output-on-failure)

# pkg-config, relocated with the prefix.
pc_dir=$(dirname "$(find "$prefix" -name ticketsim.pc)")
export PKG_CONFIG_PATH=$pc_dir
got=$(pkg-config --modversion ticketsim)
[[ "$got" == "$version" ]] || { echo "pkg-config --modversion ticketsim printed '$got'" >&2; exit 1; }
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
g++ -std=c++20 $(pkg-config --cflags ticketsim) "$source/tests/consumer/pkg_config_program.cc" \
    $(pkg-config --libs ticketsim) -o "$scratch/pkg_config_program"
# The archive is position-independent: it links into a shared object (a plugin, a binding).
# shellcheck disable=SC2046
g++ -std=c++20 -shared -fPIC $(pkg-config --cflags ticketsim) \
    "$source/tests/consumer/pkg_config_program.cc" $(pkg-config --libs ticketsim) \
    -o "$scratch/libplugin.so"
"$scratch/pkg_config_program"
echo "installed library: headers, CMake package and pkg-config all work from $prefix"
