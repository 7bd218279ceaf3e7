# The two commands a newcomer needs: `make run` and `make test`. Each installs the Debian packages that
# are missing (only those dpkg reports absent), configures, builds, then runs or tests.

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
CONFIG ?= examples/site/feedd.yaml

# Build dependencies, the independent checkers the tests read feeds back with, nginx (tests/nginx)
# and wrk (bench/http_vs_nginx.sh).
DEBIAN_PACKAGES := cmake g++ make pkg-config libgtest-dev libgmock-dev \
	libboost1.81-dev libpugixml-dev libyaml-cpp-dev libyaml-dev libcurl4-openssl-dev \
	libmd4c-dev libmd4c-html0-dev libssl-dev libhowardhinnant-date-dev tzdata zlib1g-dev libxxhash-dev \
	nlohmann-json3-dev libtomlplusplus-dev libsystemd-dev libbrotli-dev libsodium-dev libgumbo-dev \
	jing python3-feedparser python3-podcastparser libtag1-dev libstb-dev sox lame ffmpeg libxml2-utils curl nginx wrk newsboat libxml-feed-perl $(if $(shell command -v npm),,nodejs npm)
# The modules the W3C feed validator needs, for the manual check of docs/interop.md ("W3C feed
# validator"; its code is fetched, never committed, and not run by ctest).
DEBIAN_PACKAGES += python3-html5lib python3-rdflib python3-lxml

.PHONY: all deps build run test clean format

all: build

deps:
	@./scripts/install-deps.sh $(DEBIAN_PACKAGES)

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/feedd serve -c $(CONFIG)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer;
# the integration tests start the sanitized feedd of the same build. Any report fails the run.
# libFuzzer targets (tests/fuzz): `make fuzz-regress` runs each over its committed corpus;
# `make fuzz FUZZ_SECONDS=60` also looks for new inputs (with -j2, two targets at a time).
# clang 19, not Debian's default 14: libstdc++ 12 offers std::expected only to compilers whose
# C++20 concepts are complete (__cpp_concepts >= 202002), which clang 14's are not.
DEBIAN_PACKAGES += clang-19 libclang-rt-19-dev
ASAN_BUILD_DIR ?= build-asan
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_CXX ?= clang++-19
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := markdown plain_text dates config route front_matter identity hub_request html media_range
# Findings not fixed yet (tests/fuzz/findings/<id>/) are tolerated by id, so fuzzing goes on past them.
FUZZ_ENV = FEEDD_FUZZ_KNOWN="$(notdir $(wildcard tests/fuzz/findings/*))"
SANITIZER_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: test-sanitize fuzz-build fuzz fuzz-regress

test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DFEEDD_SANITIZE=address,undefined \
		-DFEEDD_BUILD_BENCH=OFF
	$(SANITIZER_ENV) cmake --build $(ASAN_BUILD_DIR) -j $(JOBS)
	cd $(ASAN_BUILD_DIR) && $(SANITIZER_ENV) ctest --output-on-failure -j $(JOBS)

fuzz-build: deps
	cmake -S . -B $(FUZZ_BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCMAKE_CXX_COMPILER=$(FUZZ_CXX) \
		-DFEEDD_FUZZ=ON -DFEEDD_SANITIZE=address,undefined -DFEEDD_BUILD_TESTS=OFF -DFEEDD_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target fuzz_targets

fuzz-regress: fuzz-build
	$(SANITIZER_ENV) $(FUZZ_ENV) tests/fuzz/run.sh regress $(FUZZ_BUILD_DIR) $(FUZZ_TARGETS)

fuzz: fuzz-regress $(addprefix fuzz-fresh-,$(FUZZ_TARGETS))

fuzz-fresh-%: fuzz-regress
	$(SANITIZER_ENV) $(FUZZ_ENV) tests/fuzz/run.sh fresh $(FUZZ_BUILD_DIR) $(FUZZ_SECONDS) $*

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
