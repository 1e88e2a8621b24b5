#!/usr/bin/env bats
# tests/bats-copy on the build host: the copy of Bats the guest runs the
# suite with reports what Bats as installed reports, while each test runs
# in a fork of the file's process.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
	export REPO
}

# "$@" outside this Bats: none of its variables, and its libexec (where a
# "bats" is) off PATH, so that the Bats found is the installed one.
outside() {
	local dir path=
	local -a dirs
	IFS=: read -ra dirs <<<"$PATH"
	for dir in "${dirs[@]}"; do
		[[ $dir == *bats-core* ]] || path+=${path:+:}$dir
	done
	env -i HOME="$HOME" PATH="$path" ${KMEMLAB_BATS_FORK+KMEMLAB_BATS_FORK="$KMEMLAB_BATS_FORK"} "$@"
}

setup() {
	COPY=$BATS_TEST_TMPDIR/copy
	FIXTURES=$REPO/tests/host/bats-fork
}

# TAP of fixture $FIX run by Bats command $1 ("bats" is the installed one),
# with --timing, the paths of Bats' own files and the times made the same
# for both.
tap_of() {
	local out status=0
	out=$(outside "$1" --formatter tap --timing "$FIX" 2>&1) || status=$?
	out=${out//"$COPY"/BATS}
	out=${out//"$(installed_root)"/BATS}
	printf '%s\nexit %s\n' "$out" "$status" | sed -E 's/ in [0-9]+ms/ in Nms/'
}

# Only "--timing"'s times may differ: each test's line (not setup_file's or
# teardown_file's) has " in Nms".
timed() {
	grep -E '^(not )?ok [0-9]+ ' <<<"$1" | grep -vE ' in Nms( # skip.*)?$| (setup|teardown)_file failed$' &&
		return 1
	return 0
}

# Where the installed Bats is (its bin/, lib/ and libexec/).
installed_root() { dirname "$(dirname "$(outside readlink -f "$(outside sh -c 'command -v bats')")")"; }


@test "the copy runs each test in a fork of the file's process" {
	FIX=$FIXTURES/pid.bats
	run -0 outside "$REPO/tests/bats-copy" "$COPY"
	assert_output "$COPY/bin/bats"
	[[ -f $COPY/libexec/bats-core/bats-exec-test-forked ]]
	run -1 outside "$COPY/bin/bats" --formatter tap "$FIX"
	assert_line "ok 1 the test has a process of its own"
	assert_line 'not ok 2 the test'"'"'s $$ is its own process'
	run -0 outside bats --formatter tap "$FIX"
	assert_line 'ok 2 the test'"'"'s $$ is its own process'
}

@test "the copy reports passes, failures, skips and output as Bats does" {
	FIX=$FIXTURES/report.bats
	run -0 outside "$REPO/tests/bats-copy" "$COPY"
	installed=$(tap_of bats)
	# Not vacuous: the fixture passes, fails and skips.
	assert_equal "$(grep -c '^ok ' <<<"$installed")" 5
	assert_equal "$(grep -c '^not ok ' <<<"$installed")" 6
	[[ $installed == *"# before"* && $installed != *"# after"* ]]
	[[ $installed == *"exit 1" ]]
	timed "$installed"
	run -0 tap_of "$COPY/bin/bats"
	assert_output "$installed"
}

@test "a failing setup_file fails the file as it does in Bats" {
	FIX=$FIXTURES/setup-file.bats
	run -0 outside "$REPO/tests/bats-copy" "$COPY"
	installed=$(tap_of bats)
	[[ $installed == *"not ok 1 setup_file failed"* ]]
	run -0 tap_of "$COPY/bin/bats"
	assert_output "$installed"
}

@test "KMEMLAB_BATS_FORK=0 makes a copy that starts a process per test" {
	FIX=$FIXTURES/pid.bats
	KMEMLAB_BATS_FORK=0 run -0 outside "$REPO/tests/bats-copy" "$COPY"
	[[ ! -e $COPY/libexec/bats-core/bats-exec-test-forked ]]
	run -0 outside "$COPY/bin/bats" --formatter tap "$FIX"
	assert_line 'ok 2 the test'"'"'s $$ is its own process'
	run -0 head -n1 "$COPY/libexec/bats-core/bats-exec-test"
	assert_output "#!$BASH"
}

@test "a Bats whose scripts are not what the fork expects is copied unforked" {
	local root fake=$BATS_TEST_TMPDIR/fake
	root=$(installed_root)
	mkdir -p "$fake/bin" "$fake/lib" "$fake/libexec"
	cp "$root/bin/bats" "$fake/bin/"
	cp -r "$root/lib/bats-core" "$fake/lib/"
	cp -r "$root/libexec/bats-core" "$fake/libexec/"
	sed -i 's/|| bats_exec_file_status=\$?$/|| bats_exec_file_status=$? # changed/' \
		"$fake/libexec/bats-core/bats-exec-file"
	FIX=$FIXTURES/pid.bats
	PATH=$fake/bin:$PATH run -0 outside "$REPO/tests/bats-copy" "$COPY"
	[[ ! -e $COPY/libexec/bats-core/bats-exec-test-forked ]]
	run -0 outside "$COPY/bin/bats" --formatter tap "$FIX"
	assert_line 'ok 2 the test'"'"'s $$ is its own process'
}

@test "a Bats laid out otherwise runs as installed" {
	local fake=$BATS_TEST_TMPDIR/fake
	mkdir -p "$fake"
	printf '#!/bin/sh\nexit 0\n' >"$fake/bats"
	chmod +x "$fake/bats"
	PATH=$fake:$PATH run -0 outside "$REPO/tests/bats-copy" "$COPY"
	assert_output bats
}
