# shellcheck shell=bash
# shellcheck disable=SC2034 # sets variables for the scripts that source it
# scripts/common.bash - sourced by scripts/kernel, scripts/setup,
# scripts/kbuild, scripts/lint, scripts/kunit-parser, scripts/lab and
# tests/vm/run: where the project's caches live, which Debian kernel a
# series is, how to ask apt about a suite that is not the host's, and how
# to install a missing package or take files out of the kernel's source.

# --- the cache ---------------------------------------------------------------------
# Outside the repository, so that a fresh clone (CI clones for every run)
# finds the kernels, chroots and VM images of the last one:
#   kernels/<release>/       unpacked guest kernel (boot/, lib/modules/)
#   kernels/<KVER>.resolved  scripts/kernel's last answer
#   apt/<suites>/            private apt state of a suite the host does not have
#   chroots/<release>/       build chroot of a kernel the host's gcc cannot build for
#   vm/                      vmlinux cut out of a bzImage, initramfs images
#   checkpatch/              checkpatch.pl and its data files
#   kunit-parser-6.1/        the kernel's KTAP parser (tests/ktap-parse)
#   lava-server-<version>/   LAVA's device types (scripts/lab)
# Every entry is made under a temporary name and renamed into place when it
# is complete, so an entry that exists is whole; writers serialise on
# setup.lock (lock_cache below).
kmemlab_cache=${KMEMLAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmemlab}

# --- kernel series ----------------------------------------------------------------------
# series, the Debian suites that have it (comma-separated; the first is the
# main one), and the image metapackage whose dependency names the release.
# A series resolves through the host's apt when that knows the metapackage
# at the right series, otherwise through a private apt configuration of its
# suites (see private_apt). Another architecture is another arch here (and
# QEMU binary in tests/vm/run).
kmemlab_arch=amd64
kmemlab_series_table="
6.1   bookworm                    linux-image-$kmemlab_arch
6.12  bookworm,bookworm-security  linux-image-6.12-$kmemlab_arch
7.2   sid                         linux-image-$kmemlab_arch
"
kmemlab_mirror=http://deb.debian.org/debian
kmemlab_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# Is the series' main suite the host's own (bookworm's 6.1 on bookworm)?
# Then only the host's apt answers for it: a private configuration would
# only duplicate it, and mislead a fresh machine that has no lists yet.
series_is_hosts() {
    local codename
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    [[ -n $codename && ${series_suites%%,*} == "$codename" ]]
}

# The known series, on one line.
known_series() { awk 'NF { printf "%s%s", sep, $1; sep = " " } END { print "" }' <<<"$kmemlab_series_table"; }

# series_row KVER: sets series_suites and series_meta; fails for an unknown KVER.
series_row() {
    local s suites meta
    while read -r s suites meta; do
        [[ $s == "$1" ]] || continue
        series_suites=$suites series_meta=$meta
        return 0
    done <<<"$kmemlab_series_table"
    return 1
}

