#!/usr/bin/env bats
# tests/vm/run on the host, without booting anything: for every kernel
# series, the VM boots the vmlinux cut out of the bzImage through its PVH
# entry point (seconds faster under emulation than the bzImage), also under
# a UTF-8 locale, where bash's read once lost the bytes after the zstd
# magic and 6.12 silently fell back to the bzImage. The extraction runs
# afresh into a scratch cache that shares the real one's kernels. A series
# whose kernel scripts/setup has not fetched is skipped, saying so. An
# arm64 kernel boots from its vmlinuz as it is (a raw Image).

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
	CACHE=${KMEMLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmemlab}
	export REPO CACHE
}

# set_up KVER: sets release, or skips when scripts/setup has not made the
# target.
set_up() {
	local kver=$1
	release=$("$REPO/scripts/kernel" "$kver" 2>/dev/null) || skip "kernel $kver is not set up (scripts/setup $kver)"
	[[ -d $CACHE/kernels/$release ]] || skip "kernel $kver ($release) is not unpacked (scripts/setup $kver)"
	[[ $("$REPO/scripts/kernel" --arch "$kver") == amd64 || -d $("$REPO/scripts/kernel" --chroot "$kver") ]] ||
		skip "target $kver has no chroot (scripts/setup $kver)"
}

# fast_path KVER: the runner picks a fresh vmlinux with the PVH note.
fast_path() {
	local kver=$1 release scratch=$BATS_TEST_TMPDIR/cache
	set_up "$kver"
	mkdir -p "$scratch"
	local d
	for d in kernels apt chroots; do
		[[ ! -e $CACHE/$d ]] || ln -s "$CACHE/$d" "$scratch"/
	done
	run -0 env -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 KMEMLAB_CACHE="$scratch" \
		"$REPO/tests/vm/run" --kver "$kver" --print-kernel
	refute_output --partial "booting the bzImage"
	assert_output "$scratch/vm/vmlinux-$release"
	# An ELF image with the PVH entry note (Xen note type 18).
	run -0 readelf -n "$scratch/vm/vmlinux-$release"
	assert_output --regexp 'Xen.*0x00000012'
}

@test "6.1 boots the vmlinux through its PVH entry, under a UTF-8 locale" {
	fast_path 6.1
}

@test "6.12 boots the vmlinux through its PVH entry, under a UTF-8 locale" {
	fast_path 6.12
}

@test "7.2 boots the vmlinux through its PVH entry, under a UTF-8 locale" {
	fast_path 7.2
}

@test "6.1-i386 boots the vmlinux through its PVH entry, under a UTF-8 locale" {
	fast_path 6.1-i386
}

# raw_image KVER: an arm64 kernel boots from its package's vmlinuz as it
# is, a raw Image ("ARM\x64" at byte 56), which QEMU's virt loads.
raw_image() {
	local kver=$1 release
	set_up "$kver"
	run -0 "$REPO/tests/vm/run" --kver "$kver" --print-kernel
	assert_output "$CACHE/kernels/$release/boot/vmlinuz-$release"
	run -0 od -An -c -j 56 -N 4 "$output"
	assert_output --regexp '^ +A +R +M +d$'
}

@test "6.1-arm64 boots its vmlinuz, a raw arm64 Image" {
	raw_image 6.1-arm64
}

@test "6.12-arm64-16k boots its vmlinuz, a raw arm64 Image" {
	raw_image 6.12-arm64-16k
}

@test "--dt-node is refused on a machine without a device tree" {
	set_up 6.1
	run -255 "$REPO/tests/vm/run" --kver 6.1 --dt-node --out "$BATS_TEST_TMPDIR/out" -- true
	assert_output --partial "--dt-node: the q35 machine of amd64 boots without a device tree"
}

@test "every series scripts/kernel knows has its test here" {
	local kver
	for kver in $("$REPO/scripts/kernel" --list); do
		grep -qE "@test \"$kver boots (the vmlinux|its vmlinuz)" "$BATS_TEST_FILENAME" ||
			fail "no boot-image test for series $kver"
	done
}
