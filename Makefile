# efbackup. Two commands set everything up on a fresh machine:
#   make demo   - build, generate a sample e-Faktur install, snapshot, list, verify, damage, restore
#   make test   - every test, with the race detector
SHELL := /bin/bash
GO ?= go
# The release's number is in VERSION; the commit and its date (not the
# build's, so that two builds of one commit are the same bytes) come from
# git. --version prints "efbackup 1.1.0 (35b0fc3, 2026-12-06)".
VERSION ?= $(shell cat VERSION 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short=7 HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
DATE ?= $(shell git log -1 --format=%cs 2>/dev/null)
LDFLAGS := -s -w -buildid= -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
BIN := bin/efbackup
WORK ?= $(CURDIR)/.work

.PHONY: release release-check all build test crash-quick test-short test-windows test-s3 crash deps-test deps-check deps-windows deps-bench deps-s3 lint cross bench demo clean fuzz fuzz-ci deepcheck-class oracle

all: build

build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/efbackup

# System packages the tests need: zstd (the standard-tools restore test),
# age (the encryption interoperability tests)
# and the real Derby engine (in-use and database-check oracles), with any
# Java 8 or later (default-jre-headless only when there is none). Installed
# with apt-get, as root or through sudo; a busy package manager is waited
# for (scripts/apt-install.sh). Idempotent.
TEST_PKGS := zstd libderby-java derby-tools age
deps-test:
	@bash scripts/apt-install.sh --java $(TEST_PKGS)

# The checks of scripts/apt-install.sh itself: Java detection, and the
# wait for a package manager that holds its lock (with stubs; installs
# nothing).
deps-check:
	@bash scripts/apt-install_test.sh

# Every test with the race detector, then the crash harnesses of the
# command without it (they kill their children; see crash-quick). The
# Derby engine and the S3 server (deps-s3) are installed above, so a test
# that cannot find either fails instead of skipping.
test: deps-test deps-s3
	EFBACKUP_REQUIRE_DERBY=1 EFBACKUP_REQUIRE_S3=1 $(GO) test -race -timeout 30m ./...
	$(MAKE) --no-print-directory crash-quick

# The quick round of the command's crash harnesses (every named kill point,
# a few random ones), without the race detector.
crash-quick:
	$(GO) test -count=1 -timeout 15m -run 'Crash' ./cmd/efbackup

# The S3 tests' server: versitygw (Apache-2.0), built with the Go toolchain
# into $$EFBACKUP_TOOLS_CACHE (default ~/.cache/efbackup-tools) the first
# time, which takes minutes, under a lock; afterwards this only starts and
# stops it once. Without it the S3 tests skip, saying why.
deps-s3:
	EFBACKUP_REQUIRE_S3=1 $(GO) test -count=1 -run '^TestServer$$' ./store/s3/s3test

# The store packages against the real server; a missing server fails.
test-s3: deps-s3
	EFBACKUP_REQUIRE_S3=1 $(GO) test -race -count=1 ./store/...

# Under Wine 8: the unit tests of every package as Windows binaries
# (scripts/wine-unit.sh), then efbackup.exe end to end (Windows paths, long
# paths, LockFileEx: scripts/wine-e2e.sh). Both run; either failing fails.
WINDOWS_PKGS := wine64 gcc-mingw-w64-x86-64 python3
deps-windows:
	@bash scripts/apt-install.sh $(WINDOWS_PKGS)

test-windows: deps-windows
	@rc=0; \
	EFBACKUP_WINE_UNIT_OUT=$(WORK)/wine-unit bash scripts/wine-unit.sh || rc=1; \
	bash scripts/wine-e2e.sh $(WORK)/wine-e2e || rc=1; \
	exit $$rc

# The long crash run: thousands of SIGKILLs across every command that
# writes: snapshot, restore, prune, schedule install and migrate
# (CRASH_RUNS random kills per harness, on top of the kills at every step
# boundary; the quick run is in make test). Each harness prints its counts
# and "--- PASS: TestCrash... (seconds)"; the full log, with the random
# seed to repeat a failure (EFBACKUP_CRASH_SEED), is .work/crash.log.
crash:
	@mkdir -p $(WORK)
	@set -o pipefail; EFBACKUP_CRASH_RUNS=$${CRASH_RUNS:-1000} $(GO) test -count=1 -timeout 12h -run 'Crash' -v ./cmd/efbackup ./migrate 2>&1 \
	  | tee $(WORK)/crash.log | grep --line-buffered -E '^(---|ok|FAIL|PASS)|crash harness|kills|CRASH_SEED|_test\.go:[0-9]+: .*(killed at|killed after|finished before)'

# The Java program of the engine check (package deepcheck), compiled for
# Java 8, the runtime e-Faktur ships. The class is committed and embedded;
# javac writes the same bytes for the same source, so this changes nothing
# when the source has not changed. deepcheck's TestEmbeddedClassMatchesSource
# compiles with the same flags and fails when the two differ.
DEEPCHECK_JAVAC_FLAGS := --release 8 -Xlint:all -Xlint:-options -Werror -encoding UTF-8 -g
deepcheck-class:
	javac $(DEEPCHECK_JAVAC_FLAGS) -d deepcheck/java deepcheck/java/EfbackupDeepCheck.java

# The whole oracle: every damage kind on clean, exited and crashed copies
# with three seeds each, and four busy copies, judged by the Go check and by
# the real engine (some 5 minutes on 2 cores; make test runs one seed on
# crashed copies). It rewrites the table it prints into .work/oracle.md,
# the source of the table in docs/database-checks.md.
oracle:
	@mkdir -p $(WORK)
	EFBACKUP_ORACLE=full EFBACKUP_ORACLE_TABLE=$(WORK)/oracle.md $(GO) test -count=1 -timeout 30m -run TestOracle -v ./oracle

test-short:
	$(GO) test -short ./...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.6.1 ./...

cross:
	@set -e; for t in windows/amd64 windows/386 linux/amd64 darwin/arm64; do \
	  os=$${t%/*}; arch=$${t#*/}; ext=""; [ $$os = windows ] && ext=.exe; \
	  echo "build $$t"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false -ldflags "$(LDFLAGS)" -o bin/efbackup-$$os-$$arch$$ext ./cmd/efbackup; \
	done

# The files people download: Windows 64- and 32-bit, Linux, macOS (Apple
# silicon and Intel), each named with the version, and SHA256SUMS to check
# them with (sha256sum -c, or certutil -hashfile FILE SHA256 on Windows).
# Static (CGO_ENABLED=0) and reproducible (-trimpath, no build id): the
# same commit builds the same bytes. release-check rebuilds and compares.
DIST ?= dist
RELEASE_TARGETS := windows/amd64 windows/386 linux/amd64 darwin/arm64 darwin/amd64
release:
	@set -e; rm -rf $(DIST); mkdir -p $(DIST); for t in $(RELEASE_TARGETS); do \
	  os=$${t%/*}; arch=$${t#*/}; ext=""; [ $$os = windows ] && ext=.exe; \
	  name=efbackup-$(VERSION)-$$os-$$arch$$ext; echo "build $$name"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -buildvcs=false -ldflags "$(LDFLAGS)" -o $(DIST)/$$name ./cmd/efbackup; \
	done; \
	cd $(DIST) && sha256sum efbackup-* > SHA256SUMS && sha256sum -c --quiet SHA256SUMS && cat SHA256SUMS
	@cd $(DIST) && ./efbackup-$(VERSION)-linux-amd64 --version

release-check: release
	@set -e; mkdir -p $(WORK); cp $(DIST)/SHA256SUMS $(WORK)/SHA256SUMS.first; \
	$(MAKE) --no-print-directory release DIST=$(WORK)/dist-again >/dev/null; \
	diff $(WORK)/SHA256SUMS.first $(WORK)/dist-again/SHA256SUMS && echo "release-check: the same bytes twice"

BENCH_PKGS := zstd restic borgbackup zip libderby-java derby-tools rclone age
deps-bench:
	@bash scripts/apt-install.sh --java $(BENCH_PKGS)

bench: deps-bench build
	$(GO) run ./bench/cmd/efbench -bin $(BIN) -work $(WORK)/bench -runs 3 -out docs/performance.md

demo: build
	@bash scripts/demo.sh $(BIN) $(WORK)/demo

fuzz:
	@bash scripts/fuzz.sh $${FUZZTIME:-30s}

# CI: every fuzz target for a short fixed time (the seed corpora and any
# saved crashers also run as plain tests in make test).
fuzz-ci:
	@bash scripts/fuzz.sh 6s

clean:
	rm -rf bin $(DIST) $(WORK)
