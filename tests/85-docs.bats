#!/usr/bin/env bats
# The man page, the bash completion and --version where they meet the
# module: the driver's own API names in the man page and the completion,
# the live handles and devices the completion offers, and --version against
# a loaded module. The checks of the documents that need no module run on
# the build host (tests/host/docs.bats).

load helpers
load docs

setup_file() {
	unload_module
}

teardown_file() {
	unload_module
}

# Each test loads the module when it needs it.
setup() {
	:
}

# ---- the man page ----

@test "the man page names every API, GFP flag (removed ones too), context and claim" {
	local names
	# The APIs as the driver describes them, over the CLI's own table.
	fresh_module
	names=$(kmemlab apis -o NAME -rn; kmemlab gfp -o NAME -rn
		kmemlab contexts -o NAME -rn; kmemlab facts --list -o ID -rn)
	[[ $(wc -l <<<"$names") -ge 40 ]] || fail "only these names: $names"
	run -0 unmentioned word $names <"$MAN"
	assert_output ""
}

# ---- completion ----

@test "completion offers exactly the API names for alloc --api" {
	fresh_module
	run -0 complete_words alloc --api ''
	assert_line kmalloc
	assert_line dma_alloc_coherent
	assert_words "$(kmemlab apis -o NAME -rn)"
	run -0 complete_words alloc -a vm
	assert_output vmalloc
}

@test "completion offers the live handles and the devices" {
	local a b
	fresh_module --devices 2
	a=$(alloc_handle --api kmalloc --size 64)
	b=$(alloc_handle --api vmalloc --size 8k)
	run -0 complete_words free ''
	assert_words "$a"$'\n'"$b"
	run -0 complete_words -d 1 query ''
	assert_output ""
	run -0 complete_words unbind ''
	assert_words $'0\n1'
	run -0 complete_words alloc --device ''
	assert_words $'0\n1'
	kmemlab free --all >/dev/null
}

# ---- --version ----

cli_abi() {
	awk '$2 == "KMEMLAB_ABI_VERSION" { print $3 }' "$REPO/include/uapi/linux/kmemlab.h"
}

@test "--version without the module: the CLI's release and ABI, module not loaded" {
	unload_module
	run -0 kmemlab --version
	assert_line --index 0 "kmemlab $(cat "$REPO/VERSION") ($(cli_abi | sed 's/^/ABI /'))"
	assert_line --index 1 "module kmemlab: not loaded"
	assert_equal "${#lines[@]}" 2
}

@test "--version with the module: its release from sysfs and its ABI from INFO" {
	fresh_module
	run -0 kmemlab -V
	assert_line --index 0 "kmemlab $(cat "$REPO/VERSION") (ABI $(cli_abi))"
	assert_line --index 1 "module kmemlab $(cat /sys/module/kmemlab/version) (ABI $(cli_abi))"
	refute_output --partial "note:"
}

@test "--version says why the module's ABI is unknown to a user without access" {
	fresh_module
	run -0 as_user kmemlab --version
	assert_line --index 1 --partial "ABI unknown: cannot query /dev/kmemlab0: Permission denied"
}

@test "--version notes an ABI mismatch between the CLI and the module" {
	fresh_module
	# The CLI on PATH built again claiming ABI 99 (make builds it beside
	# the CLI, for the target's architecture); everything else is the same.
	run -0 "$(dirname "$(command -v kmemlab)")/kmemlab-abi99" --version
	assert_line --index 0 --partial "(ABI 99)"
	assert_line --index 1 --partial "(ABI $(cli_abi))"
	assert_line --index 2 "note: ABI mismatch: the CLI speaks ABI 99, the module ABI $(cli_abi); requests may fail (ENOTTY, EINVAL): use a CLI built with the module"
}
