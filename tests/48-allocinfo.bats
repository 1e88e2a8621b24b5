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

# kmemlab's lines of allocinfo: "file:line calls bytes func".
charged() {
	awk '$4 == "[kmemlab]" { print $3, $2, $1, $5 }' "$ALLOCINFO"
}

# Per line, the calls and bytes of snapshot $2 less those of $1, where
# either moved: "file:line calls bytes func".
delta() {
	awk 'NR == FNR { c[$1] = $2; b[$1] = $3; next }
		$2 != c[$1] || $3 != b[$1] { print $1, $2 - c[$1], $3 - b[$1], $4 }' "$1" "$2"
}

# One pass over every API, each one's charge the difference between the
# snapshots before and after its allocations; one free at the end.
@test "allocinfo charges kmemlab's allocations to its lines, at least the bytes asked for, and all come back at free" {
	local name props tsize args s=$BATS_TEST_TMPDIR n=3 i record="" calls bytes asked
	local elsewhere="" apis=() k=0 live=0
	charged >"$s/0"
	while read -r name props tsize; do
		args=(--api "$name" --size "${tsize/-/3000}")
		[[ ,$props, == *,count,* ]] && args+=(--count 1)
		[[ ,$props, == *,cache,* ]] && args+=(--name oracle)
		for ((i = 0; i < n; i++)); do
			kmemlab alloc "${args[@]}" >/dev/null
		done
		k=$((k + 1))
		charged >"$s/$k"
		read -r asked <"$SYSDRV/live_bytes"
		echo $((asked - live)) >"$s/$name.asked"
		live=$asked
		delta "$s/$((k - 1))" "$s/$k" >"$s/$name.delta"
		# The driver's record of each allocation is a line charged $n
		# calls by every API: the set common to all so far.
		awk -v n=$n '$2 == n { print $1 }' "$s/$name.delta" | sort >"$s/lines"
		if ((k == 1)); then
			record=$(cat "$s/lines")
		else
			record=$(comm -12 <(echo "$record") "$s/lines")
		fi
		apis+=("$name")
	done < <(apis_here NAME,PROPERTIES,TYPE-SIZE -b)
	kmemlab free --all >/dev/null
	# Nothing is left charged to kmemlab's lines: the kernel's own account
	# of the driver's frees.
	run -0 delta "$s/0" <(charged)
	[[ -z $output ]] || fail "after free --all, still charged: $output"
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
	run -0 awk -v n="$(live_allocs)" '$2 == n' <(delta "$s/before" <(charged))
	[[ -n $output ]] || fail "no line charged $(live_allocs) calls: $(delta "$s/before" <(charged))"
	kmemlab free "$h" >/dev/null
	run -0 awk -v n="$(live_allocs)" '$2 == n' <(delta "$s/before" <(charged))
	[[ -n $output ]] || fail "no line charged $(live_allocs) calls after one free"
}
