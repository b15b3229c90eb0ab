#!/usr/bin/env bash
# Installs the Debian packages ticketsim needs to build, test and benchmark, and only
# those that are missing. Safe to run again. Uses sudo when not run as root.
set -euo pipefail

packages=(
  g++ cmake make                      # toolchain
  nlohmann-json3-dev                  # the store's JSON
  libboost-dev                        # Boost.Interprocess (file_lock, named_mutex)
  catch2                              # tests (Catch2 v2)
  libcli11-dev                        # the command line
  libfmt-dev                          # formatting
  libbenchmark-dev                    # bench/
  python3                             # bench/: the lesson's original program
  clang-format                        # make format-check
  chromium                            # tests/html_report_test.cc renders the HTML report
  fonts-wqy-microhei                  # a CJK font, so that Chinese pages render (and measure) in chromium
  clang libclang-rt-14-dev            # tests/fuzz: the libFuzzer target for the store loader
  tmux                                # tests/step_ui_test.cc drives `ticketsim step` in a terminal
  help2man                            # the man page ticketsim(1), generated from --help
  dpkg-dev                            # make package: dpkg-shlibdeps declares what ticketsim links
  pkg-config                          # tests/consumer: the installed ticketsim.pc
  gettext                             # po/: msgfmt builds the catalogues, xgettext checks them
  libpq-dev                           # the database store: libpq-fe.h (libpq.so.5 is loaded at run time)
  postgresql                          # tests/database_test.cc: a private cluster via pg_virtualenv
  hyperfine                           # bench/database_bench.sh: whole processes, A against B
  libhiredis-dev                      # mode redis-lock: hiredis.h (libhiredis is loaded at run time)
  redis-server                        # tests/database_test.cc: a private Redis per test
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "bootstrap: installing ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  # A fresh machine may have empty or stale package lists.
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
