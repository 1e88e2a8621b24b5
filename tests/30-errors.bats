#!/usr/bin/env bats
# Bad input: each gets its errno from the driver and a clear line from the
# CLI, and never a warning in the kernel log.

load helpers

# A well-formed kmalloc request for abi-probe; tests add or override fields.
ALLOC=(alloc api=1 context=1 size=64 gfp=1)

@test "a well-formed request through the raw ABI succeeds" {
	run -0 abi-probe "${ALLOC[@]}" '?handle'
	assert_output --regexp '^OK handle=[0-9]+$'
}

@test "size 0 is EINVAL in the driver and a usage error in the CLI" {
	run -0 abi-probe "${ALLOC[@]}" size=0
	assert_output "EINVAL"
	run -2 kmemlab alloc --api kmalloc --size 0
	assert_output --partial "size"
}

@test "an unknown API number is EINVAL" {
	run -0 abi-probe "${ALLOC[@]}" api=0
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" api=99
	assert_output "EINVAL"
}

@test "an unknown API name is a usage error listing the valid names" {
	run -2 kmemlab alloc --api kmallok --size 8
	assert_output --partial "kmallok"
	assert_output --partial "kzalloc"
}

@test "an unknown or zero context is EINVAL" {
	run -0 abi-probe "${ALLOC[@]}" context=0
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" context=9
	assert_output "EINVAL"
}

@test "unknown GFP bits and gfp 0 are EINVAL" {
	run -0 abi-probe "${ALLOC[@]}" gfp=0x100
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" gfp=0x8000000000000001
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" gfp=0
	assert_output "EINVAL"
}

@test "two base GFP types together are EINVAL" {
	run -0 abi-probe "${ALLOC[@]}" gfp=3
	assert_output "EINVAL"
	run -1 kmemlab alloc --api kmalloc --size 8 --gfp 'GFP_KERNEL|GFP_ATOMIC'
	assert_output --partial "EINVAL"
}

@test "non-zero reserved bytes, pad or flags are EINVAL" {
	run -0 abi-probe "${ALLOC[@]}" reserved0=1
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" reserved3=0x100
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" pad=1
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" flags=1
	assert_output "EINVAL"
}

@test "a count, alignment or name on an API that takes none is EINVAL" {
	run -0 abi-probe "${ALLOC[@]}" count=2
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" align=64
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" name=x
	assert_output "EINVAL"
}

@test "an unknown command number is ENOTTY" {
	run -0 abi-probe raw 0x7f 16
	assert_output "ENOTTY"
}

@test "a known command number with the wrong size is ENOTTY" {
	run -0 abi-probe raw 0x01 64
	assert_output "ENOTTY"
}

@test "another driver's ioctl sent to kmemlab is ENOTTY" {
	run -0 abi-probe foreign
	assert_output "ENOTTY"
}

@test "kmalloc above KMALLOC_MAX_SIZE is E2BIG before anything is tried" {
	mark_dmesg
	run -1 kmemlab alloc --api kmalloc --size 8M
	assert_output --partial "E2BIG"
	assert_output --partial "KMALLOC_MAX_SIZE"
	run -0 new_dmesg
	assert_output ""
}

@test "vmalloc larger than all of RAM is E2BIG" {
	run -1 kmemlab alloc --api vmalloc --size 64G
	assert_output --partial "E2BIG"
}

@test "an allocation the allocator refuses is ENOMEM, quietly" {
	local i rc=0
	mark_dmesg
	# ZONE_DMA is 16 MiB: four 4 MiB blocks from it cannot all succeed
	# (with the GFP_DMA quota out of the way).
	echo $((32 << 20)) >/sys/module/kmemlab/parameters/dma_max_bytes
	for i in 1 2 3 4; do
		run kmemlab alloc --api alloc_pages --order 10 --gfp 'GFP_KERNEL|GFP_DMA'
		[[ $status -eq 0 ]] || break
	done
	echo $((1 << 20)) >/sys/module/kmemlab/parameters/dma_max_bytes
	assert_failure 1
	assert_output --partial "ENOMEM"
	run -0 new_dmesg
	refute_output --partial "page allocation failure"
	kmemlab free --all >/dev/null
}

@test "freeing an unknown handle is ENOENT" {
	run -1 kmemlab free 4242
	assert_output --partial "ENOENT"
	run -0 abi-probe free handle=4242
	assert_output "ENOENT"
}

@test "querying an unknown handle is ENOENT" {
	run -1 kmemlab query 4242
	assert_output --partial "ENOENT"
}

@test "free with both a handle and FREE_ALL, or with neither, is EINVAL" {
	run -0 abi-probe free handle=1 flags=1
	assert_output "EINVAL"
	run -0 abi-probe free handle=0 flags=0
	assert_output "EINVAL"
	run -0 abi-probe free handle=1 flags=2
	assert_output "EINVAL"
}

@test "a bad argument pointer is EFAULT" {
	run -0 abi-probe alloc ptr=bad
	assert_output "EFAULT"
	run -0 abi-probe info ptr=bad
	assert_output "EFAULT"
}

@test "a bad records pointer in LIST is EFAULT, and LIST without room reports needed" {
	kmemlab alloc --api kmalloc --size 8 >/dev/null
	run -0 abi-probe list capacity=4 records=8
	assert_output "EFAULT"
	run -0 abi-probe list capacity=0 records=0 '?needed' '?returned'
	assert_output --regexp '^OK needed=[1-9][0-9]* returned=0$'
}

@test "no bad input leaves a warning in the kernel log" {
	run -0 dmesg
	refute_output --regexp "WARNING|BUG|Call Trace"
}
