#!/usr/bin/env bats
# Bad input: each gets its errno from the driver and a clear line from the
# CLI, and never a warning in the kernel log.

load helpers

setup_file() {
	dmesg | wc -l >"$BATS_FILE_TMPDIR/dmesg.start"
	fresh_module
}

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
	run -0 abi-probe "${ALLOC[@]}" reserved=1
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" reserved=0x100000000
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" pad2=1
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
	run -1 kmemlab alloc --api kmalloc --size "$(kmalloc_too_big)"
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
	local i
	# One order-10 block more than ZONE_DMA manages cannot all succeed.
	dma_exhaustion
	mark_dmesg
	for ((i = 0; i < DMA_BLOCKS; i++)); do
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

@test "a bad argument pointer is EFAULT, on every command" {
	local cmd
	for cmd in info alloc free query list realloc fill verify read dma; do
		run -0 abi-probe "$cmd" ptr=bad
		[[ $output == EFAULT ]] || fail "$cmd with a bad pointer: $output"
	done
}

@test "results that cannot be written back are EFAULT, and ALLOC takes its allocation back" {
	local h
	run -0 abi-probe "${ALLOC[@]}" ptr=ro
	assert_output EFAULT
	[[ $(live_allocs) -eq 0 ]]
	h=$(alloc_handle --api kmalloc --size 64)
	run -0 abi-probe list capacity=4 out=ro
	assert_output EFAULT
	run -0 abi-probe read handle="$h" length=64 out=ro
	assert_output EFAULT
	run -0 abi-probe query handle="$h" ptr=ro
	assert_output EFAULT
	[[ $(live_allocs) -eq 1 ]]
}

@test "ALLOC copies out no stale bytes: the report's reserved words are zero" {
	run -0 abi-probe "${ALLOC[@]}" rreserved=0xffffffffffffffff '?rreserved'
	assert_output "OK rreserved=0"
}

@test "INFO copies out no stale bytes: its padding is zero" {
	run -0 abi-probe info pad=0xffffffff '?pad'
	assert_output "OK pad=0"
}

@test "a bad records pointer in LIST is EFAULT, and LIST without room reports needed" {
	kmemlab alloc --api kmalloc --size 8 >/dev/null
	run -0 abi-probe list capacity=4 records=8
	assert_output "EFAULT"
	run -0 abi-probe list capacity=0 records=0 '?needed' '?returned'
	assert_output --regexp '^OK needed=[1-9][0-9]* returned=0$'
}

@test "count × size that overflows is EOVERFLOW; kcalloc without a count is EINVAL" {
	run -0 abi-probe alloc api=5 context=1 size=0x200000000 count=0xffffffff gfp=1
	assert_output "EOVERFLOW"
	run -1 kmemlab alloc --api kcalloc --size 8g --count 4294967295
	assert_output --partial "EOVERFLOW"
	assert_output --partial "count × size overflows"
	run -0 abi-probe alloc api=5 context=1 size=8 gfp=1
	assert_output "EINVAL"
	run -1 kmemlab alloc --api kcalloc --size 8
	assert_output --partial "kcalloc needs --count N"
}

@test "a page API above the largest order and get_zeroed_page above a page are E2BIG" {
	run -0 abi-probe alloc api=11 context=1 size=$((1 << 40)) gfp=1
	assert_output "E2BIG"
	run -1 kmemlab alloc --api alloc_pages --order 20
	assert_output --partial "E2BIG"
	assert_output --partial "above the largest order"
	run -0 abi-probe alloc api=12 context=1 size=$((PAGE + 1)) gfp=1
	assert_output "E2BIG"
}

