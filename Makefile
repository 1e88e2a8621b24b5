# kmemlab: the driver, the CLI, and the suite that runs them in a VM.
#
#   make              build the module (W=1) for KVER, the kmemlab CLI, test tools
#   make module       the module alone, into build/<release>/kmemlab.ko
#   make check        run the whole Bats suite in a VM (TAP, then "N passed, N failed")
#   make demo         boot a VM and take the tour
#   make fuzz         a million random ioctls at the driver in a VM, with its figures
#   make lint         W=1 + sparse, checkpatch --strict, CLI with -fanalyzer
#   make lab          run the kselftest entry point as a LAVA job (lava-run,
#                     QEMU device type) and check its results against the VM's
#   make bench        boot a VM and run the standard benchmark into build/bench
#                     (RESULTS=dir, inside the repository, to put it elsewhere)
#   make install      install the module, CLI, man page, completion, udev rule,
#                     sysusers file and the kselftest entry point (PREFIX,
#                     DESTDIR, BINDIR, MANDIR, KSELFTESTDIR...)
#   make uninstall    remove what make install installed
#   make dkms-source  a clean copy of the module's sources for DKMS in
#                     $(DESTDIR)/usr/src/kmemlab-<version>
#   make clean
#
# KVER picks the target, a kernel series on an architecture (6.1, the
# default, 6.12, 7.2, 6.1-i386, 6.1-arm64, 6.12-arm64-16k: scripts/kernel
# --list; or debug: the KASAN/kmemleak/lockdep kernel scripts/debug-kernel
# builds once): the module
# is built against that kernel's headers into build/<release>/, so modules
# for several kernels coexist, and make check boots that kernel. KRELEASE
# (default: the release scripts/kernel resolves KVER to, e.g. what `uname -r`
# says in its VM) picks the kernel whose module make install installs.
# Missing packages and the guest kernel are installed on first use by
# scripts/setup, which keeps kernels and chroots in $KMEMLAB_CACHE (default
# ~/.cache/kmemlab), outside the tree. The module is built by the kernel's
# own compiler: the host's gcc when it is the one (6.1, 6.12 on bookworm),
# else scripts/kbuild builds in a chroot of the kernel's suite (7.2: sid's
# gcc-16). The CLI and the test tools are the host's, and for a target of
# another architecture also built in its chroot (see cli and tools below).

KVER ?= 6.1
KRELEASE ?=
SETUP := scripts/setup

# The release of KVER, resolved only when a recipe needs it (after setup).
krelease = $(or $(KRELEASE),$(shell scripts/kernel $(KVER)))
VERSION := $(shell cat VERSION)

# Installation directories. udev and systemd-sysusers read /usr/lib and
# /usr/local/lib (and /etc, /run): with another PREFIX, point UDEVRULESDIR
# and SYSUSERSDIR at one of those.
PREFIX ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
BINDIR ?= $(EXEC_PREFIX)/bin
LIBDIR ?= $(EXEC_PREFIX)/lib
DATAROOTDIR ?= $(PREFIX)/share
MANDIR ?= $(DATAROOTDIR)/man
BASHCOMPDIR ?= $(DATAROOTDIR)/bash-completion/completions
UDEVRULESDIR ?= $(LIBDIR)/udev/rules.d
SYSUSERSDIR ?= $(LIBDIR)/sysusers.d
MODULEDIR ?= /lib/modules
DKMSSRCDIR ?= /usr/src
# The kselftest layout: a directory per target, and the list that the
# kernel's run_kselftest.sh reads.
KSELFTESTDIR ?= $(LIBDIR)/kmemlab/kselftest
INSTALL ?= install
DEPMOD ?= depmod

# Beside the CLI's sources; the completion asks the CLI for its words.
MANPAGE := userspace/kmemlab.1
COMPLETION := userspace/kmemlab.bash-completion

.PHONY: all setup module cli tools target-tools check demo bench fuzz lint lab clean \
	install uninstall dkms-source

all: module cli tools

setup:
	@$(SETUP) $(KVER)

module: setup
	@scripts/kbuild $(krelease) $(MAKE) -C driver KDIR=/lib/modules/$(krelease)/build \
		BUILD=$(CURDIR)/build/$(krelease)

