"""make timeline's pipeline on the real kernel: boot with timeline=1, convert.

The kernel must print a TIMELINE block at power-off holding the events the
workload makes (docs/debugging.md, 'The timeline format'), and the JSON and
SVG must have a lane per hart and per thread."""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

from qemu import ROOT, run


def test_a_timeline_run_records_the_workload_and_converts(tmp_path):
    status, out = run("kernel", bootargs="timeline=1 mode=threads", timeout=60)
    assert status == 0, out
    out = out.replace("\r", "")
    log = tmp_path / "timeline.log"
    log.write_text(out)
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "timeline.py"), str(log),
                           "--json", str(tmp_path / "t.json"), "--svg", str(tmp_path / "t.svg")],
                          capture_output=True, text=True, timeout=60)
    assert "TIMELINE BEGIN" in out and "TIMELINE END" in out, out
    events = re.findall(r"^T (\d+) (\d+) (\w+) (-?\d+) (\S+)(?: (.*))?$", out, re.M)
    kinds = {kind for _, _, kind, _, _, _ in events}
    assert {"switch_in", "switch_out", "sleep", "wake", "irq_enter", "irq_exit", "exit"} <= kinds, \
        kinds
    # Every demo thread's exit, with its exit code (100 + its number).
    exits = {name: int(detail) for _, _, kind, _, name, detail in events if kind == "exit"}
    assert {name: code for name, code in exits.items() if name.startswith("demo-")} == \
        {"demo-%d" % i: 100 + i for i in range(8)}, exits
    # The boot thread sleeps in thread_join, and a demo thread's exit wakes it.
    assert any(kind == "sleep" and name == "boot" and "join" in detail
               for _, _, kind, _, name, detail in events), events
    assert any(kind == "wake" and name == "boot" and detail.startswith("by ")
               for _, _, kind, _, name, detail in events), events
    # Times only grow: the harts' buffers are merged in order.
    times = [int(t) for t, _, _, _, _, _ in events]
    assert times == sorted(times)
    assert re.search(r"^TIMELINE DROPPED 0$", out, re.M), out
    assert done.returncode == 0, done.stderr + out
    trace = json.loads((tmp_path / "t.json").read_text())
    names = {e["args"]["name"] for e in trace["traceEvents"]
             if e["ph"] == "M" and e["name"] == "thread_name"}
    assert "hart 0" in names and any("(tid " in n for n in names), names
    assert any(e["ph"] == "X" and e["cat"] == "running" for e in trace["traceEvents"])
    svg = ET.parse(tmp_path / "t.svg").getroot()
    assert svg.tag.endswith("svg")
