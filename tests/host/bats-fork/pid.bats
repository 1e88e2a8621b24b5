# A fixture of tests/host/bats-fork.bats, run by the Bats it tests.
# Where a new process and a fork differ: $$ is the test's own process only
# in a new one.
@test "the test has a process of its own" { [[ -d /proc/$BASHPID ]]; }
@test "the test's \$\$ is its own process" { [[ $$ == "$BASHPID" ]]; }
