#!/usr/bin/env bats
# Loading, unloading and the state of the module.

load helpers

setup_file() {
	unload_module
}

teardown_file() {
	unload_module
}

# Each test loads what it needs; there is no registry to empty first.
setup() {
	:
}

@test "commands say the module is not loaded when it is not" {
	unload_module
	run -1 kmemlab info
	assert_output --partial "ENOENT"
	assert_output --partial "kmemlab load"
	run -0 kmemlab status
	assert_output --partial "not loaded"
}

@test "kmemlab load inserts the module and creates /dev/kmemlab0" {
	unload_module
	run -0 kmemlab load --module "$KO"
	assert_output --partial "/dev/kmemlab0"
	[[ -c /dev/kmemlab0 ]]
	[[ $(cat /sys/module/kmemlab/initstate) == live ]]
}

@test "kmemlab load finds the build tree's module for the running kernel without --module" {
	unload_module
	run -0 kmemlab load
	[[ -d /sys/module/kmemlab ]]
	# The one built for this kernel, from build/<release>/.
	assert_equal "$(cat /sys/module/kmemlab/srcversion)" "$(modinfo -F srcversion "$KO")"
}

@test "a module built for another kernel is refused, naming both kernels" {
	local ko other=""
	for ko in "$REPO"/build/*/kmemlab.ko; do
		[[ -e $ko && $ko != "$KO" ]] && other=$ko && break
	done
	[[ -n $other ]] || skip "no module of another kernel in build/ (make module KVER=...)"
	unload_module
	run -1 kmemlab load --module "$other"
	assert_output --partial "ENOEXEC"
	assert_output --partial "is built for $(basename "$(dirname "$other")")"
	assert_output --partial "this kernel is $(uname -r) ($(uname -m))"
	[[ ! -d /sys/module/kmemlab ]]
}

@test "loading twice fails with EEXIST and says it is already loaded" {
	fresh_module
	run -1 kmemlab load
	assert_output --partial "EEXIST"
	assert_output --partial "already loaded"
}

@test "load --devices 3 creates three nodes and three platform devices" {
	fresh_module --devices 3
	[[ -c /dev/kmemlab0 && -c /dev/kmemlab1 && -c /dev/kmemlab2 ]]
	[[ ! -e /dev/kmemlab3 ]]
	[[ $(cat /sys/module/kmemlab/parameters/devices) == 3 ]]
	run -0 ls /sys/bus/platform/drivers/kmemlab
	assert_output --partial "kmemlab.2"
}

@test "load passes module parameters through" {
	fresh_module max_bytes=1048576
	[[ $(cat /sys/module/kmemlab/parameters/max_bytes) == 1048576 ]]
	run -0 kmemlab info
	assert_output --regexp "max_bytes\)? +1MiB"
}

@test "load refuses devices=0 and the module stays unloaded" {
	unload_module
	run -1 kmemlab load --devices 0
	assert_output --partial "EINVAL"
	[[ ! -d /sys/module/kmemlab ]]
}

@test "kmemlab status shows the module, its parameters and devices" {
	fresh_module --devices 2
	run -0 kmemlab status
	assert_output --partial "live"
	assert_output --partial "max_bytes"
	assert_output --partial "kmemlab.1"
	assert_output --partial "/dev/kmemlab1"
}

@test "unload while a node is open is refused and names the holder" {
	fresh_module
	sleep 30 </dev/kmemlab0 &
	local pid=$!
	run -1 kmemlab unload
	kill "$pid"
	wait "$pid" || true
	assert_output --partial "in use"
	assert_output --partial "$pid"
	[[ -d /sys/module/kmemlab ]]
	run -0 kmemlab unload
	[[ ! -d /sys/module/kmemlab ]]
}

@test "unload frees every live allocation and logs how many" {
	fresh_module
	kmemlab alloc --api kmalloc --size 100 >/dev/null
	kmemlab alloc --api vmalloc --size 64k >/dev/null
	kmemlab alloc --api devm_kzalloc --size 1k >/dev/null
	mark_dmesg
	run -0 kmemlab unload
	run -0 new_dmesg
	assert_output --partial "unbound with 3 live allocations: freed"
}

@test "kmemlab --version names the CLI, the module and the ABI" {
	local abi cli
	fresh_module
	# The module's ABI as INFO returns it, the CLI's from the UAPI header.
	abi=$(abi-probe info '?abi_version')
	abi=${abi#OK abi_version=}
	cli=$(sed -n 's/^#define KMEMLAB_ABI_VERSION[[:space:]]*\([0-9]*\)$/\1/p' \
		"$REPO/include/uapi/linux/kmemlab.h")
	run -0 kmemlab --version
	assert_line --index 0 "kmemlab $(cat "$REPO/VERSION") (ABI $cli)"
	assert_line --index 1 "module kmemlab $(cat /sys/module/kmemlab/version) (ABI $abi)"
}
