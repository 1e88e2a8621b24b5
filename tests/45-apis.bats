#!/usr/bin/env bats
# Every allocator API, the GFP flags each takes, and what the kernel did.

load helpers

@test "kcalloc asks for count x size and zeroes it" {
	run -0 kmemlab alloc --api kcalloc --size 24 --count 100 -o SIZE,ZEROED -n -r -b
	assert_output "2400 yes"
}

@test "kcalloc whose count x size overflows is EOVERFLOW before any call" {
	run -1 kmemlab alloc --api kcalloc --size 4611686018427387904 --count 8
	assert_output --partial "EOVERFLOW"
	assert_output --partial "overflows"
	run -0 abi-probe alloc api=5 context=1 gfp=1 size=0x4000000000000000 count=4
	assert_output "EOVERFLOW"
}

@test "krealloc grows a buffer into a bigger size class and keeps its contents" {
	local h
	h=$(alloc_handle --api krealloc --size 100)
	kmemlab fill "$h" --pattern 0x3c
	run -0 kmemlab realloc "$h" --size 5000 -o HANDLE,SIZE,CACHE -n -r -b
	assert_output "$h 5000 kmalloc-8k"
	run -0 kmemlab verify "$h" --pattern 0x3c --length 100
	[[ $(live_bytes) -eq 5000 ]]
}

@test "krealloc shrinks a buffer and keeps what fits" {
	local h
	h=$(alloc_handle --api kmalloc --size 4000)
	kmemlab fill "$h" --pattern 0x11
	run -0 kmemlab realloc "$h" --size 300 -o SIZE -n -r -b
	assert_output "300"
	run -0 kmemlab verify "$h" --pattern 0x11
	[[ $(live_bytes) -eq 300 ]]
}

@test "kvmalloc takes the slab path when small and vmalloc when kmalloc cannot" {
	run -0 kmemlab alloc --api kvmalloc --size 2k -o BACKING -n -r
	assert_output "slab"
	run -0 kmemlab alloc --api kvmalloc --size "$(kmalloc_too_big)" -o BACKING,REGION -n -r
	assert_output "vmalloc vmalloc"
}

@test "kvmalloc without GFP_KERNEL falls back to vmalloc only where vmalloc takes that flag" {
	local big
	big=$(kmalloc_too_big)
	run -0 kmemlab alloc --api kvmalloc --size 64k --gfp GFP_NOWAIT -o BACKING -n -r
	refute_output "vmalloc"
	# kmalloc alone cannot serve it: vmalloc must, if the kernel lets it.
	if [[ "|$(kmemlab apis -o NAME,GFP -n -r | awk '$1 == "vmalloc" { print $2 }')|" == *"|GFP_NOWAIT|"* ]]; then
		run -0 kmemlab alloc --api kvmalloc --size "$big" --gfp GFP_NOWAIT -o BACKING -n -r
		assert_output "vmalloc"
	else
		run -1 kmemlab alloc --api kvmalloc --size "$big" --gfp GFP_NOWAIT
		assert_output --partial "ENOMEM"
	fi
	kmemlab free --all >/dev/null
}

@test "vmalloc with GFP_ATOMIC in atomic context, where the kernel's vmalloc takes it" {
	[[ "|$(kmemlab apis -o NAME,GFP -n -r | awk '$1 == "vmalloc" { print $2 }')|" == *"|GFP_ATOMIC|"* ]] ||
		skip "vmalloc takes no GFP_ATOMIC on $(uname -r): it may sleep whatever the flags"
	run -0 kmemlab alloc --api vmalloc --size 256k --gfp GFP_ATOMIC --context atomic \
		-o BACKING,CONTEXT -n -r
	assert_output "vmalloc atomic"
	kmemlab free --all >/dev/null
}

