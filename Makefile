# Two commands do everything: `make demo` and `make test` (see README).
BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-release
PACKAGE_BUILD ?= build-package
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc)
SOURCES    := $(shell find include storage locks simulator tests bench -name '*.cc' -o -name '*.h')

.PHONY: all demo demo-database test build bootstrap sanitize bench release-build install package pot format format-check clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# The lesson, side by side: every mode on the default store.
demo: build
	./$(BUILD)/ticketsim compare --modes all --store data/tickets.json

# The same lesson on a database: a throw-away PostgreSQL (pg_virtualenv), the database's own
# modes side by side, every customer at the purchase before anyone buys.
demo-database: build
	pg_virtualenv -t ./$(BUILD)/ticketsim compare --store postgresql:// --modes all --schedule lockstep --procs 8 --tickets 3

test: build
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure

# The same suite under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: bootstrap
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTICKETSIM_SANITIZE=ON -DTICKETSIM_BUILD_BENCH=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest -j $(JOBS) --output-on-failure

# Benchmarks with their baselines, measured in one run: in-process figures first, then the
# headline table of whole processes against whole-process baselines (alternated, medians).
bench: bootstrap
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release -DTICKETSIM_BUILD_TESTS=OFF
	cmake --build $(BENCH_BUILD) -j $(JOBS)
	./$(BENCH_BUILD)/bench/ticketsim_bench --benchmark_report_aggregates_only=true
	./$(BENCH_BUILD)/bench/whole_process_bench --ticketsim ./$(BENCH_BUILD)/ticketsim --reps 11 --heavy-reps 3
	pg_virtualenv -t bench/database_bench.sh ./$(BENCH_BUILD)

# A Release build of the program and the library only (no tests, benchmarks or fuzzer), for
# install and package.
release-build: bootstrap
	cmake -S . -B $(PACKAGE_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
	  -DTICKETSIM_BUILD_TESTS=OFF -DTICKETSIM_BUILD_BENCH=OFF
	cmake --build $(PACKAGE_BUILD) -j $(JOBS)

# Installs the program, man page, completion, library, headers, CMake package and pkg-config
# file under PREFIX (default /usr/local; e.g. make install PREFIX=$$HOME/.local), stripped.
install: release-build
	cmake --install $(PACKAGE_BUILD) --prefix $(PREFIX) --strip

# Debian packages ticketsim and ticketsim-dev (CPack), built for /usr.
package: release-build
	cd $(PACKAGE_BUILD) && cpack -G DEB
	@ls -l $(PACKAGE_BUILD)/*.deb

# The message catalogues: extract every marked sentence into po/ticketsim.pot and merge it
# into each translation (po/<language>.po); then translate what msgmerge marked new or fuzzy.
pot:
	bash scripts/extract_messages.sh po/ticketsim.pot
	for po in po/*.po; do msgmerge --quiet --update --backup=none --no-wrap $$po po/ticketsim.pot; done

format:
	@clang-format -i $(SOURCES)

format-check: bootstrap
	@clang-format --dry-run --Werror $(SOURCES) && echo "format: clean"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD) $(PACKAGE_BUILD)
