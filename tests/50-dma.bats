#!/usr/bin/env bats
# DMA: the device's mask, DMA_MAP in single and sg mode, swiotlb bouncing
# and dma_alloc_coherent. The default boot has 6 GiB, so ZONE_NORMAL lies
# above 4 GiB, beyond the default 32-bit mask, and swiotlb is set up.

load helpers

# Pages of 64 KiB and of 16 KiB: 16 and 4 with 4K pages, 4 and 1 with 16K.
P64K=$((65536 / PAGE)) P16K=$(((16384 + PAGE - 1) / PAGE))

# dma_json HANDLE [OPTION...]: the mapping as one JSON object.
dma_json() {
	kmemlab dma-map "$@" -J | jq -c '.mappings[0]'
}

@test "info shows the 32-bit DMA mask and that swiotlb is reachable" {
	run -0 kmemlab info -J
	[[ $(jq '.info[0]["dma-mask"]' <<<"$output") -eq $(((1 << 32) - 1)) ]]
	[[ $(jq '.info[0].swiotlb' <<<"$output") == true ]]
}

@test "GFP_DMA kmalloc memory maps as one segment, not bounced" {
	local h
	h=$(alloc_handle --api kmalloc --size 4k --gfp 'GFP_KERNEL|GFP_DMA')
	run -0 dma_json "$h"
	assert_output --partial '"mode":"single","nents":1,"pages":1,"bounced":false'
	assert_output --partial '"coherent":false,"beyond-mask":false,"mask":4294967295'
}

@test "a ZONE_NORMAL kmalloc buffer above 4 GiB is bounced through swiotlb" {
	local h end
	# Where ZONE_NORMAL ends, from /proc/zoneinfo: on 32-bit x86 it is
	# lowmem, under 1 GiB, and kmalloc memory never lies beyond the mask.
	zone_bytes Normal || skip "no ZONE_NORMAL in /proc/zoneinfo"
	end=$ZONE_END
	((end > 1 << 32)) || skip "ZONE_NORMAL ends at $end bytes, below 4 GiB: no kmalloc memory lies beyond the 32-bit mask"
	h=$(alloc_handle --api kmalloc --size 64k)
	run -0 kmemlab query "$h" -J -O
	[[ $(jq -r '.allocations[0].zone' <<<"$output") == Normal ]]
	(($(jq -r '.allocations[0].phys' <<<"$output") >= 1 << 32))
	run -0 dma_json "$h" --direction to-device
	assert_output --partial "\"nents\":1,\"pages\":$P64K,\"bounced\":true"
	assert_output --partial '"beyond-mask":true'
	assert_output --partial '"direction":"to-device"'
}

@test "vmalloc memory in mode single is EINVAL, and the CLI says to use sg" {
	local h
	h=$(alloc_handle --api vmalloc --size 64k)
	run -1 kmemlab dma-map "$h" --mode single
	assert_output --partial "kmemlab: dma-map: EINVAL: vmalloc memory is not physically contiguous"
	assert_output --partial "--mode sg (dma_map_sgtable)"
}

@test "vmalloc memory maps page by page: sg by default, 16 pages for 64 KiB" {
	local h nents
	h=$(alloc_handle --api vmalloc --size 64k)
	run -0 dma_json "$h"
	assert_output --partial '"mode":"sg"'
	assert_output --partial "\"pages\":$P64K,"
	nents=$(jq .nents <<<"$output")
	((nents >= 1 && nents <= P64K))
}

@test "sg mode cuts contiguous memory into segments no longer than the device takes" {
	local h max nents size=$((256 << 10))
	h=$(alloc_handle --api kmalloc --size $size)
	run -0 kmemlab query "$h" -J -O
	[[ $(jq '.allocations[0].runs' <<<"$output") -eq 1 ]]
	run -0 dma_json "$h" --mode sg
	max=$(jq '."max-segment"' <<<"$output")
	nents=$(jq .nents <<<"$output")
	echo "max-segment $max, $nents segments for $size bytes"
	((max >= PAGE))
	# One run of pages, cut at max-segment: as few segments as that allows.
	((nents == (size + max - 1) / max))
}

