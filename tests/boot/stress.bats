#!/usr/bin/env bats
# The stress boot: processes allocating while the device is unbound and
# rebound under them, then random ioctls. Counts are kept small so that the
# boot stays short under emulation; KMEMLAB_STRESS_OPS, KMEMLAB_STRESS_UNBINDS
# and KMEMLAB_FUZZ_COUNT raise them (`make fuzz` runs the full fuzz).

load ../helpers

splat='WARNING:|BUG[: ]|Oops|general protection fault|scheduling while atomic|Call Trace:|UBSAN:'

# Each test loads its own module and unloads it itself, and none of them
# waits on rmmod for ever: after an oops the driver may be wedged, and that
# must fail the tests, not hang the boot.
setup_file() { unload_within; }
teardown_file() { unload_within; }
setup() {
	unload_within
	kmemlab load >/dev/null
	mark_dmesg
}

# rmmod kmemlab, giving up after 60 s (the stuck rmmod is left behind).
unload_within() {
	local pid i

	[[ -d /sys/module/kmemlab ]] || return 0
	rmmod kmemlab </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- \
		>"$BATS_FILE_TMPDIR/rmmod.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 120; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return
		fi
		sleep 0.5
	done
	echo "rmmod kmemlab has not returned in 60 s" >&2
	return 1
}

# Run a tool with its output in a file, not a pipe, and without Bats' own
# descriptors: if the kernel leaves a child of it stuck in an ioctl, the
# tool's watchdog gives up and returns, and nothing (neither Bats nor the
# VM's output port) waits for the stuck child to close them. Sets status,
# output and lines like bats' run, and prints the output as TAP comments.
run_tool() {
	local log=$BATS_TEST_TMPDIR/tool.log

	status=0
	"$@" >"$log" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- ||
		status=$?
	output=$(cat "$log")
	lines=()
	mapfile -t lines <"$log"
	sed 's/^/# /' "$log" >&3
}

# The module unloads, and the kernel logged nothing alarming meanwhile.
unloads_cleanly() {
	unload_within
	[[ ! -d /sys/module/kmemlab ]]
	run new_dmesg
	refute_output --regexp "$splat"
}

@test "stress: 8 processes, unbind/rebind under them, sysfs read throughout" {
	local ops=${KMEMLAB_STRESS_OPS:-2500} unbinds=${KMEMLAB_STRESS_UNBINDS:-50}

	run_tool stress --procs 8 --ops "$ops" --unbinds "$unbinds" --seed 1 --stall 60
	assert_success
	assert_line "stress: unexpected results 0"
	assert_line --regexp "^stress: unbind cycles $unbinds,"
	assert_line --regexp "^stress: $((8 * ops)) operations "
	assert_line --partial "live at the end: 0 allocations, 0 bytes (driver), 0 allocations"
	[[ $(live_allocs) -eq 0 && $(live_bytes) -eq 0 ]]
	unloads_cleanly
}

@test "fuzz: random ioctls with unbinds, checked against the ABI" {
	local count=${KMEMLAB_FUZZ_COUNT:-100000}

	run_tool fuzz --seed 1 --count "$count" --unbind-every 2000 --stall 60 -v
	assert_success
	assert_line --regexp "^fuzz: $count ioctls "
	assert_line "fuzz: violations 0"
	assert_line "fuzz: live at the end: 0 allocations, 0 bytes"
	[[ $(live_allocs) -eq 0 && $(live_bytes) -eq 0 ]]
	unloads_cleanly
}
