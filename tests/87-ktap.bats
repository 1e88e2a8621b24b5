#!/usr/bin/env bats
# The kselftest entry point (tests/selftest/kmemlab.sh): KTAP v1 that the
# kernel's own parser (kunit_parser.py, via tests/ktap-parse) reads without
# an error, with the counts the script prints, one case per row of the
# driver's tables, and kselftest's exit codes.

load helpers

KSFT=$REPO/tests/selftest/kmemlab.sh

setup_file() {
	fresh_module
	local status=0
	"$KSFT" >"$BATS_FILE_TMPDIR/run.ktap" || status=$?
	echo "$status" >"$BATS_FILE_TMPDIR/run.status"
	ktap-parse "$BATS_FILE_TMPDIR/run.ktap" >"$BATS_FILE_TMPDIR/parsed" \
		2>"$BATS_FILE_TMPDIR/parser.log" || true
}

# The parser's verdict on each case: "STATUS SUITE/CASE" lines.
parsed() { cat "$BATS_FILE_TMPDIR/parsed"; }

@test "every case passes or skips, exit 0, and the kernel's KTAP parser agrees" {
	local totals
	[[ $(cat "$BATS_FILE_TMPDIR/run.status") -eq 0 ]] || fail "$(cat "$BATS_FILE_TMPDIR/run.ktap")"
	run -0 ktap-parse "$BATS_FILE_TMPDIR/run.ktap"
	# The parser's counts are the script's own "# Totals" line.
	totals=$(sed -n 's/^# Totals: pass:\([0-9]*\) fail:\([0-9]*\) .* skip:\([0-9]*\) .*/\1 \2 \3/p' \
		"$BATS_FILE_TMPDIR/run.ktap")
	read -r pass failed skipped <<<"$totals"
	((pass > 0))
	assert_line "passed $pass failed 0 skipped $skipped crashed 0 errors 0"
	[[ $failed -eq 0 ]]
	# Five suites, each a subtest with its own plan.
	run -0 grep -c '^    # Subtest: ' "$BATS_FILE_TMPDIR/run.ktap"
	assert_output 5
}

@test "each API of the driver's table is one case: the kernel's pass, the others skip with its reason" {
	local want
	want=$(kmemlab apis -o NAME,AVAILABLE -n -r |
		awk '{ print ($2 == "yes" ? "SUCCESS" : "SKIPPED") " apis/" $1 }')
	[[ -n $want ]]
	run -0 grep ' apis/' "$BATS_FILE_TMPDIR/parsed"
	assert_output "$want"
	# A skip gives the driver's reason, as 'kmemlab apis' names it.
	want=$(kmemlab apis -o NAME,AVAILABLE -n -r | awk -v r="$(uname -r)" '
		$2 != "yes" { print $1 " # SKIP " r ": " $2 }')
	run -0 sed -n "s/^    ok [0-9]* \(.* # SKIP $(uname -r): .*\)\$/\1/p" "$BATS_FILE_TMPDIR/run.ktap"
	assert_output "$want"
}

@test "each claim of kmemlab facts is one case, its verdict a diagnostic line" {
	run -0 grep ' facts/' "$BATS_FILE_TMPDIR/parsed"
	refute_output --regexp '^(FAILURE|TEST_CRASHED|NO_TESTS)'
	[[ $(cut -d/ -f2 <<<"$output") == "$(kmemlab facts --list -o ID -n)" ]]
	run -0 grep -E '^    # kmalloc-large: (holds|does not hold|depends): ' "$BATS_FILE_TMPDIR/run.ktap"
}

@test "a failing case is 'not ok', the run exits 1, and the parser counts the failure" {
	local fake=$BATS_TEST_TMPDIR/kmemlab n
	# A CLI whose allocations fail: every available API's case fails.
	cat >"$fake" <<-EOF2
		#!/bin/bash
		[[ \$1 == alloc ]] && { echo injected; exit 1; }
		exec $(command -v kmemlab) "\$@"
	EOF2
	chmod +x "$fake"
	n=$(kmemlab apis -o NAME,AVAILABLE -n -r | grep -c ' yes$')
	run -1 env KMEMLAB="$fake" "$KSFT" apis
	assert_line --regexp '^not ok 1 apis$'
	assert_line --partial "# Totals: pass:0 fail:$n "
	run -0 ktap-parse <<<"$output"
	assert_line --regexp "^passed 0 failed $n skipped [0-9]+ crashed 0 errors 0\$"
}

@test "without root the whole run is one SKIP and exit 4, as kselftest's" {
	run -4 as_user "$KSFT"
	assert_output "KTAP version 1
1..0 # SKIP needs root (loads a module, binds devices)"
}

@test "an unknown suite is a usage error naming the suites" {
	run -2 "$KSFT" module nonsense
	assert_output "kmemlab.sh: no suite 'nonsense' (module facts apis refusals unbind)"
}

@test "with the module not loaded it loads it and unloads it after" {
	unload_module
	run -0 "$KSFT" module
	assert_line "ok 1 module"
	[[ ! -d /sys/module/kmemlab ]]
	fresh_module
}
