"""The system-call fuzzer (user/prog/fuzz.c): a short round on every `make test`.

Children make random system calls (numbers, flags and pointers from valid,
edge and garbage values); the kernel must survive them, and every frame must
be back once they are reaped. The long round is `make fuzz` (docs/testing.md).
A failure prints the seed: `make fuzz FUZZ_CALLS=... FUZZ_SEED=...` replays it.
"""
import re

import pytest

from qemu import run

ROUND = re.compile(r"fuzz: (\d+) calls drawn; free frames before (\d+), after (\d+): "
                   r"every frame is back")


@pytest.mark.parametrize("smp,seed", [(1, 20240601), (2, 7)])
def test_fuzz_short_round_kernel_survives_and_every_frame_comes_back(smp, seed):
    status, out = run("kernel", bootargs="init=fuzz init.args=4000,%d" % seed, smp=smp,
                      timeout=240)
    assert "fuzz: seed %d" % seed in out, out
    match = ROUND.search(out)
    assert match, out
    assert match.group(2) == match.group(3), out
    assert "PANIC" not in out and "panic" not in out, out
    assert status == 0, out
