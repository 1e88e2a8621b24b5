#!/usr/bin/env bats
# Fault injection: the fail_nth parameter fails the Nth of the driver's own
# allocations (never the one a caller asked for). Each test walks N = 1, 2,
# 3... over every site of one operation until the operation gets through
# without meeting the fault; each failure must be a clean ENOMEM that leaves
# nothing behind, and the very next attempt must succeed. The number of
# sites walked is printed as a TAP comment.

load helpers

PARAMS=/sys/module/kmemlab/parameters
PDEV=/sys/bus/platform/devices/kmemlab.0
KERNEL=0x1

setup() {
	echo 0 >"$PARAMS/fail_nth"
	kmemlab free --all >/dev/null
	mark_dmesg
}

teardown() {
	echo 0 >"$PARAMS/fail_nth"
	if [[ ! -e $PDEV/driver ]]; then
		echo kmemlab.0 >"$SYSDRV/bind"
	fi
}

# Nothing of the driver's is live, and no kmemlab slab cache of a device
# (kmemlab<N>_<name>, kmemlab<N>-bench) is left; the module's own bucket set
# (kmemlab_buckets-<size>) lives as long as the module.
assert_clean() {
	local allocs bytes
	read -r allocs <"$SYSDRV/live_allocs"
	read -r bytes <"$SYSDRV/live_bytes"
	[[ $allocs == 0 ]] || fail "live_allocs $allocs after $1"
	[[ $bytes == 0 ]] || fail "live_bytes $bytes after $1"
	run -1 grep -q '^kmemlab[0-9]' /proc/slabinfo
}

# walk NAME CMD [field=value ...]: walk the fault over each site of one
# abi-probe command ("abi-probe -W": all the walk's steps in one process,
# which under emulation is seconds less per walk than a process per step).
# At each site the ioctl must fail with ENOMEM and leave nothing of the
# driver's behind, neither live allocations nor a slab cache, and the same
# ioctl must then succeed (and is undone). Prints the number of sites, and
# records it in $BATS_TEST_TMPDIR/sites.
walk() {
	local name=$1 out
	shift
	out=$(abi-probe -W "$@") || fail "$name: $out"
	[[ $out =~ (^|$'\n')OK\ sites=([0-9]+)\ failed=([0-9]+)\ absorbed=0 ]] ||
		fail "$name: $out"
	((BASH_REMATCH[3] == BASH_REMATCH[2])) || fail "$name: $out"
	echo "# $name: ${BASH_REMATCH[2]} fault sites" >&3
	echo "${BASH_REMATCH[2]}" >"$BATS_TEST_TMPDIR/sites"
}

sites() { cat "$BATS_TEST_TMPDIR/sites"; }

@test "fail_nth fails the Nth driver allocation once and reads 0 after" {
	echo 1 >"$PARAMS/fail_nth"
	run -0 abi-probe info
	assert_output "ENOMEM"
	run -0 cat "$PARAMS/fail_nth"
	assert_output 0
	run -0 abi-probe info
	assert_output "OK"
	echo 3 >"$PARAMS/fail_nth"
	run -0 abi-probe info
	run -0 cat "$PARAMS/fail_nth"
	assert_output 2
	echo 0 >"$PARAMS/fail_nth"
	run -1 bash -c "echo -1 >$PARAMS/fail_nth"
}

@test "fault_sites counts every site passed, and the allocator under test is none" {
	local before
	before=$(cat "$PARAMS/fault_sites")
	abi-probe info >/dev/null
	[[ $(cat "$PARAMS/fault_sites") == $((before + 1)) ]]
	# kmalloc: the registry entry and its xarray slot; not the kmalloc itself.
	before=$(cat "$PARAMS/fault_sites")
	abi-probe alloc api=1 context=1 size=64 gfp=$KERNEL >/dev/null
	[[ $(cat "$PARAMS/fault_sites") == $((before + 2)) ]]
}

@test "probe: every fault leaves the device unbound, and the next bind works" {
	local n left
	echo kmemlab.0 >"$SYSDRV/unbind"
	for ((n = 1; n <= 32; n++)); do
		echo "$n" >"$PARAMS/fail_nth"
		run bash -c "echo kmemlab.0 >$SYSDRV/bind"
		left=$(cat "$PARAMS/fail_nth")
		echo 0 >"$PARAMS/fail_nth"
		if ((left > 0)); then
			assert_success
			[[ -e $PDEV/driver && -e /sys/class/kmemlab/kmemlab0 ]]
			echo "# probe: $((n - left)) fault sites" >&3
			run -0 abi-probe info
			assert_output OK
			break
		fi
		assert_failure
		[[ ! -e $PDEV/driver ]] || fail "bound after a fault at site $n"
		[[ ! -e /sys/class/kmemlab/kmemlab0 ]] || fail "node left at site $n"
		echo kmemlab.0 >"$SYSDRV/bind"
		run -0 abi-probe info
		assert_output OK
		echo kmemlab.0 >"$SYSDRV/unbind"
	done
	((n - left == 5))
	run -0 new_dmesg
	refute_output --regexp 'WARNING|BUG|Call Trace'
}

