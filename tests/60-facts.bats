#!/usr/bin/env bats
# kmemlab facts: each claim's verdict on Debian's 6.1 with the default boot
# (6 GiB, init_on_alloc on), and the experiments leave nothing behind.

load helpers

FACTS=$BATS_FILE_TMPDIR/facts.json

# The verdicts the suite can rely on in the default boot, as root: "ID:RE",
# RE an extended regular expression of the verdicts allowed. contiguity
# depends on chance where vmalloc maps high-order pages (7.x often gets
# one physically contiguous run).
# gfp-dma is a claim about x86: elsewhere ZONE_DMA is not ISA's 16 MiB.
GFP_DMA="not checked"
[[ $HOSTTYPE != @(x86_64|i?86) ]] || GFP_DMA=holds
EXPECTED=(
	"kmalloc-max:does not hold"
	"kmalloc-large:holds"
	"kmalloc-rounding:holds"
	"kzalloc-zeroed:holds"
	"contiguity:holds|depends"
	"gfp-dma:$GFP_DMA"
	"vmalloc-irq:holds"
	"atomic-irq:holds"
	"devm-unbind:holds"
	"regions:holds"
	"dma-map:holds"
	# High memory is a 32-bit kernel's: checked where zoneinfo has it.
	"highmem:$(grep -q '^Node .*zone *HighMem$' /proc/zoneinfo && echo holds || echo 'not checked')"
)

# One run for the whole file: the experiments take a while under emulation.
setup_file() {
	fresh_module
	live_allocs >"$BATS_FILE_TMPDIR/before"
	kmemlab facts -J >"$FACTS"
	live_allocs >"$BATS_FILE_TMPDIR/after"
	# For the host: scripts/facts-table makes README's table of them.
	if [[ -n ${KMEMLAB_VM_OUT:-} ]]; then
		{ echo "{\"release\": \"$(uname -r)\", \"boot\": $(jq -R . </proc/cmdline),"
		  echo "\"facts\": $(jq .facts "$FACTS")}"; } >"$KMEMLAB_VM_OUT/facts.json"
	fi
}

teardown_file() {
	unload_module
}

# fact_is ID EXPR [JSON]: the jq boolean EXPR holds for claim ID's object in
# $FACTS (or in JSON); the object is printed for the failure report.
fact_is() {
	local filter=".facts[] | select(.id == \$id) | (., ($2))"
	local json=${3:-$(cat "$FACTS")}

	jq -e --arg id "$1" "$filter" <<<"$json"
}

