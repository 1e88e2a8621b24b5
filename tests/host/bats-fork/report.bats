# A fixture of tests/host/bats-fork.bats, run by the Bats it tests.
bats_require_minimum_version 1.5.0
# Passes, failures, skips and output in every place Bats reports them.
setup_file() { export FILE_VAR=set; echo "setup_file's output"; }
setup() { [[ $BATS_TEST_NUMBER != 3 ]] || skip "setup skips"; echo "setup $BATS_TEST_NUMBER"; }
teardown() { echo "teardown $BATS_TEST_NUMBER"; [[ $BATS_TEST_NUMBER != 7 ]]; }
@test "passes" { [[ $FILE_VAR == set ]]; echo "not shown"; }
@test "stops at the first failing command" { echo before; false; echo after; }
@test "skipped by setup" { true; }
@test "skips" { skip "its own reason"; }
@test "run's status and output" { run -3 bash -c 'echo out; exit 3'; [[ $output == out ]]; }
@test "sets a variable" { LEAKED=1; export EXPORTED=1; }
@test "sees neither, and its teardown fails" { [[ -z ${LEAKED:-} && -z ${EXPORTED:-} ]]; }
@test "a failed assertion shows run's output" { run echo seen; [[ $output == other ]]; }
@test "exits" { exit 4; }
@test "fails in a function" {
	f() {
		false
		echo after
	}
	f
}
teardown_file() { echo "teardown_file's output"; false; }
