# Two commands do everything: `make demo` and `make test` (see README).
BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD ?= build-release
JOBS       ?= $(shell nproc)
SOURCES    := $(shell find storage locks simulator tests bench -name '*.cc' -o -name '*.h')

.PHONY: all demo test build bootstrap sanitize bench format format-check clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# The lesson, side by side: every mode on the default store.
demo: build
	./$(BUILD)/ticketsim compare --modes all --store data/tickets.json

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

format:
	@clang-format -i $(SOURCES)

format-check: bootstrap
	@clang-format --dry-run --Werror $(SOURCES) && echo "format: clean"

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
