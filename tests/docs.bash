# The man page's and the completion's helpers, shared by the checks of
# the documents on the build host (tests/host/docs.bats) and those that
# need the module, in the VM (tests/85-docs.bats). REPO is the tree's top.

MAN=$REPO/userspace/kmemlab.1
COMPLETION=$REPO/userspace/kmemlab.bash-completion

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
