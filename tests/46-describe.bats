#!/usr/bin/env bats
# The driver describes itself (DESCRIBE): its APIs, contexts and GFP bits.
# The CLI, the tests and the tools read that description; these tests check
# that it cannot lie.

load helpers

@test "the walk: every API x context x GFP combination gets the answer DESCRIBE predicts" {
	run -0 walk
	assert_output --regexp "[0-9]+ requests, [0-9]+ accepted, [0-9]+ refused, 0 disagreements$"
	# Positive and negative controls: the walk met both answers.
	[[ $output =~ ([0-9]+)\ accepted,\ ([0-9]+)\ refused ]]
	(( BASH_REMATCH[1] > 100 && BASH_REMATCH[2] > 100 )) || fail "$output"
	echo "# walk: ${output##*$'\n'}" >&3
	[[ $(live_allocs) -eq 0 ]]
}

@test "DESCRIBE's APIs are the driver's: the names of its per-API counters and INFO's mask" {
	local apis live dir
	apis=$(kmemlab apis -o NAME -n -r | sort)
	for dir in live_allocs live_bytes; do
		live=$(ls /sys/bus/platform/devices/kmemlab.0/$dir | sort)
		[[ $apis == "$live" ]] || fail "apis: $apis; $dir/: $live"
	done
	local mask
	mask=$(abi-probe info '?apis')
	mask=${mask#OK apis=}
	local value name why n=0
	# INFO's mask has exactly the APIs the kernel has.
	while read -r name value why; do
		if [[ $why == yes ]]; then
			(( mask & (1 << value) )) || fail "$name is not in INFO's mask $mask"
		else
			(( !(mask & (1 << value)) )) || fail "$name ($why) is in INFO's mask"
		fi
		n=$((n + 1))
	done < <(kmemlab apis -o NAME,VALUE,AVAILABLE -n -r)
	(( n == $(printf '%s\n' "$apis" | wc -l) ))
}

@test "every API the driver describes allocates with its default flags and frees" {
	local name max props backing tsize args n=0 got
	while read -r name max props backing tsize; do
		args=(--size 200)
		[[ ,$props, == *,count,* ]] && args=(--size 16 --count 4)
		# A typed API: the CLI asks for its type's size by itself.
		[[ $tsize == - ]] || { args=("${args[@]:2}"); }
		[[ ,$props, == *,cache,* ]] && args+=(--name every)
		[[ ,$props, == *,pages,* ]] && args=(--size $((max < 8192 ? max : 8192)))
		got=$(kmemlab alloc --api "$name" "${args[@]}" -o API,BACKING -n -r)
		[[ ${got%% *} == "$name" ]] || fail "$name: $got"
		# What memory an API may return is the CLI's text: none for an
		# API only the driver knows.
		[[ $backing == - || ,$backing, == *,${got##* },* ]] ||
			fail "$name: backing ${got##* }, not one of $backing"
		n=$((n + 1))
	done < <(apis_here NAME,MAX,PROPERTIES,BACKING,TYPE-SIZE -b)
	(( n >= 17 )) || fail "only $n APIs"
	[[ $(live_allocs) -eq $n ]]
	kmemlab free --all >/dev/null
	[[ $(live_allocs) -eq 0 && $(live_bytes) -eq 0 ]]
}

@test "the largest size DESCRIBE gives is accepted by the size check, one byte more is E2BIG" {
	local name max value
	while read -r name value max; do
		[[ $name == get_zeroed_page ]] || continue
		run -0 abi-probe alloc api=$((value)) context=1 gfp=1 size="$max"
		assert_output "OK"
		run -0 abi-probe alloc api=$((value)) context=1 gfp=1 size=$((max + 1))
		assert_output "E2BIG"
	done < <(kmemlab apis -o NAME,VALUE,MAX -n -r -b)
	kmemlab free --all >/dev/null
	# kmalloc's MAX is INFO's KMALLOC_MAX_SIZE: two views of the same value.
	run -0 abi-probe info '?kmalloc_max_size'
	[[ $(kmemlab apis -o NAME,MAX -n -r -b | awk '$1 == "kmalloc" { print $2 }') == \
		"${output#OK kmalloc_max_size=}" ]]
}

@test "contexts and GFP bits come from the driver, with its properties" {
	run -0 kmemlab contexts -o NAME,PROPERTIES -n -r
	assert_line "process may-sleep"
	assert_line "hardirq irq"
	assert_line "atomic -"
	run -0 kmemlab gfp -o NAME,PROPERTIES -n -r
	assert_line "GFP_KERNEL base,may-sleep"
	assert_line "GFP_ATOMIC base"
	assert_line "__GFP_NOFAIL modifier,needs-reclaim"
	refute_output --partial "warning"
}

@test "without the module, apis lists the names this CLI knows and says the driver is missing" {
	unload_module
	run -0 kmemlab apis -o NAME,PROPERTIES -n -r
	fresh_module
	assert_output --partial "warning: no description from /dev/kmemlab0"
	assert_line "kmalloc -"
}
