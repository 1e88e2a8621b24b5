#!/usr/bin/env bats
# The privilege model and the quotas: what a member of group kmemlab may do,
# what needs CAP_SYS_ADMIN (EPERM, after validation, before any allocation),
# and what no one may do past a quota (ENOSPC, nothing allocated).

load helpers

PARAMS=/sys/module/kmemlab/parameters
# ABI gfp bits, from the UAPI header
KERNEL=$(uapi KMEMLAB_GFP_KERNEL)
ATOMIC=$(uapi KMEMLAB_GFP_ATOMIC)
DMA=$(uapi KMEMLAB_GFP_DMA)
NOFAIL=$(uapi KMEMLAB_GFP_NOFAIL)
ALLOC=(alloc api=1 context=1 size=64 gfp=$KERNEL)

# Nothing live, on the driver's counters and in INFO's GFP_DMA count.
assert_nothing_live() {
	[[ $(live_allocs) == 0 ]]
	[[ $(live_bytes) == 0 ]]
	run -0 abi-probe info '?dma_live_bytes'
	assert_output "OK dma_live_bytes=0"
}

teardown() {
	echo 65536 >"$PARAMS/max_allocs"
	echo $((1 << 20)) >"$PARAMS/dma_max_bytes"
	kmemlab free --all >/dev/null
}

@test "a user outside group kmemlab cannot open the node" {
	run -1 as_user abi-probe info
	assert_output "open: EACCES"
	run -1 as_user kmemlab alloc --api kmalloc --size 64
	assert_output --partial "EACCES"
	assert_output --partial "join group kmemlab"
}

