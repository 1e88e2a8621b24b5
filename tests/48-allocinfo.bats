#!/usr/bin/env bats
# /proc/allocinfo (CONFIG_MEM_ALLOC_PROFILING, 6.10+; the debug kernel has
# it, Debian's kernels do not) as an oracle independent of the driver: the
# kernel charges every allocation to the source line that made it, so the
# lines in kmemlab's files must hold what the driver's live counters say,
# and nothing once everything is freed.

load helpers

ALLOCINFO=/proc/allocinfo

setup_file() {
	[[ -r $ALLOCINFO ]] || return 0
	fresh_module
}

setup() {
	[[ -r $ALLOCINFO ]] ||
		skip "no /proc/allocinfo in $(uname -r): CONFIG_MEM_ALLOC_PROFILING is off (the debug kernel has it)"
	kmemlab free --all >/dev/null
}

# kmemlab's lines of allocinfo: "file:line calls bytes func", sorted.
charged() {
	awk '$4 == "[kmemlab]" { print $3, $2, $1, $5 }' "$ALLOCINFO" | sort
}

# Per line, the calls and bytes of snapshot $2 less those of $1, where
# either moved: "file:line calls bytes func".
delta() {
	join -a 2 -e 0 -o 2.1,1.2,1.3,2.2,2.3,2.4 "$1" "$2" |
		awk '$4 != $2 || $5 != $3 { print $1, $4 - $2, $5 - $3, $6 }'
}

@test "allocinfo charges kmemlab's allocations to its lines, at least the bytes asked for, and all come back at free" {
	local name props tsize args s=$BATS_TEST_TMPDIR n=3 i record="" calls bytes asked
	local elsewhere="" apis=()
	while read -r name props tsize; do
		args=(--api "$name" --size "${tsize/-/3000}")
		[[ ,$props, == *,count,* ]] && args+=(--count 1)
		[[ ,$props, == *,cache,* ]] && args+=(--name oracle)
		charged >"$s/before"
		for ((i = 0; i < n; i++)); do
			kmemlab alloc "${args[@]}" >/dev/null
		done
		charged >"$s/live"
		cat "$SYSDRV/live_bytes" >"$s/$name.asked"
		kmemlab free --all >/dev/null
		charged >"$s/after"
		# Nothing is left charged to kmemlab's lines: the kernel's own
		# account of the driver's frees.
		run -0 delta "$s/before" "$s/after"
		[[ -z $output ]] || fail "$name: after free, still charged: $output"
		delta "$s/before" "$s/live" >"$s/$name.delta"
		# The driver's record of each allocation is a line charged $n
		# calls by every API: the set common to all so far.
		awk -v n=$n '$2 == n { print $1 }' "$s/$name.delta" | sort >"$s/lines"
		if ((${#apis[@]} == 0)); then
			record=$(cat "$s/lines")
		else
			record=$(comm -12 <(echo "$record") "$s/lines")
		fi
		apis+=("$name")
	done < <(apis_here NAME,PROPERTIES,TYPE-SIZE -b)
	[[ $(wc -l <<<"$record") == 1 && -n $record ]] ||
		fail "not one line charged once per allocation by every API: '$record'"
	echo "# the record of each allocation: $record" >&3
	# The rest is the allocation under test, where the kernel charges it
	# to kmemlab's own call (devm_*, dma_alloc_* and the like are charged
	# inside the kernel, to their own files).
	for name in "${apis[@]}"; do
		read -r calls bytes < <(awk -v r="$record" '$1 != r { c += $2; b += $3 }
			END { print c + 0, b + 0 }' "$s/$name.delta")
		read -r asked <"$s/$name.asked"
		if ((calls == 0)); then
			elsewhere+=" $name"
			continue
		fi
		((calls >= n)) || fail "$name: $calls calls charged for $n allocations"
		((bytes >= asked)) || fail "$name: $bytes bytes charged, the driver counted $asked asked for"
		echo "# $name: $n allocations, $asked bytes asked: $calls calls, $bytes bytes charged" >&3
	done
	echo "# charged inside the kernel, not to kmemlab's lines:${elsewhere:- none}" >&3
}

@test "the calls charged to the record line are the driver's live_allocs" {
	local s=$BATS_TEST_TMPDIR h
	charged >"$s/before"
	kmemlab alloc --api kmalloc --size 100 >/dev/null
	kmemlab alloc --api vmalloc --size 64k >/dev/null
	kmemlab alloc --api kmem_cache --name oracle --size 64 >/dev/null
	h=$(alloc_handle --api devm_kzalloc --size 1k)
	charged >"$s/live"
	run -0 awk -v n="$(live_allocs)" '$2 == n' <(delta "$s/before" "$s/live")
	[[ -n $output ]] || fail "no line charged $(live_allocs) calls: $(delta "$s/before" "$s/live")"
	kmemlab free "$h" >/dev/null
	charged >"$s/live"
	run -0 awk -v n="$(live_allocs)" '$2 == n' <(delta "$s/before" "$s/live")
	[[ -n $output ]] || fail "no line charged $(live_allocs) calls after one free"
}
