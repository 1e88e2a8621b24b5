# tests/bats-fork.bash - sourced by the copy of Bats 1.8's bats-exec-file
# that tests/bats-copy makes (tests/guest-suite runs the suite with it):
# each test runs in a fork of the file's process instead of a new bash.
#
# Bats execs bats-exec-test for every test: a new bash, which reads Bats'
# libraries, then the test file with helpers.bash, bats-support and
# bats-assert, before it runs one test. Under emulation that is most of
# what an empty test costs. The file's process has already read all of it
# (it sources the test file to run setup_file), so a fork of it has every
# function a new process would define. The fork runs bats-exec-test's own
# code (bats-exec-test-forked: the same script without those sources), so
# each test still has a process of its own, with its own variables, traps,
# temporary directory, output file and exit status, and the same TAP line.
#
# What differs from a new process: the test also sees what setup_file and
# the file's top level set without exporting it (do not rely on it: in Bats
# as installed, and with KMEMLAB_BATS_FORK=0, a test does not), and $$ is
# the file's process, not the test's ($BASHPID is the test's). Bats' own
# file names are built from $BASHPID in this copy.

# bats_fork_test ARGS...: one try of one test, in this process's fork.
# The fork starts with no traps and no stack trace, as a new process does.
bats_fork_test() {
	trap - DEBUG ERR INT
	unset BATS_DEBUG_LAST_STACK_TRACE_IS_VALID
	# shellcheck source=/dev/null
	source "$BATS_LIBEXEC/bats-exec-test-forked" "$@"
}

# bats_fork_test_with_retries ARGS...: bats_run_test_with_retries with the
# fork. Bats called that in a "||" list, where bash ignores set -e in
# everything the call runs, forks included: a failing command would no
# longer fail its test. This one is called as a plain statement, starts the
# fork in the background and waits for it.
bats_fork_test_with_retries() {
	local status try_number should_try_again=1
	for ((try_number = 1; should_try_again; ++try_number)); do
		bats_fork_test "$@" "$try_number" <&0 &
		status=0
		wait "$!" || status=$?
		should_try_again=0
		if ((status == BATS_RETRY_RETURN_CODE)); then
			should_try_again=1
		elif ((status != 0)); then
			bats_exec_file_status=$status
		fi
	done
}
