#!/bin/sh
# busybox-build.sh: build a static riscv64 BusyBox 1.35 from Debian's source
# package with the project's config (tests/linux/busybox.config), and print
# the path of the binary.
#
#   scripts/busybox-build.sh           fetch and build if needed, print the path
#   scripts/busybox-build.sh --path    print where the binary is (or would be);
#                                      exit 1 if it is not built yet (no work done)
#   scripts/busybox-build.sh --clean   remove this version's cache and exit
#
# Everything lives outside the repository, in
#   ${RVKERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rvkernel}/
#     apt/                          a private apt configuration (deb-src only)
#     src/busybox-<debver>/         Debian's source, as `apt-get source` unpacks it
#     busybox-<debver>-<cfg>/busybox  the binary; <cfg> is a hash of the config
#                                   and of the compiler's version
# so a second run finds the binary and returns at once. Two runs at once
# (parallel test workers) take turns on a lock: the second finds the first's
# binary.
#
# The machine's own apt configuration is not touched: the source index is
# downloaded with Dir::Etc::SourceList pointing at our own sources.list, and
# the lists and caches that apt writes go to our cache directory.
#
# Needs: apt-get and dpkg-source (dpkg-dev), make, a host gcc, and
# riscv64-linux-gnu-gcc with its libc (scripts/install-deps.sh installs them).
set -eu

SUITE=bookworm            # Debian 12: BusyBox 1.35
UPSTREAM=1.35             # the upstream series we insist on
JOBS=${JOBS:-2}
CROSS=${CROSS_LINUX:-riscv64-linux-gnu-}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONFIG=$ROOT/tests/linux/busybox.config
CACHE=${RVKERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rvkernel}
APTDIR=$CACHE/apt

say() { echo "busybox-build: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- The private apt configuration ----------------------------------------
# The archive URL comes from the machine's own sources (one-line or deb822
# format): the first URI that serves the suite $SUITE itself. A mirror can be
# forced with DEBIAN_MIRROR=...
find_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
             /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        case $f in
        *.sources)
            # deb822: stanzas separated by blank lines, with URIs: and Suites:
            awk -v suite="$SUITE" '
                function flush() {
                    if (uris != "" && (" " suites " ") ~ (" " suite " ")) {
                        split(uris, u, " "); print u[1]; found = 1; exit
                    }
                    uris = ""; suites = ""
                }
                /^[ \t]*$/ { flush(); next }
                /^URIs:/   { sub(/^URIs:[ \t]*/, ""); uris = $0 }
                /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
                END { if (!found) flush() }' "$f"
            ;;
        *)
            # one-line: deb [options] URI suite components...
            awk -v suite="$SUITE" '
                $1 == "deb" || $1 == "deb-src" {
                    i = 2
                    if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                    if ($(i + 1) == suite) { print $i; exit }
                }' "$f"
            ;;
        esac
    done | grep -m1 -E '^(https?|file):' || echo http://deb.debian.org/debian
}

apt_opts() {
    echo "-o Dir::Etc::SourceList=$APTDIR/sources.list" \
         "-o Dir::Etc::SourceParts=/dev/null" \
         "-o Dir::State::Lists=$APTDIR/lists" \
         "-o Dir::Cache=$APTDIR/cache" \
         "-o APT::Sandbox::User=$(id -un)"
}

setup_apt() {
    mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
    mirror=$(find_mirror)
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    line="deb-src [signed-by=$keyring] $mirror $SUITE main"
    if [ ! -f "$APTDIR/sources.list" ] || [ "$(cat "$APTDIR/sources.list")" != "$line" ]; then
        echo "$line" >"$APTDIR/sources.list"
        rm -f "$APTDIR/lists/"*Sources* 2>/dev/null || true
    fi
    if ! ls "$APTDIR/lists/"*_source_Sources* >/dev/null 2>&1; then
        say "apt-get update (private: $APTDIR, $mirror $SUITE)"
        # shellcheck disable=SC2046
        apt-get $(apt_opts) -q update >&2 || die "apt-get update failed"
    fi
}

# The Debian version of the source package (e.g. 1:1.35.0-4+deb12u1).
source_version() {
    # shellcheck disable=SC2046
    apt-cache $(apt_opts) showsrc busybox 2>/dev/null |
        awk '/^Version:/ { print $2; exit }'
}

# ---- Cache keys ----------------------------------------------------------------
config_key() {
    { cat "$CONFIG"; "${CROSS}gcc" --version | head -1; } |
        sha256sum | cut -c1-12
}

# Where the binary of the already-fetched version would be, or nothing.
known_binary() {
    [ -f "$CACHE/busybox.version" ] || return 0
    ver=$(cat "$CACHE/busybox.version")
    echo "$CACHE/busybox-$ver-$(config_key)/busybox"
}

case "${1:-}" in
--path)
    bin=$(known_binary)
    if [ -n "$bin" ] && [ -x "$bin" ]; then
        echo "$bin"
        exit 0
    fi
    exit 1
    ;;
--clean)
    rm -rf "$CACHE"/busybox-* "$CACHE"/src/busybox* "$CACHE/busybox.version"
    exit 0
    ;;
"") ;;
*) die "unknown option $1 (use --path or --clean)" ;;
esac

[ -f "$CONFIG" ] || die "no config at $CONFIG"
command -v "${CROSS}gcc" >/dev/null || die "${CROSS}gcc not found: run scripts/install-deps.sh"

# Fast path: the binary for this config and compiler is already cached.
bin=$(known_binary)
if [ -n "$bin" ] && [ -x "$bin" ]; then
    echo "$bin"
    exit 0
