#!/usr/bin/env bats
# The kernel's own fault injection (failslab, fail_page_alloc), per task
# through /proc/thread-self/fail-nth: in the debug kernel's default boot,
# before kmemleak's scan. Where 36-faults.bats fails the driver's own
# allocations (its fail_nth parameter), this fails every allocation the
# kernel makes for the calling task inside one ioctl or one bind: the
# driver's bookkeeping, the allocation under test, and what the kernel
# allocates on the way (xarray nodes, kernfs nodes, kmemleak's own
# records...). abi-probe -w walks N = 1, 2, ... over every such site; each
# fault must end in ENOMEM or be absorbed (the kernel went on without that
# memory), leave the driver's live counters where they were, and the next
# call must succeed. kmemleak.bats then finds no leak behind any of them.
# The number of sites of each command is printed as a TAP comment.

load ../helpers

DEBUGFS=/sys/kernel/debug
PDEV=/sys/bus/platform/devices/kmemlab.0
KERNEL=0x1

setup_file() {
	mountpoint -q $DEBUGFS || mount -t debugfs none $DEBUGFS
	# Allocation profiling off for the walk, and before the module is
	# loaded: a fault in its own per-slab vector is a kernel WARN in 6.12
	# (mm/slub.c, prepare_slab_obj_exts_hook), the kernel's reaction, not
	# the driver's. Before the load, since an object allocated with it on
	# and freed with it off stays charged, and the module's unload then
	# warns of it (lib/alloc_tag.c).
	if [[ -w /proc/sys/vm/mem_profiling ]]; then
		unload_module
		cat /proc/sys/vm/mem_profiling >"$BATS_FILE_TMPDIR/mem_profiling"
		echo 0 >/proc/sys/vm/mem_profiling || true
	fi
	fresh_module
	[[ -e /proc/thread-self/fail-nth && -d $DEBUGFS/failslab ]] || return 0
	# fail-nth passes over what the attributes ignore: by default failslab
	# ignores allocations that may sleep, fail_page_alloc those and
	# highmem and order 0. Ignore nothing, and print nothing (a stack
	# dump per fault would read as a kernel warning).
	echo N >$DEBUGFS/failslab/ignore-gfp-wait
	echo N >$DEBUGFS/fail_page_alloc/ignore-gfp-wait
	echo N >$DEBUGFS/fail_page_alloc/ignore-gfp-highmem
	echo 0 >$DEBUGFS/fail_page_alloc/min-order
	echo 0 >$DEBUGFS/failslab/verbose
	echo 0 >$DEBUGFS/fail_page_alloc/verbose
}

teardown_file() {
	unload_module
	if [[ -s $BATS_FILE_TMPDIR/mem_profiling ]]; then
		cat "$BATS_FILE_TMPDIR/mem_profiling" >/proc/sys/vm/mem_profiling || true
	fi
}

setup() {
	[[ -e /proc/thread-self/fail-nth ]] ||
		skip "no fail-nth in $(uname -r): CONFIG_FAULT_INJECTION is off (the debug kernel has it)"
	[[ -d $DEBUGFS/failslab && -d $DEBUGFS/fail_page_alloc ]] ||
		skip "no failslab or fail_page_alloc in $(uname -r)"
	kmemlab free --all >/dev/null
	mark_dmesg
}

teardown() {
	[[ -e $PDEV/driver ]] || echo kmemlab.0 >"$SYSDRV/bind"
}

# kwalk NAME ARGS...: abi-probe -w ARGS; its per-site lines are kept in
# $BATS_TEST_TMPDIR/walk, its sites in $SITES and the driver's own in $OWN.
kwalk() {
	local name=$1
	shift
	run abi-probe -w "$@"
	echo "$output" >"$BATS_TEST_TMPDIR/walk"
	[[ $status == 0 && ${lines[-1]} == OK* ]] ||
		fail "$name: $(grep -v -e ': ENOMEM$' -e ': absorbed$' <<<"$output" | head -5)"
	SITES=$(sed -n 's/.* sites=\([0-9]*\).*/\1/p' <<<"${lines[-1]}")
	OWN=$(sed -n 's/.* own=\([0-9]*\).*/\1/p' <<<"${lines[-1]}")
	OWN=${OWN:-0}
	# the walk met the driver's own sites, and every one of them failed
	((SITES >= OWN)) || fail "$name: $SITES sites, fewer than the driver's own $OWN"
	echo "# $name: ${lines[-1]#OK }" >&3
}

@test "fail-nth fails the Nth site of this task once, and counts down otherwise" {
	run -0 abi-probe -n 1 info
	assert_output "ENOMEM left=0"
	run -0 abi-probe -n 1000 info
	assert_output --regexp '^OK left=9[0-9][0-9]$'
	run -0 abi-probe info
	assert_output OK
	run -0 cat /proc/self/fail-nth
	assert_output 0
}

