#!/usr/bin/env bats
# The cache's lock (lock_cache in scripts/common.bash): a second writer
# waits for the first, and a script the holder runs (scripts/setup runs
# scripts/debug-kernel) goes on under its parent's lock instead of waiting
# for itself, which once hung "scripts/setup debug" for good.

# The bash -c scripts read the repository as $1: single quotes on purpose.
# shellcheck disable=SC2016
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
	export KMEMLAB_CACHE=$BATS_TEST_TMPDIR/cache
	unset KMEMLAB_LOCK_FD
}

# locker CMD: a bash that takes the lock, then runs CMD (bash code).
locker() {
	bash -c '. "$1/scripts/common.bash"; lock_cache; eval "$2"' locker "$REPO" "$1"
}

@test "a script run by the lock's holder does not wait for the lock" {
	run -0 timeout 10 bash -c '
		. "$1/scripts/common.bash"; lock_cache
		timeout 5 bash -c ". \"$1/scripts/common.bash\"; lock_cache; echo child: \$kmemlab_lock_fd"
	' holder "$REPO"
	assert_output --regexp '^child: [0-9]+$'
	refute_output --partial waiting
}

@test "another process waits while the lock is held, and gets it after" {
	local fifo=$BATS_TEST_TMPDIR/held
	mkfifo "$fifo"
	locker "echo held > '$fifo'; sleep 3" &
	read -r _ <"$fifo"
	# Not a child of the holder: no inherited descriptor, so it must wait.
	run -124 env -u KMEMLAB_LOCK_FD timeout 1 bash -c \
		'. "$1/scripts/common.bash"; lock_cache; echo got it' other "$REPO"
	assert_output --partial "waiting for another setup"
	refute_output --partial "got it"
	run -0 env -u KMEMLAB_LOCK_FD timeout 10 bash -c \
		'. "$1/scripts/common.bash"; lock_cache; echo got it' other "$REPO"
	assert_output --partial "got it"
	wait
}

@test "a stale KMEMLAB_LOCK_FD that is not the lock file is not trusted" {
	run -124 bash -c '
		. "$1/scripts/common.bash"
		mkdir -p "$KMEMLAB_CACHE"
		exec 9>"$KMEMLAB_CACHE/other"
		( flock 8; sleep 3 ) 8>"$KMEMLAB_CACHE/setup.lock" &
		sleep 0.5
		KMEMLAB_LOCK_FD=9 timeout 1 bash -c ". \"$1/scripts/common.bash\"; lock_cache; echo got it"
	' stale "$REPO"
	refute_output --partial "got it"
}
