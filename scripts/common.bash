# shellcheck shell=bash
# shellcheck disable=SC2034 # sets variables for the scripts that source it
# scripts/common.bash - sourced by scripts/kernel, scripts/setup,
# scripts/kbuild, scripts/lint, scripts/kunit-parser, scripts/lab and
# tests/vm/run: where the project's caches live, which Debian kernel a
# target is, how to ask apt about a suite or architecture that is not the
# host's, and how to install a missing package or take files out of the
# kernel's source. In the VM, tests/guest-suite, tests/demo, scripts/bench
# and make fuzz source it for guest_path.

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
# A target (KVER): a kernel series on one architecture. Per target, the
# Debian suites that have it (comma-separated; the first is the main one),
# the Debian architecture, and the image metapackage whose dependency names
# the release. A target resolves through the host's apt when that knows the
# metapackage at the right series and architecture, otherwise through a
# private apt configuration of its suites and architecture (see
# private_apt). A target of another architecture than the host's builds
# and runs in a chroot of its suite (scripts/setup), which is also the
# guest's root filesystem (tests/vm/run); the host runs that chroot's
# programs itself (i386) or through qemu-user and binfmt_misc (arm64).
kmemlab_host_arch=amd64
kmemlab_series_table="
6.1             bookworm                    amd64  linux-image-amd64
6.12            bookworm,bookworm-security  amd64  linux-image-6.12-amd64
7.2             sid                         amd64  linux-image-amd64
6.1-i386        bookworm,bookworm-security  i386   linux-image-686-pae
6.1-arm64       bookworm,bookworm-security  arm64  linux-image-arm64
6.12-arm64-16k  trixie,trixie-security      arm64  linux-image-arm64-16k
"
kmemlab_mirror=http://deb.debian.org/debian
kmemlab_keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# Is the target's main suite the host's own (bookworm's 6.1 on bookworm),
# on the host's architecture? Then only the host's apt answers for it: a
# private configuration would only duplicate it, and mislead a fresh
# machine that has no lists yet.
series_is_hosts() {
    local codename
    [[ $series_arch == "$kmemlab_host_arch" ]] || return 1
    codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
    [[ -n $codename && ${series_suites%%,*} == "$codename" ]]
}

# The known targets, on one line.
known_series() { awk 'NF { printf "%s%s", sep, $1; sep = " " } END { print "" }' <<<"$kmemlab_series_table"; }

# series_row KVER: sets series_suites, series_arch, series_meta and
# series_source (what private_apt takes: the suites, with ":ARCH" when the
# architecture is not the host's); fails for an unknown KVER.
series_row() {
    local s suites arch meta
    while read -r s suites arch meta; do
        [[ $s == "$1" ]] || continue
        series_suites=$suites series_arch=$arch series_meta=$meta
        series_source=$suites
        [[ $arch == "$kmemlab_host_arch" ]] || series_source+=":$arch"
        return 0
    done <<<"$kmemlab_series_table"
    return 1
}

# The series (kernel version) of a target: 6.1-i386 -> 6.1.
series_version() { echo "${1%%-*}"; }

# release_arch RELEASE: the Debian architecture kernel RELEASE was built
# for, from its config (the unpacked package's, else installed headers'):
# amd64 when nothing tells.
release_arch() {
    local f
    f=$(kernel_config "$1") || { echo amd64; return 0; }
    if grep -qx 'CONFIG_X86_32=y' "$f"; then echo i386
    elif grep -qx 'CONFIG_ARM64=y' "$f"; then echo arm64
    else echo amd64
    fi
}

# guest_path REPO: the PATH a command in the VM runs with: the target's own
# CLI and tools first when it has them (build/<release>/bin: a target of
# another architecture, see make cli tools), then the repository's, then
# the guest's PATH.
guest_path() {
    local p=$1/userspace:$1/tests
    [[ ! -d $1/build/$(uname -r)/bin ]] || p=$1/build/$(uname -r)/bin:$p
    echo "$p:$PATH"
}

