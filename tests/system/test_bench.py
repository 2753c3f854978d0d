"""make bench repeats exactly: two runs of scripts/bench.py give the same JSON.

Each run boots the image once (--extra-mem '': the second boot with 2 GiB,
for the figures named by memory size, runs the same way and is left out to
keep make test short)."""
import json
import subprocess
import sys

from qemu import ROOT, image


def test_two_bench_runs_give_identical_figures(tmp_path):
    outputs = []
    for run in (1, 2):
        path = tmp_path / ("bench%d.json" % run)
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), image("bench"),
                               str(path), "--extra-mem", ""], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "qemu -icount shift=0,sleep=off" in done.stdout, done.stdout
        outputs.append(path.read_bytes())
    assert len(json.loads(outputs[0])) >= 10, outputs[0]
    assert outputs[0] == outputs[1], "bench figures differ between two runs"
