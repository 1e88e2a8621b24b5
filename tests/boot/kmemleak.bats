#!/usr/bin/env bats
# Run last in the debug kernel's default boot (tests/check --kver debug):
# after the whole suite, kmemleak must find no unreferenced object that
# kmemlab allocated; and, as the positive control that the check can fail,
# it must find each object kmemlab_leaktest.ko leaks on purpose.
#
# kmemleak records each object's allocation backtrace. A frame of a loaded
# module prints with its name ("[kmemlab]"); one of a module since unloaded
# (the suite loads and unloads kmemlab for every file) prints as a bare
# address. Both count: nothing else is loaded and unloaded in the guest
# (the task name, "kmemlab" for the CLI, does not: the kernel allocates on
# behalf of every process).

load ../helpers

KMEMLEAK=/sys/kernel/debug/kmemleak

setup_file() {
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	fresh_module
}

# The records of the last scan ("unreferenced object ..." up to the next),
# those of the allocations of module $1 (default kmemlab) only.
kmemlab_leaks() {
	awk -v mod="[${1:-kmemlab}]" '
		/^unreferenced object/ { flush(); rec = $0 "\n"; in_bt = 0; next }
		{ rec = rec $0 "\n" }
		# a backtrace frame in the module, or in a module since
		# unloaded; 6.12 prints a frame as "    sym+0x1/0x2 [mod]",
		# 6.1 as "    [<addr>] sym+0x1/0x2 [mod]"
		in_bt && $NF == mod { ours = 1 }
		in_bt && /^ +(\[<[0-9a-f]+>\] )?0x[0-9a-f]+$/ { ours = 1 }
		/^  backtrace/ { in_bt = 1 }
		function flush() { if (ours) printf "%s", rec; rec = ""; ours = 0 }
		END { flush() }' "$KMEMLEAK"
}

# Scan: an object is reported once it was found unreferenced in a scan and
# is older than the minimum age (5 s): wait that out, scan twice.
scan() {
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
}

@test "the kernel has kmemleak, enabled" {
	[[ -e $KMEMLEAK ]] || skip "no kmemleak in $(uname -r) (it is in the debug kernel only)"
	# A read fails with EBUSY once kmemleak has disabled itself.
	run -0 cat "$KMEMLEAK"
}

@test "kmemleak finds no unreferenced object allocated by kmemlab" {
	[[ -e $KMEMLEAK ]] || skip "no kmemleak in $(uname -r)"
	# Live allocations of this module are referenced from its registry:
	# make some, free them, and drop the module, so that what a leak left
	# has no owner at all.
	kmemlab alloc --api kmalloc --size 100 >/dev/null
	kmemlab alloc --api vmalloc --size 64k >/dev/null
	kmemlab free --all >/dev/null
	rmmod kmemlab
	scan
	run -0 kmemlab_leaks
	if [[ -n $output ]]; then
		echo "# kmemleak: unreferenced objects of kmemlab:" >&3
		sed 's/^/#   /' <<<"$output" >&3
		fail "kmemleak found $(grep -c '^unreferenced object' <<<"$output") leak(s) of kmemlab"
	fi
	kmemlab load >/dev/null
}

# Last: the leaks it makes stay until the VM is gone, and so does the
# module (unloading a module whose allocations live is a WARNING under
# allocation profiling, lib/alloc_tag.c).
# 256 bytes: a kmalloc size class, the size kmemleak reports (the cache's).
@test "the check finds a deliberate leak: kmemlab_leaktest's 3 objects of 256 bytes" {
	[[ -e $KMEMLEAK ]] || skip "no kmemleak in $(uname -r)"
	local ko=$REPO/build/$KRELEASE/kmemlab_leaktest.ko
	[[ -f $ko ]] || fail "no $ko: make builds it beside kmemlab.ko"
	insmod "$ko" count=3 size=256
	scan
	run -0 kmemlab_leaks kmemlab_leaktest
	echo "# kmemleak found $(grep -c '^unreferenced object' <<<"$output") object(s) of kmemlab_leaktest" >&3
	[[ $(grep -c '^unreferenced object 0x[0-9a-f]* (size 256):' <<<"$output") == 3 ]] ||
		fail "kmemleak did not find the 3 leaked objects: $output"
}
