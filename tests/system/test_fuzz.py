"""The system-call fuzzer (user/prog/fuzz.c): a short round on every `make test`.

Children make random system calls (numbers, flags and pointers from valid,
edge and garbage values); the kernel must survive them, and every frame must
be back once they are reaped, and the disk they wrote on (a copy of fs.img)
must stay sound: no damage logged by ext2, and e2fsck -fn clean afterwards.
The long round is `make fuzz` (docs/testing.md). A failure prints the seed:
`make fuzz FUZZ_CALLS=... FUZZ_SEED=...` replays it.
"""
import re

import pytest

from disk import e2fsck_clean
from qemu import Qemu, disk_copy, image

ROUND = re.compile(r"fuzz: (\d+) calls drawn; free frames before (\d+), after (\d+): "
                   r"every frame is back")


# Seed 12345 unlinks /dev/null at call 2143: ext2 once freed a device file's
# number (0x103 = 259, in i_block[0]) as a block and marked the disk damaged.
@pytest.mark.parametrize("smp,seed,calls", [(1, 20240601, 4000), (2, 7, 4000), (2, 12345, 2500)])
def test_fuzz_short_round_kernel_survives_frames_come_back_disk_stays_sound(smp, seed, calls, tmp_path):
    disk = disk_copy(directory=tmp_path)
    qemu = Qemu(image("kernel"), bootargs="init=fuzz init.args=%d,%d" % (calls, seed), smp=smp,
                timeout=240, disk=disk)
    status = qemu.wait()
    out = qemu.output
    assert "fuzz: seed %d" % seed in out, out
    match = ROUND.search(out)
    assert match, out
    assert match.group(2) == match.group(3), out
    assert "PANIC" not in out and "panic" not in out, out
    assert status == 0, out
    assert "damage was found" not in out and "ext2: virtio0: inode" not in out, out
    e2fsck_clean(disk)
