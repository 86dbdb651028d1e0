# sshd-auditor: build, test, demo, benchmark, install.
#   make demo     the story against a real sshd and a real journal, in a real-systemd sandbox
#   make test     installs what the tests need (apt), builds, runs every test
#   make bench    benchmarks beside the peers; figures in bench/RESULTS.md
#   make install  PREFIX=/usr/local DESTDIR=

SWIFT        ?= swift
PREFIX       ?= /usr/local
DESTDIR      ?=
RELEASE_BIN  := $(CURDIR)/.build/release/sshd-auditor

BINDIR       := $(PREFIX)/bin
UNITDIR      ?= $(PREFIX)/lib/systemd/system
CATALOGDIR   ?= $(PREFIX)/lib/systemd/catalog
SYSUSERSDIR  ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR   ?= /etc
MANDIR       ?= $(PREFIX)/share/man

.PHONY: all deps build release test lint format demo bench fuzz fuzz-check man install install-files uninstall clean

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

# What goes into the sandbox and into packages: Swift runtime linked in, needs only libc and libsystemd0.
# --product: a plain `swift build -c release` also builds Tests/TestSupport, which imports Testing and does
# not build in release. -function-sections for the dependencies too (Package.swift can only set it for this
# package's targets), so that the link can order their hot functions as well (link/README.md).
# RELEASE_FLAGS: extra flags, e.g. a link map for scripts/order-file.sh.
RELEASE_FLAGS ?=
release: deps
	$(SWIFT) build -c release --static-swift-stdlib --product sshd-auditor -Xswiftc -Xfrontend -Xswiftc -function-sections $(RELEASE_FLAGS)

# Every test. The CLI and sandbox tests run the release binary, the one that gets installed. The fuzz targets
# are compiled first, short of code generation (seconds), so a harness an API change breaks fails here.
# --no-parallel: the sandboxes of different suites share the host's cgroup tree (unshare --cgroup roots each
# at the caller's cgroup), so two booted at once both own /system.slice/ssh.service: one's stop removed the
# cgroup the other's `systemctl start ssh` was entering (the start failed, in two suites in the same second).
test: fuzz-check release
	SSHD_AUDITOR_BIN=$(RELEASE_BIN) $(SWIFT) test --no-parallel

# The story of issue #4 in a real systemd booted in a sandbox, narrated; cleans up after itself. Needs root.
demo: release
	bash scripts/demo.sh

# Our figures beside fail2ban, sshguard, grep, ss and cat on the same inputs; writes bench/RESULTS.md.
bench: deps
	bash bench/run-all.sh

# libFuzzer on every parser, FUZZ_SECONDS per target (default 60); FUZZ_TARGETS="name[:seconds] ..." picks
# targets and gives each its own time.
fuzz: deps
	bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Every fuzz target compiles against the current SSHDAuditCore: part of `make test`.
fuzz-check:
	bash scripts/fuzz.sh --check

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

# The binary, the unit (ExecStart pointing at $(BINDIR)), the journal catalog, the system user, and the
# default configuration (never over an existing one). Under DESTDIR nothing is activated; without it the
# catalog is compiled and the user created, as a package's postinst would.
MANPAGE      := .build/plugins/GenerateManual/outputs/SSHDAuditorCLI/sshd-auditor.1

# The manual page, generated from the commands' --help by swift-argument-parser's plugin.
man:
	$(SWIFT) package --allow-writing-to-package-directory generate-manual

install: release man install-files

# install without building: what the sandbox tests and the demo use after `make release`.
install-files:
	install -D -m 0755 .build/release/sshd-auditor $(DESTDIR)$(BINDIR)/sshd-auditor
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CATALOGDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/sshd-auditor.conf.d
	sed 's|/usr/local/bin/sshd-auditor|$(BINDIR)/sshd-auditor|' systemd/sshd-auditor.service \
		> $(DESTDIR)$(UNITDIR)/sshd-auditor.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/sshd-auditor.service
	install -m 0644 systemd/sshd-auditor.catalog $(DESTDIR)$(CATALOGDIR)/sshd-auditor.catalog
	install -m 0644 systemd/sshd-auditor.sysusers $(DESTDIR)$(SYSUSERSDIR)/sshd-auditor.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/sshd-auditor.conf ] || install -m 0644 config/sshd-auditor.conf $(DESTDIR)$(SYSCONFDIR)/sshd-auditor.conf
	[ ! -f $(MANPAGE) ] || install -D -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/sshd-auditor.1
	if [ -z "$(DESTDIR)" ]; then \
		systemd-sysusers $(SYSUSERSDIR)/sshd-auditor.conf || true; \
		journalctl --update-catalog || true; \
		systemctl daemon-reload 2>/dev/null || true; \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sshd-auditor $(DESTDIR)$(UNITDIR)/sshd-auditor.service \
		$(DESTDIR)$(CATALOGDIR)/sshd-auditor.catalog $(DESTDIR)$(SYSUSERSDIR)/sshd-auditor.conf \
		$(DESTDIR)$(MANDIR)/man1/sshd-auditor.1

clean:
	rm -rf .build
