# vireo: the two commands a newcomer needs are `make run` and `make test`.
# Both install missing Debian packages, build, and do their job.
#
#   make test              the suite on the plain build, then again on an
#                          ASan+UBSan build (build-asan/)
#   make test SANITIZE=1   the suite on the ASan+UBSan build only
#   make test SANITIZE=0   the suite on the plain build only
#   make bench             vireod against Debian's libvirtd, side by side
#                          (bench/README.md); results in bench/results/
#   make bench QUICK=1     every workload once, small sizes (a few minutes)
#   make fuzz [FUZZ_TIME=60]  every libFuzzer target (fuzz/README.md) for
#                          FUZZ_TIME seconds over its corpus (build-fuzz/)

SANITIZE ?=
ASAN_OPTS := -Db_sanitize=address,undefined -Db_lundef=false

ifeq ($(SANITIZE),1)
TEST_BUILDS := build-asan
else ifeq ($(SANITIZE),0)
TEST_BUILDS := build
else
TEST_BUILDS := build build-asan
endif

.PHONY: all deps build build-asan build-fuzz test run bench clean

all: build

deps:
	@scripts/deps.sh

build/build.ninja:
	@scripts/deps.sh
	meson setup build >/dev/null

build-asan/build.ninja:
	@scripts/deps.sh
	meson setup build-asan $(ASAN_OPTS) >/dev/null

build: build/build.ninja
	@ninja -C build >/dev/null || ninja -C build

build-asan: build-asan/build.ninja
	@ninja -C build-asan >/dev/null || ninja -C build-asan

# the fuzz targets are built before the suite (tests/fuzz runs them); a
# failure or a missing clang is reported by that test
build-fuzz: deps
	@fuzz/run.sh --build-only 2>/dev/null || true

test: deps $(TEST_BUILDS) build-fuzz
	@tests/run $(TEST_BUILDS)

run: deps build
	@scripts/run-demo.sh build

bench: deps build
	@/usr/bin/python3 bench/run.py --build build $(if $(filter 1,$(QUICK)),--quick)

clean:
	rm -rf build build-asan build-fuzz .vireo

# make bench-profile WORKLOAD=rpc [TOOL=callgrind] [FULL=1]: one bench
# workload on vireod alone under perf (or callgrind); prints the top
# functions and where the profile is (.vireo/profile/)
WORKLOAD ?= rpc
TOOL ?= perf
.PHONY: bench-profile
bench-profile: deps build
	@bench/profile $(WORKLOAD) --tool $(TOOL) $(if $(filter 1,$(FULL)),--full)

# make fuzz [FUZZ_TIME=seconds]: build build-fuzz/ (clang, ASan+UBSan,
# -Dfuzz=true) and run each fuzz target that long, two at a time; new
# corpus entries and reproducers stay under build-fuzz/fuzz-work/
FUZZ_TIME ?= 60
.PHONY: fuzz
fuzz: deps
	@fuzz/run.sh --time $(FUZZ_TIME)
