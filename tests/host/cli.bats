#!/usr/bin/env bats
# The CLI on the build host, without the module (.ci/run runs this after
# make): what it needs of the system to start.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
	CLI=$REPO/userspace/kmemlab
	export REPO CLI
	[[ -x $CLI ]] || { echo "no $CLI: run make first" >&2; return 1; }
}

@test "only load, unload and status load libkmod" {
	run -0 readelf -d "$CLI"
	assert_output --partial "[libsmartcols.so.1]"
	refute_output --partial libkmod
	# The dynamic loader's own record of what it opened.
	LD_DEBUG=files run -0 "$CLI" --version
	refute_output --partial libkmod
	LD_DEBUG=files run -0 "$CLI" alloc --help
	refute_output --partial libkmod
	LD_DEBUG=files run -0 "$CLI" status
	assert_output --regexp "file=libkmod\.so\.2 .*dynamically loaded"
}

@test "a libkmod that cannot be loaded is ELIBACC, with the loader's reason" {
	local lib=$BATS_TEST_TMPDIR/lib
	mkdir -p "$lib"
	: >"$lib/libkmod.so.2"
	LD_LIBRARY_PATH=$lib run -1 "$CLI" status
	assert_line --partial "kmemlab: status: ELIBACC: cannot load libkmod: $lib/libkmod.so.2: "
	assert_line "hint: install libkmod (Debian: libkmod2)"
	# The commands that do not need it do not notice.
	LD_LIBRARY_PATH=$lib run -0 "$CLI" --version
}

@test "a libkmod without a function the CLI calls is ELIBACC, naming it" {
	local lib=$BATS_TEST_TMPDIR/lib
	mkdir -p "$lib"
	echo 'void *kmod_new(void) { return 0; }' >"$lib/kmod.c"
	run -0 cc -shared -fPIC -Wl,-soname,libkmod.so.2 -o "$lib/libkmod.so.2" "$lib/kmod.c"
	LD_LIBRARY_PATH=$lib run -1 "$CLI" unload
	assert_output "kmemlab: unload: ELIBACC: libkmod.so.2 has no kmod_unref
hint: install libkmod 5 or later"
}
