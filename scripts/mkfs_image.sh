#!/bin/sh
# mkfs_image.sh: build the root disk, an ext2 image made by mke2fs -d from a
# staging folder, as `make` does (build/fs.img).
#
#   mkfs_image.sh IMAGE SIZE STAGING BINDIR [EXTRA]
#
# The staging folder is made afresh: /bin holds every program of BINDIR
# (NAME.elf becomes /bin/NAME), /home and /tmp are empty (/tmp sticky and
# world-writable), /etc/motd greets, and EXTRA (a folder, optional) is
# copied over the top, so `make image EXTRA=dir` adds files and prebuilt
# programs. Device files are made afterwards with debugfs, which needs no
# root: /dev/console (5:1), /dev/tty (5:0), /dev/null (1:3), /dev/zero (1:5).
# Then e2fsck must agree the image is sound.
set -e
image=$1 size=$2 staging=$3 bindir=$4 extra=$5
[ -n "$bindir" ] || { echo "usage: $0 IMAGE SIZE STAGING BINDIR [EXTRA]" >&2; exit 2; }

rm -rf "$staging"
mkdir -p "$staging/bin" "$staging/home" "$staging/tmp" "$staging/etc" "$staging/dev"
chmod 1777 "$staging/tmp"
for elf in "$bindir"/*.elf; do
    name=$(basename "$elf" .elf)
    cp "$elf" "$staging/bin/$name"
    chmod 755 "$staging/bin/$name"
done
cat > "$staging/etc/motd" <<'MOTD'
Welcome. Programs live in /bin; try ls /bin, cat /etc/motd, echo hi > /tmp/x, cat /tmp/x | wc.
MOTD
if [ -n "$extra" ]; then
    [ -d "$extra" ] || { echo "mkfs_image.sh: EXTRA=$extra is not a folder" >&2; exit 2; }
    cp -R "$extra"/. "$staging"/
fi

rm -f "$image"
: > "$image" # mke2fs would announce the file it creates
# 4 KiB blocks (mke2fs would pick 1 KiB for a small disk): fewer blocks to map and cache.
/usr/sbin/mke2fs -q -F -t ext2 -b 4096 -L root -E root_owner=0:0 -d "$staging" "$image" "$size"
/usr/sbin/debugfs -w "$image" -f - >/dev/null 2>&1 <<'DEVICES'
cd /dev
mknod console c 5 1
sif console mode 020620
mknod tty c 5 0
sif tty mode 020666
mknod null c 1 3
sif null mode 020666
mknod zero c 1 5
sif zero mode 020666
DEVICES
/usr/sbin/e2fsck -fn "$image" >/dev/null 2>&1 || { echo "mkfs_image.sh: e2fsck finds $image unsound" >&2; exit 1; }
