#!/usr/bin/env bats
# The man page and the bash completion against what the CLI really has, on
# the build host: the CLI's own --help, listings and tables are the
# reference, so a new command, option or name that the man page or the
# completion misses fails here. Nothing here needs the module or depends
# on the kernel; what does (the driver's own API names, live handles,
# --version against a loaded module) is tests/85-docs.bats, in the VM.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
load ../docs

setup_file() {
	[[ -x $REPO/userspace/kmemlab ]] || { echo "no $REPO/userspace/kmemlab: run make first" >&2; return 1; }
	PATH=$REPO/userspace:$PATH
	export PATH
}

# ---- the man page ----

@test "the man page has a section for every command kmemlab --help lists" {
	local c missing=()
	run -0 help_commands
	[[ ${#lines[@]} -ge 19 ]]
	for c in "${lines[@]}" help; do
		[[ -n $(man_section SS "$c") ]] || missing+=("$c")
	done
	assert_equal "${missing[*]}" ""
}

@test "the man page describes every option of every command's --help" {
	local c
	# Every --help read in one loop, their options taken by one awk.
	run -0 options_of_help < <(
		echo "== -"
		kmemlab --help
		for c in $(help_commands); do
			echo "== $c"
			kmemlab "$c" --help
		done)
	[[ ${#lines[@]} -ge 60 && $output == *"alloc --api"* && $output == *"- --device"* ]] ||
		fail "options read from --help: $output"
	run -0 undescribed_options <<<"$output"
	assert_output ""
}

@test "the option check notices an option the man page lacks" {
	run -1 mentions_option --no-such-option <"$MAN"
	# --output is described, but not as a prefix of --output-all alone
	run -1 mentions_option --output <<<'.BR \-\-output\-all'
	run -0 mentions_option --output-all <<<'.BR \-\-output\-all'
	# In its command's section, among the common options, or not at all.
	run -0 undescribed_options <<<$'alloc --api\nfree --all\nalloc --help\n- --device'
	assert_output ""
	run -0 undescribed_options <<<$'alloc --all\n- --api\nno-such-command --api'
	assert_output $'alloc --all\n- --api\nno-such-command --api'
}

@test "the man page explains every errno the CLI's messages and hints name" {
	local e errors missing=()
	errors=$(man_section SH ERRORS)
	# The errnos of the explanation tables and rules, and of the messages
	# written for one errno, in the CLI's sources; not errors.c's generic
	# sentence for any errno the C library can name.
	run -0 bash -c "ls '$REPO'/userspace/*.c | grep -v '/errors\\.c\$' | xargs cat |
		grep -ohE '^\s*(\[[A-Z_]+\] = )?\{ (E[A-Z0-9]+),|err_fail\([^,]+, (E[A-Z0-9]+)|err == -?(E[A-Z0-9]+)' |
		sed -E 's/^\s*\[[A-Z_]+\] = //' | grep -oE 'E[A-Z0-9]{2,}' | sort -u"
	[[ ${#lines[@]} -ge 20 ]]
	for e in "${lines[@]}"; do
		grep -qE "^\.BR? (.* )?$e( |$)" <<<"$errors" || missing+=("$e")
	done
	assert_equal "${missing[*]}" ""
}

@test "the man page documents every exit status the CLI uses" {
	local s
	for s in 0 1 2; do
		man_section SH "EXIT STATUS" | grep -qx "\.B $s"
	done
	man_section SH ENVIRONMENT | grep -q KMEMLAB_DEVICE
	man_section SH FILES | grep -q '/sys/module/kmemlab/parameters/'
}

@test "the man page's header names the release in VERSION" {
	run -0 grep '^\.TH ' "$MAN"
	assert_output --partial "\"kmemlab $(cat "$REPO/VERSION")\""
}

@test "mandoc -T lint finds nothing in the man page" {
	command -v mandoc >/dev/null || skip "mandoc is not installed (scripts/setup installs it)"
	run -0 --separate-stderr mandoc -T lint "$MAN"
	assert_output ""
	assert_equal "$stderr" ""
}

@test "man --warnings renders the man page without a warning" {
	command -v man >/dev/null || skip "man is not installed"
	MANWIDTH=80 run -0 --separate-stderr man --warnings -l "$MAN"
	assert_equal "$stderr" ""
	assert_output --partial "kmemlab - make real kernel allocations"
}

# ---- completion ----

@test "completion offers every command, the alias and help" {
	run -0 complete_words ''
	assert_words "$(help_commands; echo show; echo help)"
	run -0 complete_words he
	assert_output help
}

@test "completion offers exactly the GFP flags for --gfp, not the removed ones" {
	run -0 complete_words alloc --gfp ''
	assert_line GFP_KERNEL
	refute_line __GFP_REPEAT
	assert_words "$(kmemlab gfp -J | jq -r '.gfp[] | select(.value != null) | .name')"
	run -0 complete_words realloc 1 -g __GFP_Z
	assert_output __GFP_ZERO
}

@test "completion continues a comma-separated GFP list without repeating a flag" {
	run -0 complete_words alloc --gfp GFP_KERNEL,__GFP_NO
	assert_words $'GFP_KERNEL,__GFP_NOWARN\nGFP_KERNEL,__GFP_NORETRY\nGFP_KERNEL,__GFP_NOFAIL'
	run -0 complete_words alloc --gfp __GFP_ZERO,__GFP_Z
	assert_output ""
}

@test "completion offers the contexts for --context, also after --gfp=FLAGS" {
	run -0 complete_words alloc --gfp = GFP_ATOMIC --context ''
	assert_words "$(kmemlab contexts -o NAME -rn)"
	# bash splits --context=h into --context, =, h
	run -0 complete_words alloc --context = h
	assert_output hardirq
	run -0 complete_words alloc --context=so
	assert_output --context=softirq
}

@test "completion offers the options of each command's --help" {
	local c
	for c in alloc free dma-map facts status; do
		run -0 complete_words "$c" -
		assert_words "$(help_options kmemlab "$c" --help)"
	done
	run -0 complete_words --
	assert_words "$(help_options kmemlab --help)"
}

@test "completion offers columns for -o, the DMA names and the claims" {
	run -0 complete_words list -o +ZONE,S
	assert_words $'+ZONE,SEEN\n+ZONE,SIZE'
	run -0 complete_words dma-map --mode ''
	assert_words $'single\nsg'
	run -0 complete_words dma-map -D ''
	assert_words $'to-device\nfrom-device\nbidirectional'
	run -0 complete_words facts kmalloc-max ''
	assert_words "$(kmemlab facts --list -o ID -rn)"
}

@test "completion offers file names for load --module" {
	run -0 complete_words load --module "$REPO/userspace/kmemlab.bash-comp"
	assert_output "$COMPLETION"
}
