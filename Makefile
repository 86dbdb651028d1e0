# sshd-auditor: build, test, demo, benchmark, install.
#   make demo     the story against a real sshd and a real journal, in a real-systemd sandbox
#   make test     installs what the tests need (apt), builds, runs every test
#   make bench    benchmarks beside the peers; figures in bench/RESULTS.md
#   make install  PREFIX=/usr/local DESTDIR=

SWIFT        ?= swift
PREFIX       ?= /usr/local
DESTDIR      ?=
RELEASE_BIN  := $(CURDIR)/.build/release/sshd-auditor

.PHONY: all deps build release test lint format demo bench clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

# What goes into the sandbox and into packages: Swift runtime linked in, needs only libc and libsystemd0.
release: deps
	$(SWIFT) build -c release --static-swift-stdlib

# Every test. The CLI and sandbox tests run the release binary, the one that gets installed.
test: release
	SSHD_AUDITOR_BIN=$(RELEASE_BIN) $(SWIFT) test

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build
