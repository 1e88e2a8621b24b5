#!/usr/bin/env bats
# scripts/facts-table: README's table of verdicts, one column per kernel,
# from the facts.json each test boot leaves.

bats_require_minimum_version 1.5.0
REPO=$(cd "$(dirname "$BATS_TEST_FILENAME")/../.." && pwd)
bats_load_library bats-support
bats_load_library bats-assert

setup() {
	cat >"$BATS_TEST_TMPDIR/a.json" <<'JSON'
{"release": "6.1.0-1-amd64", "boot": "console=ttyS0", "facts": [
 {"id": "one", "claim": "a | b", "observed": "x", "verdict": "holds"},
 {"id": "two", "claim": "c", "observed": "y", "verdict": "depends"}]}
JSON
	cat >"$BATS_TEST_TMPDIR/b.json" <<'JSON'
{"release": "7.2.1+deb14-amd64", "boot": "", "facts": [
 {"id": "two", "claim": "c", "observed": "z", "verdict": "not checked"}]}
JSON
}

@test "one column per kernel in the order given, a dash where a kernel lacks the claim" {
	run -0 "$REPO/scripts/facts-table" "$BATS_TEST_TMPDIR/a.json" "$BATS_TEST_TMPDIR/b.json"
	assert_line '| Claim | `6.1.0-1-amd64` | `7.2.1+deb14-amd64` |'
	assert_line '| a \| b | holds | — |'
	assert_line '| c | depends | not checked |'
	assert_line '- **two**: z'
}

@test "--update replaces only what lies between the markers" {
	printf '%s\n' before '<!-- facts-table -->' old '<!-- /facts-table -->' after \
		>"$BATS_TEST_TMPDIR/R.md"
	run -0 "$REPO/scripts/facts-table" --update "$BATS_TEST_TMPDIR/R.md" "$BATS_TEST_TMPDIR/a.json"
	run -0 cat "$BATS_TEST_TMPDIR/R.md"
	assert_line --index 0 before
	assert_line --index 1 '<!-- facts-table -->'
	refute_line old
	assert_line '| c | depends |'
	assert_line --index $((${#lines[@]} - 1)) after
}

@test "a file that is not a boot's facts.json is refused by name" {
	echo '{}' >"$BATS_TEST_TMPDIR/bad.json"
	run -1 "$REPO/scripts/facts-table" "$BATS_TEST_TMPDIR/bad.json"
	assert_output --partial "bad.json is not a facts.json"
}