# A target of another architecture than the host's (6.1-i386) gets its own
# CLI and test tools too, built in its chroot (scripts/kbuild) into
# build/<release>/bin, which tests/guest-suite puts first on PATH in its
# guests. The host's are built anyway: the host's tests run them.
HOST_ARCH := $(shell bash -c '. scripts/common.bash && echo $$kmemlab_host_arch')
karch = $(shell scripts/kernel --arch $(KVER))
foreign = $(filter-out $(HOST_ARCH),$(karch))
TARGET_BIN = $(CURDIR)/build/$(krelease)/bin
# The CLI make install installs: the target's own.
cli_bin = $(if $(foreign),$(TARGET_BIN)/kmemlab,userspace/kmemlab)

cli: setup
	@$(MAKE) -C userspace
	@$(if $(foreign),scripts/kbuild $(krelease) $(MAKE) -C userspace O=$(TARGET_BIN))

# Test tools that run in the VM beside the CLI.
TOOLS := tests/abi-probe tests/stress tests/fuzz tests/uffd-stall tests/walk
TOOL_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude/uapi

tools: $(TOOLS) build/kunit/kunit_parser.py
	@$(MAKE) -C userspace kmemlab-abi99
	@$(if $(foreign),scripts/kbuild $(krelease) $(MAKE) --no-print-directory target-tools BIN=$(TARGET_BIN))

# Run by the line above, in the target's chroot.
target-tools: $(addprefix $(BIN)/,$(notdir $(TOOLS)))
	@$(MAKE) -C userspace O=$(BIN) $(BIN)/kmemlab-abi99

$(BIN)/%: tests/%.c tests/testlib.c tests/testlib.h include/uapi/linux/kmemlab.h
	@mkdir -p $(BIN)
	$(CC) $(TOOL_CFLAGS) -o $@ $< tests/testlib.c -pthread

# The kernel's KTAP parser, for tests/ktap-parse.
build/kunit/kunit_parser.py:
	@scripts/kunit-parser build/kunit

tests/%: tests/%.c tests/testlib.c tests/testlib.h include/uapi/linux/kmemlab.h
	$(CC) $(TOOL_CFLAGS) -o $@ $< tests/testlib.c -pthread

check: all
	@tests/check --kver $(KVER)

# FUZZ_ARGS for another seed, count or time bound (see tests/fuzz --help).
FUZZ_ARGS ?= --seed 1 --count 1000000
FUZZ_OUT := build/fuzz/$(KVER)
FUZZ_SPLAT := WARNING:|BUG[: ]|Oops|general protection fault|scheduling while atomic|Call Trace:|UBSAN:

fuzz: all
	@tests/vm/run --kver $(KVER) --mem 2G --timeout 3600 --out $(FUZZ_OUT) -- \
		bash -c '. scripts/common.bash && PATH=$$(guest_path "$$PWD") && \
			kmemlab load >/dev/null && fuzz $(FUZZ_ARGS) -v && rmmod kmemlab && echo "fuzz: module unloaded"'
	@if grep -nE '$(FUZZ_SPLAT)' $(FUZZ_OUT)/dmesg.txt; then \
		echo "fuzz: the guest kernel log shows the above ($(FUZZ_OUT)/dmesg.txt)"; exit 1; \
	else echo "fuzz: guest kernel log clean"; fi

demo: all
	@tests/vm/run --kver $(KVER) --mem 6G --udev -- tests/demo

# The guest sees only the repository read-write: RESULTS must lie inside it.
RESULTS ?= build/bench

bench: all
	@mkdir -p $(RESULTS)
	@tests/vm/run --kver $(KVER) --mem 6G --out build/vm/bench -e RESULTS=$(abspath $(RESULTS)) \
		-- scripts/bench

lint: setup
	@scripts/lint $(KVER)

# The suite as a kernel lab runs it: a LAVA job run by Debian's lava-run.
lab: all
	@scripts/lab $(KVER)

