#!/usr/bin/env bats
# Run last in the debug kernel's default boot (tests/check --kver debug):
# after the whole suite, kmemleak must find no unreferenced object that
# kmemlab allocated.
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
# those of kmemlab's allocations only.
kmemlab_leaks() {
	awk '
		/^unreferenced object/ { flush(); rec = $0 "\n"; next }
		{ rec = rec $0 "\n" }
		# a backtrace frame in kmemlab, or in a module since unloaded
		/^ +\[<[0-9a-f]+>\] .*\[kmemlab\]$/ { ours = 1 }
		/^ +\[<[0-9a-f]+>\] 0x[0-9a-f]+$/ { ours = 1 }
		function flush() { if (ours) printf "%s", rec; rec = ""; ours = 0 }
		END { flush() }' "$KMEMLEAK"
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
	# An object is reported once it was found unreferenced in a scan and
	# is older than the minimum age (5 s): wait that out, scan twice.
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	run -0 kmemlab_leaks
	if [[ -n $output ]]; then
		echo "# kmemleak: unreferenced objects of kmemlab:" >&3
		sed 's/^/#   /' <<<"$output" >&3
		fail "kmemleak found $(grep -c '^unreferenced object' <<<"$output") leak(s) of kmemlab"
	fi
	kmemlab load >/dev/null
}
