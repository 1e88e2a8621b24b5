#!/usr/bin/env bats
# Booted with init_on_alloc=0: kmalloc memory is no longer zeroed for us.

load ../helpers

@test "with init_on_alloc=0 the driver reports heap zeroing off" {
	run -0 kmemlab info
	assert_output --regexp "init_on_alloc +off"
}

@test "kmalloc returns the old bytes after a fill, free and kmalloc again" {
	local h
	# Same CPU for both, so the object comes back from the same freelist.
	h=$(taskset -c 0 kmemlab alloc --api kmalloc --size 512 -o HANDLE -n -r)
	kmemlab fill "$h" --pattern 0x5a
	kmemlab free "$h" >/dev/null
	h=$(taskset -c 0 kmemlab alloc --api kmalloc --size 512 -o HANDLE -n -r)
	run -0 kmemlab query "$h" -o ZEROED -n -r
	assert_output "no"
	run -1 kmemlab verify "$h" --pattern 0
}

@test "kzalloc memory is zero all the same" {
	run -0 kmemlab alloc --api kzalloc --size 512 -o ZEROED -n -r
	assert_output "yes"
}

@test "facts: 'kmalloc memory is not zeroed' now holds" {
	run -0 kmemlab facts -J kmalloc-zeroed
	[[ $(jq -r '.facts[0].verdict' <<<"$output") == holds ]]
	[[ $(jq -r '.facts[0].observed' <<<"$output") == *"init_on_alloc=0"* ]]
}