@test "alloc_pages of order 3 is 8 contiguous pages" {
	run -0 kmemlab alloc --api alloc_pages --order 3 -o ORDER,USABLE,PAGES,RUNS -n -r -b
	assert_output "3 $((8 * PAGE)) 8 1"
}

@test "get_zeroed_page is one zeroed page, and more is E2BIG" {
	run -0 kmemlab alloc --api get_zeroed_page --size "$PAGE" -o ZEROED,PAGES -n -r
	assert_output "yes 1"
	run -1 kmemlab alloc --api get_zeroed_page --size $((PAGE + 1))
	assert_output --partial "E2BIG"
}

@test "a kmem_cache appears in /proc/slabinfo and goes with its last object" {
	local a b
	a=$(alloc_handle --api kmem_cache --name lab --size 200)
	b=$(alloc_handle --api kmem_cache --name lab --size 200)
	run -0 kmemlab query "$a" -o CACHE,USABLE -n -r -b
	assert_output "kmemlab0_lab 200"
	# slabinfo: name active_objs num_objs objsize ...
	run -0 awk '$1 == "kmemlab0_lab" {print ($3 >= 2)}' /proc/slabinfo
	assert_output "1"
	run -0 cat /sys/kernel/slab/kmemlab0_lab/object_size
	assert_output "200"
	kmemlab free "$a" >/dev/null
	grep -q '^kmemlab0_lab ' /proc/slabinfo
	kmemlab free "$b" >/dev/null
	run -1 grep -q '^kmemlab0_lab ' /proc/slabinfo
}

@test "SLAB_HWCACHE_ALIGN aligns a cache's objects to the cache line" {
	local addr
	addr=$(kmemlab alloc --api kmem_cache --name aligned --size 200 --hwcache-align -o ADDR -n -r)
	kmemlab alloc --api kmem_cache --name plain --size 200 >/dev/null
	run -0 cat /sys/kernel/slab/kmemlab0_aligned/hwcache_align /sys/kernel/slab/kmemlab0_aligned/align
	assert_output $'1\n64'
	run -0 cat /sys/kernel/slab/kmemlab0_plain/hwcache_align
	assert_output "0"
	(( addr % 64 == 0 ))
}

@test "a second cache of the same name with another geometry is EEXIST" {
	kmemlab alloc --api kmem_cache --name twice --size 64 >/dev/null
	run -1 kmemlab alloc --api kmem_cache --name twice --size 128
	assert_output --partial "EEXIST"
}

@test "a malformed cache name or alignment is EINVAL" {
	run -0 abi-probe alloc api=13 context=1 gfp=1 size=64 name=Bad.Name
	assert_output "EINVAL"
	run -0 abi-probe alloc api=13 context=1 gfp=1 size=64 name=ok align=48
	assert_output "EINVAL"
}

@test "vmalloc areas show in /proc/vmallocinfo with their size and kmemlab as caller" {
	local pages
	pages=$(((204800 + PAGE - 1) / PAGE))
	kmemlab alloc --api vmalloc --size 200k >/dev/null
	# The pages (50 of 4 KiB, 13 of 16 KiB) and the guard page
	run -0 grep -E "^0x[0-9a-f]+-0x[0-9a-f]+ +$(((pages + 1) * PAGE)) kmemlab_vmalloc\+0x[0-9a-f]+/0x[0-9a-f]+ \[kmemlab\] pages=$pages vmalloc" /proc/vmallocinfo
}

