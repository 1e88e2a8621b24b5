#!/usr/bin/env bats
# kmemlab map and KMEMLAB_IOC_RUNS: where an allocation's pages lie, run by
# run and zone by zone, checked against the report and /proc/zoneinfo.

load helpers

# The runs of handles "$@" as JSON lines "handle pfn pages zone granule".
runs() {
	kmemlab map -J "$@" -o HANDLE,PFN,PAGES,ZONE,GRANULE |
		jq -r '.map[] | "\(.handle) \(.pfn) \(.pages) \(.zone) \(.granule)"'
}

# A report column of handle $1.
col() { kmemlab query "$1" -o "$2" -n -r -b; }

@test "the runs of a vmalloc area add up to its pages, in the zones its report names" {
	local h pages=0 n=0 zones="" handle pfn len zone granule
	h=$(alloc_handle --api vmalloc --size 1M)
	while read -r handle pfn len zone granule; do
		[[ $handle == "$h" ]] || fail "run of handle $handle"
		pages=$((pages + len)) n=$((n + 1))
		[[ ,$zones, == *,$zone,* ]] || zones=${zones:+$zones,}$zone
	done < <(runs "$h")
	[[ $pages -eq $(col "$h" PAGES) ]] || fail "runs hold $pages pages, the report $(col "$h" PAGES)"
	# A run here also ends where a zone does: at least the report's RUNS.
	(( n >= $(col "$h" RUNS) )) || fail "$n runs, the report $(col "$h" RUNS)"
	for zone in ${zones//,/ }; do
		[[ ,$(col "$h" ZONES), == *,$zone,* ]] || fail "zone $zone not in $(col "$h" ZONES)"
	done
}

@test "kmalloc of 64 KiB is one run of its pages; the driver refuses a bad request" {
	local h
	h=$(alloc_handle --api kmalloc --size 64k)
	run -0 runs "$h"
	assert_equal "${#lines[@]}" 1
	read -r _ _ len _ _ <<<"${lines[0]}"
	[[ $len -eq $(col "$h" PAGES) ]]
	run -0 abi-probe runs handle="$h" '?needed' '?pages'
	assert_output "OK needed=1 pages=$len"
	run -0 abi-probe runs handle="$h" flags=1
	assert_output EINVAL
	run -0 abi-probe runs handle="$h" capacity=4
	assert_output EINVAL
	run -0 abi-probe runs handle=$((h + 1000))
	assert_output ENOENT
	run -1 kmemlab map $((h + 1000))
	assert_output --partial "no live allocation has that handle"
}

@test "every run lies in the zone it names, as /proc/zoneinfo spans it" {
	local h1 h2 h3 handle pfn len zone granule lo hi n=0
	local -A start end
	while read -r zone lo hi _; do
		start[$zone]=$lo end[$zone]=$hi
	done < <(zone_spans)
	h1=$(alloc_handle --api vmalloc --size 1M)
	h2=$(alloc_handle --api kmalloc --size 4k --gfp GFP_KERNEL,GFP_DMA)
	h3=$(alloc_handle --api alloc_pages --order 2)
	while read -r handle pfn len zone granule; do
		lo=${start[$zone]:-} hi=${end[$zone]:-}
		[[ -n $lo ]] || fail "no zone $zone in /proc/zoneinfo"
		(( pfn >= lo && pfn + len <= hi )) ||
			fail "handle $handle: run $pfn+$len outside $zone [$lo, $hi)"
		n=$((n + 1))
	done < <(runs "$h1" "$h2" "$h3")
	(( n >= 3 ))
	# GFP_DMA: the DMA zone, as the report says.
	run -0 runs "$h2"
	assert_output --regexp "^$h2 [0-9]+ 1 DMA [0-9]+$"
}

@test "without CAP_SYS_ADMIN the frames are rounded to the granule the driver names" {
	local h page granule
	h=$(alloc_handle --api vmalloc --size 256k)
	page=$(kmemlab info -J | jq -e '.info[0]["page-size"]')
	run -0 runs "$h"
	[[ ${lines[0]##* } -eq $page ]] || fail "root sees granule ${lines[0]##* }"
	run -0 as_member kmemlab map -J "$h" -o PFN,GRANULE
	granule=$(jq -e '.map[0].granule' <<<"$output")
	[[ $granule -eq $(uapi KMEMLAB_RUNS_GRANULE) ]] || fail "granule $granule"
	jq -e --argjson g $((granule / page)) 'all(.map[]; .pfn % $g == 0)' <<<"$output"
	run -0 as_member kmemlab map --width 100 "$h"
	assert_output --partial "the exact frames need CAP_SYS_ADMIN"
}

@test "the picture: one strip per zone of the width asked, each allocation marked in its zone" {
	local h1 h2 zones
	h1=$(alloc_handle --api kmalloc --size 64k)
	h2=$(alloc_handle --api vmalloc --size 1M)
	zones=$(kmemlab info -J | jq -e '.zones | length')
	run -0 kmemlab map --width 100 "$h1" "$h2"
	# The strips: as many as the zones INFO reports, each 100 characters.
	[[ $(grep -c '|' <<<"$output") -eq $zones ]] || fail "not $zones strips"
	while IFS= read -r line; do
		[[ $line == *'|'* ]] || continue
		(( ${#line} <= 100 && ${#line} >= 80 )) || fail "not 100 wide: $line"
	done <<<"$output"
	# kmalloc's mark lies in the strip of its zone; the legend says one run.
	assert_line --regexp "^$(col "$h1" ZONE) +\|[^|]*#"
	assert_line --regexp "^# handle $h1, kmalloc 64 KiB: $((65536 / PAGE)) pages in 1 run, the largest $((65536 / PAGE)) pages"
	assert_line --regexp "^@ handle $h2, vmalloc 1 MiB: $((1048576 / PAGE)) pages in [0-9]+ runs?"
}

# Width and height of PNG $1, from its IHDR chunk.
png_size() {
	od -An -tu1 -j16 -N8 "$1" |
		awk '{ print ($1 * 16777216 + $2 * 65536 + $3 * 256 + $4) "x" \
			     ($5 * 16777216 + $6 * 65536 + $7 * 256 + $8) }'
}

@test "--png draws the map as an image of the size asked; --svg too" {
	local h1 h2 png=$BATS_TEST_TMPDIR/map.png svg=$BATS_TEST_TMPDIR/map.svg
	h1=$(alloc_handle --api kmalloc --size 64k)
	h2=$(alloc_handle --api vmalloc --size 1M)
	run -0 kmemlab map "$h1" "$h2" --png "$png" --image-size 640x240 --svg "$svg"
	run -0 od -An -c -N4 "$png"
	assert_output --partial "P   N   G"
	run -0 png_size "$png"
	assert_output "640x240"
	run -0 grep -c "handle $h2 vmalloc 1 MiB" "$svg"
	run -2 kmemlab map "$h1" --image-size 10x10 --png "$png"
	assert_output --partial "--image-size"
}
