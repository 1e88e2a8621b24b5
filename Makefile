# kmemlab: the driver, the CLI, and the suite that runs them in a VM.
#
#   make            build kmemlab.ko (W=1) and the kmemlab CLI
#   make demo       boot a VM and take the tour
#   make check      run the whole Bats suite in a VM (TAP, then "N passed, N failed")
#   make fuzz       a million random ioctls at the driver in a VM, with its figures
#   make lint       W=1 + sparse, checkpatch --strict, CLI with -fanalyzer
#   make clean
#
# KVER picks the guest kernel series (6.1, the default, or 6.12); the module
# is built against that kernel's headers. Missing packages and the guest
# kernel are installed on first use by scripts/setup.

KVER ?= 6.1
SETUP := scripts/setup

.PHONY: all setup module cli tools check demo fuzz lint clean

all: module cli tools

setup:
	@$(SETUP) $(KVER)

module: setup
	@$(MAKE) -C driver KDIR=/lib/modules/$$(scripts/kernel $(KVER))/build

cli: setup
	@$(MAKE) -C userspace

# Test tools that run in the VM beside the CLI.
TOOLS := tests/abi-probe tests/stress tests/fuzz
TOOL_CFLAGS := -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Iinclude/uapi

tools: $(TOOLS)

tests/%: tests/%.c include/uapi/linux/kmemlab.h
	$(CC) $(TOOL_CFLAGS) -o $@ $<

check: all
	@tests/check --kver $(KVER)

# FUZZ_ARGS for another seed, count or time bound (see tests/fuzz --help).
FUZZ_ARGS ?= --seed 1 --count 1000000
FUZZ_OUT := build/fuzz/$(KVER)
FUZZ_SPLAT := WARNING:|BUG[: ]|Oops|general protection fault|scheduling while atomic|Call Trace:|UBSAN:

fuzz: all
	@tests/vm/run --kver $(KVER) --mem 2G --timeout 3600 --out $(FUZZ_OUT) -- \
		bash -c 'userspace/kmemlab load >/dev/null && tests/fuzz $(FUZZ_ARGS) -v && rmmod kmemlab && echo "fuzz: module unloaded"'
	@if grep -nE '$(FUZZ_SPLAT)' $(FUZZ_OUT)/dmesg.txt; then \
		echo "fuzz: the guest kernel log shows the above ($(FUZZ_OUT)/dmesg.txt)"; exit 1; \
	else echo "fuzz: guest kernel log clean"; fi

demo: all
	@tests/vm/run --kver $(KVER) --mem 6G --udev -- tests/demo

lint: setup
	@scripts/lint $(KVER)

clean:
	@$(MAKE) -C driver clean KDIR=/lib/modules/$$(scripts/kernel $(KVER))/build >/dev/null 2>&1 || true
	@$(MAKE) -C userspace clean
	rm -f $(TOOLS)
	rm -rf build