@test "usable size agrees with the kernel's kmem:kmalloc trace event" {
	local t=/sys/kernel/tracing size usable cache slab line kasan
	kasan=$(kmemlab info -J | jq -r '.info[0].kasan')
	mountpoint -q $t || mount -t tracefs nodev $t
	echo 0 >$t/tracing_on
	echo >$t/trace
	echo 1 >$t/events/kmem/kmalloc/enable
	echo 1 >$t/tracing_on
	for size in 100 700 1500 3000 5000; do
		kmemlab alloc --api kmalloc --size "$size" >/dev/null
	done
	echo 0 >$t/tracing_on
	echo 0 >$t/events/kmem/kmalloc/enable
	# The list and the trace read once; the rest with builtins.
	local -A usable_of cache_of
	local trace object debug f v
	while read -r size usable cache; do
		usable_of[$size]=$usable cache_of[$size]=$cache
	done < <(kmemlab list -n -r -b -o SIZE,USABLE,CACHE)
	trace=$(grep kmemlab_kmalloc $t/trace)
	for size in 100 700 1500 3000 5000; do
		usable=${usable_of[$size]} cache=${cache_of[$size]}
		line=""
		while read -r line; do
			[[ $line != *"bytes_req=$size "* ]] || break
		done <<<"$trace"
		echo "$size: usable $usable in $cache; trace: $line"
		[[ $line == *"bytes_req=$size "* ]]
		# bytes_alloc is the slot the object takes: the object and, with
		# slub_debug, its red zones and tracking (with KASAN, its
		# metadata too); usable is the object.
		read -r slab <"/sys/kernel/slab/$cache/slab_size"
		read -r object <"/sys/kernel/slab/$cache/object_size"
		[[ $line == *"bytes_alloc=$slab "* ]]
		[[ $object == "$usable" ]]
		debug=0
		for f in red_zone poison store_user; do
			read -r v <"/sys/kernel/slab/$cache/$f"
			debug=$((debug | v))
		done
		if ((!debug)) && [[ $line != *"bytes_alloc=$usable "* ]]; then
			# Only KASAN's per-object metadata, which shows in no
			# slab attribute, may make the slot larger then.
			[[ $kasan == true ]] || fail "slot $slab for a $usable B object, without slub_debug or KASAN"
		fi
	done
}

@test "INFO says KASAN is on exactly when the kernel's boot log does" {
	local logged
	logged=$(dmesg | grep -c 'KernelAddressSanitizer initialized') || true
	run -0 kmemlab info -J
	run -0 jq -r '.info[0].kasan' <<<"$output"
	if ((logged)); then assert_output true; else assert_output false; fi
}

@test "GFP_DMA32 pages lie below 4 GiB and get the zone verdict" {
	run -0 kmemlab alloc --api alloc_pages --order 0 --gfp 'GFP_KERNEL|GFP_DMA32' -J -O
	# Without a DMA32 zone (32-bit x86) the flag asks for nothing more
	# than lowmem: the driver's verdict and the address say the rest.
	if zone_bytes DMA32; then
		assert_output --regexp '"zone": "DMA32"|"zone": "DMA"'
	fi
	assert_output --partial '"zone-ok": true'
	phys=$(jq -r '.allocations[0].phys' <<<"$output")
	(( phys < 4 * 1024 * 1024 * 1024 ))
}

@test "slab APIs refuse GFP_DMA32: there are no DMA32 kmalloc caches" {
	run -1 kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_KERNEL|GFP_DMA32'
	assert_output --partial "EINVAL"
	assert_output --partial "GFP_DMA32"
}

@test "GFP_HIGHUSER is refused for slab memory and taken by alloc_pages" {
	run -1 kmemlab alloc --api kmalloc --size 64 --gfp GFP_HIGHUSER
	assert_output --partial "highmem"
	run -0 kmemlab alloc --api alloc_pages --order 0 --gfp GFP_HIGHUSER
}

