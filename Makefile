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
	libmd4c-dev libmd4c-html0-dev libhowardhinnant-date-dev tzdata zlib1g-dev \
	nlohmann-json3-dev libsystemd-dev \
	jing python3-feedparser libxml2-utils curl nginx wrk newsboat libxml-feed-perl $(if $(shell command -v npm),,nodejs npm)

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

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
