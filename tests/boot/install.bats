#!/usr/bin/env bats
# Booted with --overlay (a writable root thrown away with the VM) and no
# udev rules from the repository: make install, then the installed system
# alone loads the module by name, makes the device node and names the
# group; make uninstall takes it all away again.

load ../helpers

BIN=/usr/local/bin/kmemlab
MODDIR=/lib/modules/$KRELEASE/updates
RULE=/usr/local/lib/udev/rules.d/60-kmemlab.rules
SYSUSERS=/usr/local/lib/sysusers.d/kmemlab.conf
KSFT=/usr/local/lib/kmemlab/kselftest

installed_files() {
	echo "$BIN" "$MODDIR/kmemlab.ko" "$RULE" "$SYSUSERS" \
		/usr/local/share/man/man1/kmemlab.1 \
		/usr/local/share/bash-completion/completions/kmemlab \
		"$KSFT/kselftest-list.txt" "$KSFT/kmemlab/kmemlab.sh" "$KSFT/kmemlab/settings" \
		/usr/local/lib/kmemlab/lava/ktap-to-lava
}

setup_file() {
	if [[ ! -w / ]]; then
		echo "the root is read-only: boot with tests/vm/run --overlay" >&2
		return 1
	fi
	unload_module
	# depmod over the kernel's thousands of modules takes minutes under
	# emulation: make install gets a modules tree with the kernel's list of
	# built-in modules and no module files (kmemlab depends on none).
	local tree=/lib/modules/$KRELEASE lite=$BATS_FILE_TMPDIR/modules
	mkdir -p "$lite"
	cp "$tree"/modules.builtin* "$tree/modules.order" "$lite"/
	mount -t tmpfs -o mode=0755 tmpfs "$tree"
	cp "$lite"/* "$tree"/
	# The guest's test accounts include a kmemlab group: drop it, so that
	# it is make install that creates it. With sed, as tests/vm/guest-init
	# wrote them: a target's root may have no userdel (trixie's minimal
	# one has systemd-sysusers, which make install uses, and no passwd).
	local f
	for f in /etc/passwd /etc/group /etc/shadow /etc/gshadow; do
		[[ ! -e $f ]] || sed -i -e '/^kmemlab-member:/d' -e '/^kmemlab:/d' "$f"
	done
	run -2 getent group kmemlab
	run -2 getent passwd kmemlab-member
}

teardown_file() {
	udevadm control --exit 2>/dev/null || true
	unload_module
}

setup() {
	:
}

@test "make install puts every file in place and creates the kmemlab group" {
	local f
	run -2 getent group kmemlab
	run -0 make -C "$REPO" install KRELEASE="$KRELEASE"
	for f in $(installed_files); do
		assert [ -f "$f" ]
	done
	assert [ -x "$BIN" ]
	run -0 getent group kmemlab
	# A system group (systemd-sysusers and groupadd --system alike).
	(($(cut -d: -f3 <<<"$output") < 1000))
}

@test "the installed CLI loads the installed module by name, from modules.dep" {
	run -0 modinfo -F filename kmemlab
	assert_output "$MODDIR/kmemlab.ko"
	run -0 modinfo -F version kmemlab
	assert_output "$(cat "$REPO/VERSION")"
	# Not holding Bats' descriptors, which would keep Bats waiting.
	/lib/systemd/systemd-udevd --daemon >/dev/null 2>&1 3>&-
	udevadm control --ping --timeout=30
	run -0 "$BIN" load
	assert_output --partial "loaded kmemlab from $MODDIR/kmemlab.ko"
	run -0 "$BIN" --version
	assert_output --partial "$(cat "$REPO/VERSION")"
}

@test "the installed udev rule makes /dev/kmemlab0 root:kmemlab 0660" {
	udevadm settle --timeout=30
	run -0 stat -c '%U:%G %a' /dev/kmemlab0
	assert_output "root:kmemlab 660"
}

@test "the installed kselftest runs the contract with the installed CLI and module" {
	run -0 cat "$KSFT/kselftest-list.txt"
	assert_output "kmemlab:kmemlab.sh"
	assert [ -x "$KSFT/kmemlab/kmemlab.sh" ]
	# Nothing from the repository on PATH: the installed CLI alone.
	run -0 env PATH=/usr/local/bin:/usr/bin:/bin "$KSFT/kmemlab/kmemlab.sh" module apis unbind
	assert_line "ok 1 module"
	assert_line "ok 2 apis"
	assert_line "ok 3 unbind"
	run -0 ktap-parse <<<"$output"
	assert_line --regexp '^passed [1-9][0-9]* failed 0 skipped [0-9]+ crashed 0 errors 0$'
}

@test "make uninstall removes every file and the module from modules.dep" {
	local f
	run -0 "$BIN" unload
	run -0 make -C "$REPO" uninstall KRELEASE="$KRELEASE"
	for f in $(installed_files); do
		assert [ ! -e "$f" ]
	done
	assert [ ! -e "$MODDIR" ]
	assert [ ! -e /usr/local/lib/kmemlab ]
	run -1 modinfo kmemlab
}

@test "with nothing installed, load names the build-tree path it tried" {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	# The target's own CLI (on PATH first: build/<release>/bin for another
	# architecture than the build host's), in a directory of its own.
	cp "$(command -v kmemlab)" "$bin/"
	run -1 "$bin/kmemlab" load
	assert_output --partial "no build tree module at $bin/../build/$KRELEASE/kmemlab.ko"
	run -0 kmemlab load
	assert_output --partial "loaded kmemlab from $KO"
	run -0 kmemlab unload
}
