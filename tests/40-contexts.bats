#!/usr/bin/env bats
# Contexts: the allocation runs where it was asked to, the driver reports
# what it saw there, and nothing that may sleep runs where sleeping is a bug.

load helpers

seen() {
	kmemlab alloc "$@" -o SEEN -n -r
}

@test "the process context is preemptible and not in interrupt" {
	run -0 seen --api kmalloc --size 64
	assert_output --partial "preemptible"
	refute_output --partial "interrupt"
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

@test "vmalloc is refused in hardirq and softirq context: it may sleep" {
	run -1 kmemlab alloc --api vmalloc --size 4k --context hardirq
	assert_output --partial "EINVAL"
	assert_output --partial "vmalloc may sleep"
	run -1 kmemlab alloc --api vmalloc --size 4k --context softirq
	assert_output --partial "vmalloc may sleep"
}

@test "vmalloc does not take GFP_ATOMIC even in process context" {
	run -1 kmemlab alloc --api vmalloc --size 4k --gfp GFP_ATOMIC
	assert_output --partial "EINVAL"
	assert_output --partial "vmalloc does not take GFP_ATOMIC"
}

@test "kvmalloc and devm allocations are refused in atomic context" {
	run -1 kmemlab alloc --api kvmalloc --size 4k --gfp GFP_ATOMIC --context atomic
	assert_output --partial "may sleep"
	run -1 kmemlab alloc --api devm_kzalloc --size 64 --gfp GFP_ATOMIC --context atomic
	assert_output --partial "may sleep"
	[[ $(live_allocs) -eq 0 ]]
}