# --- a private apt configuration ----------------------------------------------------------
# private_apt SUITES: sets apt_dir and apt_opts, the options that make
# apt-get and apt-cache use their own sources list, lists, archives and an
# empty dpkg status under $kmemlab_cache/apt/SUITES, and nothing of the
# host's /etc/apt/sources.list*. The host's apt.conf.d still applies (a
# proxy, say). Release files are not checked for expiry: the mirror may
# serve a snapshot whose Valid-Until has passed (sid's has).
private_apt() {
    local suites=$1
    apt_dir=$kmemlab_cache/apt/${suites//,/+}
    apt_opts=(
        -o Dir::Etc::sourcelist="$apt_dir/sources.list"
        -o Dir::Etc::sourceparts=-
        -o Dir::State::Lists="$apt_dir/lists"
        -o Dir::Cache="$apt_dir/cache"
        -o Dir::State::status="$apt_dir/status"
        -o APT::Architecture="$kmemlab_arch"
        -o APT::Architectures="$kmemlab_arch"
        -o Acquire::Languages=none
        -o Acquire::Check-Valid-Until=false
        # The cache is root's; apt's _apt user may not reach it.
        -o APT::Sandbox::User=root
    )
}

# private_apt_init SUITES: write the sources list and the empty status once.
private_apt_init() {
    local s url list=""
    private_apt "$1"
    for s in ${1//,/ }; do
        url=$kmemlab_mirror
        [[ $s != *-security ]] || url=$kmemlab_mirror-security
        list+="deb [signed-by=$kmemlab_keyring] $url $s main"$'\n'
    done
    if [[ ! -e $apt_dir/status ]] || [[ $(cat "$apt_dir/sources.list" 2>/dev/null) != "${list%$'\n'}" ]]; then
        mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
        printf '%s' "$list" >"$apt_dir/sources.list.tmp" && mv -f "$apt_dir/sources.list.tmp" "$apt_dir/sources.list"
        : >"$apt_dir/status"
    fi
}

# --- compilers -----------------------------------------------------------------------------
# The major version of the gcc that built kernel RELEASE (from its config:
# the unpacked package's, else installed headers'), or nothing.
kernel_gcc_major() {
    local rel=$1 f v
    for f in "$kmemlab_cache/kernels/$rel/boot/config-$rel" \
             "$kmemlab_cache/kernels/$rel/lib/modules/$rel/config" \
             "/lib/modules/$rel/build/include/config/auto.conf"; do
        [[ -r $f ]] || continue
        v=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)$/\1/p' "$f")
        [[ -n $v && $v != 0 ]] || return 0   # a clang-built kernel: no gcc
        echo $((v / 10000))
        return 0
    done
}
host_gcc_major() { gcc -dumpversion 2>/dev/null | cut -d. -f1; }

# Can the host's gcc build modules for kernel RELEASE? Kbuild wants the
# compiler the kernel was built with (its flags, its plugins); another major
# version fails (gcc-12 rejects gcc-16's -fmin-function-alignment).
host_builds_for() {
    local k
    k=$(kernel_gcc_major "$1")
    [[ -n $k && $k == "$(host_gcc_major)" ]]
}

# --- locking -------------------------------------------------------------------------------
# lock_cache: hold the cache's lock until this process exits, so that two
# setups never build the same entry at once (the second waits, then finds
# it built). Taken only by a writer with work to do; readers need none, as
# entries appear whole.
lock_cache() {
    [[ -z ${kmemlab_lock_fd:-} ]] || return 0
    mkdir -p "$kmemlab_cache"
    exec {kmemlab_lock_fd}>"$kmemlab_cache/setup.lock"
    if ! flock -n "$kmemlab_lock_fd"; then
        echo "${0##*/}: waiting for another setup that holds $kmemlab_cache/setup.lock" >&2
        flock "$kmemlab_lock_fd"
    fi
}

# --- packages and the kernel's source ----------------------------------------------
# need_packages [--no-install-recommends] PKG...: install those of PKG that
# are not installed, quietly, saying which (scripts/setup installs the
# project's base packages itself, with its own report).
need_packages() {
    local opts=() missing=() p
    if [[ ${1:-} == --no-install-recommends ]]; then
        opts=("$1")
        shift
    fi
    for p in "$@"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
    done
    [[ ${#missing[@]} -gt 0 ]] || return 0
    echo "${0##*/}: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${opts[@]}" "${missing[@]}" >/dev/null
}

# linux_source_extract DIR STRIP FILE...: FILEs (paths inside the kernel
# tree) out of Debian's linux-source-6.1 tarball into DIR, dropping STRIP
# leading components of their tarball paths, unless DIR exists. Unpacked
# beside, then renamed into place: never a half-extracted copy.
linux_source_extract() {
    local dir=$1 strip=$2
    shift 2
    [[ ! -d $dir ]] || return 0
    need_packages linux-source-6.1
    mkdir -p "$dir.tmp.$$"
    tar -xf /usr/src/linux-source-6.1.tar.xz -C "$dir.tmp.$$" --strip-components="$strip" \
        "${@/#/linux-source-6.1/}"
    rm -rf "$dir"
    mv "$dir.tmp.$$" "$dir"
}

# --- the debug kernel (scripts/debug-kernel) ---------------------------------------------
# Its cache key hashes the source package's file name, the build recipe's
# version (bump it when scripts/debug-kernel changes what it builds) and
# the config fragment: a change of any of them is another kernel.
debug_kernel_recipe=1
debug_kernel_fragment=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)/tests/debug/debug.config

# debug_kernel_deb: the cached source package, or nothing.
debug_kernel_deb() { compgen -G "$kmemlab_cache/debug/linux-source-6.12_*.deb" | sort -V | tail -n1; }

# debug_kernel_key DEB: the key of a build from DEB.
debug_kernel_key() {
    { basename "$1"; echo "recipe $debug_kernel_recipe"; cat "$debug_kernel_fragment"; } |
        sha256sum | cut -c1-12
}

# debug_kernel_release [KEY]: the release of the debug kernel in the cache
# if it was built, whole, with KEY (default: the key of the cached source
# package with today's recipe and fragment); status 1 otherwise. The one
# test of "is the debug kernel built": a kernel of a stale key is never
# booted.
debug_kernel_release() {
    local key=${1:-} deb rel k
    if [[ -z $key ]]; then
        deb=$(debug_kernel_deb)
        [[ -n $deb ]] || return 1
        key=$(debug_kernel_key "$deb")
    fi
    [[ -s $kmemlab_cache/kernels/debug.resolved ]] || return 1
    read -r rel k <"$kmemlab_cache/kernels/debug.resolved"
    [[ -n $rel && $k == "$key" && -e $kmemlab_cache/debug/build-$key/complete &&
       -e $kmemlab_cache/kernels/$rel/boot/vmlinuz-$rel ]] || return 1
    echo "$rel"
}
