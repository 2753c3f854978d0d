#!/bin/sh
# run-image.sh IMAGE SECONDS BOOTARGS QEMU-OPTIONS...
#
# Boot one kernel image in QEMU and exit with QEMU's own exit status, which
# carries the kernel's verdict (0 = pass, 1..255 = failure code). A run that
# takes longer than SECONDS is a hang: it is reported with where every hart
# was (function, file:line, thread) and the last console lines, then killed
# (status 124). The work is done by scripts/run_image.py.
exec "${PYTHON:-/usr/bin/python3}" "$(dirname "$0")/run_image.py" "$@"
