# vireo: the two commands a newcomer needs are `make run` and `make test`.
# Both install missing Debian packages, build, and do their job.

BUILD ?= build
SANITIZE ?=

ifeq ($(SANITIZE),1)
BUILD := build-asan
MESON_OPTS := -Db_sanitize=address,undefined -Db_lundef=false
endif

.PHONY: all deps build test run clean

all: build

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja:
	@scripts/deps.sh
	meson setup $(BUILD) $(MESON_OPTS) >/dev/null

build: $(BUILD)/build.ninja
	@ninja -C $(BUILD) | grep -v '^ninja: no work to do' || true
	@ninja -C $(BUILD) >/dev/null

test: deps build
	@tests/run $(BUILD)

run: deps build
	@scripts/run-demo.sh $(BUILD)

clean:
	rm -rf build build-asan .vireo
