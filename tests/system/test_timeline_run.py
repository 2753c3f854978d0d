"""make timeline's pipeline on the real kernel: boot with timeline=1, convert.

Until the kernel records the timeline, the converter must fail with a clear
message; once it prints a TIMELINE block, the JSON and SVG must have a lane
per hart and per thread (docs/debugging.md, 'The timeline format').
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

from qemu import ROOT, run


def test_a_timeline_run_converts_or_says_what_is_missing(tmp_path):
    status, out = run("kernel", bootargs="timeline=1 mode=threads", timeout=60)
    log = tmp_path / "timeline.log"
    log.write_text(out)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "timeline.py"), str(log),
                           "--json", str(tmp_path / "t.json"), "--svg", str(tmp_path / "t.svg")],
                          capture_output=True, text=True, timeout=60)
    if "TIMELINE BEGIN" not in out:
        assert done.returncode == 1, done.stdout + done.stderr
        assert "no TIMELINE BEGIN ... TIMELINE END block" in done.stderr, done.stderr
        return
    assert done.returncode == 0, done.stderr + out
    trace = json.loads((tmp_path / "t.json").read_text())
    names = {e["args"]["name"] for e in trace["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name"}
    assert "hart 0" in names and any("(tid " in n for n in names), names
    assert any(e["ph"] == "X" and e["cat"] == "running" for e in trace["traceEvents"])
    svg = ET.parse(tmp_path / "t.svg").getroot()
    assert svg.tag.endswith("svg")
