#!/usr/bin/env bats
# kmemlab bench: the CLI over KMEMLAB_IOC_BENCH and KMEMLAB_IOC_NOP. Times
# are not asserted (they mean little under emulation), but for one ordering
# no emulation reverses: two ioctls (ALLOC, FREE) take longer than one (NOP).
# What is asserted is that every run reports what it was asked, that the
# statistics are ordered, that the outputs parse, that the machine is the
# one the runner booted, and that refusals and signals leave nothing behind.

load helpers

# Few iterations: each costs tens of microseconds under TCG.
QUICK=(--iterations 50 --warmup 5 --method per-op)

@test "a bench of each standard API reports count == iterations and ordered statistics" {
	run -0 kmemlab bench --method per-op --api kmalloc,kzalloc,vmalloc,kvmalloc,alloc_pages,kmem_cache \
		--size 4k --iterations 40 --warmup 4 -J
	# One jq: each row's API, count and failures, then the APIs whose
	# statistics are out of order (min <= median <= p90 <= p99 <= max,
	# for allocations and for frees): none.
	run -0 jq -r '(.bench[] | "\(.api) \(.count) \(.failures)"), (.bench[] | select(
		(."alloc-min" <= ."alloc-median") and (."alloc-median" <= ."alloc-p90") and
		(."alloc-p90" <= ."alloc-p99") and (."alloc-p99" <= ."alloc-max") and
		(."free-min" <= ."free-median") and (."free-median" <= ."free-p99") and
		(."free-p99" <= ."free-max") and (."alloc-max" > 0) and
		(."alloc-ci-lo" <= ."alloc-median") and (."alloc-median" <= ."alloc-ci-hi") | not) |
		"out of order: \(.api)")' <<<"$output"
	assert_output "kmalloc 40 0
kzalloc 40 0
vmalloc 40 0
kvmalloc 40 0
alloc_pages 40 0
kmem_cache 40 0"
}

@test "the JSON parses and names the kernel release and the machine" {
	local accel name
	run -0 kmemlab bench --size 64,4k "${QUICK[@]}" -J
	# What the guest finds out for itself, against what the runner used.
	accel=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^kmemlab_vm\.accel=//p')
	case $accel in
	tcg) name="QEMU TCG" ;;
	kvm) name=KVM ;;
	*) fail "no kmemlab_vm.accel on the kernel command line" ;;
	esac
	# jq parses the whole document, or fails.
	run -0 jq -r '.machine[0].release, .machine[0].accelerator, .bench[].size' <<<"$output"
	assert_output "$(uname -r)
$name
64
4096"
}

@test "the CSV parses with one header, one row per run and the same columns in each" {
	run -0 kmemlab bench --api kmalloc,vmalloc --size 64,1k,4k "${QUICK[@]}" --csv
	echo "$output" >"$BATS_TEST_TMPDIR/out.csv"
	run -0 python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
head, body = rows[0], rows[1:]
assert head[:3] == ["API", "SIZE", "CONTEXT"], head
assert len(body) == 6, len(body)
assert all(len(r) == len(head) for r in body), [len(r) for r in body]
assert all(int(r[head.index("COUNT")]) == 50 for r in body)
print(len(head), len(body))' "$BATS_TEST_TMPDIR/out.csv"
	assert_output --regexp '^[0-9]+ 6$'
}

@test "-o picks the columns, in bytes and ns with -b" {
	run -0 kmemlab bench --size 64 "${QUICK[@]}" -o API,SIZE,COUNT -n -r -b
	assert_output "kmalloc 64 50"
}

@test "a size range steps by two, or by the factor after the colon, and ends where it says" {
	run -0 kmemlab bench --method per-op --size 8..64 --iterations 2 --warmup 0 -o SIZE -n -r -b
	assert_output "8
16
32
64"
	run -0 kmemlab bench --method per-op --size 8..4M:4 --iterations 2 --warmup 0 -o SIZE -n -r -b
	assert_equal "$(echo "$output" | tr '\n' ' ')" "8 32 128 512 2048 8192 32768 131072 524288 2097152 4194304 "
}

