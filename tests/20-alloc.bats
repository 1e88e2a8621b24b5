#!/usr/bin/env bats
# Allocations: each API, what the report says, the registry and the quota.

load helpers

# alloc_free API SIZE: allocate, check the live counter, free, check again.
alloc_free() {
	local h
	h=$(alloc_handle --api "$1" --size "$2")
	[[ $(live_allocs) -eq 1 ]]
	[[ $(live_bytes) -eq $(numfmt --from=iec "$2") ]]
	kmemlab free "$h" >/dev/null
	[[ $(live_allocs) -eq 0 && $(live_bytes) -eq 0 ]]
}

@test "kmalloc allocates and frees, and the counters follow" {
	alloc_free kmalloc 100
}

@test "kzalloc allocates and frees" {
	alloc_free kzalloc 1K
}

@test "vmalloc allocates and frees" {
	alloc_free vmalloc 1M
}

@test "devm_kzalloc allocates and devm_kfree frees it early" {
	local h
	h=$(alloc_handle --api devm_kzalloc --size 512)
	run -0 kmemlab free "$h"
	assert_output --partial "devm_kfree"
	[[ $(live_allocs) -eq 0 ]]
}

# Below KMALLOC_MIN_SIZE (8 on x86, 128 on arm64 6.1) every request gets
# the smallest object.
@test "kmalloc usable size is at least the request and at most twice it" {
	local size usable min
	min=$(kinfo kmalloc-min-size)
	for size in 1 8 9 31 64 65 96 97 100 129 192 193 500 1000 1025 4000 8192; do
		usable=$(field USABLE kmemlab alloc --api kmalloc --size "$size")
		echo "kmalloc($size) -> $usable"
		((usable >= size))
		((usable <= 2 * size || usable == min))
	done
}

@test "kmalloc of 100 bytes comes from kmalloc-128, physically contiguous" {
	run -0 kmemlab alloc --api kmalloc --size 100 -J
	assert_output --partial '"usable": 128'
	assert_output --partial '"cache": "kmalloc-128"'
	assert_output --partial '"backing": "slab"'
	assert_output --partial '"runs": 1'
	assert_output --partial '"region": "direct-map"'
}

@test "the named kmalloc cache exists and its object size is the usable size" {
	local cache size usable
	for size in 24 100 700 3000; do
		read -r cache usable < <(kmemlab alloc --api kmalloc --size "$size" -o CACHE,USABLE -n -r -b)
		grep -q "^$cache " /proc/slabinfo
		# slabinfo's objsize includes slub_debug's metadata; sysfs has both.
		run -0 cat "/sys/kernel/slab/$cache/object_size"
		assert_output "$usable"
	done
}

@test "a devm object holds its devres header too: its cache is never smaller than kmalloc's" {
	local size k d kobj dobj
	for size in 64 100 128 1000 2048; do
		k=$(field CACHE kmemlab alloc --api kmalloc --size "$size")
		d=$(field CACHE kmemlab alloc --api devm_kmalloc --size "$size")
		echo "$size B: kmalloc $k, devm_kmalloc $d"
		kobj=$(cat "/sys/kernel/slab/$k/object_size")
		dobj=$(cat "/sys/kernel/slab/$d/object_size")
		((dobj >= kobj))
		# A request that fills a kmalloc object leaves no room for a header.
		if ((kobj == size)); then
			((dobj > kobj))
		fi
	done
}

# With slub_debug's user tracking on kmalloc caches (the slub_debug boot),
# the debug metadata behind each object, and the padding after it, are
# checked by the slab's own validation and again when the object is freed.
# Nothing kmemlab does to devm memory may disturb them: a ksize() of the
# devm pointer did, 40 bytes past the object's metadata (6.2 and later).
@test "devm objects stay intact under slub_debug: validate, devm_kfree and unbind report nothing" {
	local size cache caches=() h
	[[ $(cat /sys/kernel/slab/kmalloc-256/store_user) == 1 ]] ||
		skip "needs slub_debug=U on the kmalloc caches (the slub_debug boot)"
	mark_dmesg
	for size in 100 1000 2000 3000; do
		read -r h cache < <(kmemlab alloc --api devm_kzalloc --size "$size" -o HANDLE,CACHE -n -r -b)
		caches+=("$cache")
		kmemlab alloc --api devm_kmalloc --size "$size" >/dev/null
		kmemlab alloc --api devm_kcalloc --size "$size" --count 4 >/dev/null
		kmemlab free "$h" >/dev/null
	done
	for cache in $(printf '%s\n' "${caches[@]}" | sort -u); do
		echo 1 >"/sys/kernel/slab/$cache/validate"
	done
	kmemlab unbind 0 >/dev/null
	kmemlab bind 0 >/dev/null
	[[ $(live_allocs) -eq 0 ]]
	run new_dmesg
	refute_output --regexp 'BUG |overwritten|Object corrupt|Padding'
}

@test "kzalloc memory is all zero" {
	run -0 field ZEROED kmemlab alloc --api kzalloc --size 3000
	assert_output "yes"
}

@test "__GFP_ZERO memory is all zero even after the cache held a pattern" {
	local h
	h=$(alloc_handle --api kmalloc --size 200)
	kmemlab fill "$h" --pattern 0xa5
	kmemlab free "$h" >/dev/null
	run -0 field ZEROED kmemlab alloc --api kmalloc --size 200 --gfp 'GFP_KERNEL|__GFP_ZERO'
	assert_output "yes"
}

