#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemlab.sh - the allocator contract as a kselftest: KTAP v1 on stdout.
#
# For labs that run kselftests rather than the project's Bats suite: it
# needs bash, coreutils and the kmemlab CLI (installed, or $KMEMLAB), and
# root. It loads the module if it is not loaded (and unloads it after),
# then runs five suites, one KTAP subtest each, one case per line:
#
#   module    the module loads, its node exists, INFO answers
#   facts     every claim of 'kmemlab facts' ran (its verdict, holds or not,
#             is a diagnostic line; "not checked" is a SKIP with the reason)
#   apis      one allocation and free per allocator API the driver lists;
#             an API this kernel lacks is a SKIP with the driver's reason
#   refusals  bad requests get their documented errno, limits read from
#             the driver
#   unbind    device-managed memory is freed on unbind; the device rebinds
#
# Usage: kmemlab.sh [SUITE...]: the suites named (default: all five, as a
# kselftest runner calls it), in the order above.
#
# Exit status as kselftest's: 0 all passed (some may skip), 1 a failure,
# 4 nothing could run (not root, no module for this kernel); 2 for an
# unknown suite.
set -u

all_suites=(module facts apis refusals unbind)
if (($#)); then
	for s in "$@"; do
		[[ " ${all_suites[*]} " == *" $s "* ]] ||
			{ echo "kmemlab.sh: no suite '$s' (${all_suites[*]})" >&2; exit 2; }
	done
	want=" $* "
else
	want=" ${all_suites[*]} "
fi
# wanted SUITE: was it asked for?
wanted() { [[ $want == *" $1 "* ]]; }

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KMEMLAB=${KMEMLAB:-$(command -v kmemlab || true)}
DRV=/sys/bus/platform/drivers/kmemlab
DEV=0

total_pass=0 total_fail=0 total_skip=0
suites=()

# ---- KTAP output ----

# Cases of the running suite, printed when it ends (the plan comes first).
cases=() case_pass=0 case_fail=0 case_skip=0

# result ok|"not ok" NAME [DIAG...]: a case, with diagnostic lines before it.
result() {
	local status=$1 name=$2 d
	shift 2
	for d in "$@"; do cases+=("# $name: $d"); done
	cases+=("$status @ $name")
	if [[ $status == ok ]]; then
		case_pass=$((case_pass + 1))
	else
		case_fail=$((case_fail + 1))
	fi
}

ok() { result ok "$@"; }
not_ok() { result "not ok" "$@"; }

# skip NAME REASON
skip() {
	cases+=("ok @ $1 # SKIP $2")
	case_skip=$((case_skip + 1))
}

# check NAME DIAG CMD...: ok when CMD succeeds, else not ok with DIAG.
check() {
	local name=$1 diag=$2
	shift 2
	if "$@"; then ok "$name"; else not_ok "$name" "$diag"; fi
}

# suite_end NAME: print the suite as an indented KTAP subtest, then its
# result line in the parent. A suite passes when no case failed and one
# passed; it skips when every case skipped.
suite_end() {
	local name=$1 n=0 line result
	suites+=("$name")
	echo "    KTAP version 1"
	echo "    # Subtest: $name"
	echo "    1..$((case_pass + case_fail + case_skip))"
	for line in "${cases[@]}"; do
		if [[ $line == "#"* ]]; then
			echo "    $line"
		else
			n=$((n + 1))
			echo "    ${line/@/$n}"
		fi
	done
	if ((case_fail)); then
		result="not ok ${#suites[@]} $name"
	elif ((case_pass)); then
		result="ok ${#suites[@]} $name"
	else
		result="ok ${#suites[@]} $name # SKIP every case skipped"
	fi
	echo "$result"
	total_pass=$((total_pass + case_pass))
	total_fail=$((total_fail + case_fail))
	total_skip=$((total_skip + case_skip))
	cases=() case_pass=0 case_fail=0 case_skip=0
}

# Run the CLI; its output in $out, its exit status returned.
out=
cli() {
	out=$("$KMEMLAB" "$@" 2>&1)
}

# A raw listing field: libsmartcols escapes blanks as \x20.
unraw() { printf '%b' "$1"; }

# refused NAME ERRNO CLI-ARGS...: the CLI exits 1 and names ERRNO.
refused() {
	local name=$1 errno=$2
	shift 2
	cli "$@"
	local status=$?
	if [[ $status -eq 1 && $out == *"$errno"* ]]; then
		ok "$name" "${out//$'\n'/ }"
	else
		not_ok "$name" "kmemlab $*: status $status, want 1 and $errno: ${out//$'\n'/ }"
	fi
}

# The module-wide count of live allocations, from sysfs.
live() { cat "$DRV/live_allocs"; }

# ---- the whole run: header, or a skip of everything ----

skip_all() {
	echo "KTAP version 1"
	echo "1..0 # SKIP $1"
	exit "$KSFT_SKIP"
}

[[ $(id -u) -eq 0 ]] || skip_all "needs root (loads a module, binds devices)"
[[ -x $KMEMLAB ]] || skip_all "no kmemlab CLI on PATH (or in \$KMEMLAB)"

loaded_here=false
if [[ ! -d /sys/module/kmemlab ]]; then
	if ! cli load; then
		skip_all "kmemlab load: ${out//$'\n'/ }"
	fi
	loaded_here=true
fi

echo "KTAP version 1"
n=0
for s in "${all_suites[@]}"; do wanted "$s" && n=$((n + 1)); done
echo "1..$n"

# ---- module ----
if wanted module; then
	ok load "kmemlab $(cat /sys/module/kmemlab/version 2>/dev/null || echo '?') on $(uname -r)"
	check node "/dev/kmemlab$DEV is not a character device" test -c /dev/kmemlab$DEV
	if cli info; then ok info; else not_ok info "kmemlab info: $out"; fi
	suite_end module
fi

# ---- facts ----
if wanted facts; then
	if cli facts -o ID,VERDICT,OBSERVED -n -r; then
		while read -r id verdict observed; do
			verdict=$(unraw "$verdict") observed=$(unraw "$observed")
			case $verdict in
			"not checked") skip "$id" "$observed" ;;
			holds | "does not hold" | depends) ok "$id" "$verdict: $observed" ;;
			*) not_ok "$id" "verdict '$verdict': $observed" ;;
			esac
		done <<<"$out"
	else
		not_ok facts "kmemlab facts failed: ${out//$'\n'/ }"
	fi
	suite_end facts
