#!/bin/sh
# run-image.sh IMAGE SECONDS BOOTARGS QEMU-OPTIONS...
#
# Boot one kernel image in QEMU and exit with QEMU's own exit status, which
# carries the kernel's verdict (0 = pass, 1..255 = failure code). A run that
# takes longer than SECONDS is killed and reported as a hang (status 124).
image=$1
seconds=$2
bootargs=$3
shift 3

timeout --foreground -k 5 "$seconds" qemu-system-riscv64 "$@" -kernel "$image" -append "$bootargs"
status=$?
if [ "$status" -eq 124 ]; then
    echo "run-image: $image did not finish within $seconds s and was killed: a hang?" >&2
elif [ "$status" -ne 0 ]; then
    echo "run-image: $image ended with exit status $status" >&2
fi
exit "$status"
