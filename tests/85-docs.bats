#!/usr/bin/env bats
# The man page, the bash completion and --version: that they cover what the
# CLI really has. The CLI's own --help, listings and tables are the
# reference, so a new command, option or name that the man page or the
# completion misses fails here.

load helpers

MAN=$REPO/userspace/kmemlab.1
COMPLETION=$REPO/userspace/kmemlab.bash-completion

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

# ---- helpers ----

# The commands "kmemlab --help" lists.
help_commands() {
	kmemlab --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ { print $1 }'
}

# The long options of the "Options:" (or "Global options:") list of the help
# printed by "$@".
help_options() { "$@" | options_of_help; }

# The same of every help text on stdin, each after a line "== NAME": one
# "NAME --option" a line.
options_of_help() {
	awk '
		/^== / { name = $2 " "; on = 0; next }
		/^(Global o|O)ptions:/ { on = 1; next }
		on && /^$/ { on = 0 }
		on && match($0, /^ +(-[[:alnum:]], )?--[[:alnum:]-]+/) {
			s = substr($0, RSTART, RLENGTH)
			print name substr(s, index(s, "--"))
		}'
}

# The roff source of a section: .SH (level SH) or .SS (level SS) named $2.
# The heading goes in through the environment: awk -v would read its \- as
# an escape sequence (gawk drops the backslash, mawk keeps it).
man_section() {
	local level=$1 name=${2//-/\\-}
	head=".$level $name" awk -v level="$level" '
		BEGIN { head = ENVIRON["head"] }
		$0 == head { on = 1; next }
		on && /^\.SH/ { exit }
		on && level == "SS" && /^\.SS/ { exit }
		on' "$MAN"
}

# How roff text $t mentions a name $n (a perl sub, for the perl scripts
# below): an option (--name) as \-\-name, not just as the start of a longer
# one; a word (e.g. an API's name) as itself, not inside a longer name.
MENTIONED='
	sub mentioned {
		my ($kind, $n, $t) = @_;
		(my $r = $n) =~ s/-/\\-/g;
		return $kind eq "option"
			? $t =~ /\Q$r\E(?!\\-|[[:alnum:]])/
			: $t =~ /(?<![[:alnum:]_])\Q$r\E(?![[:alnum:]_]|\\-[[:alnum:]])/;
	}'

# unmentioned option|word NAME...: the NAMEs the roff text on stdin does not
# mention, one a line. One perl for all the names: a grep each would be a
# tenth of a second under emulation, hundreds of times.
unmentioned() {
	perl -e "$MENTIONED"'
		my $kind = shift;
		local $/;
		my $t = <STDIN>;
		for my $n (@ARGV) {
			print "$n\n" unless mentioned($kind, $n, $t);
		}' -- "$@"
}

# undescribed_options: of the "COMMAND --option" lines on stdin, those the
# man page does not describe: in the command's .SS section or among the
# COMMON OPTIONS; for COMMAND "-", the global options, in GLOBAL OPTIONS.
# Sections end where man_section ends them. One perl for all of them.
undescribed_options() {
	perl -e "$MENTIONED"'
		my $man = do { local $/; open(my $f, "<", shift) or die "$!"; <$f> };
		sub section {
			my ($level, $name) = @_;
			$name =~ s/-/\\-/g;
			my $end = $level eq "SS" ? qr/^\.S[SH]/m : qr/^\.SH/m;
			return $man =~ /^\.\Q$level $name\E\n(.*?)(?=$end|\z)/ms ? $1 : undef;
		}
		my $common = section("SH", "COMMON OPTIONS") // die "no COMMON OPTIONS";
		my $global = section("SH", "GLOBAL OPTIONS") // die "no GLOBAL OPTIONS";
		while (<STDIN>) {
			my ($c, $o) = split;
			my $found = $c eq "-" ? mentioned("option", $o, $global)
				: mentioned("option", $o, section("SS", $c) // "") ||
				  mentioned("option", $o, $common);
			print "$c $o\n" unless $found;
		}' "$MAN"
}

# Does the roff text on stdin mention option $1?
mentions_option() { [[ -z $(unmentioned option "$1") ]]; }

# What the completion offers for "kmemlab $@" (the last word is the one
# being completed), one word a line, as bash would get it on TAB.
complete_words() {
	# shellcheck source=/dev/null
	source "$COMPLETION"
	COMP_WORDS=(kmemlab "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_kmemlab
	printf '%s\n' "${COMPREPLY[@]}"
}

# Assert that the output of the last run is the lines of $1, in any order.
assert_words() {
	assert_equal "$(sort <<<"$output")" "$(sort <<<"$1")"
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

@test "the man page names every API, GFP flag (removed ones too), context and claim" {
	local names
	names=$(kmemlab apis -o NAME -rn; kmemlab gfp -o NAME -rn
		kmemlab contexts -o NAME -rn; kmemlab facts --list -o ID -rn)
	[[ $(wc -l <<<"$names") -ge 40 ]] || fail "only these names: $names"
	run -0 unmentioned word $names <"$MAN"
	assert_output ""
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

@test "completion offers exactly the API names for alloc --api" {
	run -0 complete_words alloc --api ''
	assert_line kmalloc
	assert_line dma_alloc_coherent
	assert_words "$(kmemlab apis -o NAME -rn)"
	run -0 complete_words alloc -a vm
	assert_output vmalloc
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
