#!/usr/bin/env bats
# make install and make uninstall into a DESTDIR, on the build host (.ci/run
# runs this after make): the files and where they go. The VM test
# tests/boot/install.bats checks that the installed system works.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
	KRELEASE=${KRELEASE:-$("$REPO/scripts/kernel" "${KVER:-6.1}")}
	export REPO KRELEASE
}

setup() {
	DEST=$BATS_TEST_TMPDIR/root
}

# Every file and link under DEST, relative to it, sorted.
files() {
	(cd "$DEST" && find . ! -type d | sed 's|^\.||' | LC_ALL=C sort)
}

@test "make install DESTDIR= installs exactly these files, and runs no depmod" {
	run -0 make -C "$REPO" install DESTDIR="$DEST" KRELEASE="$KRELEASE"
	run -0 files
	assert_output "$(LC_ALL=C sort <<EOF2
/lib/modules/$KRELEASE/updates/kmemlab.ko
/usr/local/bin/kmemlab
/usr/local/lib/kmemlab/kselftest/kmemlab/kmemlab.sh
/usr/local/lib/kmemlab/kselftest/kmemlab/settings
/usr/local/lib/kmemlab/kselftest/kselftest-list.txt
/usr/local/lib/kmemlab/lava/ktap-to-lava
/usr/local/lib/sysusers.d/kmemlab.conf
/usr/local/lib/udev/rules.d/60-kmemlab.rules
/usr/local/share/bash-completion/completions/kmemlab
/usr/local/share/man/man1/kmemlab.1
EOF2
)"
	run -0 modinfo -F version "$DEST/lib/modules/$KRELEASE/updates/kmemlab.ko"
	assert_output "$(cat "$REPO/VERSION")"
	[[ -x $DEST/usr/local/bin/kmemlab ]]
	run -0 stat -c %a "$DEST/usr/local/lib/udev/rules.d/60-kmemlab.rules"
	assert_output 644
	run -0 stat -c %a "$DEST/usr/local/lib/kmemlab/kselftest/kmemlab/kmemlab.sh"
	assert_output 755
}

@test "PREFIX=/usr and BINDIR move the files" {
	run -0 make -C "$REPO" install DESTDIR="$DEST" KRELEASE="$KRELEASE" PREFIX=/usr BINDIR=/opt/bin
	run -0 files
	assert_line /opt/bin/kmemlab
	assert_line /usr/lib/udev/rules.d/60-kmemlab.rules
	assert_line /usr/lib/sysusers.d/kmemlab.conf
	assert_line /usr/share/man/man1/kmemlab.1
	assert_line /usr/lib/kmemlab/kselftest/kmemlab/kmemlab.sh
	refute_line --partial /usr/local
}

@test "make uninstall DESTDIR= removes every file make install put there" {
	run -0 make -C "$REPO" install DESTDIR="$DEST" KRELEASE="$KRELEASE"
	run -0 make -C "$REPO" uninstall DESTDIR="$DEST" KRELEASE="$KRELEASE"
	run -0 files
	assert_output ""
	[[ ! -e $DEST/lib/modules/$KRELEASE/updates ]]
	[[ ! -e $DEST/usr/local/lib/kmemlab ]]
}

@test "make install refuses when the module for the release is not built" {
	run -2 make -C "$REPO" install DESTDIR="$DEST" KRELEASE=0.0.0-none
	assert_output --partial "no build/0.0.0-none/kmemlab.ko"
	[[ ! -e $DEST ]]
}

@test "make dkms-source copies only what DKMS builds from" {
	run -0 make -C "$REPO" dkms-source DESTDIR="$DEST"
	run -0 files
	assert_line "/usr/src/kmemlab-$(cat "$REPO/VERSION")/dkms.conf"
	assert_line "/usr/src/kmemlab-$(cat "$REPO/VERSION")/include/uapi/linux/kmemlab.h"
	assert_line "/usr/src/kmemlab-$(cat "$REPO/VERSION")/driver/Kbuild"
	refute_line --partial "/build/"
	refute_line --partial ".ko"
	refute_line --partial ".o"
	refute_line --partial "/tests/"
}