@test "GFP_DMA memory lands in ZONE_DMA, below its end in /proc/zoneinfo (16 MiB on x86)" {
	local phys
	run -0 kmemlab alloc --api kmalloc --size 256 --gfp 'GFP_KERNEL|GFP_DMA' -O -J
	assert_output --partial '"zone": "DMA"'
	assert_output --partial '"zone-ok": true'
	assert_output --partial '"cache": "dma-kmalloc-256"'
	phys=$(kmemlab list -J -O | jq -r '.allocations[-1].phys')
	zone_bytes DMA
	(( phys < ZONE_END ))
	[[ $(uname -m) != @(x86_64|i?86) ]] || (( ZONE_END <= 16 << 20 ))
}

@test "GFP_KERNEL memory above 4 GiB of RAM comes from ZONE_NORMAL" {
	run -0 field ZONE kmemlab alloc --api kmalloc --size 64
	assert_output "Normal"
}

@test "vmalloc memory is page-granular and lies in the vmalloc range" {
	local pages
	# 100 KiB in whole pages: 25 of 4 KiB, 7 of 16 KiB
	pages=$(((102400 + PAGE - 1) / PAGE))
	run -0 kmemlab alloc --api vmalloc --size 100k -J -O
	assert_output --partial "\"usable\": $((pages * PAGE))"
	assert_output --partial "\"pages\": $pages"
	assert_output --partial '"region": "vmalloc"'
	assert_output --partial '"backing": "vmalloc"'
}

@test "INFO's layout is the kernel's: /proc/kcore maps a kmalloc through the direct map and has the vmalloc area" {
	local po hm vs ve addr phys vaddr k v p s ram=0 area=0
	local -A info
	# hex, compared as bash's signed 64-bit numbers: kernel addresses of
	# one kernel are all in one half of the space, so the order holds
	while read -r k v; do
		if [[ $k ]]; then info[$k]=$v; fi
	done < <(kmemlab info -r -n)
	po=${info[page-offset]} hm=${info[high-memory]}
	vs=${info[vmalloc-start]} ve=${info[vmalloc-end]}
	[[ $po == 0x* && $hm == 0x* && $vs == 0x* && $ve == 0x* ]] || fail "no layout: $po $hm $vs $ve"
	read -r addr phys < <(kmemlab alloc --api kmalloc --size 256 -o ADDR,PHYS -n -r)
	read -r vaddr < <(kmemlab alloc --api vmalloc --size 64k -o ADDR -n -r)
	((po <= addr && addr < hm)) || fail "kmalloc at $addr, not in PAGE_OFFSET $po .. high_memory $hm"
	((vs <= vaddr && vaddr < ve)) || fail "vmalloc at $vaddr, not in $vs .. $ve"
	run -0 kcore-segments
	while read -r v p s; do
		if [[ $p == - ]]; then
			((v == vs && v + s == ve)) && area=1
		elif ((v <= addr && addr < v + s)); then
			((addr - v == phys - p)) ||
				fail "kcore maps $addr to $(printf %#x $((p + addr - v))), the driver says $phys"
			ram=1
		fi
	done <<<"$output"
	((ram)) || fail "no RAM segment of /proc/kcore holds $addr: $output"
	((area)) || fail "no segment of /proc/kcore is VMALLOC_START..END, $vs..$ve: $output"
}

@test "list shows every live allocation in handle order" {
	kmemlab alloc --api kmalloc --size 10 >/dev/null
	kmemlab alloc --api vmalloc --size 8k >/dev/null
	kmemlab alloc --api devm_kzalloc --size 20 >/dev/null
	run -0 kmemlab list -n -r -o API,SIZE -b
	assert_output $'kmalloc 10\nvmalloc 8192\ndevm_kzalloc 20'
}

@test "handles persist across invocations and query shows one of them" {
	local h
	h=$(alloc_handle --api kzalloc --size 77)
	run -0 kmemlab query "$h" -n -r -o HANDLE,API,SIZE -b
	assert_output "$h kzalloc 77"
}

@test "free --all frees everything and says how many" {
	kmemlab alloc --api kmalloc --size 10 >/dev/null
	kmemlab alloc --api kmalloc --size 20 >/dev/null
	run -0 kmemlab free --all
	assert_output --partial "freed 2 allocations"
	[[ $(live_allocs) -eq 0 ]]
	run -0 kmemlab list -n
	assert_output ""
}

@test "an allocation past max_bytes fails with ENOSPC and nothing is allocated" {
	echo $((1024 * 1024)) >/sys/module/kmemlab/parameters/max_bytes
	kmemlab alloc --api vmalloc --size 768k >/dev/null
	run -1 kmemlab alloc --api vmalloc --size 512k
	echo $((64 * 1024 * 1024)) >/sys/module/kmemlab/parameters/max_bytes
	assert_output --partial "ENOSPC"
	assert_output --partial "max_bytes"
	[[ $(live_allocs) -eq 1 && $(live_bytes) -eq $((768 * 1024)) ]]
}

@test "the allocation's time is measured and reported" {
	run -0 field TIME kmemlab alloc --api vmalloc --size 256k
	((output > 0))
}
