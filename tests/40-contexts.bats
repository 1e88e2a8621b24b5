#!/usr/bin/env bats
# Contexts: the allocation runs where it was asked to, the driver reports
# what it saw there, and nothing that may sleep runs where sleeping is a bug.

load helpers

seen() {
	kmemlab alloc "$@" -o SEEN -n -r
}

@test "the process context is preemptible and not in interrupt" {
	run -0 seen --api kmalloc --size 64
	refute_output --partial "interrupt"
	# arm64's Debian 6.1 (PREEMPT_VOLUNTARY, no PREEMPT_DYNAMIC) keeps none
	[[ $output != *no-preempt-count* ]] ||
		skip "$(uname -r) keeps no preempt count (the driver says so): preemptible() cannot tell"
	assert_output --partial "preemptible"
}

@test "the atomic context holds a spinlock: not preemptible, not in interrupt" {
	run -0 seen --api kmalloc --size 64 --gfp GFP_ATOMIC --context atomic
	refute_output --partial "preemptible"
	refute_output --partial "interrupt"
}

@test "GFP_ATOMIC kmalloc succeeds in softirq context, and the driver saw a softirq" {
	run -0 seen --api kmalloc --size 64 --gfp GFP_ATOMIC --context softirq
	assert_output --partial "softirq"
	assert_output --partial "interrupt"
	refute_output --partial "hardirq"
}

@test "GFP_ATOMIC kmalloc succeeds in hardirq context with interrupts off" {
	run -0 seen --api kmalloc --size 64 --gfp GFP_ATOMIC --context hardirq
	assert_output --partial "hardirq"
	assert_output --partial "irqs-off"
}

@test "GFP_ATOMIC and GFP_NOWAIT work in all four contexts" {
	local ctx gfp
	for gfp in GFP_ATOMIC GFP_NOWAIT; do
		for ctx in process atomic softirq hardirq; do
			kmemlab alloc --api kzalloc --size 128 --gfp "$gfp" --context "$ctx" >/dev/null
		done
	done
	[[ $(live_allocs) -eq 8 ]]
}

@test "page, kmem_cache and coherent DMA allocations work in hardirq with GFP_ATOMIC" {
	kmemlab alloc --api alloc_pages --order 1 --gfp GFP_ATOMIC --context hardirq >/dev/null
	kmemlab alloc --api get_free_pages --order 0 --gfp GFP_ATOMIC --context hardirq >/dev/null
	kmemlab alloc --api kmem_cache --name irq --size 96 --gfp GFP_ATOMIC --context hardirq >/dev/null
	kmemlab alloc --api dma_alloc_coherent --size 4k --gfp GFP_ATOMIC --context softirq >/dev/null
	[[ $(live_allocs) -eq 4 ]]
}

@test "GFP_KERNEL is refused outside process context, before anything runs" {
	local ctx
	for ctx in atomic softirq hardirq; do
		run -1 kmemlab alloc --api kmalloc --size 64 --gfp GFP_KERNEL --context "$ctx"
		assert_output --partial "EINVAL"
		assert_output --partial "may sleep"
	done
	[[ $(live_allocs) -eq 0 ]]
}

# The ABI bit of KMEMLAB_$1, read from the UAPI header, not the CLI's table.
abi_gfp() { uapi "KMEMLAB_$1"; }

@test "every sleeping base type is refused in hardirq context, and runs in process context" {
	local gfp bits
	for gfp in GFP_KERNEL GFP_NOIO GFP_NOFS GFP_USER; do
		bits=$(abi_gfp "$gfp")
		run -0 abi-probe alloc api=1 context=4 size=64 gfp="$bits"
		assert_output "EINVAL"
		run -0 abi-probe alloc api=1 context=1 size=64 gfp="$bits"
		assert_output "OK"
	done
	run -0 abi-probe alloc api=1 context=4 size=64 gfp="$(abi_gfp GFP_ATOMIC)"
	assert_output "OK"
}

# The driver's word on API $1: its PROPERTIES and its GFP flags.
props() { kmemlab apis -o NAME,PROPERTIES -n -r | awk -v a="$1" '$1 == a { print $2 }'; }
takes() { [[ "|$(kmemlab apis -o NAME,GFP -n -r | awk -v a="$1" '$1 == a { print $2 }')|" == *"|$2|"* ]]; }

@test "vmalloc is refused in hardirq and softirq context, for the reason the driver gives" {
	local ctx why
	# Before 6.19 vmalloc may sleep whatever the flags; since, its locks
	# are not irq-safe: interrupt context is out either way.
	case ,$(props vmalloc), in
	*,may-sleep,*) why="vmalloc may sleep" ;;
	*,no-irq,*) why="vmalloc must not run in interrupt context" ;;
	*) fail "vmalloc is described as neither may-sleep nor no-irq: $(props vmalloc)" ;;
	esac
	for ctx in hardirq softirq; do
		run -1 kmemlab alloc --api vmalloc --size 4k --context "$ctx"
		assert_output --partial "EINVAL"
		assert_output --partial "$why"
	done
	[[ $(live_allocs) -eq 0 ]]
}

@test "vmalloc takes GFP_ATOMIC in process context exactly where the driver says it does" {
	if takes vmalloc GFP_ATOMIC; then
		run -0 kmemlab alloc --api vmalloc --size 4k --gfp GFP_ATOMIC -o BACKING -n -r
		assert_output vmalloc
	else
		run -1 kmemlab alloc --api vmalloc --size 4k --gfp GFP_ATOMIC
		assert_output --partial "EINVAL"
		assert_output --partial "vmalloc does not take GFP_ATOMIC"
	fi
	kmemlab free --all >/dev/null
}

@test "devm allocations are refused in atomic context; kvmalloc is where it may sleep" {
	run -1 kmemlab alloc --api devm_kzalloc --size 64 --gfp GFP_ATOMIC --context atomic
	assert_output --partial "may sleep"
	if [[ ,$(props kvmalloc), == *,may-sleep,* ]]; then
		run -1 kmemlab alloc --api kvmalloc --size 4k --gfp GFP_ATOMIC --context atomic
		assert_output --partial "may sleep"
		[[ $(live_allocs) -eq 0 ]]
	else
		run -0 kmemlab alloc --api kvmalloc --size 4k --gfp GFP_ATOMIC --context atomic \
			-o CONTEXT -n -r
		assert_output atomic
		kmemlab free --all >/dev/null
	fi
}
