# palaver: the commands a fresh Debian machine needs are `make run`, `make demo` and `make test`.
# Each installs the apt packages it needs when they are missing.

APT_PACKAGES := libncursesw5-dev libcurl4-openssl-dev libsqlite3-dev libcmark-gfm-dev libcmark-gfm-extensions-dev tmux sqlite3
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
ARGS ?=

.PHONY: run demo release test lint format build deps fake bench fuzz

## Install the system packages palaver builds against (only the missing ones).
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing apt packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

## The release build `make run` and `make demo` start: palaver and, for demo mode, the fake API
## beside it (its own scratch folder, so the debug build the tests use stays as it is).
release: deps
	swift build -c release --scratch-path .build-release --product palaver
	swift build -c release --scratch-path .build-release --product fake-anthropic

## Open the full-screen chat from a release build (the first-run dialog asks for a key when there
## is none); anything else goes in ARGS, e.g. ARGS='ask "Hello"' or ARGS='sessions list'.
run: release
	.build-release/release/palaver $(ARGS)

## Open the full-screen chat in demo mode: a local fake API with a throwaway key and store.
demo: release
	.build-release/release/palaver --demo $(ARGS)

## Check the style and the imports (lint), then build and run the whole test suite in three
## groups: the tests that time a server's stalls and trickles, and the real binary in tmux, each
## run apart from the CPU-heavy rest (fuzz runs, dozens of palaver processes), so a loaded 2-core
## machine does not make them miss a deadline.
TIMED_SUITES := AnthropicAPITests|FakeAnthropicTests
TMUX_SUITES := ChatTmuxTests|ChatSignalTmuxTests|TmuxSmokeTests
test: deps lint
	swift build --build-tests
	swift test --skip-build --filter '$(TIMED_SUITES)'
	swift test --skip-build --filter '$(TMUX_SUITES)'
	swift test --skip-build --skip '$(TIMED_SUITES)|$(TMUX_SUITES)'

## Check the house style (.swift-format; `make format` applies it) and that every import is declared.
SWIFT_FORMAT_PATHS := Package.swift Sources Tests Benchmarks/Package.swift Benchmarks/Benchmarks
lint:
	swift format lint --strict --recursive --parallel $(SWIFT_FORMAT_PATHS)
	python3 Scripts/check-imports.py

format:
	swift format format --in-place --recursive --parallel $(SWIFT_FORMAT_PATHS)

## Start the fake API on 127.0.0.1:8089 with a demo key (see README).
fake: build
	FAKE_ANTHROPIC_KEYS=sk-ant-api03-demo-key-for-fake-anthropic-only swift run fake-anthropic --port 8089

## Run the benchmarks (package-benchmark) and the Python SDK comparison.
bench: deps
	cd Benchmarks && swift package --disable-sandbox benchmark
	python3 Benchmarks/sdk_sse_bench.py

## Fuzz every parser of untrusted input: FUZZ_CASES (1,000,000) cases per target, release build
## in its own scratch folder; crashing inputs are kept under Tests/Fuzz/Crashes (see README).
FUZZ_CASES ?= 1000000
FUZZ_SEED ?= 1
fuzz: deps
	swift build -c release --scratch-path .build-fuzz --product palaver-fuzz
	.build-fuzz/release/palaver-fuzz all --cases $(FUZZ_CASES) --seed $(FUZZ_SEED)
