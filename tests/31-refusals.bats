#!/usr/bin/env bats
# Refusals carry the driver's reason: every reason code, triggered, with its
# errno, the reason the driver wrote (struct kmemlab_refusal) and the
# sentence the CLI makes of it. The CLI has no rules of its own: each
# sentence below is the driver's reason, the limit it reports and the names
# it describes.

load helpers

PARAMS=/sys/module/kmemlab/parameters
WHY=('?reason' '?rarg' '?rvalue')

# An ALLOC of api $1 (an API name) with the rest as abi-probe fields.
probe_alloc() {
	local api=$1
	shift
	run -0 abi-probe alloc api="$(uapi "KMEMLAB_API_${api^^}")" "$@" "${WHY[@]}"
}

teardown() {
	echo 0 >"$PARAMS/fail_nth"
	echo $((64 << 20)) >"$PARAMS/max_bytes"
	echo 65536 >"$PARAMS/max_allocs"
	echo $((1 << 20)) >"$PARAMS/dma_max_bytes"
	kmemlab free --all >/dev/null
}

@test "a refusal is written only on failure, and a success clears it" {
	run -0 abi-probe alloc api=1 context=1 size=64 gfp=1 reason=7 rarg=7 rvalue=7 "${WHY[@]}"
	assert_output "OK reason=0 rarg=0 rvalue=0"
	run -0 abi-probe info '?features'
	(( ${output#OK features=} & $(uapi KMEMLAB_FEATURE_REFUSAL) )) || fail "$output"
}

@test "reason API: an API the driver does not have" {
	run -0 abi-probe alloc api=99 context=1 size=64 gfp=1 "${WHY[@]}"
	assert_refusal EINVAL API 99
}

@test "reason CONTEXT: a context the driver does not have" {
	probe_alloc kmalloc context=9 size=64 gfp=1
	assert_refusal EINVAL CONTEXT 9
}

@test "reason SIZE_ZERO: size 0" {
	probe_alloc kmalloc context=1 size=0 gfp=1
	assert_refusal EINVAL SIZE_ZERO
}

@test "reason FIELD: reserved bytes, and fields the API takes none of" {
	probe_alloc kmalloc context=1 size=64 gfp=1 reserved=1
	assert_refusal EINVAL FIELD "$(uapi KMEMLAB_FIELD_RESERVED)"
	probe_alloc kmalloc context=1 size=64 gfp=1 sheaf_capacity=8
	assert_refusal EINVAL FIELD "$(uapi KMEMLAB_FIELD_SHEAF_CAPACITY)"
	probe_alloc kmalloc context=1 size=64 gfp=1 count=2
	assert_refusal EINVAL FIELD "$(uapi KMEMLAB_FIELD_COUNT)"
	run -1 kmemlab alloc --api kmalloc --size 64 --count 2
	assert_output --partial "EINVAL: kmalloc takes no --count; only $(apis_with count) do"
	run -1 kmemlab alloc --api kcalloc --size 64
	assert_output --partial "EINVAL: kcalloc needs --count N"
	run -1 kmemlab alloc --api kmem_cache --size 64
	assert_output --partial "EINVAL: kmem_cache needs --name NAME"
	run -1 kmemlab alloc --api kmem_cache --size 64 --name 'Bad!'
	assert_output --partial "EINVAL: cache name 'Bad!' may only use"
	run -1 kmemlab alloc --api kmem_cache --size 64 --name ok --align 24
	assert_output --partial "EINVAL: --align 24 must be a power of two"
	run -1 kmemlab alloc --api kmalloc --size 64 --hwcache-align
	assert_output --partial "EINVAL: kmalloc takes no --hwcache-align; only kmem_cache do"
	run -0 abi-probe bench api=1 context=1 size=64 gfp=1 pattern=1 threads=1 \
		iterations=0 "${WHY[@]}"
	assert_refusal EINVAL FIELD "$(uapi KMEMLAB_FIELD_ITERATIONS)"
}

@test "reason GFP_NONE: no gfp bit" {
	probe_alloc kmalloc context=1 size=64 gfp=0
	assert_refusal EINVAL GFP_NONE
}

@test "reason GFP_NOT_TAKEN: the bits the API does not take, and who takes them" {
	local highuser
	highuser=$(uapi KMEMLAB_GFP_HIGHUSER)
	probe_alloc kmalloc context=1 size=64 gfp="$highuser"
	assert_refusal EINVAL GFP_NOT_TAKEN "" "$highuser"
	run -1 kmemlab alloc --api kmalloc --size 64 --gfp GFP_HIGHUSER
	assert_output --partial "EINVAL: kmalloc does not take GFP_HIGHUSER: slab memory cannot come from highmem"
	assert_output --partial "an API that takes it: alloc_pages"
	run -1 kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_KERNEL|GFP_DMA32'
	assert_output --partial "EINVAL: kmalloc does not take GFP_DMA32"
	assert_output --regexp "GFP_DMA32 is taken by: .*alloc_pages"
	run -1 kmemlab alloc --api dma_alloc_coherent --size 4k --gfp 'GFP_KERNEL|GFP_DMA'
	assert_output --partial "EINVAL: dma_alloc_coherent takes no GFP_DMA: the device's DMA mask picks the zone"
}

@test "reason GFP_TWO_BASES and GFP_TWO_ZONES" {
	probe_alloc kmalloc context=1 size=64 gfp=3
	assert_refusal EINVAL GFP_TWO_BASES "" 3
	run -1 kmemlab alloc --api kmalloc --size 8 --gfp 'GFP_KERNEL|GFP_ATOMIC'
	assert_output --partial "EINVAL: GFP_KERNEL and GFP_ATOMIC are base types: give at most one"
	run -1 kmemlab alloc --api alloc_pages --size 4k --gfp 'GFP_KERNEL|GFP_DMA|GFP_DMA32'
	assert_output --partial "EINVAL: GFP_DMA and GFP_DMA32 are zone modifiers: give at most one"
}

@test "reason API_SLEEPS: devm_kzalloc in atomic context whatever the flags; a vmalloc bench there" {
	local zero
	zero=$(uapi KMEMLAB_GFP_ZERO)
	# Positive control: the same request in process context is accepted.
	probe_alloc devm_kzalloc context=1 size=64 gfp="$zero"
	assert_output --regexp "^OK "
	probe_alloc devm_kzalloc context=2 size=64 gfp="$zero"
	assert_refusal EINVAL API_SLEEPS 2
	run -1 kmemlab alloc --api devm_kzalloc --size 64 --context atomic --gfp GFP_KERNEL
	assert_output --partial "EINVAL: devm_kzalloc may sleep, and the atomic context may not"
	# vfree() may sleep: BENCH, which frees where it allocates, keeps
	# vmalloc in process context even where vmalloc itself need not sleep.
	run -0 abi-probe bench api="$(uapi KMEMLAB_API_VMALLOC)" context=2 size=4096 \
		gfp="$zero" pattern=1 threads=1 iterations=10 "${WHY[@]}"
	assert_refusal EINVAL API_SLEEPS 2
}

@test "reason API_IRQ: an API whose locks are not irq-safe, in interrupt context" {
	local name ctx
	name=$(apis_here NAME,PROPERTIES | awk '$2 ~ /(^|,)no-irq(,|$)/ { print $1; exit }')
	[[ -n $name ]] || skip "no API of this kernel ($(uname -r)) is described as no-irq"
	for ctx in softirq hardirq; do
		probe_alloc "$name" context="$(uapi "KMEMLAB_CTX_${ctx^^}")" size=4096 \
			gfp="$(uapi KMEMLAB_GFP_ATOMIC)"
		assert_refusal EINVAL API_IRQ "$(uapi "KMEMLAB_CTX_${ctx^^}")"
	done
	# Positive control: atomic context, not an interrupt, is accepted.
	probe_alloc "$name" context="$(uapi KMEMLAB_CTX_ATOMIC)" size=4096 \
		gfp="$(uapi KMEMLAB_GFP_ATOMIC)"
	assert_output --regexp "^OK "
	run -1 kmemlab alloc --api "$name" --size 4k --context hardirq --gfp GFP_ATOMIC
	assert_output --partial "EINVAL: $name must not run in interrupt context, and hardirq is one"
}

@test "reason GFP_SLEEPS: a sleeping base type outside process context" {
	probe_alloc kmalloc context=4 size=64 gfp=1
	assert_refusal EINVAL GFP_SLEEPS 4 1
	run -1 kmemlab alloc --api kmalloc --size 64 --context hardirq --gfp GFP_KERNEL
	assert_output --partial "EINVAL: GFP_KERNEL may sleep, and the hardirq context may not"
	assert_output --partial "GFP_ATOMIC, GFP_NOWAIT"
}

@test "reason NOFAIL_ORDER: above order 1, with the devres header counted (devm_kzalloc 8 KiB)" {
	local nofail max
	nofail=$(uapi KMEMLAB_GFP_NOFAIL)
	probe_alloc kmalloc context=1 size=$((4 * PAGE)) gfp=$((1 | nofail))
	assert_refusal EINVAL NOFAIL_ORDER 2 $((2 * PAGE))
	probe_alloc devm_kzalloc context=1 size=$((2 * PAGE)) gfp=$((1 | nofail))
	assert_refusal EINVAL NOFAIL_ORDER 2
	# Two pages less the devres header, whose size is the kernel's (64 B
	# on x86_64, 128 on arm64 where ARCH_DMA_MINALIGN pads it).
	max=${output##*rvalue=}
	((max < 2 * PAGE))
	run -1 kmemlab alloc --api devm_kzalloc --size $((2 * PAGE)) --gfp 'GFP_KERNEL|__GFP_NOFAIL'
	assert_output --partial "EINVAL: __GFP_NOFAIL is allowed up to order 1: devm_kzalloc takes at most"
	# What the driver says it takes, it takes (an order-2 __GFP_NOFAIL
	# would warn in the kernel log); a byte more it refuses.
	probe_alloc devm_kzalloc context=1 size="$max" gfp=$((1 | nofail))
	assert_output --regexp "^OK "
	probe_alloc devm_kzalloc context=1 size=$((max + 1)) gfp=$((1 | nofail))
	assert_refusal EINVAL NOFAIL_ORDER 2 "$max"
}

@test "reason NOFAIL_NO_RECLAIM: __GFP_NOFAIL without a base type that sleeps" {
	probe_alloc kmalloc context=1 size=64 gfp=$((2 | $(uapi KMEMLAB_GFP_NOFAIL)))
	assert_refusal EINVAL NOFAIL_NO_RECLAIM "" 2
	run -1 kmemlab alloc --api kmalloc --size 64 --gfp 'GFP_ATOMIC|__GFP_NOFAIL'
	assert_output --partial "EINVAL: __GFP_NOFAIL needs a base type that may sleep"
}

@test "reason NOT_RESIZABLE: realloc of a get_free_pages handle" {
	local h
	h=$(alloc_handle --api get_free_pages --size 8k)
	run -0 abi-probe realloc handle="$h" context=1 size=16384 gfp=1 "${WHY[@]}"
	assert_refusal EINVAL NOT_RESIZABLE "$(uapi KMEMLAB_API_GET_FREE_PAGES)" 0
	run -1 kmemlab realloc "$h" --size 16k
	assert_output --partial "EINVAL: handle $h is a get_free_pages allocation, which cannot be resized; $(apis_with resizable) can"
}

@test "reason NOT_RESIZABLE with the kernel's reason: vmalloc where vrealloc() is missing" {
	local h why
	why=$(kmemlab apis -o NAME,RESIZE -n -r | awk '$1 == "vmalloc" { print $2 }')
	[[ $why != yes ]] || skip "this kernel exports vrealloc(): 45-apis resizes vmalloc"
	h=$(alloc_handle --api vmalloc --size 8k)
	run -0 abi-probe realloc handle="$h" context=1 size=16384 gfp=1 "${WHY[@]}"
	assert_refusal EINVAL NOT_RESIZABLE "$(uapi KMEMLAB_API_VMALLOC)" \
		"$(uapi "KMEMLAB_UNAVAILABLE_$(case $why in not-in-kernel) echo KERNEL ;;
			not-exported) echo EXPORT ;; *) echo CONFIG ;; esac)")"
	run -1 kmemlab realloc "$h" --size 16k
	assert_output --partial "EINVAL: handle $h is a vmalloc allocation, whose resize operation is"
}

@test "reason API_UNAVAILABLE: every API the kernel lacks, with the driver's reason" {
	local name value why n=0 code
	while read -r name value why; do
		[[ $why != yes ]] || continue
		case $why in
		not-in-kernel) code=KERNEL ;; not-exported) code=EXPORT ;;
		config-off) code=CONFIG ;; *) fail "$name: unknown availability $why" ;;
		esac
		run -0 abi-probe alloc api=$((value)) context=1 size=64 gfp=0 "${WHY[@]}"
		assert_refusal EOPNOTSUPP API_UNAVAILABLE $((value)) "$(uapi "KMEMLAB_UNAVAILABLE_$code")"
		run -0 abi-probe bench api=$((value)) context=1 size=64 gfp=0 pattern=1 \
			threads=1 iterations=10 "${WHY[@]}"
		assert_refusal EOPNOTSUPP API_UNAVAILABLE $((value))
		run -1 kmemlab alloc --api "$name" --size 64
		assert_output --partial "EOPNOTSUPP: $name is "
		assert_output --partial "($(uname -r))"
		n=$((n + 1))
	done < <(kmemlab apis -o NAME,VALUE,AVAILABLE -n -r)
	((n > 0)) || skip "this kernel ($(uname -r)) has every API the driver knows"
	echo "# $n APIs this kernel lacks" >&3
}

