#!/usr/bin/env bats
# tests/check itself, on the host, with a fake VM runner in place of
# tests/vm/run (KMEMLAB_VM_RUNNER): whatever a boot's VM leaves behind, each
# boot gets its line, the boots after it still run, and the last line is
# the totals. .ci/run runs this before the VM boots.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
	export REPO
}

# The fake runner: a boot's VM prints FAKE/<boot>.tap (default: two passing
# tests), leaves FAKE/<boot>.dmesg as its kernel log (default: a clean one;
# none at all when FAKE/<boot>.nolog exists), exits with FAKE/<boot>.rc
# (default 0), and with FAKE/<boot>.kill sends tests/check a SIGTERM first.
# Its arguments are kept in FAKE/<boot>.args.
setup() {
	FAKE=$BATS_TEST_TMPDIR/fake
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$FAKE"
	cat >"$FAKE/run" <<'EOF'
#!/usr/bin/env bash
args="$*"
while [[ $# -gt 0 ]]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--) break ;;
	*) shift ;;
	esac
done
boot=$(basename "$(dirname "$out")")
mkdir -p "$out"
echo "$args" >"$FAKE/$boot.args"
if [[ -f $FAKE/$boot.tap ]]; then cat "$FAKE/$boot.tap"; else printf '1..2\nok 1 a\nok 2 b\n'; fi
if [[ -f $FAKE/$boot.dmesg ]]; then
	cp "$FAKE/$boot.dmesg" "$out/dmesg.txt"
elif [[ ! -f $FAKE/$boot.nolog ]]; then
	echo "[    0.000000] Linux version 6.1.0-fake" >"$out/dmesg.txt"
fi
[[ ! -f $FAKE/$boot.kill ]] || kill -TERM "$PPID"
exit "$(cat "$FAKE/$boot.rc" 2>/dev/null || echo 0)"
EOF
	chmod +x "$FAKE/run"
	# Only the boots: the host's part of the suite is tests/host/docs.bats.
	export FAKE KMEMLAB_VM_RUNNER=$FAKE/run KMEMLAB_CHECK_HOST=0
}

check() {
	"$REPO/tests/check" --kver 6.1 --out "$OUT" "$@"
}

# The number of boots tests/check knows, from its own list.
nboots() {
	sed -n '/^boots=(/,/^)/p' "$REPO/tests/check" | grep -c '^	"'
}

# A slub_debug report as the 6.12 guest printed them: 100 lines, most of
# them a hex dump of the object.
splat() {
	local i
	echo "[    4.728646] [Object padding overwritten] 0xff36deae8320f078-0xff36deae8320f07f @offset=28792. First byte 0x0 instead of 0x5a"
	echo "[    4.729362] ============================================================================="
	echo "[    4.729571] BUG kmalloc-2k (Tainted: G           OE     ): Object corrupt"
	echo "[    4.729786] Allocated in kmemlab_devm_kzalloc+0x23/0x30 [kmemlab] age=29 cpu=0 pid=184"
	echo "[    4.729950] WARNING: CPU: 0 PID: 752 at mm/slub.c:1127 object_err+0x1dc/0x2c0"
	echo "[    4.729950] Call Trace:"
	for i in $(seq 94); do
		printf '[    4.730%03d] Object   ff36deae8320%04x: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n' "$i" "$((i * 16))"
	done
}

@test "a fake boot whose kernel log has fifty 100-line splats fails that boot; all boots and the totals still print" {
	local i n
	for i in $(seq 50); do
		splat
	done >"$FAKE/default.dmesg"
	n=$(nboots)
	run -1 check
	assert_line "not ok - boot default: the guest kernel log is clean"
	assert_line --partial "200 line(s) of $OUT/default/vm/dmesg.txt match"
	# The excerpt is cut at 40 lines.
	[[ $(grep -cE '^#   ([0-9]+[:-]|--$)' <<<"$output") -eq 40 ]]
	assert_line --regexp "^boot default: 2 passed, 1 failed, 0 skipped \\([0-9]+ s\\)$"
	assert_line --regexp '^boot stress: 3 passed, 0 failed, 0 skipped'
	[[ $(grep -cE '^boot [^:]+: [0-9]+ passed' <<<"$output") -eq $n ]]
	assert_equal "${lines[-1]}" "$((3 * n - 1)) passed, 1 failed, 0 skipped"
}

@test "a VM that never reported, a short TAP stream and a missing kernel log each fail their boot" {
	printf '1..5\nok 1 a\n' >"$FAKE/default.tap"
	echo 255 >"$FAKE/default.rc"
	printf '1..3\nok 1 a\nok 2 b\n' >"$FAKE/slub_debug.tap"
	touch "$FAKE/install.nolog"
	printf '1..2\nok 1 a\nnot ok 2 b\n' >"$FAKE/stress.tap"
	echo 1 >"$FAKE/stress.rc"
	run -1 check
	assert_line "not ok - boot default: the VM never reported a status"
	assert_line "not ok - boot slub_debug: TAP stream incomplete (plan 3, got 2, exit 0)"
	assert_line "not ok - boot install: no guest kernel log saved"
	assert_line --regexp '^boot default: 2 passed, 1 failed'
	assert_line --regexp '^boot slub_debug: 3 passed, 1 failed'
	assert_line --regexp '^boot install: 2 passed, 1 failed'
	assert_line --regexp '^boot stress: 2 passed, 1 failed'
	assert_equal "${lines[-1]}" "$((3 * $(nboots) - 3)) passed, 4 failed, 0 skipped"
}

@test "stopped by a signal in the middle, it still prints the boots so far and the totals" {
	touch "$FAKE/slub_debug.kill"
	run check
	assert_equal "$status" 143
	assert_line --regexp '^boot default: 3 passed, 0 failed'
	assert_line "not ok - check: stopped early (exit 143)"
	refute_line --regexp '^boot install:'
	# The boot the signal came in may or may not have been counted.
	assert_regex "${lines[-1]}" '^[36] passed, 1 failed, 0 skipped$'
}

@test "--boot runs only the boots named, and a skip is counted apart" {
	printf '1..3\nok 1 a\nok 2 b # skip no reason\nok 3 c\n' >"$FAKE/install.tap"
	run -0 check --boot install
	assert_line --regexp "^boot install: 3 passed, 0 failed, 1 skipped \\([0-9]+ s\\)$"
	assert_equal "${lines[-1]}" "3 passed, 0 failed, 1 skipped"
}

@test "the debug kernel's faults boot runs only when --boot names it" {
	run -0 "$REPO/tests/check" --kver debug --out "$OUT"
	assert_line --regexp "^boot suite-1: "
	assert_line --regexp "^boot suite-2: "
	assert_line --regexp "^boot suite-3: "
	assert_line --regexp "^boot stress: "
	refute_line --regexp "^boot default: "
	refute_line --regexp "^boot faults: "
	run -0 "$REPO/tests/check" --kver debug --out "$OUT" --boot faults
	assert_line --regexp "^boot faults: 3 passed, 0 failed, 0 skipped"
	refute_line --regexp "^boot (suite-[0-9]|stress): "
}

# One --timeout per boot: its own, the default, or KMEMLAB_VM_TIMEOUT;
# three times as long on arm64.
@test "the stress boot has its own timeout, arm64 triple, and KMEMLAB_VM_TIMEOUT is every boot's" {
	run -0 check --boot stress --boot default
	assert_line --partial "# boot stress: kernel 6.1, --mem 2G --udev --smp 2, timeout 1200 s,"
	[[ $(grep -o -- --timeout "$FAKE/stress.args" | wc -l) == 1 ]]
	[[ $(<"$FAKE/stress.args") == *"--timeout 1200 "* ]]
	[[ $(<"$FAKE/default.args") == *"--timeout 2400 "* ]]
	run -0 check --kver 6.1-arm64 --boot stress --boot default
	[[ $(<"$FAKE/stress.args") == *"--timeout 3600 "* ]]
	[[ $(<"$FAKE/default.args") == *"--timeout 7200 "* ]]
	KMEMLAB_VM_TIMEOUT=99 run -0 check --kver 6.1-arm64 --boot stress --boot default
	[[ $(<"$FAKE/stress.args") == *"--timeout 99 "* && $(<"$FAKE/stress.args") != *1200* ]]
	[[ $(<"$FAKE/default.args") == *"--timeout 99 "* ]]
}

@test "the whole suite starts with the host's checks of the documents, counted; --boot leaves them out" {
	local n docs
	n=$(nboots)
	KMEMLAB_CHECK_HOST=1 run -0 check
	assert_line "# host docs: tests/host/docs.bats, on the build host"
	assert_line --regexp '^host docs: [0-9]+ passed, 0 failed, [0-9]+ skipped \([0-9]+ s\)$'
	docs=$(sed -n 's/^host docs: \([0-9]*\) passed, 0 failed, \([0-9]*\) skipped.*/\1 \2/p' <<<"$output")
	assert_equal "${lines[-1]}" "$((3 * n + ${docs% *})) passed, 0 failed, ${docs#* } skipped"
	KMEMLAB_CHECK_HOST=1 run -0 check --boot install
	refute_line --partial "host docs"
}