@test "dma_alloc_coherent memory is zeroed, and dma-map reports it coherent" {
	local h
	run -0 kmemlab alloc --api dma_alloc_coherent --size 16k -J
	[[ $(jq -r '.allocations[0].zeroed' <<<"$output") == true ]]
	# pages; remapped uncached into the vmalloc area for a device that is
	# not cache-coherent (arm64's platform devices)
	[[ $(jq -r '.allocations[0].backing' <<<"$output") == @(pages|vmalloc) ]]
	h=$(jq '.allocations[0].handle' <<<"$output")
	run -0 dma_json "$h"
	assert_output --partial "\"nents\":1,\"pages\":$P16K,\"bounced\":false,\"coherent\":true"
}

@test "dma_alloc_coherent takes no zone modifier: the mask picks the zone" {
	run -1 kmemlab alloc --api dma_alloc_coherent --size 4k --gfp 'GFP_KERNEL|GFP_DMA'
	assert_output --partial "EINVAL"
	assert_output --partial "the device's DMA mask picks the zone"
}

@test "root sees the bus address, a member of group kmemlab does not" {
	local h
	udevadm trigger --subsystem-match=kmemlab --action=add
	udevadm settle
	h=$(alloc_handle --api kmalloc --size 4k --gfp 'GFP_KERNEL|GFP_DMA')
	run -0 dma_json "$h"
	(($(jq .bus <<<"$output") > 0))
	run -0 as_member kmemlab dma-map "$h" -J
	[[ $(jq '.mappings[0].bus' <<<"$output") == null ]]
	run -0 as_member kmemlab dma-map "$h" -o BUS -n -r
	[[ $output == - ]]
}

@test "dma-map of a handle that does not exist is ENOENT" {
	run -1 kmemlab dma-map 4242
	assert_output --partial "ENOENT"
	assert_output --partial "kmemlab list"
}

# The module with a 24-bit DMA mask; skips where the kernel refuses that
# mask (arm64's virt has no RAM below 1 GiB), with the probe's own words.
dma24_module() {
	local why
	run fresh_module dma_bits=24
	((status == 0)) && return 0
	why=$(dmesg | grep -o 'kmemlab\.0: .*no 24-bit DMA.*' | tail -n1)
	[[ -n $why && $output == *"probe failed"* ]] || fail "$output"
	skip "the probe refused a 24-bit mask here: $why"
}

@test "dma_bits=24: GFP_DMA memory maps directly" {
	local h
	dma24_module
	h=$(alloc_handle --api kmalloc --size 4k --gfp 'GFP_KERNEL|GFP_DMA')
	run -0 dma_json "$h"
	assert_output --partial '"nents":1,"pages":1,"bounced":false'
	assert_output --partial '"beyond-mask":false,"mask":16777215'
}

@test "dma_bits=24: a ZONE_NORMAL buffer is bounced, or refused when swiotlb is out of reach" {
	local h swiotlb
	dma24_module
	swiotlb=$(kmemlab info -J | jq '.info[0].swiotlb')
	h=$(alloc_handle --api kmalloc --size 4k)
	if [[ $swiotlb == true ]]; then
		run -0 dma_json "$h"
		assert_output --partial '"bounced":true,"coherent":false,"beyond-mask":true'
	else
		run -1 kmemlab dma-map "$h"
		assert_output --partial "kmemlab: dma-map: ERANGE: the memory lies beyond the device's DMA mask"
		assert_output --partial "swiotlb needs more than 4 GiB of RAM or swiotlb=force"
	fi
}

@test "dma_bits=64: ZONE_NORMAL kmalloc memory maps directly, one segment" {
	local h
	fresh_module dma_bits=64
	h=$(alloc_handle --api kmalloc --size 64k)
	run -0 dma_json "$h"
	assert_output --partial "\"mode\":\"single\",\"nents\":1,\"pages\":$P64K,\"bounced\":false"
	assert_output --partial '"beyond-mask":false'
	fresh_module
}