@test "a sweep of two APIs prints the ratio to kmalloc at each size" {
	run -0 kmemlab bench --api kmalloc,vmalloc --size 4k,64k "${QUICK[@]}" -J
	# ... and the ratio is the quotient of the two medians (to three digits)
	run -0 jq -r '(.ratios[] | "\(.compare) \(.size) \(.median > 0)"),
		((.bench[] | select(.api == "vmalloc" and .size == 4096) | ."alloc-median") as $v |
		(.bench[] | select(.api == "kmalloc" and .size == 4096) | ."alloc-median") as $k |
		"quotient: \((.ratios[0].median - $v / $k) | fabs < ($v / $k / 100))")' <<<"$output"
	assert_output "vmalloc/kmalloc 4096 true
vmalloc/kmalloc 65536 true
quotient: true"
}

@test "batch against pair and atomic against process are compared when both ran" {
	run -0 kmemlab bench --size 64 --pattern pair,batch:16 --context process,atomic "${QUICK[@]}" -J
	run -0 jq -r '(.bench[] | "\(.context) \(.pattern) \(.gfp) \(.count)"),
		(.ratios[] | "\(.compare) \(.context) \(.pattern)")' <<<"$output"
	assert_output "process pair GFP_KERNEL 50
process batch:16 GFP_KERNEL 50
atomic pair GFP_ATOMIC 50
atomic batch:16 GFP_ATOMIC 50
batch:16/pair process batch:16
batch:16/pair atomic batch:16
atomic/process atomic pair
atomic/process atomic batch:16"
}

@test "--plot writes a PNG and an SVG" {
	run -0 kmemlab bench --api kmalloc,vmalloc --size 64,4k "${QUICK[@]}" \
		--plot "$BATS_TEST_TMPDIR/b.png" --plot "$BATS_TEST_TMPDIR/b.svg"
	[[ -s $BATS_TEST_TMPDIR/b.png ]]
	run -0 od -An -tx1 -N8 "$BATS_TEST_TMPDIR/b.png"
	assert_equal "$(echo $output)" "89 50 4e 47 0d 0a 1a 0a"
	run -0 grep -c "<svg" "$BATS_TEST_TMPDIR/b.svg"
	run -0 grep -c "vmalloc" "$BATS_TEST_TMPDIR/b.svg"
}