# The cg twin of the cache a plain kmalloc of that size takes
# (kmalloc-cg-64 on x86, kmalloc-cg-128 where KMALLOC_MIN_SIZE is 128).
# A kernel without kernel memory accounting (no MEMCG, or
# cgroup.memory=nokmem) has no kmalloc-cg caches in /sys/kernel/slab: its
# __GFP_ACCOUNT allocations come from the plain cache.
@test "__GFP_ACCOUNT kmalloc comes from the memcg-charged kmalloc-cg cache" {
	local plain
	plain=$(kmemlab alloc --api kmalloc --size 64 -o CACHE -n -r)
	[[ $plain == kmalloc-[0-9]* ]] || fail "kmalloc of 64 B from $plain"
	run -0 kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_KERNEL|__GFP_ACCOUNT' -o CACHE -n -r
	if [[ -e /sys/kernel/slab/kmalloc-cg-${plain#kmalloc-} ]]; then
		assert_output "kmalloc-cg-${plain#kmalloc-}"
	else
		assert_output "$plain"
	fi
}

@test "__GFP_NOFAIL is taken up to order 1 and refused above it" {
	run -0 kmemlab alloc --api alloc_pages --order 1 --gfp 'GFP_KERNEL|__GFP_NOFAIL'
	run -1 kmemlab alloc --api alloc_pages --order 2 --gfp 'GFP_KERNEL|__GFP_NOFAIL'
	assert_output --partial "EINVAL"
	assert_output --partial "order 1"
	run -1 kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_ATOMIC|__GFP_NOFAIL'
	assert_output --partial "may sleep"
}

@test "the other modifiers are accepted: NORETRY, RETRY_MAYFAIL, HIGH, NOWARN, NOIO, NOFS, USER" {
	local gfp
	for gfp in 'GFP_KERNEL|__GFP_NORETRY' 'GFP_KERNEL|__GFP_RETRY_MAYFAIL' \
		   'GFP_ATOMIC|__GFP_HIGH' 'GFP_NOWAIT|__GFP_NOWARN' GFP_NOIO GFP_NOFS GFP_USER; do
		kmemlab alloc --api kmalloc --size 512 --gfp "$gfp" >/dev/null
	done
	run -0 kmemlab list -n -r -o GFP
	assert_line "GFP_KERNEL|__GFP_RETRY_MAYFAIL"
	assert_line "GFP_NOFS"
}

@test "flags the kernel removed are named with their successor and version" {
	run -2 kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_KERNEL|__GFP_REPEAT'
	assert_output --partial "4.13"
	assert_output --partial "__GFP_RETRY_MAYFAIL"
	run -2 kmemlab alloc --api alloc_pages --order 0 --gfp 'GFP_KERNEL|__GFP_COLD'
	assert_output --partial "4.15"
}

@test "an unprivileged caller sees no raw addresses; root does" {
	udevadm trigger --subsystem-match=kmemlab --action=add
	udevadm settle
	run -0 as_member kmemlab alloc --api kmalloc --size 64 -J -O
	assert_output --partial '"addr": null'
	assert_output --partial '"phys": null'
	run -0 kmemlab alloc --api kmalloc --size 64 -J -O
	assert_output --regexp '"addr": "0x[0-9a-f]+"'
	run -0 as_member kmemlab list -J -O
	refute_output --regexp '"addr": "0x'
}

@test "fill, verify and read show the bytes of an allocation" {
	local h
	h=$(alloc_handle --api vzalloc --size 64k)
	kmemlab fill "$h" --pattern 0xa7 --offset 16 --length 4
	run -1 kmemlab verify "$h" --pattern 0
	assert_output --partial "4"
	run -0 kmemlab read "$h" --length 32
	assert_line --index 0 "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|"
	assert_line --index 1 "00000010  a7 a7 a7 a7 00 00 00 00  00 00 00 00 00 00 00 00  |................|"
}

@test "alloc_pages memory is reached page by page: a fill and a read across a page boundary" {
	# alloc_pages hands out struct pages (with GFP_HIGHUSER they may have
	# no address on a 32-bit kernel): the driver maps each page to touch it.
	local h off
	off=$((PAGE - 8))
	h=$(alloc_handle --api alloc_pages --size $((2 * PAGE)) --gfp 'GFP_HIGHUSER|__GFP_ZERO')
	run -0 kmemlab query "$h" -o ZEROED,BACKING,RUNS -n -r
	assert_output "yes pages 1"
	kmemlab fill "$h" --pattern 0x5a --offset "$off" --length 16
	run -0 kmemlab verify "$h" --pattern 0x5a --offset "$off" --length 16
	run -1 kmemlab verify "$h" --pattern 0
	assert_output --partial "16"
	run -0 kmemlab read "$h" --offset "$off" --length 16
	assert_line --index 0 --regexp "  5a 5a 5a 5a 5a 5a 5a 5a  5a 5a 5a 5a 5a 5a 5a 5a  "
	run -0 kmemlab dma-map "$h" --mode single -o NENTS -n -r
	assert_output "1"
	run -0 kmemlab dma-map "$h" --mode sg -o PAGES -n -r
	assert_output "2"
}

@test "a fill or read outside the allocation is EINVAL" {
	local h
	h=$(alloc_handle --api kmalloc --size 100)
	run -1 kmemlab fill "$h" --pattern 1 --offset 100
	assert_output --partial "EINVAL"
	run -1 kmemlab read "$h" --offset 90 --length 20
	assert_output --partial "EINVAL"
	run -0 abi-probe fill handle="$h" pattern=256
	assert_output "EINVAL"
}

# ---- the APIs a kernel gained since 6.1: each one skips with the driver's
# reason where the running kernel lacks it ----

# One byte above $2, API $1 (KMEMLAB_API_ suffix) is E2BIG for the limit $3
# (KMEMLAB_LIMIT_ suffix); then free what the test made.
refused_above() {
	run -0 abi-probe alloc api="$(uapi "KMEMLAB_API_$1")" context=1 \
		size=$(($2 + 1)) gfp=0 '?reason' '?rarg'
	assert_output "E2BIG reason=$(uapi KMEMLAB_REASON_SIZE_MAX) rarg=$(uapi "KMEMLAB_LIMIT_$3")"
	kmemlab free --all >/dev/null
}

@test "kmalloc_nolock allocates in every context, hardirq included, from kmalloc's own caches" {
	need_api kmalloc_nolock
	local ctx cache
	cache=$(field CACHE kmemlab alloc --api kmalloc --size 100)
	for ctx in $(kmemlab contexts -o NAME -n -r); do
		run -0 kmemlab alloc --api kmalloc_nolock --size 100 --context "$ctx" \
			-o BACKING,CACHE,SEEN -n -r
		assert_output --regexp "^slab $cache "
	done
	run -0 kmemlab alloc --api kmalloc_nolock --size 100 --context hardirq -o SEEN -n -r
	assert_output --partial hardirq
	kmemlab free --all >/dev/null
}

@test "kmalloc_nolock serves up to the largest kmalloc cache and no further" {
	need_api kmalloc_nolock
	local max
	max=$(kmemlab apis -o NAME,MAX,LIMIT -n -r -b | awk '$1 == "kmalloc_nolock" { print $2, $3 }')
	[[ ${max#* } == KMALLOC_MAX_CACHE_SIZE ]]
	max=${max% *}
	# The kernel's own answer at the limit: a slab object, not pages.
	run -0 kmemlab alloc --api kmalloc_nolock --size "$max" -o BACKING -n -r
	assert_output slab
	refused_above KMALLOC_NOLOCK "$max" KMALLOC_CACHE
}

@test "alloc_pages_nolock gives zeroed pages in hardirq context, up to the per-CPU lists' order" {
	need_api alloc_pages_nolock
	local max h
	max=$(kmemlab apis -o NAME,MAX -n -r -b | awk '$1 == "alloc_pages_nolock" { print $2 }')
	h=$(alloc_handle --api alloc_pages_nolock --size "$max" --context hardirq)
	run -0 kmemlab list -o HANDLE,BACKING,ZEROED,SEEN -n -r
	assert_line --regexp "^$h pages yes .*hardirq"
	run -0 kmemlab verify "$h" --pattern 0
	refused_above ALLOC_PAGES_NOLOCK "$max" PCP_ORDER
}

@test "kmem_buckets allocates from the module's own caches, and unload takes them away" {
	need_api kmem_buckets
	local cache bucket
	cache=$(field CACHE kmemlab alloc --api kmalloc --size 100)
	bucket=$(field CACHE kmemlab alloc --api kmem_buckets --size 100)
	# The same size class as kmalloc's, in a cache of its own.
	[[ $bucket == kmemlab_buckets-${cache#kmalloc-} ]] || fail "kmalloc: $cache, buckets: $bucket"
	# The kernel's own list of caches, as the report named it.
	run -0 awk -v c="$bucket" '$1 == c { print $2 }' /proc/slabinfo
	(( output >= 1 )) || fail "$bucket: $output active objects"
	kmemlab free --all >/dev/null
	fresh_module
	run -0 grep -c '^kmemlab_buckets-' /proc/slabinfo
	(( output > 0 ))
	unload_module
	run -1 grep -c '^kmemlab_buckets-' /proc/slabinfo
	fresh_module
}

@test "kvrealloc grows a kvmalloc buffer from slab to vmalloc and keeps its contents" {
	local h big
	# Past KMALLOC_MAX_SIZE, where kmalloc cannot follow.
	big=$(kmalloc_too_big)
	h=$(alloc_handle --api kvmalloc --size 4k)
	kmemlab fill "$h" --pattern 0x6b
	run -0 kmemlab realloc "$h" --size "$big" -o HANDLE,SIZE,BACKING -n -r -b
	assert_output "$h $big vmalloc"
	run -0 kmemlab verify "$h" --pattern 0x6b --length 4096
	[[ $(live_bytes) -eq $big ]]
	kmemlab free --all >/dev/null
}

@test "vrealloc grows a vmalloc buffer where the kernel exports it" {
	local h why
	why=$(kmemlab apis -o NAME,RESIZE -n -r | awk '$1 == "vmalloc" { print $2 }')
	[[ $why == yes ]] || skip "vrealloc(): $why ($(uname -r))"
	h=$(alloc_handle --api vmalloc --size 8k)
	kmemlab fill "$h" --pattern 0x2d
	run -0 kmemlab realloc "$h" --size 1M -o HANDLE,SIZE,BACKING -n -r -b
	assert_output "$h 1048576 vmalloc"
	run -0 kmemlab verify "$h" --pattern 0x2d --length 8192
	kmemlab free --all >/dev/null
}

# The size of the type typed API $1 allocates, as the driver describes it.
type_size() {
	kmemlab apis -o NAME,TYPE-SIZE -n -r -b | awk -v a="$1" '$1 == a { print $2 }'
}

@test "kmalloc_obj takes its size from its type: kmalloc's size class for that size" {
	need_api kmalloc_obj
	local t want
	t=$(type_size kmalloc_obj)
	(( t > 0 )) || fail "kmalloc_obj: type size '$t'"
	want=$(kmemlab alloc --api kmalloc --size "$t" -o SIZE,USABLE,BACKING,CACHE -n -r -b)
	# No --size: the CLI asks for the type's.
	run -0 kmemlab alloc --api kmalloc_obj -o SIZE,USABLE,BACKING,CACHE -n -r -b
	assert_output "$want"
	run -0 kmemlab alloc --api kzalloc_obj --size "$t" -o SIZE,ZEROED -n -r -b
	assert_output "$t yes"
	kmemlab free --all >/dev/null
}

@test "kmalloc_objs is an array of --count objects of the type, up to KMALLOC_MAX_SIZE" {
	need_api kmalloc_objs
	local t want max
	t=$(type_size kmalloc_objs)
	want=$(kmemlab alloc --api kmalloc --size $((t * 7)) -o SIZE,USABLE,CACHE -n -r -b)
	run -0 kmemlab alloc --api kmalloc_objs --count 7 -o SIZE,USABLE,CACHE -n -r -b
	assert_output "$want"
	kmemlab free --all >/dev/null
	max=$(kmemlab apis -o NAME,MAX -n -r -b | awk '$1 == "kmalloc_objs" { print $2 }')
	run -0 abi-probe alloc api="$(uapi KMEMLAB_API_KMALLOC_OBJS)" context=1 gfp=1 \
		size="$t" count=$((max / t + 1)) '?reason'
	assert_output "E2BIG reason=$(uapi KMEMLAB_REASON_SIZE_MAX)"
	[[ $(live_allocs) -eq 0 ]]
}

@test "a typed API refuses any other size, naming its type's size" {
	need_api kmalloc_obj
	local t api
	t=$(type_size kmalloc_obj)
	api=$(uapi KMEMLAB_API_KMALLOC_OBJ)
	run -1 kmemlab alloc --api kmalloc_obj --size $((t + 1))
	assert_output --partial "EINVAL"
	assert_output --partial "a type of $t bytes"
	run -0 abi-probe alloc api="$api" context=1 gfp=1 size=$((t - 1)) '?reason' '?rarg' '?rvalue'
	assert_refusal EINVAL TYPE_SIZE "$api" "$t"
	run -0 abi-probe bench api="$api" context=1 gfp=1 size=64 pattern=1 threads=1 \
		iterations=10 '?reason'
	assert_output "EINVAL reason=$(uapi KMEMLAB_REASON_TYPE_SIZE)"
	# Only APIs that allocate a type have a type size.
	run -0 kmemlab apis -o NAME,TYPE-SIZE -n -r -b
	assert_line --regexp '^kmalloc -$'
	[[ $(live_allocs) -eq 0 ]]
}

@test "kmem_cache --sheaf-capacity: the kernel's cache has sheaves of that capacity, where it has sheaves" {
	local d cap dbg
	if [[ ,$(kmemlab apis -o NAME,PROPERTIES -n -r | awk '$1 == "kmem_cache" { print $2 }'), != *,sheaves,* ]]; then
		# The driver refuses it, naming the kernel that lacks sheaves.
		run -1 kmemlab alloc --api kmem_cache --name sheaves --size 64 --sheaf-capacity 24
		assert_output --partial "EINVAL"
		assert_output --partial "sheaves came in Linux 6.18"
		skip "kmem_cache has no sheaves on $(uname -r)"
	fi
	kmemlab alloc --api kmem_cache --name sheaves --size 64 --sheaf-capacity 24 >/dev/null
	# The kernel's own view of the cache.
	d=/sys/kernel/slab/kmemlab0_sheaves
	cap=$(cat "$d/sheaf_capacity")
	dbg=$(cat "$d/sanity_checks" "$d/red_zone" "$d/poison" "$d/store_user" | sort -u | tail -n1)
	if [[ $dbg == 1 ]]; then
		# slub_debug: the kernel ignores the capacity (slab.h).
		(( cap == 0 )) || fail "a debugged cache has sheaves of $cap"
	else
		(( cap >= 24 )) || fail "sheaf_capacity $cap, asked 24"
	fi
	# The capacity is part of the cache's geometry.
	run -1 kmemlab alloc --api kmem_cache --name sheaves --size 64 --sheaf-capacity 32
	assert_output --partial "EEXIST"
	run -0 abi-probe alloc api="$(uapi KMEMLAB_API_KMEM_CACHE)" context=1 gfp=1 size=64 \
		name=other sheaf_capacity=$(($(uapi KMEMLAB_SHEAF_CAPACITY_MAX) + 1)) '?reason' '?rarg'
	assert_output "EINVAL reason=$(uapi KMEMLAB_REASON_FIELD) rarg=$(uapi KMEMLAB_FIELD_SHEAF_CAPACITY)"
	kmemlab free --all >/dev/null
	[[ ! -e $d ]]
}
