#!/usr/bin/env bats
# A kmemlab device bound from a device-tree node, as a driver for a real
# board is: the boot's machine (arm64's virt) has a node with compatible
# "kmemlab,lab" (tests/vm/run --dt-node), which the driver matches through
# its of_match_table once loaded, beside the kmemlab.N devices the module
# registers itself. Its probe keeps its state in devm memory, its node
# works, and unbind frees its device-managed memory as for any other.

load ../helpers

DT=/proc/device-tree/kmemlab

# The platform device made from the node: the one whose of_node is it.
dt_device() {
	local d
	for d in /sys/bus/platform/devices/*; do
		[[ $d/of_node -ef $DT ]] && echo "${d##*/}" && return 0
	done
	return 1
}

# The number of the node of platform device $1 (kmemlabN under it).
dt_node() {
	local n
	for n in "/sys/bus/platform/devices/$1/kmemlab/kmemlab"*; do
		[[ -e $n ]] && echo "${n##*/kmemlab}" && return 0
	done
	return 1
}

# The device's live counter $2 of API $3 (sysfs of device $1).
dev_live() { local v; read -r v <"/sys/bus/platform/devices/$1/$2/$3" && echo "$v"; }

setup() {
	[[ -d $DT ]] || fail "no $DT: this boot's machine has no kmemlab node (tests/vm/run --dt-node)"
	[[ -d $SYSDRV ]] || fresh_module
	DEV=$(dt_device) || fail "no platform device of $DT"
	[[ -e /sys/bus/platform/devices/$DEV/driver ]] || echo "$DEV" >"$SYSDRV/bind"
	kmemlab free --all >/dev/null
}

@test "the machine's device tree has the kmemlab node, compatible kmemlab,lab" {
	run -0 tr -d '\0' <"$DT/compatible"
	assert_output "kmemlab,lab"
	run -0 cat "/sys/bus/platform/devices/$DEV/modalias"
	assert_output --regexp '^of:NkmemlabT.*Ckmemlab,lab'
}

@test "the driver binds the device-tree device through its of_match_table, beside its own" {
	[[ /sys/bus/platform/devices/$DEV/driver -ef $SYSDRV ]]
	# the module's own device too, under its own number
	[[ -e $SYSDRV/kmemlab.0 ]]
	local n
	n=$(dt_node "$DEV")
	[[ -c /dev/kmemlab$n ]]
	[[ -e /sys/bus/platform/devices/kmemlab.$n ]] && fail "node $n is also kmemlab.$n's number"
	run -0 kmemlab -d "$n" info
	# kmemlab status lists both, each with its node
	run -0 kmemlab status
	assert_output --regexp "(^|[[:space:]])kmemlab\.0[[:space:]]+/dev/kmemlab[0-9]+[[:space:]]"
	assert_output --regexp "(^|[[:space:]])$DEV[[:space:]]+/dev/kmemlab$n[[:space:]]"
	run -0 dmesg
	refute_output --regexp "kmemlab.*probe.*failed"
}

@test "device-managed memory on the device-tree device; unbind frees it, bind brings the node back" {
	local n m before
	n=$(dt_node "$DEV")
	before=$(live_allocs)
	kmemlab -d "$n" alloc --api devm_kzalloc --size 3000 >/dev/null
	kmemlab -d "$n" alloc --api kmalloc --size 64 >/dev/null
	[[ $(dev_live "$DEV" live_allocs devm_kzalloc) == 1 ]]
	[[ $(dev_live "$DEV" live_bytes devm_kzalloc) == 3000 ]]
	[[ $(live_allocs) == $((before + 2)) ]]
	run -0 kmemlab unbind "/dev/kmemlab$n"
	assert_output --partial "unbound $DEV"
	[[ ! -e /dev/kmemlab$n ]]
	[[ ! -e /sys/bus/platform/devices/$DEV/driver ]]
	[[ $(live_allocs) == "$before" ]]
	# the module's own device is untouched
	[[ -e $SYSDRV/kmemlab.0 ]]
	# bound again by its sysfs name: it has no node to name it by now
	run -0 kmemlab bind "$DEV"
	m=$(dt_node "$DEV")
	[[ -c /dev/kmemlab$m ]]
	[[ $(dev_live "$DEV" live_allocs devm_kzalloc) == 0 ]]
	run -0 kmemlab -d "$m" alloc --api devm_kzalloc --size 100
}

@test "unbind and bind of the device-tree device ten times leaks nothing" {
	local i n
	for ((i = 0; i < 10; i++)); do
		n=$(dt_node "$DEV")
		kmemlab -d "$n" alloc --api devm_kzalloc --size 4k >/dev/null
		kmemlab unbind "$DEV" >/dev/null
		kmemlab bind "$DEV" >/dev/null
	done
	[[ $(dev_live "$DEV" live_allocs devm_kzalloc) == 0 ]]
	[[ $(live_allocs) == 0 ]]
}

@test "the CLI refuses a platform device that is not kmemlab's" {
	local other
	other=$(ls /sys/bus/platform/devices | grep -v kmemlab | head -n1)
	[[ -n $other ]] || skip "no other platform device"
	run -2 kmemlab unbind "$other"
	assert_output --partial "'$other' is not a device"
}