@test "a malformed kmem_cache name or alignment is EINVAL; another geometry is EEXIST" {
	run -0 abi-probe alloc api=13 context=1 size=64 gfp=1
	assert_output "EINVAL"
	run -0 abi-probe alloc api=13 context=1 size=64 gfp=1 name=Upper
	assert_output "EINVAL"
	run -0 abi-probe alloc api=13 context=1 size=64 gfp=1 name=abcdefghijklmnopqrstu
	assert_output "EINVAL"
	run -0 abi-probe alloc api=13 context=1 size=64 gfp=1 name=ok align=48
	assert_output "EINVAL"
	run -1 kmemlab alloc --api kmem_cache --name 'a b' --size 64
	assert_output --partial "may only use a-z, 0-9"
	run -1 kmemlab alloc --api kmem_cache --name ok --size 64 --align 48
	assert_output --partial "must be a power of two"
	kmemlab alloc --api kmem_cache --name ok --size 64 >/dev/null
	run -0 abi-probe alloc api=13 context=1 size=64 gfp=1 name=ok flags=1
	assert_output "EEXIST"
	[[ $(live_allocs) == 1 ]]
}

@test "GFP flags an API does not take are EINVAL, with the reason from the CLI" {
	run -0 abi-probe "${ALLOC[@]}" gfp=0x41		# GFP_KERNEL|GFP_HIGHUSER
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" gfp=0x30001	# two zone modifiers
	assert_output "EINVAL"
	run -1 kmemlab alloc --api alloc_pages --size 8 --gfp 'GFP_KERNEL|GFP_DMA|GFP_DMA32'
	assert_output --partial "zone modifiers: give at most one"
	run -0 abi-probe alloc api=16 context=1 size=4096 gfp=0x10001	# coherent + GFP_DMA
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" gfp=0x1000000002	# GFP_ATOMIC|__GFP_NOFAIL
	assert_output "EINVAL"
	run -1 kmemlab alloc --api kmalloc --size 8 --gfp 'GFP_ATOMIC|__GFP_NOFAIL'
	assert_output --partial "__GFP_NOFAIL needs a base type that may sleep"
}

@test "a sleeping API or base type outside the process context is EINVAL" {
	# The API: kvmalloc (8) may sleep whatever the flags (since 6.19: its
	# vmalloc fallback's locks are not irq-safe), so even with GFP_ATOMIC
	# (bit 1), which its row accepts, hardirq (4) is refused...
	run -0 abi-probe alloc api=8 context=4 size=4096 gfp=2
	assert_output "EINVAL"
	# ... while the same flags and size run there for kmalloc.
	run -0 abi-probe "${ALLOC[@]}" context=4 size=4096 gfp=2
	assert_output "OK"
	# The base type: GFP_KERNEL (bit 0) in softirq (3), where GFP_ATOMIC runs.
	run -0 abi-probe "${ALLOC[@]}" context=3
	assert_output "EINVAL"
	run -0 abi-probe "${ALLOC[@]}" context=3 gfp=2
	assert_output "OK"
	run -1 kmemlab alloc --api kmalloc --size 64 --context softirq
	assert_output --partial "GFP_KERNEL may sleep"
}

@test "REALLOC: unknown handle ENOENT, other API or bad fields EINVAL, too big E2BIG" {
	local k v
	k=$(alloc_handle --api krealloc --size 64)
	# get_free_pages has no resize operation on any kernel.
	v=$(alloc_handle --api get_free_pages --size 4k)
	run -0 abi-probe realloc handle=4242 context=1 size=128 gfp=1
	assert_output "ENOENT"
	run -1 kmemlab realloc 4242 --size 128
	assert_output --partial "no live allocation has handle 4242"
	run -0 abi-probe realloc handle="$v" context=1 size=128 gfp=1
	assert_output "EINVAL"
	run -1 kmemlab realloc "$v" --size 128
	assert_output --partial "which cannot be resized"
	run -0 abi-probe realloc handle="$k" context=1 size=0 gfp=1
	assert_output "EINVAL"
	run -0 abi-probe realloc handle="$k" context=1 size=128 gfp=1 reserved1=1
	assert_output "EINVAL"
	run -0 abi-probe realloc handle="$k" context=0 size=128 gfp=1
	assert_output "EINVAL"
	# A page more than INFO's KMALLOC_MAX_SIZE.
	run -0 abi-probe realloc handle="$k" context=1 size="$(kmalloc_too_big)" gfp=1
	assert_output "E2BIG"
	run -0 abi-probe query handle="$k" '?size'
	assert_output "OK size=64"
}