# --- installation ---------------------------------------------------------------
# Nothing is built here (make first, as a user); a missing file is an error.
# Without DESTDIR the installed system is brought up to date too: depmod
# for the module, the kmemlab group (systemd-sysusers, else groupadd), and
# udev's rules. With DESTDIR that is left to the package's scripts.
# The group stays at uninstall: files elsewhere may still belong to it.
install:
	@test -f build/$(krelease)/kmemlab.ko || \
		{ echo "make install: no build/$(krelease)/kmemlab.ko; run make module KVER=$(KVER) (or set KRELEASE) first" >&2; exit 1; }
	@test -x $(cli_bin) || { echo "make install: no $(cli_bin); run make KVER=$(KVER) first" >&2; exit 1; }
	$(INSTALL) -D -m 0644 build/$(krelease)/kmemlab.ko $(DESTDIR)$(MODULEDIR)/$(krelease)/updates/kmemlab.ko
	$(INSTALL) -D -m 0755 $(cli_bin) $(DESTDIR)$(BINDIR)/kmemlab
	$(INSTALL) -D -m 0644 $(MANPAGE) $(DESTDIR)$(MANDIR)/man1/kmemlab.1
	$(INSTALL) -D -m 0644 $(COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/kmemlab
	$(INSTALL) -D -m 0644 udev/60-kmemlab.rules $(DESTDIR)$(UDEVRULESDIR)/60-kmemlab.rules
	$(INSTALL) -D -m 0644 udev/kmemlab.sysusers $(DESTDIR)$(SYSUSERSDIR)/kmemlab.conf
	$(INSTALL) -D -m 0755 tests/selftest/kmemlab.sh $(DESTDIR)$(KSELFTESTDIR)/kmemlab/kmemlab.sh
	$(INSTALL) -D -m 0644 tests/selftest/settings $(DESTDIR)$(KSELFTESTDIR)/kmemlab/settings
	$(INSTALL) -D -m 0644 tests/selftest/kselftest-list.txt $(DESTDIR)$(KSELFTESTDIR)/kselftest-list.txt
	$(INSTALL) -D -m 0755 tests/lava/ktap-to-lava $(DESTDIR)$(LIBDIR)/kmemlab/lava/ktap-to-lava
ifeq ($(DESTDIR),)
	$(DEPMOD) -a $(krelease)
	@if command -v systemd-sysusers >/dev/null; then \
		echo "systemd-sysusers $(SYSUSERSDIR)/kmemlab.conf"; \
		systemd-sysusers $(SYSUSERSDIR)/kmemlab.conf; \
	elif ! getent group kmemlab >/dev/null; then \
		echo "groupadd --system kmemlab"; groupadd --system kmemlab; \
	fi
	@udevadm control --reload 2>/dev/null || true
endif

uninstall:
	rm -f $(DESTDIR)$(MODULEDIR)/$(krelease)/updates/kmemlab.ko
	rmdir --ignore-fail-on-non-empty $(DESTDIR)$(MODULEDIR)/$(krelease)/updates 2>/dev/null || true
	rm -f $(DESTDIR)$(BINDIR)/kmemlab
	rm -f $(DESTDIR)$(MANDIR)/man1/kmemlab.1
	rm -f $(DESTDIR)$(BASHCOMPDIR)/kmemlab
	rm -f $(DESTDIR)$(UDEVRULESDIR)/60-kmemlab.rules
	rm -f $(DESTDIR)$(SYSUSERSDIR)/kmemlab.conf
	rm -rf $(DESTDIR)$(KSELFTESTDIR) $(DESTDIR)$(LIBDIR)/kmemlab/lava
	rmdir --ignore-fail-on-non-empty $(DESTDIR)$(LIBDIR)/kmemlab 2>/dev/null || true
ifeq ($(DESTDIR),)
	@if [ -d $(MODULEDIR)/$(krelease) ]; then echo "$(DEPMOD) -a $(krelease)"; $(DEPMOD) -a $(krelease); fi
	@udevadm control --reload 2>/dev/null || true
endif

# What DKMS needs to build the module, and nothing else (no build/, no
# test results, no downloaded kernels): then `dkms install kmemlab/<version>`.
# (`dkms add .` on the tree works too, but copies all of it.)
DKMS_FILES := dkms.conf VERSION include/uapi/linux/kmemlab.h driver/Makefile driver/Kbuild \
	$(filter-out %.mod.c,$(wildcard driver/*.[ch]))

dkms-source:
	@grep -qx 'PACKAGE_VERSION="$(VERSION)"' dkms.conf || \
		{ echo "make dkms-source: dkms.conf's PACKAGE_VERSION is not $(VERSION) (VERSION)" >&2; exit 1; }
	rm -rf $(DESTDIR)$(DKMSSRCDIR)/kmemlab-$(VERSION)
	for f in $(DKMS_FILES); do \
		$(INSTALL) -D -m 0644 $$f $(DESTDIR)$(DKMSSRCDIR)/kmemlab-$(VERSION)/$$f || exit 1; \
	done

clean:
	@$(MAKE) -C driver clean KDIR=/lib/modules/$$(scripts/kernel $(KVER))/build >/dev/null 2>&1 || true
	@$(MAKE) -C userspace clean
	rm -f $(TOOLS)
	rm -rf build
