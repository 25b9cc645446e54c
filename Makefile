# Thin front over CMake, as DuckDB has. Each goal does its own set-up: dependencies (a check
# that takes a second when all is installed), configure, build.
#
#   make demo        build Release and run the main job on 3 ranks
#   make test        the fast test tier (what CI runs)
#   make check-full  every test, including long matrices and soaks
#   make build       configure and build only
#   make format      clang-format the tree;  make tidy: clang-tidy the tree
.PHONY: all deps configure build demo test check-full format tidy clean

BUILD_DIR ?= build/release
BUILD_TYPE ?= Release
WERROR ?= OFF
JOBS ?= $(shell nproc)
GENERATOR := $(shell command -v ninja >/dev/null 2>&1 && echo Ninja || echo "Unix Makefiles")
CTEST_FLAGS ?=

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -G "$(GENERATOR)" -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DIBEX_WERROR=$(WERROR)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD_DIR)

test: build
	@bash scripts/run-tests.sh $(BUILD_DIR) fast $(CTEST_FLAGS)

check-full: build
	@bash scripts/run-tests.sh $(BUILD_DIR) all $(CTEST_FLAGS)

format:
	git ls-files '*.h' '*.cpp' | xargs clang-format -i

tidy: configure
	git ls-files '*.cpp' | grep -v '^tests/' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf build