@test "ALLOC of every API the driver describes: every kernel fault site is ENOMEM or absorbed" {
	local name value props tsize gfps gfp args n=0 total=0 kernel keep
	kernel=$(uapi KMEMLAB_GFP_KERNEL)
	while read -r name value props tsize gfps; do
		[[ $tsize != - ]] || tsize=64
		# GFP_KERNEL where the API takes it, nothing where it takes no
		# base type (as api_gfp, without a CLI call per API)
		gfp=0
		[[ "|$gfps|" != *"|GFP_KERNEL|"* ]] || gfp=$kernel
		args=(alloc api=$((value)) context=1 size="$tsize" gfp="$gfp")
		[[ ,$props, == *,count,* ]] && args+=(count=1)
		keep=""
		if [[ ,$props, == *,cache,* ]]; then
			# A kmem_cache_create() that fails dumps the stack by
			# design (mm/slab_common.c), which no log check can tell
			# from a bug: the cache is kept live through the walk.
			# The driver's own fail_nth covers a failed creation
			# (36-faults).
			args+=(name=kfaults)
			keep=$(alloc_handle --api "$name" --name kfaults --size "$tsize")
		fi
		kwalk "ALLOC $name" "${args[@]}"
		[[ -z $keep ]] || kmemlab free "$keep" >/dev/null
		# the allocation under test is one site at least, beside the
		# driver's own (its record and registry slot)
		((SITES > OWN)) || fail "ALLOC $name: no site beyond the driver's $OWN"
		grep -q ': ENOMEM$' "$BATS_TEST_TMPDIR/walk" ||
			fail "ALLOC $name: no fault ended in ENOMEM"
		n=$((n + 1)) total=$((total + SITES))
	done < <(apis_here NAME,VALUE,PROPERTIES,TYPE-SIZE,GFP -b)
	echo "# ALLOC: $total fault sites over $n APIs" >&3
	run -0 new_dmesg
	refute_output --regexp 'WARNING|BUG|Call Trace'
}

# fail-nth counts in task context only: the allocation made in the softirq
# or hardirq is never failed, the caller's part around it is.
@test "ALLOC in softirq and hardirq context: the caller's part of it" {
	kwalk "ALLOC kmalloc softirq" alloc api=1 context=3 size=64 gfp=0x2
	kwalk "ALLOC kmalloc hardirq" alloc api=1 context=4 size=64 gfp=0x2
}

@test "INFO, LIST, READ, RUNS, QUERY, FILL, VERIFY, DMA_MAP: each fault clean" {
	local h v
	h=$(alloc_handle --api kmalloc --size 4k)
	v=$(alloc_handle --api vmalloc --size 64k)
	kwalk INFO info
	kwalk LIST list capacity=4
	kwalk READ read handle="$h" length=4096
	kwalk RUNS runs handle="$v" capacity=64 runs=buf
	kwalk QUERY query handle="$h"
	kwalk FILL fill handle="$h" pattern=0x5a
	kwalk VERIFY verify handle="$h" pattern=0x5a
	kwalk "DMA_MAP single" dma handle="$h" mode=1 direction=1
	kwalk "DMA_MAP sg" dma handle="$v" mode=2 direction=1
	[[ $(live_allocs) == 2 ]]
	run -0 new_dmesg
	refute_output --regexp 'WARNING|BUG|Call Trace'
}

# krealloc keeps the larger object when shrinking, so a grown allocation
# cannot be walked again: a fresh one for every site.
@test "REALLOC: each fault is ENOMEM or absorbed, and a failed one leaves the allocation as it was" {
	local h n out left bytes failed=0
	for ((n = 1; n <= 100; n++)); do
		h=$(alloc_handle --api kmalloc --size 4k)
		read -r bytes <"$SYSDRV/live_bytes"
		out=$(abi-probe -n "$n" realloc handle="$h" context=1 size=8192 gfp=$KERNEL)
		left=${out##* left=} out=${out% left=*}
		if ((left > 0)); then
			[[ $out == OK ]] || fail "REALLOC without a fault: $out"
			break
		fi
		if [[ $out == ENOMEM ]]; then
			failed=$((failed + 1))
			[[ $(live_bytes) == "$bytes" ]] || fail "site $n: live_bytes $(live_bytes), $bytes before"
			[[ $(kmemlab query "$h" -o SIZE -n -r -b) == 4096 ]] || fail "site $n: the allocation changed"
		else
			[[ $out == OK ]] || fail "site $n: $out, not ENOMEM"
		fi
		kmemlab free "$h" >/dev/null
	done
	kmemlab free "$h" >/dev/null
	((failed > 0)) || fail "REALLOC: no fault ended in ENOMEM"
	echo "# REALLOC: $((n - left)) fault sites, $failed ENOMEM" >&3
	run -0 new_dmesg
	refute_output --regexp 'WARNING|BUG|Call Trace'
}

# Not of a kmem_cache: its bench creates a cache of its own (see ALLOC).
@test "BENCH of kmalloc: each fault clean" {
	kwalk "BENCH kmalloc" bench api=1 context=1 size=64 gfp=1 pattern=1 threads=1 iterations=100
	[[ $(live_allocs) == 0 ]]
}

@test "FREE of every kind meets no fault site" {
	local api h
	for api in kmalloc vmalloc devm_kzalloc dma_alloc_coherent; do
		h=$(alloc_handle --api "$api" --size 4k)
		run -0 abi-probe -n 1 free handle="$h"
		assert_output "OK left=1"
	done
	h=$(alloc_handle --api kmem_cache --name kfree --size 64)
	run -0 abi-probe -n 1 free handle="$h"
	# the cache goes with its last object: a fault on that way is absorbed
	[[ $output == OK* ]] || fail "FREE of the last object of a kmem_cache: $output"
	echo "# FREE kmem_cache (the cache destroyed): ${output#OK }" >&3
	[[ $(live_allocs) == 0 ]]
	run -1 grep -q '^kmemlab[0-9]*_kfree ' /proc/slabinfo
}

@test "probe: every kernel fault of a bind leaves it unbound with ENOMEM, or bound, and nothing live" {
	echo kmemlab.0 >"$SYSDRV/unbind"
	kwalk "probe (bind)" write "$SYSDRV/bind" kmemlab.0 undo="$SYSDRV/unbind"
	((SITES > 5)) || fail "probe: only $SITES sites"
	echo kmemlab.0 >"$SYSDRV/bind"
	run -0 abi-probe info
	assert_output OK
	run -0 new_dmesg
	refute_output --regexp 'WARNING|BUG|Call Trace'
}