@test "ALLOC of every API the driver describes: each bookkeeping fault is a clean ENOMEM" {
	local name value props tsize gfp args want n=0
	while read -r name value props tsize gfp; do
		[[ $tsize != - ]] || tsize=64
		args=(alloc api=$((value)) context=1 size="$tsize" gfp="$(gfp_default "$gfp")")
		# 2 sites each (the handle, the registry slot), +2 for a new
		# kmem_cache (its bookkeeping and the cache), +1 for a devm API
		# (its action).
		want=2
		[[ ,$props, == *,count,* ]] && args+=(count=1)
		[[ ,$props, == *,cache,* ]] && args+=(name=faults) want=$((want + 2))
		[[ ,$props, == *,devm,* ]] && want=$((want + 1))
		walk "ALLOC $name" "${args[@]}"
		(($(sites) == want)) || fail "ALLOC $name: $(sites) fault sites, not $want"
		n=$((n + 1))
	done < <(apis_here NAME,VALUE,PROPERTIES,TYPE-SIZE,GFP -b)
	echo "# ALLOC: every fault site of $n APIs" >&3
	run -0 new_dmesg
	refute_output --regexp 'WARNING|BUG|Call Trace'
}

@test "ALLOC from an existing kmem_cache does not create one" {
	local h
	h=$(alloc_handle --api kmem_cache --name kept --size 64)
	walk "ALLOC kmem_cache, cache live" alloc api=13 context=1 size=64 gfp=$KERNEL name=kept
	(($(sites) == 2))
}

@test "ALLOC in hardirq context: the same sites, none inside the irq" {
	walk "ALLOC kmalloc hardirq" alloc api=1 context=4 size=64 gfp=0x2
	(($(sites) == 2))
}

@test "INFO, READ and LIST each have one site: their buffer" {
	walk "INFO" info
	(($(sites) == 1))
	local h
	h=$(alloc_handle --api kmalloc --size 4k)
	echo 1 >"$PARAMS/fail_nth"
	run -0 abi-probe read handle="$h" length=4096
	echo 0 >"$PARAMS/fail_nth"
	assert_output ENOMEM
	run -0 abi-probe read handle="$h" length=4096
	assert_output OK
	# LIST's snapshot of the records, taken under the lock, copied out after.
	echo 1 >"$PARAMS/fail_nth"
	run -0 abi-probe list capacity=4 '?returned'
	echo 0 >"$PARAMS/fail_nth"
	assert_output "ENOMEM returned=0"
	run -0 abi-probe list capacity=4 '?returned'
	assert_output "OK returned=1"
	[[ $(live_allocs) == 1 ]]
}

@test "DMA_MAP of vmalloc memory: the page array and the scatterlist" {
	local h n left total=0
	h=$(alloc_handle --api vmalloc --size 64k)
	for ((n = 1; n <= 8; n++)); do
		echo "$n" >"$PARAMS/fail_nth"
		run -0 abi-probe dma handle="$h" mode=2 direction=1
		left=$(cat "$PARAMS/fail_nth")
		echo 0 >"$PARAMS/fail_nth"
		((left == 0)) || break
		assert_output ENOMEM
		run -0 abi-probe dma handle="$h" mode=2 direction=1
		assert_output OK
	done
	assert_output OK
	echo "# DMA_MAP sg: $((n - left)) fault sites" >&3
	((n - left == 2))
	[[ $(live_allocs) == 1 ]]
}

@test "BENCH: the sample buffers, the run, each thread's array, a kmem_cache bench's cache" {
	walk "BENCH kmalloc" bench api=1 context=1 size=64 gfp=1 pattern=1 \
		threads=1 iterations=100
	(( $(sites) == 4 ))
	walk "BENCH kmem_cache" bench api=13 context=1 size=64 gfp=1 pattern=1 \
		threads=1 iterations=100
	(( $(sites) == 5 ))
}

@test "REALLOC, LIST of the count, QUERY, FILL, VERIFY, FREE and DMA_MAP single allocate nothing of their own" {
	local h before
	h=$(alloc_handle --api krealloc --size 64)
	before=$(cat "$PARAMS/fault_sites")
	echo 1 >"$PARAMS/fail_nth"
	run -0 abi-probe realloc handle="$h" context=1 size=8192 gfp=$KERNEL
	assert_output OK
	run -0 abi-probe list capacity=0 '?needed'
	assert_output "OK needed=1"
	run -0 abi-probe query handle="$h"
	assert_output OK
	run -0 abi-probe fill handle="$h" pattern=0x5a
	assert_output OK
	run -0 abi-probe verify handle="$h" pattern=0x5a '?mismatches'
	assert_output "OK mismatches=0"
	run -0 abi-probe dma handle="$h" mode=1 direction=1
	assert_output OK
	run -0 abi-probe free handle="$h"
	assert_output OK
	run -0 cat "$PARAMS/fail_nth"
	assert_output 1
	[[ $(cat "$PARAMS/fault_sites") == "$before" ]]
	echo "# REALLOC LIST-count QUERY FILL VERIFY FREE DMA_MAP single: 0 fault sites" >&3
}

@test "unbind and unload with live allocations of every kind free them all" {
	kmemlab alloc --api kmalloc --size 100 >/dev/null
	kmemlab alloc --api kmem_cache --name gone --size 64 >/dev/null
	kmemlab alloc --api devm_kzalloc --size 1k >/dev/null
	kmemlab alloc --api dma_alloc_coherent --size 4k >/dev/null
	kmemlab alloc --api vmalloc --size 64k >/dev/null
	echo kmemlab.0 >"$SYSDRV/unbind"
	run -0 new_dmesg
	assert_output --partial "unbound with 5 live allocations: freed"
	assert_clean "unbind"
	echo kmemlab.0 >"$SYSDRV/bind"
	kmemlab alloc --api kmalloc --size 100 >/dev/null
	kmemlab alloc --api kmem_cache --name gone --size 64 >/dev/null
	mark_dmesg
	rmmod kmemlab
	run -0 new_dmesg
	assert_output --partial "unbound with 2 live allocations: freed"
	run -1 grep -q '^kmemlab' /proc/slabinfo
	kmemlab load >/dev/null
}
