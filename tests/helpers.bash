# Shared by every kmemlab Bats file. Runs in the test VM (tests/guest-suite
# puts the CLI and the test tools on PATH).
bats_require_minimum_version 1.5.0
# Loading this file and the libraries defines functions and sets a few
# variables: nothing that needs the trap's stack traces (below), which
# would be taken some 2,000 times per test.
trap - DEBUG

# Bats runs bats_debug_trap before every command of a test process (its
# own code, the libraries loaded below, setup, the test, teardown) to know
# where a failure happened. Bats 1.8's trap calls a function that rewrites
# Windows paths and checks the library paths before it returns for Bats'
# own code: some twenty commands each time, which under emulation are
# most of an empty test's second. This is the same trap as Bats 1.11's,
# which returns first: the same stack traces, the same --trace output.
# The helper libraries count as Bats' code, as they do where Debian
# installs them (under the excluded /usr/lib/): tests/guest-suite copies
# them to tmpfs. They are named here, not added to Bats' list, which
# bats_setup_tracing empties after a test's process has sourced this file.
# shellcheck disable=SC2034 # the variables are Bats'
bats_debug_trap() {
	local path
	for path in "${BATS_DEBUG_EXCLUDE_PATHS[@]}" ${BATS_LIB_PATH:+"${BATS_LIB_PATH%%:*}/"}; do
		[[ ${1%/*} != "$path"* ]] || return 0
	done
	[[ ${BATS_INTERRUPTED-NOTSET} == NOTSET && ${BATS_TIMED_OUT-NOTSET} == NOTSET ]] ||
		return 0
	BATS_DEBUG_LASTLAST_STACK_TRACE=(
		${BATS_DEBUG_LAST_STACK_TRACE[@]+"${BATS_DEBUG_LAST_STACK_TRACE[@]}"}
	)
	BATS_DEBUG_LAST_LINENO=(${BASH_LINENO[@]+"${BASH_LINENO[@]}"})
	BATS_DEBUG_LAST_SOURCE=(${BASH_SOURCE[@]+"${BASH_SOURCE[@]}"})
	bats_capture_stack_trace
	[[ ${BATS_TRACE_LEVEL:-0} -eq 0 ]] || bats_emit_trace
}
bats_load_library bats-support
bats_load_library bats-assert

REPO=${KMEMLAB_REPO:?run the suite with tests/check}
# The module make built for the running kernel (read, not forked: uname -r).
read -r KRELEASE </proc/sys/kernel/osrelease
KO=$REPO/build/$KRELEASE/kmemlab.ko
SYSDRV=/sys/bus/platform/drivers/kmemlab

# Most files want a freshly loaded module, an empty registry before each
# test and no module after them; a file that wants otherwise defines its own
# setup_file, setup or teardown_file after loading this one.
setup_file() {
	fresh_module
}

teardown_file() {
	unload_module
}

setup() {
	local n=1
	# Nothing live anywhere in the module (read, not forked): nothing to
	# free, and no CLI call (a tenth of a second each under emulation).
	read -r n <"$SYSDRV/live_allocs" 2>/dev/null || true
	[[ $n == 0 ]] || kmemlab free --all >/dev/null
}

# A freshly loaded module with "$@" as extra load arguments.
fresh_module() {
	if [[ -d /sys/module/kmemlab ]]; then
		rmmod kmemlab
	fi
	kmemlab load "$@" >/dev/null
}

unload_module() {
	if [[ -d /sys/module/kmemlab ]]; then
		rmmod kmemlab
	fi
}

# One field of "kmemlab alloc ..." (or any report command): the value of
# column $1 of the single row printed by the rest of the arguments.
field() {
	local col=$1
	shift
	"$@" -o "$col" -n -r -b
}

# The handle of a new allocation.
alloc_handle() {
	kmemlab alloc "$@" -o HANDLE -n -r
}

# Module-wide live counters, as the driver's sysfs shows them (read, not
# forked: the tests ask often).
live_allocs() { local n; read -r n <"$SYSDRV/live_allocs" && echo "$n"; }
live_bytes() { local n; read -r n <"$SYSDRV/live_bytes" && echo "$n"; }

# Field $1 of kmemlab info's "info" record (JSON key: page-size,
# kmalloc-min-size, ...), in bytes.
kinfo() { kmemlab info -J | jq -e --arg k "$1" '.info[0][$k]'; }

# The kernel's page size (getconf reads the AT_PAGESZ the kernel gave).
PAGE=$(getconf PAGESIZE)

# A page more than INFO's KMALLOC_MAX_SIZE.
kmalloc_too_big() { echo $(($(kinfo kmalloc-max-size) + PAGE)); }

# The zones of node 0 in /proc/zoneinfo, a line each: "ZONE START_PFN
# END_PFN MANAGED_PAGES". One awk for all of them: read it once, not once
# per value (an awk is a tenth of a second under emulation). "%.0f", as
# mawk's "%d" stops at 2^31 - 1.
zone_spans() {
	awk '
		$1 == "Node" { zone = ($2 == "0," ? $4 : "") }
		zone != "" && $1 == "start_pfn:" { start[zone] = $2 }
		zone != "" && $1 == "spanned" { spanned[zone] = $2 }
		zone != "" && $1 == "managed" { managed[zone] = $2 }
		END {
			for (z in start)
				printf "%s %.0f %.0f %.0f\n", z, start[z], start[z] + spanned[z], managed[z]
		}' /proc/zoneinfo
}

# Zone $1 of node 0 in bytes: sets ZONE_END (the byte where it ends) and
# ZONE_MANAGED (the bytes it manages); fails where there is no such zone.
zone_bytes() {
	local zone start end managed
	while read -r zone start end managed; do
		[[ $zone == "$1" ]] || continue
		ZONE_END=$((end * PAGE)) ZONE_MANAGED=$((managed * PAGE))
		return 0
	done < <(zone_spans)
	return 1
}

# Order-10 blocks enough to exhaust ZONE_DMA, one more than it manages:
# sets DMA_BLOCK (bytes) and DMA_BLOCKS, and raises the GFP_DMA quota
# (dma_max_bytes) out of their way; skips the test where that is more
# than 8 blocks (arm64: a zone of gigabytes) or there is no ZONE_DMA.
dma_exhaustion() {
	zone_bytes DMA || skip "no ZONE_DMA in /proc/zoneinfo"
	DMA_BLOCK=$((PAGE << 10))
	DMA_BLOCKS=$((ZONE_MANAGED / DMA_BLOCK + 1))
	((DMA_BLOCKS <= 8)) ||
		skip "ZONE_DMA manages $((ZONE_MANAGED >> 20)) MiB here (/proc/zoneinfo): $DMA_BLOCKS blocks of order 10 to exhaust it"
	echo $(((DMA_BLOCKS + 1) * DMA_BLOCK)) >/sys/module/kmemlab/parameters/dma_max_bytes
}

# Kernel log lines added since the last mark_dmesg.
mark_dmesg() { dmesg | wc -l >"$BATS_TEST_TMPDIR/dmesg.mark"; }
new_dmesg() { dmesg | tail -n +"$(($(cat "$BATS_TEST_TMPDIR/dmesg.mark") + 1))"; }

# Run "$@" as a member of group kmemlab, or as a user in no such group.
as_member() { setpriv --reuid=kmemlab-member --regid=kmemlab --init-groups -- "$@"; }
as_user() { setpriv --reuid=kmemlab-user --regid=nogroup --clear-groups -- "$@"; }

# The UAPI header's constants that are plain numbers, as "NAME VALUE" lines
# of its #defines and enum members: what uapi below reads.
uapi_raw() {
	awk '$1 == "#define" && $2 ~ /^KMEMLAB_/ { n = $2; $1 = ""; $2 = ""; print n, $0 }
	     $1 ~ /^KMEMLAB_/ && $2 == "=" { sub(/,$/, "", $3); print $1, $3 }' \
		"$REPO/include/uapi/linux/kmemlab.h"
}

# UAPI_VALUE=the raw value $1 as a decimal number: comment and integer
# suffixes dropped. Only numbers, operators and parentheses: a value that
# names another constant (or a macro) is none, and the status is 1.
uapi_eval() {
	uapi_strip "$1"
	[[ $UAPI_VALUE =~ ^[[:space:]0-9a-fA-Fx()\<\>\|\&~+*-]+$ ]] || return 1
	UAPI_VALUE=$((UAPI_VALUE))
}

# UAPI_VALUE=the raw value $1 without its comment and integer suffixes.
uapi_strip() {
	UAPI_VALUE=${1%%/\**}
	UAPI_VALUE=${UAPI_VALUE//ULL/}
	UAPI_VALUE=${UAPI_VALUE//U/}
}

# Every numeric constant, evaluated once per run into a file that each test
# sources: an awk per lookup is a tenth of a second under emulation, and
# 31-refusals looks up hundreds.
UAPI_TABLE=${BATS_RUN_TMPDIR:-/nonexistent}/uapi.bash
declare -gA UAPI=()
if [[ -n ${BATS_RUN_TMPDIR:-} && ! -e $UAPI_TABLE ]]; then
	while read -r name raw; do
		! uapi_eval "$raw" || UAPI[$name]=$UAPI_VALUE
	done < <(uapi_raw)
	table=$(declare -p UAPI)
	echo "${table/declare -A/declare -gA}" >"$UAPI_TABLE.new" && mv "$UAPI_TABLE.new" "$UAPI_TABLE"
	unset name raw table UAPI_VALUE
fi
# shellcheck source=/dev/null
[[ ! -r $UAPI_TABLE ]] || source "$UAPI_TABLE"

# The value of a constant of the UAPI header (a #define or an enum member),
# as a decimal number: the tests name ABI values, they never restate them.
uapi() {
	local v
	if [[ -n ${UAPI[$1]:-} ]]; then
		echo "${UAPI[$1]}"
		return
	fi
	# Not a plain number: as the header spells it, evaluated by bash.
	v=$(uapi_raw | awk -v n="$1" '$1 == n { $1 = ""; print; exit }')
	[[ -n $v ]] || { echo "uapi: no $1 in the header" >&2; return 1; }
	uapi_strip "$v"
	echo $((UAPI_VALUE))
}

# "abi-probe CMD ARGS... ?reason ?rarg ?rvalue" must print ERRNO with the
# refusal REASON (a KMEMLAB_REASON_ name without its prefix), and ARG and
# VALUE when given.
assert_refusal() {
	local errno=$1 reason=$2 arg=${3:-[0-9]+} value=${4:-[0-9]+}
	assert_output --regexp "^$errno reason=$(uapi "KMEMLAB_REASON_$reason") rarg=$arg rvalue=$value\$"
}

# "kmemlab apis -o COLS -n -r [OPTIONS]" for the APIs the running kernel
# has (AVAILABLE yes); the others are tested for saying why (31-refusals,
# 45-apis).
apis_here() {
	local cols=$1
	shift
	kmemlab apis -o "$cols,AVAILABLE" -n -r "$@" | awk '$NF == "yes" { NF--; print }'
}

# The ABI gfp value an ALLOC of API $1 (a name) gets by default, as the CLI
# picks it from the driver's description: GFP_KERNEL where the API takes it,
# nothing where it takes no base type.
api_gfp() {
	gfp_default "$(kmemlab apis -o NAME,GFP -n -r | awk -v a="$1" '$1 == a { print $2 }')"
}

# The same from an API's GFP column ("GFP_KERNEL|GFP_ATOMIC|..."), for a
# loop that already read it with the apis table.
gfp_default() {
	if [[ "|$1|" == *"|GFP_KERNEL|"* ]]; then uapi KMEMLAB_GFP_KERNEL; else echo 0; fi
}

# Skip the test unless the running kernel has API $1, with the driver's
# reason: never passed vacuously.
need_api() {
	local why
	why=$(kmemlab apis -o NAME,AVAILABLE -n -r | awk -v a="$1" '$1 == a { print $2 }')
	[[ -n $why ]] || fail "the driver does not describe $1"
	[[ $why == yes ]] || skip "$1: $why ($(uname -r))"
}

# The APIs the driver describes with property $1, as the CLI lists names:
# "kcalloc, devm_kcalloc".
apis_with() {
	kmemlab apis -o NAME,PROPERTIES -n -r |
		awk -v p="$1" '{ n = split($2, c, ","); for (i = 1; i <= n; i++) if (c[i] == p) print $1 }' |
		paste -sd, | sed 's/,/, /g'
}

# The trap back on where Bats had set it (bats_setup_tracing sets that
# variable): not in a test's own process, which sources its file first.
if [[ -v BATS_DEBUG_LAST_STACK_TRACE_IS_VALID ]]; then
	trap 'bats_debug_trap "$BASH_SOURCE"' DEBUG
fi
