#!/usr/bin/env bats
# BENCH and NOP through the raw ABI: every API the bench runs gives whole,
# ordered distributions; threads, patterns and contexts do what they say;
# each bad request gets its errno before anything is allocated; limits and
# signals stop a bench with nothing left behind.

load helpers

PARAMS=/sys/module/kmemlab/parameters
DEV=/sys/bus/platform/devices/kmemlab.0

# "allocations bytes" of API $1 live on device 0.
api_live() { echo "$(cat "$DEV/live_allocs/$1") $(cat "$DEV/live_bytes/$1")"; }

# Every result field; bench() sets a shell variable of each name.
OUTS=('?a_count' '?a_min' '?a_median' '?a_p90' '?a_p99' '?a_max' '?a_mean'
      '?a_stddev' '?f_count' '?f_min' '?f_median' '?f_p90' '?f_p99' '?f_max'
      '?f_mean' '?f_stddev' '?overhead' '?elapsed_ns' '?ops_per_sec'
      '?failures' '?samples_out' '?result' '?cpus' '?clock_hz'
      '?dispatch' '?reason')

# A kmalloc 64 B pair bench of one thread; tests add or override fields.
KMALLOC=(api=1 context=1 size=64 gfp=1 pattern=1 threads=1)

setup() {
	echo 1048576 >"$PARAMS/bench_max_samples"
	echo 10000 >"$PARAMS/bench_max_ms"
	echo $((64 << 20)) >"$PARAMS/max_bytes"
	kmemlab free --all >/dev/null
}

