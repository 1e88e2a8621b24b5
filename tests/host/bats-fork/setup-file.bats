# A fixture of tests/host/bats-fork.bats, run by the Bats it tests.
# A setup_file that fails.
setup_file() { echo "why"; return 3; }
@test "never runs" { true; }