fi

# ---- apis: each row of the driver's table, allocated and freed ----
if wanted apis; then
	if cli apis -o NAME,AVAILABLE,TYPE-SIZE,PROPERTIES -n -r -b; then
		while read -r api available tsize props; do
			available=$(unraw "$available")
			[[ $available != - ]] || available="the loaded module does not describe it"
			if [[ $available != yes ]]; then
				skip "$api" "$(uname -r): $available"
				continue
			fi
			args=(--api "$api" -o HANDLE,BACKING,USABLE -n -r -b)
			[[ ,$props, == *,count,* ]] && args+=(--count 2)
			[[ ,$props, == *,cache,* ]] && args+=(--name "ktap-$api")
			# A page API takes an order; a typed one its type's size.
			if [[ ,$props, == *,pages,* ]]; then
				args+=(--order 0)
			elif [[ $tsize =~ ^[0-9]+$ ]]; then
				args+=(--size "$tsize")
			else
				args+=(--size 64)
			fi
			if ! cli alloc "${args[@]}"; then
				not_ok "$api" "kmemlab alloc ${args[*]}: ${out//$'\n'/ }"
				continue
			fi
			read -r handle backing usable <<<"$out"
			if cli free "$handle"; then
				ok "$api" "handle $handle, $backing, $usable bytes usable"
			else
				not_ok "$api" "kmemlab free $handle: ${out//$'\n'/ }"
			fi
		done <<<"$out"
	else
		not_ok apis "kmemlab apis failed: ${out//$'\n'/ }"
	fi
	"$KMEMLAB" free --all >/dev/null 2>&1
	suite_end apis
fi

# ---- refusals: status 1 and the documented errno ----
if wanted refusals; then
	max=$("$KMEMLAB" apis -o NAME,MAX -n -r -b 2>/dev/null | while read -r n m; do
		[[ $n == kmalloc ]] && echo "$m"; done)
	if [[ $max =~ ^[0-9]+$ ]]; then
		refused kmalloc-above-max E2BIG alloc --api kmalloc --size $((max + 1))
	else
		not_ok kmalloc-above-max "kmemlab apis gave no MAX for kmalloc"
	fi
	refused sleeping-gfp-in-hardirq EINVAL alloc --api kmalloc --size 64 --context hardirq \
		--gfp GFP_KERNEL
	refused count-overflow EOVERFLOW alloc --api kcalloc --size 4611686018427387904 --count 8
	refused unknown-handle ENOENT free 2147483647
	suite_end refusals
fi

# ---- unbind: devres frees device-managed memory ----
if wanted unbind; then
	before=$(live)
	if cli alloc --api devm_kzalloc --size 4096 -o HANDLE -n -r; then
		check devm-counted "live_allocs $before before, $(live) after" \
			test "$(live)" -eq $((before + 1))
		if cli unbind $DEV; then
			check devm-freed-on-unbind "live_allocs $(live) after unbind, $before before" \
				test "$(live)" -eq "$before"
			check node-gone "/dev/kmemlab$DEV still exists" test ! -e /dev/kmemlab$DEV
		else
			not_ok devm-freed-on-unbind "kmemlab unbind $DEV: ${out//$'\n'/ }"
			skip node-gone "the device was not unbound"
		fi
		if cli bind $DEV; then
			check rebind "/dev/kmemlab$DEV did not come back" test -c /dev/kmemlab$DEV
		else
			not_ok rebind "kmemlab bind $DEV: ${out//$'\n'/ }"
		fi
	else
		not_ok devm-counted "kmemlab alloc --api devm_kzalloc: ${out//$'\n'/ }"
	fi
	suite_end unbind
fi

if $loaded_here; then
	"$KMEMLAB" unload >/dev/null 2>&1
fi

echo "# Totals: pass:$total_pass fail:$total_fail xfail:0 xpass:0 skip:$total_skip error:0"
if ((total_fail)); then
	exit "$KSFT_FAIL"
elif ((total_pass)); then
	exit "$KSFT_PASS"
fi
exit "$KSFT_SKIP"
