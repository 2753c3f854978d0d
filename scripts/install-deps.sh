#!/bin/sh
# install-deps.sh: install the Debian packages this kernel needs, once.
#
# Idempotent: it asks dpkg which packages are missing and installs only those,
# so with everything present it returns in well under a second. It runs as
# root, through sudo when that works without a password, and otherwise prints
# the exact apt-get command for a person to run.
set -eu

# The last ones serve tests/linux (unmodified static Linux programs): the Linux
# cross compiler and its libc, qemu-user (qemu-riscv64) as the reference, and
# for BusyBox (scripts/busybox-build.sh, make busybox): dpkg-dev, whose
# dpkg-source `apt-get source` needs, the archive's keyring that our private
# deb-src line is signed by, and gcc for BusyBox's host-side config tools.
PACKAGES="
gcc-riscv64-unknown-elf
binutils-riscv64-unknown-elf
qemu-system-misc
opensbi
gdb-multiarch
libcriterion-dev
device-tree-compiler
libfdt-dev
python3-pytest
python3-pexpect
python3-pytest-xdist
pkg-config
gcc-riscv64-linux-gnu
libc6-dev-riscv64-cross
qemu-user
dpkg-dev
debian-archive-keyring
gcc
e2fsprogs
"

missing=""
for pkg in $PACKAGES; do
    # dpkg-query prints "install ok installed" only for a fully installed package.
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "install ok installed" ]; then
        missing="$missing $pkg"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

echo "install-deps: missing:$missing"
command="apt-get install -y --no-install-recommends$missing"

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
else
    echo "install-deps: not root and no password-less sudo. Run this yourself:"
    echo "    sudo apt-get update && sudo $command"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have an empty package index; update only when needed.
if ! $SUDO $command; then
    $SUDO apt-get update
    $SUDO $command
fi