@test "every claim ran and has one of the four verdicts" {
	run -0 jq -r '.facts[].verdict' "$FACTS"
	[[ ${#lines[@]} -eq $(kmemlab facts --list -n | wc -l) ]]
	run -0 jq -r '.facts[] | select(.verdict | IN("holds", "does not hold",
		"depends", "not checked") | not) | .id' "$FACTS"
	assert_output ""
	run -0 jq -r '.facts[] | select(.observed | test("experiment failed")) | .id' "$FACTS"
	assert_output ""
}

@test "the verdicts are the ones this kernel gives" {
	local row id want got
	for row in "${EXPECTED[@]}"; do
		id=${row%%:*} want=${row#*:}
		got=$(jq -r --arg id "$id" '.facts[] | select(.id == $id) | .verdict' "$FACTS")
		[[ $got =~ ^($want)$ ]] || fail "$id: '$got', not '$want'"
	done
}

# The kernel's limits come from kmemlab info (kinfo): they may differ
# between kernels.
@test "kmalloc goes up to KMALLOC_MAX_SIZE, PAGE_SIZE << MAX_ORDER, and refuses more with E2BIG" {
	local max
	max=$(kinfo kmalloc-max-size)
	(( max == $(kinfo page-size) << $(kinfo max-order) ))
	fact_is kmalloc-max ".largest == $max and .[\"kmalloc-max-size\"] == $max
		and .errno == \"E2BIG\""
}

# KMALLOC_MIN_SIZE is 8 on x86, 128 on arm64 6.1 (ARCH_DMA_MINALIGN): the
# smallest object is what the kernel says it is.
@test "the smallest kmalloc object is KMALLOC_MIN_SIZE and no size class doubles a request" {
	local min
	min=$(kinfo kmalloc-min-size)
	fact_is kmalloc-rounding ".[\"min-object\"] == $min and .[\"kmalloc-min-size\"] == $min
		and .[\"worst-ratio\"] > 1 and .[\"worst-ratio\"] <= 2"
	# One byte over KMALLOC_MAX_CACHE_SIZE, two pages, takes the next
	# order of pages.
	local cache page order=0
	cache=$(kinfo kmalloc-max-cache-size) page=$(kinfo page-size)
	while (( page << order <= cache )); do order=$((order + 1)); done
	fact_is kmalloc-large ".[\"kmalloc-max-cache-size\"] == $cache and .[\"page-size\"] == $page
		and $cache == 2 * $page and .order == $order"
}

@test "kmalloc-zeroed says what the reused object held: zeroed by init_on_alloc, or not where slub poisons" {
	# SLUB does not zero on allocation in caches it poisons (slub_debug=P):
	# the kernel's own flag for the cache is the oracle. Whether heap
	# zeroing is on at all is the driver's INFO (a kernel built without
	# INIT_ON_ALLOC_DEFAULT_ON boots with it off).
	local poison
	poison=$(cat /sys/kernel/slab/kmalloc-512/poison 2>/dev/null || echo 0)
	run -0 kmemlab info
	if [[ $output =~ init_on_alloc[[:space:]]+off ]]; then
		fact_is kmalloc-zeroed '.verdict == "holds"
			and (.observed | test("init_on_alloc=0"))'
	elif (( poison )); then
		fact_is kmalloc-zeroed '.verdict == "holds"
			and (.observed | test("although init_on_alloc=1"))'
	else
		fact_is kmalloc-zeroed '.verdict == "depends"
			and (.observed | startswith("depends on init_on_alloc"))
			and (.observed | test("a reused 512 B object came back zeroed"))'
	fi
}

@test "vmalloc speed is said only as ratios" {
	fact_is vmalloc-speed '(.observed | test("[0-9] ?(ns|us|µs|ms|s)\\b") | not)
		and .["ratio-4k"] > 0 and .["ratio-64k"] > 0 and .["ratio-1m"] > 0'
}

@test "vmalloc-irq says whose rule refused it: the driver's description, not the kernel" {
	fact_is vmalloc-irq '.errno == "EINVAL" and (.observed | test("the rule is the driver.s"))'
	# ... and that rule is the one DESCRIBE reports for vmalloc.
	run -0 kmemlab apis -o NAME,PROPERTIES -n -r
	assert_line --regexp "^vmalloc .*(may-sleep|no-irq)"
}

@test "facts leaves the live counters where they were" {
	# (With an allocation live before, see the devm-unbind tests below.)
	[[ $(cat "$BATS_FILE_TMPDIR/after") -eq $(cat "$BATS_FILE_TMPDIR/before") ]]
	[[ $(live_allocs) -eq 0 && $(live_bytes) -eq 0 ]]
	[[ -c /dev/kmemlab0 ]]
}

@test "with a live allocation, devm-unbind is not checked and the allocation survives" {
	local h bytes
	h=$(alloc_handle --api kmalloc --size 100)
	bytes=$(live_bytes)
	run -0 kmemlab facts -J devm-unbind kzalloc-zeroed
	[[ $(jq '.facts | length' <<<"$output") -eq 2 ]]
	fact_is devm-unbind '.verdict == "not checked" and
		(.observed | startswith("device has live allocations"))' "$output"
	[[ $(live_allocs) -eq 1 && $(live_bytes) -eq $bytes ]]
	run -0 kmemlab query "$h" -n -r -o SIZE -b
	assert_output "100"
	kmemlab free "$h" >/dev/null
}

@test "devm-unbind uses an idle second device and leaves the busy one alone" {
	local h
	fresh_module devices=2
	h=$(alloc_handle --api kzalloc --size 64)
	run -0 kmemlab facts -J devm-unbind
	fact_is devm-unbind '.verdict == "holds" and (.observed | test("kmemlab\\.1 freed 3 of 3"))
		and .["live-before"] - .["live-after"] == 3' "$output"
	[[ -c /dev/kmemlab1 && $(live_allocs) -eq 1 ]]
	run -0 kmemlab query "$h" -n -r -o API
	assert_output "kzalloc"
	fresh_module
}

@test "without root, devm-unbind is not checked and addresses stay hidden" {
	udevadm trigger --subsystem-match=kmemlab --action=add
	udevadm settle
	run -0 as_member kmemlab facts -J devm-unbind gfp-dma
	fact_is devm-unbind '.verdict == "not checked" and (.observed | startswith("needs root"))' \
		"$output"
	fact_is gfp-dma ".verdict == \"$GFP_DMA\" and .phys == null" "$output"
	[[ $(live_allocs) -eq 0 ]]
}

@test "facts --list names the claims and runs nothing" {
	run -0 kmemlab facts --list -J regions dma-map
	assert_output --partial '"id": "regions"'
	assert_output --partial '"claim": "kmalloc memory is suitable for DMA'
	refute_output --partial '"verdict"'
	[[ $(live_allocs) -eq 0 ]]
}

@test "an unknown claim is a usage error that lists the claims" {
	run -2 kmemlab facts kmalloc-maximum
	assert_output --partial "unknown claim 'kmalloc-maximum'"
	assert_output --partial "kmalloc-max kmalloc-large"
}

@test "nolock-irq: kmalloc_nolock in hardirq context beside GFP_ATOMIC, or why it was not checked" {
	if [[ $(kmemlab apis -o NAME,AVAILABLE -n -r | awk '$1 == "kmalloc_nolock" { print $2 }') != yes ]]; then
		fact_is nolock-irq '.verdict == "not checked" and (.observed | test("Linux 6.18"))
			and ."nolock-rate" == null'
		return
	fi
	# Both ran: the rates are the kernel's answers, the atomic one all of them.
	fact_is nolock-irq '.verdict == "holds" and ."nolock-rate" > 0
		and ."atomic-rate" == 1'
}