@test "--write keeps the same results as JSON and CSV" {
	run -0 kmemlab bench --size 64,128 "${QUICK[@]}" -o API -n \
		--write "$BATS_TEST_TMPDIR/w.json" --write "$BATS_TEST_TMPDIR/w.csv"
	assert_output "kmalloc
kmalloc"
	# The same runs in both files: each size's medians, cell for cell.
	run -0 jq -r '.bench[] | "\(.size) \(."alloc-median") \(."free-median")"' \
		"$BATS_TEST_TMPDIR/w.json"
	local json=$output
	(( ${#lines[@]} == 2 ))
	run -0 python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    print(r["SIZE"], r["ALLOC-MEDIAN"], r["FREE-MEDIAN"])' "$BATS_TEST_TMPDIR/w.csv"
	assert_equal "$output" "$json"
}

@test "--syscall reports a null ioctl and an ALLOC+FREE pair, and their ratio" {
	local before
	before=$(live_allocs)
	run -0 kmemlab bench --syscall --iterations 200 --warmup 10 -J
	# The lean path skips the report's look at the memory: not slower in
	# the median than the full one (the same call otherwise). For 64 bytes
	# that look is small, and under emulation the median of 200 interleaved
	# pairs has come out a tenth above the full one's: a quarter is noise's.
	# The ratios' values last, as notes.
	run -0 jq -r '(.syscall[] | "\(.operation) \(.count) \(.median > 0)"),
		(.ratios[] | "\(.compare) \(.median > 1)"),
		"lean within a quarter of full: \(.syscall[2].median <= .syscall[1].median * 1.25)",
		(.ratios[] | "# \(.compare): \(.median)")' <<<"$output"
	printf '%s\n' "${lines[@]:6}" >&3
	assert_equal "$(printf '%s\n' "${lines[@]:0:6}")" "ioctl(NOP) 200 true
ioctl(ALLOC)+ioctl(FREE) 200 true
ioctl(ALLOC lean)+ioctl(FREE) 200 true
alloc+free/nop true
lean-alloc+free/nop true
lean within a quarter of full: true"
	assert_equal "$(live_allocs)" "$before"
}

@test "a lean ALLOC reports what costs nothing to know, and nothing it did not look at" {
	local h n
	# 64 KiB: 16 pages of 4 KiB, 4 of 16 KiB
	n=$((65536 / PAGE))
	run -0 kmemlab alloc --api vmalloc --size 64k --lean -o HANDLE,SIZE,PAGES,BACKING,RUNS,ZONE,ZEROED -n -r -b
	read -r h size pages backing runs zone zeroed <<<"$output"
	[[ $size == 65536 && $pages -eq $n && $backing == vmalloc ]] || fail "$output"
	[[ $runs == - && $zone == - && $zeroed == - ]] || fail "lean report looked: $output"
	# The allocation is whole: its runs, a fill and a DMA mapping all work.
	run -0 kmemlab map -J "$h" -o PAGES
	[[ $(jq '[.map[].pages] | add' <<<"$output") -eq $n ]]
	kmemlab fill "$h" --pattern 0x11
	kmemlab verify "$h" --pattern 0x11
	run -0 kmemlab dma-map "$h" -o PAGES -n -r
	assert_output "$n"
	# Lean is no part of a cache's geometry: the same cache serves both.
	kmemlab alloc --api kmem_cache --name lean --size 64 >/dev/null
	run -0 kmemlab alloc --api kmem_cache --name lean --size 64 --lean -o CACHE -n -r
	assert_output kmemlab0_lean
	# Another API's flag bit stays refused where it does not apply.
	run -0 abi-probe alloc api=1 context=1 size=64 gfp=1 flags=$(($(uapi KMEMLAB_ALLOC_LEAN) | $(uapi KMEMLAB_ALLOC_HWCACHE_ALIGN))) '?reason' '?rarg'
	assert_output "EINVAL reason=$(uapi KMEMLAB_REASON_FIELD) rarg=$(uapi KMEMLAB_FIELD_FLAGS)"
	kmemlab free --all >/dev/null
}

@test "0 iterations is EINVAL, explained" {
	run -1 kmemlab bench --iterations 0
	assert_output --partial "kmemlab: bench: EINVAL: --iterations 0"
	assert_output --partial "hint:"
}

@test "more samples than bench_max_samples is E2BIG, explained" {
	run -1 kmemlab bench --iterations 4000000
	assert_output --partial "E2BIG"
	assert_output --partial "bench_max_samples"
}

@test "more threads than CPUs is E2BIG, explained" {
	run -1 kmemlab bench --threads "$(($(nproc) + 1))" "${QUICK[@]}"
	assert_output --partial "E2BIG"
	assert_output --regexp "only $(nproc) CPUs? (is|are) online"
	assert_output --partial "hint: use --threads $(nproc) or fewer"
}

@test "a sleeping API in atomic context is EINVAL, explained" {
	run -1 kmemlab bench --api vmalloc --context atomic "${QUICK[@]}"
	assert_output --partial "EINVAL: vmalloc may sleep"
	assert_output --partial "hint: use --context process"
}

@test "kmalloc above KMALLOC_MAX_SIZE is E2BIG, explained" {
	run -1 kmemlab bench --api kmalloc --size "$(kmalloc_too_big)" "${QUICK[@]}"
	assert_output --partial "E2BIG"
	assert_output --partial "KMALLOC_MAX_SIZE"
}

@test "a devm API is EINVAL: bench does not run it" {
	run -1 kmemlab bench --api devm_kzalloc "${QUICK[@]}"
	assert_output --partial "EINVAL: bench does not run devm_kzalloc"
}

@test "unknown names and malformed sizes are usage errors" {
	run -2 kmemlab bench --api kmallok
	assert_output --partial "unknown API 'kmallok'"
	run -2 kmemlab bench --size 4Q
	assert_output --partial "--size '4Q'"
	run -2 kmemlab bench --size 4M..8
	assert_output --partial "backwards"
	run -2 kmemlab bench --pattern zigzag
	assert_output --partial "unknown pattern"
	run -2 kmemlab bench --plot out.gif
	assert_output --partial ".png"
}

@test "one refused run in a sweep is explained and the others still report" {
	run -1 --separate-stderr kmemlab bench --api kmalloc,vmalloc --context atomic \
		"${QUICK[@]}" -o API,CONTEXT -n
	assert_output "kmalloc atomic"
	[[ $stderr == *"vmalloc 64 B atomic pair: vmalloc may sleep"* ]]
}

# Starts a long bench in the background; its pid in $pid.
start_long_bench() {
	kmemlab bench --api vmalloc --size 1M --iterations 100000 --warmup 0 \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	# until it is in the kernel with objects in flight
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(live_allocs) -gt 0 ]] && return 0
		sleep 0.1
	done
	return 1
}

@test "SIGINT stops a bench promptly and nothing stays allocated" {
	local pid status=0 t0
	start_long_bench
	t0=$SECONDS
	kill -INT "$pid"
	wait "$pid" || status=$?
	assert_equal "$status" 130
	[[ $((SECONDS - t0)) -lt 10 ]]
	run -0 cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "interrupted by SIGINT"
	assert_equal "$(live_allocs)" 0
	assert_equal "$(live_bytes)" 0
}

@test "SIGTERM stops a bench promptly and nothing stays allocated" {
	local pid status=0 t0
	start_long_bench
	t0=$SECONDS
	kill -TERM "$pid"
	wait "$pid" || status=$?
	assert_equal "$status" 143
	[[ $((SECONDS - t0)) -lt 10 ]]
	assert_equal "$(live_allocs)" 0
}

@test "progress goes to stderr on a terminal, and nowhere otherwise" {
	if ! command -v script >/dev/null; then
		skip "script(1) is not installed: no way to give the CLI a terminal"
	fi
	run -0 --separate-stderr kmemlab bench --size 64,128 --iterations 5 --warmup 0
	[[ $stderr != *"bench [1/2]"* ]]
	run -0 script -qec "kmemlab bench --size 64,128 --iterations 5 --warmup 0 >/dev/null" /dev/null
	assert_output --partial "bench [1/2] kmalloc 64 B process pair"
	assert_output --partial "bench [2/2]"
}

@test "--method: per-op marks whether the clock can be trusted; auto adds groups exactly when it cannot" {
	run -0 kmemlab bench --method auto --iterations 300 -J \
		-o API,METHOD,TRUSTED,OVERHEAD,ALLOC-MEDIAN,GROUP-ALLOC,GROUPS,CLOCK
	# TRUSTED is the driver's two figures: the clock's cost against the
	# median; groups come exactly when it is false.
	run -0 jq -r '.bench[0] | "\(.trusted == (.overhead * 10 <= ."alloc-median")) \(.clock) " +
		if .trusted then "\(.method) \(."group-alloc")"
		else "\(.method | test("^per-op,group:[0-9]+$")) \(."group-alloc" > 0)" end' <<<"$output"
	assert_output --regexp '^true ktime (per-op null|true true)$'
	# group:N alone: no per-op figures (none to trust), the groups counted.
	# The bench's own calls per pair (DISPATCH), already taken off.
	run -0 kmemlab bench --method group:50 --iterations 500 -J \
		-o METHOD,TRUSTED,GROUPS,GROUP-ALLOC,ALLOC-MEDIAN,DISPATCH
	run -0 jq -r '.bench[0] | "\(.method) \(.trusted) \(.groups) \(."group-alloc" > 0) \(."alloc-median") \(.dispatch > 0)"' <<<"$output"
	assert_output "group:50 false 10 true null true"
	run -0 kmemlab bench --method per-op --iterations 100 -J -o DISPATCH
	run -0 jq -r '.bench[0].dispatch' <<<"$output"
	assert_output null
	run -0 kmemlab bench --method group:50 --pattern batch:100 --iterations 500 -J -o METHOD,GROUPS,GROUP-FREE
	run -0 jq -r '.bench[0] | "\(.method) \(.groups) \(."group-free" > 0)"' <<<"$output"
	assert_output "group:100 5 true"
	run -2 kmemlab bench --method group:1
	assert_output --partial "2 to $(uapi KMEMLAB_BENCH_GROUP_MAX)"
	run -2 kmemlab bench --clock hpet
	assert_output --partial "give ktime or cycles"
}

@test "--clock cycles: times in ns from the counter's rate, and the clock named" {
	[[ $(uname -m) == @(x86_64|i?86|aarch64) ]] || skip "no known counter rate on $(uname -m)"
	run -0 kmemlab bench --clock cycles --method per-op --iterations 200 -J -o CLOCK,ALLOC-MEDIAN,OVERHEAD
	run -0 jq -r '.bench[0] | "\(.clock | test("^cycles@")) \(."alloc-median" >= 0) \(.overhead >= 0)"' <<<"$output"
	assert_output "true true true"
}

@test "the group method agrees with a plain loop of no kmemlab code: kmalloc 64 B, A/B/A" {
	# A B A B ... A, each side's lowest median: the host only ever slows
	# a figure down. A figure is a few milliseconds of work, so a host
	# busy for longer than the whole run can still move it: a ratio out
	# of the band is measured once more, and fails when it is out again.
	local try ratio
	for try in 1 2; do
		run -0 env ROUNDS=3 ITERATIONS=301 "$REPO/scripts/bench" --accuracy kmalloc 64
		echo "# try $try: ${output#accuracy: }" >&3
		# The bench's own calls are timed in a null group before each
		# group and taken off (0.92 to 1.05 measured on 6.1, 7.2, i386
		# and both arm64 targets; 1.10 to 1.25 before). make bench
		# prints the four points the README quotes.
		ratio=${output##* }
		awk -v r="$ratio" 'BEGIN { exit !(r > 0.8 && r < 1.25) }' && return 0
	done
	fail "the ratio of the lowest medians, $ratio, was out of 0.8 to 1.25 twice"
}

@test "--repeat N runs the sweep N times, interleaved, with each round's median and their spread" {
	run -0 kmemlab bench --size 64,4k --repeat 3 --iterations 200 --warmup 20 -J \
		-o SIZE,REPEATS,MEDIANS,SPREAD,ALLOC-MEDIAN,GROUP-ALLOC
	echo "$output" >"$BATS_TEST_TMPDIR/r.json"
	run -0 jq -r '.bench[] | "\(.size) \(.repeats) \(.medians | split(",") | length)"' \
		"$BATS_TEST_TMPDIR/r.json"
	assert_output "64 3 3
4096 3 3"
	# The table's run is the last round: its headline is the last median.
	run -0 jq -e 'all(.bench[]; (.medians | split(",") | last | tonumber) ==
		(."group-alloc" // ."alloc-median"))' "$BATS_TEST_TMPDIR/r.json"
	# SPREAD is (max - min) / mean of the medians, in %.
	run -0 jq -e 'all(.bench[]; (.medians | split(",") | map(tonumber)) as $m |
		((($m | max) - ($m | min)) * 100 / ($m | add / length)) as $s |
		(.spread - $s | fabs) < 0.1)' "$BATS_TEST_TMPDIR/r.json"
	run -2 kmemlab bench --repeat 0
	assert_output --partial "--repeat 0"
}

@test "--repeat N: each ratio's lowest and highest over the rounds, round by round" {
	run -0 kmemlab bench --api kmalloc,kzalloc --size 64 --repeat 3 --iterations 200 \
		--warmup 20 --method per-op -J -o API,MEDIANS
	echo "$output" >"$BATS_TEST_TMPDIR/r.json"
	# Round k's ratio is round k's kzalloc median over round k's kmalloc
	# median: the range is their lowest and highest (to 3 digits).
	run -0 jq -e '[.bench[] | .medians | split(",") | map(tonumber)] as [$k, $z] |
		[range(3) | $z[.] / $k[.]] as $r | .ratios[0] as $x |
		$x.compare == "kzalloc/kmalloc" and
		(($x."rounds-min" - ($r | min)) | fabs) <= ($r | min) / 100 and
		(($x."rounds-max" - ($r | max)) | fabs) <= ($r | max) / 100 and
		$x."rounds-min" <= $x."rounds-max"' "$BATS_TEST_TMPDIR/r.json"
	# For people the columns come only with rounds; JSON always has the keys.
	run -0 kmemlab bench --api kmalloc,kzalloc --size 64 --repeat 2 --iterations 50 --warmup 5
	assert_output --partial "ROUNDS-MIN"
	run -0 kmemlab bench --api kmalloc,kzalloc --size 64 --iterations 50 --warmup 5
	refute_output --partial "ROUNDS-MIN"
	run -0 kmemlab bench --api kmalloc,kzalloc --size 64 --iterations 50 --warmup 5 -J
	run -0 jq -e '.ratios[0] | has("rounds-min") and ."rounds-min" == null' <<<"$output"
}