@test "a group member allocates, queries and frees, and sees no raw addresses nor the layout" {
	run -0 as_member abi-probe "${ALLOC[@]}" '?handle' '?virt' '?phys' '?rflags'
	assert_output --regexp '^OK handle=[0-9]+ virt=0 phys=0 rflags=[0-9]+$'
	local rflags=${output##*rflags=}
	(( (rflags & 8) == 0 ))
	run -0 as_member abi-probe info '?direct_map_start' '?direct_map_end' '?vmalloc_start' '?flags'
	assert_output --regexp '^OK direct_map_start=0 direct_map_end=0 vmalloc_start=0 flags='
	(( (${output##*flags=} & 4) == 0 ))
	run -0 as_member kmemlab info -r -n
	assert_line "page-offset -"
	assert_line "vmalloc-start -"
	run -0 abi-probe info '?direct_map_end' '?vmalloc_start' '?flags'
	assert_output --regexp '^OK direct_map_end=[1-9][0-9]* vmalloc_start=[1-9][0-9]* flags='
	(( (${output##*flags=} & 4) == 4 ))
	run -0 as_member kmemlab free --all
	assert_nothing_live
}

@test "kmem_cache creation needs CAP_SYS_ADMIN, and nothing is created" {
	run -0 as_member abi-probe alloc api=13 context=1 size=64 gfp=$KERNEL name=mine
	assert_output "EPERM"
	run -1 as_member kmemlab alloc --api kmem_cache --name mine --size 64
	assert_output --partial "kmemlab: alloc: EPERM: kmem_cache creation needs CAP_SYS_ADMIN"
	run -1 grep -q kmemlab0_mine /proc/slabinfo
	assert_nothing_live
}

@test "a member allocates from a cache root created, of the same geometry only" {
	kmemlab alloc --api kmem_cache --name shared --size 64 >/dev/null
	run -0 as_member kmemlab alloc --api kmem_cache --name shared --size 64
	run -0 as_member abi-probe alloc api=13 context=1 size=128 gfp=$KERNEL name=shared
	assert_output "EEXIST"
}

@test "__GFP_NOFAIL needs CAP_SYS_ADMIN" {
	run -0 as_member abi-probe "${ALLOC[@]}" gfp=$((KERNEL | NOFAIL))
	assert_output "EPERM"
	run -1 as_member kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_KERNEL|__GFP_NOFAIL'
	assert_output --partial "EPERM: __GFP_NOFAIL needs CAP_SYS_ADMIN"
	assert_nothing_live
	run -0 abi-probe "${ALLOC[@]}" gfp=$((KERNEL | NOFAIL))
	assert_output "OK"
}

@test "an allocation that cannot sleep may be one page without CAP_SYS_ADMIN, not more" {
	local ctx
	for ctx in 2 3 4; do	# atomic, softirq, hardirq
		run -0 as_member abi-probe "${ALLOC[@]}" gfp=$ATOMIC context=$ctx size=$PAGE
		assert_output "OK"
		run -0 as_member abi-probe "${ALLOC[@]}" gfp=$ATOMIC context=$ctx size=$((PAGE + 1))
		assert_output "EPERM"
	done
	# GFP_ATOMIC cannot reclaim in the process context either.
	run -0 as_member abi-probe "${ALLOC[@]}" gfp=$ATOMIC size=$((2 * PAGE))
	assert_output "EPERM"
	run -1 as_member kmemlab alloc --api alloc_pages --order 1 --gfp GFP_ATOMIC --context hardirq
	assert_output --partial "EPERM: an allocation that cannot sleep above"
	kmemlab free --all >/dev/null
	assert_nothing_live
	run -0 abi-probe "${ALLOC[@]}" gfp=$ATOMIC context=4 size=$((2 * PAGE))
	assert_output "OK"
}

@test "GFP_DMA above 64 KiB needs CAP_SYS_ADMIN" {
	run -0 as_member abi-probe "${ALLOC[@]}" gfp=$((KERNEL | DMA)) size=65536
	assert_output "OK"
	run -0 as_member abi-probe "${ALLOC[@]}" gfp=$((KERNEL | DMA)) size=65537
	assert_output "EPERM"
	run -1 as_member kmemlab alloc --api alloc_pages --order 5 --gfp 'GFP_KERNEL|GFP_DMA'
	assert_output --partial "EPERM: GFP_DMA above 64 KiB needs CAP_SYS_ADMIN"
	run -0 abi-probe "${ALLOC[@]}" gfp=$((KERNEL | DMA)) size=131072
	assert_output "OK"
}

@test "REALLOC is held to the same rules as ALLOC" {
	local h
	h=$(as_member kmemlab alloc --api krealloc --size 64 -o HANDLE -n -r)
	run -0 as_member abi-probe realloc handle="$h" context=1 size=128 gfp=$((KERNEL | NOFAIL))
	assert_output "EPERM"
	run -0 as_member abi-probe realloc handle="$h" context=4 size=$((2 * PAGE)) gfp=$ATOMIC
	assert_output "EPERM"
	run -0 as_member abi-probe query handle="$h" '?size'
	assert_output "OK size=64"
}

@test "validation comes before the privilege check: EINVAL and E2BIG, not EPERM" {
	# __GFP_NOFAIL above order 1 is invalid for anyone.
	run -0 as_member abi-probe alloc api=11 context=1 size=$((4 * PAGE)) gfp=$((KERNEL | NOFAIL))
	assert_output "EINVAL"
	# A page more than INFO's KMALLOC_MAX_SIZE, asked by a member.
	run -0 as_member abi-probe "${ALLOC[@]}" gfp=$((KERNEL | DMA)) size="$(kmalloc_too_big)"
	assert_output "E2BIG"
	run -0 as_member abi-probe alloc api=13 context=1 size=64 gfp=$KERNEL name=Bad
	assert_output "EINVAL"
	run -0 as_member abi-probe "${ALLOC[@]}" gfp=$ATOMIC context=4 size=$((2 * PAGE)) reserved=1
	assert_output "EINVAL"
}

@test "past max_allocs an allocation is ENOSPC, for root too, and nothing changes" {
	echo 2 >"$PARAMS/max_allocs"
	kmemlab alloc --api kmalloc --size 64 >/dev/null
	kmemlab alloc --api kmalloc --size 64 >/dev/null
	run -0 abi-probe "${ALLOC[@]}"
	assert_output "ENOSPC"
	run -1 kmemlab alloc --api kmalloc --size 64
	assert_output --partial "ENOSPC: quota exceeded: 2 live allocations of max_allocs 2"
	[[ $(live_allocs) == 2 ]]
	[[ $(live_bytes) == 128 ]]
	run -0 abi-probe info '?max_allocs'
	assert_output "OK max_allocs=2"
}

@test "past dma_max_bytes a GFP_DMA allocation is ENOSPC; other memory is not held to it" {
	echo 65536 >"$PARAMS/dma_max_bytes"
	kmemlab alloc --api kmalloc --size 32k --gfp 'GFP_KERNEL|GFP_DMA' >/dev/null
	kmemlab alloc --api kmalloc --size 32k --gfp 'GFP_KERNEL|GFP_DMA' >/dev/null
	run -0 abi-probe info '?dma_max_bytes' '?dma_live_bytes'
	assert_output "OK dma_max_bytes=65536 dma_live_bytes=65536"
	run -0 abi-probe "${ALLOC[@]}" gfp=$((KERNEL | DMA)) size=1
	assert_output "ENOSPC"
	run -1 as_member kmemlab alloc --api kmalloc --size 8 --gfp 'GFP_KERNEL|GFP_DMA'
	assert_output --partial "ENOSPC: GFP_DMA quota exceeded: 64 KiB live of dma_max_bytes 64 KiB (this request: 8 B)"
	[[ $(live_allocs) == 2 ]]
	run -0 abi-probe "${ALLOC[@]}" size=65536
	assert_output "OK"
	kmemlab free --all >/dev/null
	assert_nothing_live
}

@test "a krealloc that would pass dma_max_bytes is ENOSPC and keeps the old allocation" {
	local h
	echo 4096 >"$PARAMS/dma_max_bytes"
	h=$(alloc_handle --api krealloc --size 4096 --gfp 'GFP_KERNEL|GFP_DMA')
	run -0 abi-probe realloc handle="$h" context=1 size=4097 gfp=$((KERNEL | DMA))
	assert_output "ENOSPC"
	run -0 abi-probe query handle="$h" '?size'
	assert_output "OK size=4096"
	# Out of ZONE_DMA, it no longer counts against the GFP_DMA quota.
	run -0 abi-probe realloc handle="$h" context=1 size=8192 gfp=$KERNEL
	assert_output "OK"
	run -0 abi-probe info '?dma_live_bytes'
	assert_output "OK dma_live_bytes=0"
	[[ $(live_bytes) == 8192 ]]
}