# --- a private apt configuration ----------------------------------------------------------
# private_apt SOURCE: sets apt_dir and apt_opts, the options that make
# apt-get and apt-cache use their own sources list, lists, archives and an
# empty dpkg status under $kmemlab_cache/apt/SUITES[.ARCH], and nothing of
# the host's /etc/apt/sources.list*. SOURCE is a series_source: the suites
# (comma-separated), then ":ARCH" for another architecture than the
# host's. The host's apt.conf.d still applies (a proxy, say). Release files
# are not checked for expiry: the mirror may serve a snapshot whose
# Valid-Until has passed (sid's has).
private_apt() {
    local suites=${1%%:*} arch=$kmemlab_host_arch
    [[ $1 != *:* ]] || arch=${1#*:}
    apt_dir=$kmemlab_cache/apt/${suites//,/+}
    [[ $arch == "$kmemlab_host_arch" ]] || apt_dir+=.$arch
    apt_opts=(
        -o Dir::Etc::sourcelist="$apt_dir/sources.list"
        -o Dir::Etc::sourceparts=-
        -o Dir::State::Lists="$apt_dir/lists"
        -o Dir::Cache="$apt_dir/cache"
        -o Dir::State::status="$apt_dir/status"
        -o APT::Architecture="$arch"
        -o APT::Architectures="$arch"
        -o Acquire::Languages=none
        -o Acquire::Check-Valid-Until=false
        # The cache is root's; apt's _apt user may not reach it.
        -o APT::Sandbox::User=root
    )
}

# private_apt_init SOURCE: write the sources list and the empty status once.
private_apt_init() {
    local s url list="" suites=${1%%:*}
    private_apt "$1"
    for s in ${suites//,/ }; do
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
# kernel_config RELEASE: the config of kernel RELEASE, the unpacked
# package's, else installed headers'; status 1 when there is none.
kernel_config() {
    local rel=$1 f
    for f in "$kmemlab_cache/kernels/$rel/boot/config-$rel" \
             "$kmemlab_cache/kernels/$rel/lib/modules/$rel/config" \
             "/lib/modules/$rel/build/include/config/auto.conf"; do
        [[ -r $f ]] && echo "$f" && return 0
    done
    return 1
}

# The major version of the gcc that built kernel RELEASE (from its
# config), or nothing.
kernel_gcc_major() {
    local f v
    f=$(kernel_config "$1") || return 0
    v=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)$/\1/p' "$f")
    [[ -n $v && $v != 0 ]] || return 0   # a clang-built kernel: no gcc
    echo $((v / 10000))
}
host_gcc_major() { gcc -dumpversion 2>/dev/null | cut -d. -f1; }

# Can the host's gcc build modules for kernel RELEASE? Kbuild wants the
# compiler the kernel was built with (its flags, its plugins); another major
# version fails (gcc-12 rejects gcc-16's -fmin-function-alignment).
# A kernel of another architecture is built for in its chroot, always.
host_builds_for() {
    local k
    [[ $(release_arch "$1") == "$kmemlab_host_arch" ]] || return 1
    k=$(kernel_gcc_major "$1")
    [[ -n $k && $k == "$(host_gcc_major)" ]]
}

# --- locking -------------------------------------------------------------------------------
# lock_cache: hold the cache's lock until this process exits, so that two
# setups never build the same entry at once (the second waits, then finds
# it built). Taken only by a writer with work to do; readers need none, as
# entries appear whole. A script run by the lock's holder (scripts/setup
# runs scripts/debug-kernel) inherits the locked descriptor and its number
# in KMEMLAB_LOCK_FD: it already holds the lock, and waiting for it would
# wait for itself.
lock_cache() {
    [[ -z ${kmemlab_lock_fd:-} ]] || return 0
    mkdir -p "$kmemlab_cache"
    local held=${KMEMLAB_LOCK_FD:-}
    if [[ $held =~ ^[0-9]+$ && /proc/self/fd/$held -ef $kmemlab_cache/setup.lock ]]; then
        kmemlab_lock_fd=$held
        return 0
    fi
    exec {kmemlab_lock_fd}>"$kmemlab_cache/setup.lock"
    if ! flock -n "$kmemlab_lock_fd"; then
        echo "${0##*/}: waiting for another setup that holds $kmemlab_cache/setup.lock" >&2
        flock "$kmemlab_lock_fd"
    fi
    export KMEMLAB_LOCK_FD=$kmemlab_lock_fd
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