fi

# One build at a time: the lock is held until this script exits, and a run
# that waited on it looks in the cache again first.
mkdir -p "$CACHE"
exec 9>"$CACHE/busybox.lock"
if command -v flock >/dev/null; then
    flock 9
    bin=$(known_binary)
    if [ -n "$bin" ] && [ -x "$bin" ]; then
        echo "$bin"
        exit 0
    fi
fi

start=$(date +%s)
command -v dpkg-source >/dev/null || die "dpkg-source not found: run scripts/install-deps.sh (dpkg-dev)"
setup_apt
ver=$(source_version)
[ -n "$ver" ] || die "no busybox source package in $SUITE"
upver=${ver#*:}
case $upver in
"$UPSTREAM".*) ;;
*) die "the archive offers busybox $ver, not $UPSTREAM.x" ;;
esac
safever=$(echo "$upver" | tr ':~' '__')

# ---- Fetch (once per Debian version) ------------------------------------------
SRC=$CACHE/src/busybox-$safever
if [ ! -f "$SRC/.fetched" ]; then
    say "fetching busybox $ver with apt-get source"
    rm -rf "$SRC"
    mkdir -p "$SRC.tmp"
    rm -rf "${SRC:?}.tmp/"*
    # shellcheck disable=SC2046
    (cd "$SRC.tmp" && apt-get $(apt_opts) -q source "busybox=$ver" >&2) ||
        die "apt-get source failed"
    dir=$(find "$SRC.tmp" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | head -1)
    [ -n "$dir" ] || die "apt-get source left no busybox-* directory"
    mv "$dir" "$SRC"
    rm -rf "$SRC.tmp"
    touch "$SRC/.fetched"
fi
echo "$safever" >"$CACHE/busybox.version"

# ---- Build (once per version, config and compiler) ------------------------------
OUT=$CACHE/busybox-$safever-$(config_key)
BUILDDIR=$OUT.build
say "building in $BUILDDIR (make -j$JOBS)"
rm -rf "$BUILDDIR"
mkdir -p "$BUILDDIR"
# An out-of-tree build (O=) keeps the unpacked source pristine.
m() {
    make -C "$SRC" O="$BUILDDIR" CROSS_COMPILE="$CROSS" "$@" \
        </dev/null >>"$BUILDDIR/make.log" 2>&1 ||
        { tail -30 "$BUILDDIR/make.log" >&2; die "make $* failed (log: $BUILDDIR/make.log)"; }
}

# The config is a fragment. BusyBox's allnoconfig ignores KCONFIG_ALLCONFIG
# for yes/no options, so the fragment is merged by hand: start from
# allnoconfig, set the fragment's lines, turn off every other option that is
# on, and let `make oldconfig` (stdin empty: defaults for what is new) settle
# the dependencies. Repeat until the .config stops changing; what remains on
# beyond the fragment is only what a fragment option selects.
merge_fragment() {
    awk '
        FNR == NR {                              # the fragment
            if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) {
                name = substr($0, 1, RLENGTH - 1); want[name] = $0
            }
            next
        }
        {
            name = ""
            if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) name = substr($0, 1, RLENGTH - 1)
            else if (match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set$/)) name = substr($0, 3, RLENGTH - 13)
            if (name != "" && name in want) { print want[name]; done[name] = 1; next }
            if (name != "" && $0 ~ /=y$/) { print "# " name " is not set"; next }
            print
        }
        END { for (n in want) if (!(n in done)) print want[n] }
    ' "$CONFIG" "$BUILDDIR/.config" >"$BUILDDIR/.config.new"
    mv "$BUILDDIR/.config.new" "$BUILDDIR/.config"
}
# BusyBox prints its build time in usage messages; take it from Debian's
# changelog instead of the clock, so two builds give the same binary.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -STimestamp 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
m allnoconfig
i=0
while :; do
    cp "$BUILDDIR/.config" "$BUILDDIR/.config.prev"
    merge_fragment
    m oldconfig
    # (The first lines hold a time stamp: compare the options only.)
    [ "$(grep CONFIG_ "$BUILDDIR/.config")" = "$(grep CONFIG_ "$BUILDDIR/.config.prev")" ] && break
    i=$((i + 1))
    [ $i -lt 10 ] || die "the config does not settle after 10 rounds"
done
# Every option the fragment sets must have survived, so a misspelt or
# impossible option fails loudly.
missing=$(grep -E '^CONFIG_[A-Za-z0-9_]+=' "$CONFIG" | while IFS= read -r want; do
    grep -qxF "$want" "$BUILDDIR/.config" || echo "$want"
done)
[ -z "$missing" ] || die "options not taken by kconfig: $missing"
m -j"$JOBS" busybox
# Keep the unstripped binary beside the stripped one: its symbols help when
# the kernel has to explain a fault at some user pc.
mkdir -p "$OUT.tmp"
cp "$BUILDDIR/.config" "$OUT.tmp/config"
cp "$BUILDDIR/busybox_unstripped" "$OUT.tmp/busybox.unstripped"
"${CROSS}strip" -o "$OUT.tmp/busybox" "$BUILDDIR/busybox_unstripped"
if command -v qemu-riscv64 >/dev/null; then
    qemu-riscv64 "$OUT.tmp/busybox" true || die "the new busybox does not run under qemu-riscv64"
fi
rm -rf "$OUT" "$BUILDDIR"
mv "$OUT.tmp" "$OUT"
say "built busybox $ver in $(($(date +%s) - start)) s"
echo "$OUT/busybox"