@test "reason NOT_BENCHABLE: bench of device-managed memory" {
	run -0 abi-probe bench api="$(uapi KMEMLAB_API_DEVM_KZALLOC)" context=1 size=64 gfp=1 \
		pattern=1 threads=1 iterations=10 "${WHY[@]}"
	assert_refusal EINVAL NOT_BENCHABLE "$(uapi KMEMLAB_API_DEVM_KZALLOC)"
	run -1 kmemlab bench --api devm_kzalloc --size 64 --iterations 10
	assert_output --partial "EINVAL: bench does not run devm_kzalloc: device-managed memory"
}

@test "reason OVERFLOW: count x size past 64 bits" {
	probe_alloc kcalloc context=1 size=0x4000000000000000 count=4 gfp=1
	assert_refusal EOVERFLOW OVERFLOW
}

@test "reason SIZE_MAX: vmalloc past all of RAM says RAM, not the quota" {
	local ram size=$((64 << 30)) max
	ram=$(( $(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) * 1024 ))
	probe_alloc vmalloc context=1 size=$size gfp=1
	# A 32-bit kernel's size_t ends below 64 GiB: then a MiB past its RAM.
	if [[ $output == *" rarg=$(uapi KMEMLAB_LIMIT_SIZE_T) "* ]]; then
		max=${output##*rvalue=}
		((ram + (1 << 20) <= max)) ||
			skip "this kernel's SIZE_MAX ($max) leaves no size past its RAM ($ram bytes)"
		size=$((ram + (1 << 20)))
		probe_alloc vmalloc context=1 size=$size gfp=1
	fi
	assert_refusal E2BIG SIZE_MAX "$(uapi KMEMLAB_LIMIT_RAM)"
	# The limit is the machine's RAM, as /proc/meminfo counts it.
	[[ ${output##*rvalue=} -eq $ram ]] || fail "limit ${output##*rvalue=}, MemTotal $ram"
	run -1 kmemlab alloc --api vmalloc --size $size
	assert_output --regexp "E2BIG: [0-9.]+ [KMG]iB is more than all the RAM of this machine"
	refute_output --partial "max_bytes"
	refute_output --partial "raise"
}

@test "reason SIZE_MAX: each API's own limit, as DESCRIBE reports it" {
	local kmax
	probe_alloc kmalloc context=1 size=$((1 << 40)) gfp=1
	assert_refusal E2BIG SIZE_MAX "$(uapi KMEMLAB_LIMIT_KMALLOC)"
	kmax=${output##*rvalue=}
	run -0 kmemlab apis -o NAME,MAX -n -r -b
	assert_line "kmalloc $kmax"
	run -1 kmemlab alloc --api kmalloc --size $((kmax + 1))
	assert_output --partial "is above KMALLOC_MAX_SIZE"
	probe_alloc get_zeroed_page context=1 size=$((PAGE + 1)) gfp=1
	assert_refusal E2BIG SIZE_MAX "$(uapi KMEMLAB_LIMIT_PAGE)" "$PAGE"
	probe_alloc alloc_pages context=1 size=$((1 << 40)) gfp=1
	assert_refusal E2BIG SIZE_MAX "$(uapi KMEMLAB_LIMIT_ORDER)"
	run -1 kmemlab alloc --api kvmalloc --size 3G
	assert_output --partial "E2BIG: 3 GiB is above INT_MAX"
}

@test "reasons BENCH_SAMPLES and BENCH_CPUS" {
	local max
	max=$(cat "$PARAMS/bench_max_samples")
	run -0 abi-probe bench api=1 context=1 size=64 gfp=1 pattern=1 threads=1 \
		iterations=$((max + 1)) "${WHY[@]}"
	assert_refusal E2BIG BENCH_SAMPLES "" "$max"
	run -0 abi-probe bench api=1 context=1 size=64 gfp=1 pattern=1 \
		threads=$(($(nproc) + 1)) iterations=10 "${WHY[@]}"
	assert_refusal E2BIG BENCH_CPUS "" "$(nproc)"
	run -1 kmemlab bench --api kmalloc --size 64 --threads $(($(nproc) + 1))
	assert_output --partial "E2BIG: only $(nproc) CPU"
}

@test "reasons PERM_NOFAIL, PERM_NO_SLEEP, PERM_DMA and PERM_CACHE, with the limits DESCRIBE gives" {
	run -0 as_member abi-probe alloc api=1 context=1 size=64 \
		gfp=$((1 | $(uapi KMEMLAB_GFP_NOFAIL))) "${WHY[@]}"
	assert_refusal EPERM PERM_NOFAIL
	run -0 as_member abi-probe alloc api=1 context=2 size=$((PAGE + 1)) gfp=2 "${WHY[@]}"
	assert_refusal EPERM PERM_NO_SLEEP "" "$PAGE"
	run -1 as_member kmemlab alloc --api kmalloc --size $((PAGE + 1)) --context atomic --gfp GFP_ATOMIC
	assert_output --partial "EPERM: an allocation that cannot sleep above"
	run -0 kmemlab gfp -o NAME,ADMIN-ABOVE -n -r -b
	assert_line "GFP_DMA $((64 << 10))"
	run -0 as_member abi-probe alloc api=1 context=1 size=$(((64 << 10) + 1)) \
		gfp=$((1 | $(uapi KMEMLAB_GFP_DMA))) "${WHY[@]}"
	assert_refusal EPERM PERM_DMA "" $((64 << 10))
	run -1 as_member kmemlab alloc --api kmem_cache --size 64 --name percache
	assert_output --partial "EPERM: kmem_cache creation needs CAP_SYS_ADMIN"
}

@test "reason CACHE_MISMATCH: a live cache of that name with another size" {
	alloc_handle --api kmem_cache --size 64 --name twin >/dev/null
	probe_alloc kmem_cache context=1 size=128 gfp=1 name=twin
	assert_refusal EEXIST CACHE_MISMATCH
	run -1 kmemlab alloc --api kmem_cache --size 128 --name twin
	assert_output --partial "EEXIST: a live cache named 'twin' has another object size"
}

@test "reason TYPE_SIZE: a typed API asked for another size than its type's" {
	local t
	need_api kmalloc_obj
	t=$(kmemlab apis -o NAME,TYPE-SIZE -n -r -b | awk '$1 == "kmalloc_obj" { print $2 }')
	probe_alloc kmalloc_obj context=1 gfp=1 size=$((t * 2))
	assert_refusal EINVAL TYPE_SIZE "$(uapi KMEMLAB_API_KMALLOC_OBJ)" "$t"
	run -1 kmemlab alloc --api kmalloc_obj --size $((t * 2))
	assert_output --partial "kmalloc_obj allocates objects of a type of $t bytes"
	assert_output --partial "use --size $t, or leave --size out"
}

@test "reason NO_HANDLE: realloc of a handle nobody has" {
	run -0 abi-probe realloc handle=4242 context=1 size=64 gfp=1 "${WHY[@]}"
	assert_refusal ENOENT NO_HANDLE
	run -1 kmemlab realloc 4242 --size 64
	assert_output --partial "ENOENT: no live allocation has handle 4242"
}

@test "reasons QUOTA_BYTES, QUOTA_ALLOCS, QUOTA_DMA and QUOTA_BENCH name the limit passed" {
	echo $((1 << 20)) >"$PARAMS/max_bytes"
	probe_alloc kmalloc context=1 size=$((2 << 20)) gfp=1
	assert_refusal ENOSPC QUOTA_BYTES "" $((1 << 20))
	run -1 kmemlab alloc --api vmalloc --size 2M
	assert_output --partial "ENOSPC: quota exceeded"
	assert_output --partial "of max_bytes 1 MiB (this request: 2 MiB)"
	run -0 abi-probe bench api=1 context=1 size=64 gfp=1 pattern=1 threads=1 \
		iterations=100000 "${WHY[@]}"
	assert_refusal ENOSPC QUOTA_BENCH "" $((1 << 20))
	echo $((64 << 20)) >"$PARAMS/max_bytes"
	echo 1 >"$PARAMS/max_allocs"
	alloc_handle --api kmalloc --size 64 >/dev/null
	probe_alloc kmalloc context=1 size=64 gfp=1
	assert_refusal ENOSPC QUOTA_ALLOCS "" 1
	echo 65536 >"$PARAMS/max_allocs"
	kmemlab free --all >/dev/null
	echo 4096 >"$PARAMS/dma_max_bytes"
	probe_alloc kmalloc context=1 size=8192 gfp=$((1 | $(uapi KMEMLAB_GFP_DMA)))
	assert_refusal ENOSPC QUOTA_DMA "" 4096
}

@test "reason ALLOCATOR: the allocator returned NULL (ZONE_DMA exhausted)" {
	local i
	dma_exhaustion
	for ((i = 0; i < DMA_BLOCKS; i++)); do
		probe_alloc alloc_pages context=1 size="$DMA_BLOCK" gfp=$((1 | $(uapi KMEMLAB_GFP_DMA)))
		[[ $output == OK* ]] || break
	done
	assert_refusal ENOMEM ALLOCATOR
	run -1 kmemlab alloc --api alloc_pages --size "$DMA_BLOCK" --gfp 'GFP_KERNEL|GFP_DMA'
	assert_output --partial "ENOMEM: the allocator returned NULL: GFP_DMA limits it to one small zone"
}

@test "reason DRIVER_NOMEM: the driver's own bookkeeping failed (fail_nth)" {
	echo 1 >"$PARAMS/fail_nth"
	probe_alloc kmalloc context=1 size=64 gfp=1
	assert_refusal ENOMEM DRIVER_NOMEM
	# The CLI reads the driver's description first (one site), then ALLOC.
	echo 2 >"$PARAMS/fail_nth"
	run -1 kmemlab alloc --api kmalloc --size 64
	assert_output --partial "ENOMEM: the driver had no memory for its own bookkeeping"
}

@test "every reason code of the UAPI header has a test here (HANDLES: 2^31 handles, not reachable)" {
	local name
	for name in $(awk '$1 ~ /^KMEMLAB_REASON_/ && $2 == "=" { print $1 }' \
			"$REPO/include/uapi/linux/kmemlab.h"); do
		name=${name#KMEMLAB_REASON_}
		case $name in NONE | HANDLES) continue ;; esac
		grep -q "reasons\? .*\b$name\b" "$BATS_TEST_FILENAME" ||
			fail "no test of reason $name"
	done
}