@test "FILL and VERIFY: a pattern above 255, a range outside, reserved bytes are EINVAL" {
	local h
	h=$(alloc_handle --api kmalloc --size 100)
	run -0 abi-probe fill handle="$h" pattern=256
	assert_output "EINVAL"
	run -0 abi-probe fill handle="$h" pattern=1 offset=100
	assert_output "EINVAL"
	run -0 abi-probe verify handle="$h" pattern=1 offset=50 length=51
	assert_output "EINVAL"
	run -0 abi-probe fill handle="$h" pattern=1 reserved0=1
	assert_output "EINVAL"
	run -0 abi-probe fill handle=4242 pattern=1
	assert_output "ENOENT"
	run -1 kmemlab fill "$h" --pattern 1 --offset 50 --length 51
	assert_output --partial "offset 50 + length 51 is outside handle $h's 100 bytes"
}

@test "READ: length 0 or above 1 MiB, pad, a range outside are EINVAL; a bad buffer EFAULT" {
	local h
	h=$(alloc_handle --api kmalloc --size 100)
	run -0 abi-probe read handle="$h" length=0
	assert_output "EINVAL"
	run -0 abi-probe read handle="$h" length=$(((1 << 20) + 1))
	assert_output "EINVAL"
	run -0 abi-probe read handle="$h" length=10 pad=1
	assert_output "EINVAL"
	run -0 abi-probe read handle="$h" offset=95 length=10
	assert_output "EINVAL"
	run -0 abi-probe read handle="$h" length=10 buf=8
	assert_output "EFAULT"
	run -1 kmemlab read "$h" --offset 100
	assert_output --partial "offset 100 + length 256 is outside handle $h's 100 bytes"
}

@test "DMA_MAP: unknown mode or direction, reserved bytes EINVAL; unknown handle ENOENT" {
	local h v
	h=$(alloc_handle --api kmalloc --size 4k)
	v=$(alloc_handle --api vmalloc --size 16k)
	run -0 abi-probe dma handle="$h" mode=0 direction=1
	assert_output "EINVAL"
	run -0 abi-probe dma handle="$h" mode=1 direction=4
	assert_output "EINVAL"
	run -0 abi-probe dma handle="$h" mode=1 direction=1 reserved0=1
	assert_output "EINVAL"
	run -0 abi-probe dma handle="$h" mode=1 direction=1 pad=1
	assert_output "EINVAL"
	run -0 abi-probe dma handle=4242 mode=1 direction=1
	assert_output "ENOENT"
	run -0 abi-probe dma handle="$v" mode=1 direction=1
	assert_output "EINVAL"
	run -1 kmemlab dma-map "$v" --mode single
	assert_output --partial "vmalloc memory is not physically contiguous"
}

@test "LIST with flags or records missing, QUERY with pad are EINVAL" {
	run -0 abi-probe list flags=1
	assert_output "EINVAL"
	run -0 abi-probe list capacity=1 records=0
	assert_output "EINVAL"
	run -0 abi-probe query handle=1 pad=1
	assert_output "EINVAL"
}

@test "every command with the wrong size or direction is ENOTTY" {
	local nr
	for nr in 0 1 2 3 4 5 6 7 8 9; do
		run -0 abi-probe raw "$nr" 8
		assert_output "ENOTTY"
	done
}

@test "no bad input leaves a warning in the kernel log" {
	# Since this file's first test, whatever ran before it.
	run -0 bash -c "dmesg | tail -n +$(($(cat "$BATS_FILE_TMPDIR/dmesg.start") + 1))"
	refute_output --regexp "WARNING|BUG|Call Trace"
}