# abi-probe bench "$@": must succeed; each result lands in its variable.
bench() {
	local kv
	run -0 abi-probe bench "$@" "${OUTS[@]}"
	assert_output --regexp '^OK '
	for kv in ${output#OK }; do
		printf -v "${kv%%=*}" '%s' "${kv#*=}"
	done
}

# The distribution with prefix $1 (a_ or f_) holds $2 samples, in order.
assert_dist() {
	local p=$1 n=$2
	(( ${p}count == n )) || fail "${p}count is $((${p}count)), not $n"
	(( ${p}min <= ${p}median && ${p}median <= ${p}p90 &&
	   ${p}p90 <= ${p}p99 && ${p}p99 <= ${p}max )) ||
		fail "${p}: min $((${p}min)) median $((${p}median)) p90 $((${p}p90)) p99 $((${p}p99)) max $((${p}max)) out of order"
	(( ${p}min <= ${p}mean && ${p}mean <= ${p}max )) ||
		fail "${p}: mean $((${p}mean)) outside [$((${p}min)), $((${p}max))]"
	(( ${p}max > 0 )) || fail "${p}: every sample is 0"
}

# A complete bench of $1 allocations (and as many frees), nothing left live.
assert_complete() {
	local n=$1
	assert_dist a_ "$n"
	assert_dist f_ "$n"
	(( failures == 0 )) || fail "$failures failures"
	(( overhead > 0 )) || fail "no timer overhead reported"
	(( elapsed_ns > 0 && ops_per_sec > 0 )) || fail "elapsed $elapsed_ns, ops/s $ops_per_sec"
	(( result == 0 )) || fail "result $result"
	: "${NPROC:=$(nproc)}"
	(( cpus == NPROC )) || fail "cpus $cpus, nproc $NPROC"
	(( dispatch == 0 && reason == 0 )) || fail "dispatch $dispatch or reason $reason not zero"
	# ktime's rate, unless a test asked for the cycle counter (its own check)
	(( clock_hz == 1000000000 || clock_rate_free )) || fail "clock_hz $clock_hz for ktime"
	[[ $(live_allocs) -eq 0 ]] || fail "live_allocs $(live_allocs) after the bench"
}

@test "NOP returns 0 and leaves nothing" {
	run -0 abi-probe nop
	assert_output "OK"
	[[ $(live_allocs) -eq 0 ]]
}

@test "kmalloc 64 B pairs: every op timed, percentiles in order" {
	bench "${KMALLOC[@]}" iterations=2000 warmup=100
	assert_complete 2000
}

@test "every API the bench runs completes with whole distributions" {
	local name value max props tsize gfp size n=0
	# Every API the kernel has but the ones the driver says bench cannot time.
	while read -r name value max props tsize gfp; do
		[[ ,$props, == *,no-bench,* ]] && continue
		size=$((max < 4096 ? max : 4096))
		[[ $tsize == - ]] || size=$tsize
		bench api=$((value)) context=1 size="$size" gfp="$(gfp_default "$gfp")" \
			pattern=1 threads=1 iterations=200
		assert_complete 200
		n=$((n + 1))
	done < <(apis_here NAME,VALUE,MAX,PROPERTIES,TYPE-SIZE,GFP -b)
	(( n >= 12 )) || fail "only $n APIs benched"
}

@test "a kmem_cache bench leaves no cache behind" {
	bench api=13 context=1 size=200 gfp=1 pattern=2 batch=50 threads=1 iterations=200
	assert_complete 200
	run -1 grep -c 'kmemlab[0-9]*-bench' /proc/slabinfo
	assert_output "0"
}

@test "two threads time twice the iterations, one per CPU" {
	(( $(nproc) >= 2 )) || skip "one CPU"
	bench "${KMALLOC[@]}" threads=2 iterations=1000
	assert_complete 2000
}

@test "batches: N allocations then N frees, a last short batch included" {
	bench "${KMALLOC[@]}" pattern=2 batch=100 iterations=1000
	assert_complete 1000
	bench "${KMALLOC[@]}" pattern=2 batch=100 iterations=250
	assert_complete 250
}

@test "GFP_ATOMIC kmalloc benches in atomic, softirq and hardirq context" {
	local ctx
	for ctx in 2 3 4; do
		bench "${KMALLOC[@]}" context=$ctx gfp=2 threads="$(nproc)" iterations=1000
		assert_complete $((1000 * $(nproc)))
	done
}

@test "batches longer than a chunk work in hardirq context" {
	bench api=13 context=4 size=96 gfp=2 pattern=2 batch=600 threads=1 iterations=1200
	assert_complete 1200
}

@test "cycles: the cycle counter's timing gives ordered distributions too" {
	bench "${KMALLOC[@]}" iterations=1000 flags="$(uapi KMEMLAB_BENCH_CYCLES)"
	clock_rate_free=1 assert_complete 1000
}

@test "raw samples are the ones the statistics were made of" {
	bench "${KMALLOC[@]}" threads="$(nproc)" iterations=500 samples=5000 \
		'?x_amin' '?x_amax' '?x_fmin' '?x_fmax'
	assert_complete $((500 * $(nproc)))
	(( samples_out == 500 * $(nproc) ))
	assert_output --partial " x_amin=$a_min x_amax=$a_max x_fmin=$f_min x_fmax=$f_max"
}

@test "too short sample arrays are filled and the cut is reported" {
	bench "${KMALLOC[@]}" iterations=500 samples=10
	assert_dist a_ 500
	(( samples_out == 10 ))
	(( result == 2 ))	# KMEMLAB_BENCH_SAMPLES_CUT
}

@test "an unwritable sample array is EFAULT, with nothing left live" {
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=100 alloc_samples=8 samples_len=100
	assert_output "EFAULT"
	[[ $(live_allocs) -eq 0 ]]
}

@test "iterations 0 and threads 0 are EINVAL" {
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=0
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 threads=0
	assert_output "EINVAL"
}

@test "more samples than bench_max_samples is E2BIG, over all threads" {
	echo 1000 >"$PARAMS/bench_max_samples"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=1001
	assert_output "E2BIG"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=1000
	assert_output "OK"
	if (( $(nproc) >= 2 )); then
		run -0 abi-probe bench "${KMALLOC[@]}" iterations=501 threads=2
		assert_output "E2BIG"
	fi
}

@test "more threads than online CPUs is E2BIG" {
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 threads=$(($(nproc) + 1))
	assert_output "E2BIG"
}

@test "an unknown API, context, pattern or flag is EINVAL" {
	local bad
	for bad in api=0 api=99 context=0 context=5 pattern=0 pattern=3 flags=2; do
		run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 "$bad"
		assert_output "EINVAL"
	done
}

@test "the APIs the driver describes as no-bench are EINVAL with that reason" {
	local value props n=0
	while read -r value props; do
		[[ ,$props, == *,no-bench,* ]] || continue
		run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 api=$((value)) '?reason'
		assert_output "EINVAL reason=$(uapi KMEMLAB_REASON_NOT_BENCHABLE)"
		n=$((n + 1))
	done < <(apis_here VALUE,PROPERTIES)
	(( n > 0 )) || fail "no API is described as no-bench"
}

@test "vmalloc and GFP_KERNEL outside process context are EINVAL, as for ALLOC" {
	run -0 abi-probe bench api=3 context=2 size=4096 gfp=1 pattern=1 threads=1 iterations=10
	assert_output "EINVAL"
	run -0 abi-probe alloc api=3 context=2 size=4096 gfp=1
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" context=4 iterations=10
	assert_output "EINVAL"
}

@test "size and gfp are checked as ALLOC checks them" {
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 size=0
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 size=0x10000000
	assert_output "E2BIG"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 gfp=3
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 gfp=0x100
	assert_output "EINVAL"
}

@test "reserved bytes are EINVAL" {
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 reserved0=1
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 reserved3=0x100
	assert_output "EINVAL"
}

@test "a batch size must go with the batch pattern, 2 to iterations" {
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 batch=4
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 pattern=2 batch=0
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 pattern=2 batch=1
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 pattern=2 batch=11
	assert_output "EINVAL"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 samples_len=10
	assert_output "EINVAL"
}

@test "objects in flight beyond the quota are ENOSPC" {
	# 2000 x 64 KiB = 125 MiB held at once, above the 64 MiB default
	run -0 abi-probe bench "${KMALLOC[@]}" size=65536 pattern=2 batch=2000 iterations=2000
	assert_output "ENOSPC"
	[[ $(live_allocs) -eq 0 ]]
}

@test "a bench's own memory counts against max_bytes: alone, and beside another bench" {
	local i seen=""
	# 1M samples are 16 MB of sample arrays: 24 MiB holds one such bench.
	echo $((24 << 20)) >"$PARAMS/max_bytes"
	echo 4000 >"$PARAMS/bench_max_ms"
	# A long one (vmalloc 64 KiB pairs), seen running by its object in flight.
	abi-probe bench api=3 context=1 size=65536 gfp=1 pattern=1 threads=1 \
		iterations=1000000 >"$BATS_TEST_TMPDIR/first" &
	for i in {1..50}; do
		seen=$(api_live vmalloc)
		[[ $seen == "0 0" ]] || break
		sleep 0.1
	done
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=1000000
	wait
	assert_equal "$seen" "1 65536"
	assert_output "ENOSPC"
	run -0 cat "$BATS_TEST_TMPDIR/first"
	assert_output "OK"
	# Alone: 1M samples cannot fit in 8 MiB; 100k samples (1.6 MB) can.
	echo $((8 << 20)) >"$PARAMS/max_bytes"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=1000000
	assert_output "ENOSPC"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=100000
	assert_output "OK"
	[[ $(live_allocs) -eq 0 ]]
}

@test "objects in flight are charged while the bench runs, and only they" {
	local seen="" i pid
	abi-probe bench api=3 context=1 size=65536 gfp=1 pattern=2 batch=4 \
		threads=1 iterations=1000000 alarm=6000 >"$BATS_TEST_TMPDIR/out" &
	pid=$!
	for i in {1..50}; do
		seen=$(api_live vmalloc)
		[[ $seen == "0 0" ]] || break
		sleep 0.1
	done
	# Seen (or never, after 5 s): the alarm's signal, now rather than at
	# 6 s, stops the bench as the alarm would.
	kill -ALRM "$pid"
	wait "$pid"
	assert_equal "$seen" "4 262144"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_output "EINTR"
	[[ $(live_allocs) -eq 0 ]]
}

@test "a signal stops a bench within seconds: EINTR, nothing left live" {
	local t0 ms
	t0=${EPOCHREALTIME/./}
	run -0 abi-probe bench api=3 context=1 size=65536 gfp=1 pattern=1 \
		threads="$(nproc)" iterations=500000 alarm=1000
	ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
	assert_output "EINTR"
	(( ms < 5000 )) || fail "took $ms ms"
	[[ $(live_allocs) -eq 0 ]]
	[[ $(live_bytes) -eq 0 ]]
}

@test "a signal in hardirq batches or during warm-up is EINTR too" {
	# 4M timed operations: seconds even on one CPU, far past the alarm;
	# their 64 MiB of samples need a quota above the default 64 MiB.
	echo 4194304 >"$PARAMS/bench_max_samples"
	echo $((128 << 20)) >"$PARAMS/max_bytes"
	run -0 abi-probe bench api=1 context=4 size=64 gfp=2 pattern=2 batch=1000 \
		threads="$(nproc)" iterations=$((4194304 / $(nproc))) alarm=300
	assert_output "EINTR"
	run -0 abi-probe bench "${KMALLOC[@]}" iterations=10 warmup=100000000 alarm=1000
	assert_output "EINTR"
	[[ $(live_allocs) -eq 0 ]]
}

@test "bench_max_ms cuts a long bench: TIME_CAPPED, frees still counted" {
	echo 300 >"$PARAMS/bench_max_ms"
	bench api=3 context=1 size=65536 gfp=1 pattern=2 batch=8 threads=1 iterations=500000
	(( result == 1 ))	# KMEMLAB_BENCH_TIME_CAPPED
	(( a_count > 0 && a_count < 500000 )) || fail "a_count $a_count"
	(( f_count == a_count ))
	[[ $(live_allocs) -eq 0 ]]
}

@test "the limits are module parameters with descriptions" {
	run -0 modinfo -p "$KO"
	assert_output --partial "bench_max_samples:"
	assert_output --partial "bench_max_ms:"
}

@test "no bench left a warning in the kernel log" {
	run -0 dmesg
	refute_output --regexp "WARNING|BUG|Call Trace|soft lockup|hard LOCKUP|detected stall"
}

@test "GROUPED pairs: one sample per group, the pair's cost in alloc, none in free" {
	bench "${KMALLOC[@]}" flags="$(uapi KMEMLAB_BENCH_GROUPED)" batch=50 iterations=1000
	assert_dist a_ 20
	(( f_count == 0 && failures == 0 && result == 0 )) || fail "f_count $f_count"
	(( clock_hz == 1000000000 ))
	# The bench's own calls, timed with an allocator that does nothing:
	# they cost something, and less than kmalloc's and kfree's work.
	(( dispatch > 0 && dispatch < a_median )) || fail "dispatch $dispatch, a_median $a_median"
	[[ $(live_allocs) -eq 0 ]]
	# A last, short group is timed too.
	bench "${KMALLOC[@]}" flags="$(uapi KMEMLAB_BENCH_GROUPED)" batch=64 iterations=130
	assert_dist a_ 3
}

@test "GROUPED batches: a batch's allocations, then its frees, one sample each" {
	bench "${KMALLOC[@]}" flags="$(uapi KMEMLAB_BENCH_GROUPED)" pattern=2 batch=100 \
		iterations=1000
	assert_dist a_ 10
	assert_dist f_ 10
	[[ $(live_allocs) -eq 0 ]]
	# A group holds at most KMEMLAB_BENCH_GROUP_MAX operations, and a pair
	# group at least 2.
	run -0 abi-probe bench "${KMALLOC[@]}" flags="$(uapi KMEMLAB_BENCH_GROUPED)" \
		batch=$(($(uapi KMEMLAB_BENCH_GROUP_MAX) + 1)) iterations=1000 '?reason' '?rarg'
	assert_output "EINVAL reason=$(uapi KMEMLAB_REASON_FIELD) rarg=$(uapi KMEMLAB_FIELD_BATCH)"
	run -0 abi-probe bench "${KMALLOC[@]}" flags="$(uapi KMEMLAB_BENCH_GROUPED)" \
		batch=1 iterations=10 '?reason' '?rarg'
	assert_output "EINVAL reason=$(uapi KMEMLAB_REASON_FIELD) rarg=$(uapi KMEMLAB_FIELD_BATCH)"
}

@test "CYCLES: the cycle counter, with the rate the kernel gives" {
	bench "${KMALLOC[@]}" flags="$(uapi KMEMLAB_BENCH_CYCLES)" iterations=200
	assert_dist a_ 200
	case $(uname -m) in
	x86_64 | i?86 | aarch64) (( clock_hz > 0 )) || fail "no rate for the cycle counter" ;;
	*) (( clock_hz >= 0 )) ;;
	esac
}
