"""scripts/timeline.py on a synthetic trace: the Chrome trace JSON holds the expected
spans, instants and lane names; the SVG is XML with a lane per hart and per thread;
a log without a TIMELINE block is a clear error."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

import timeline

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample_timeline.log"
SCRIPT = HERE.parents[1] / "scripts" / "timeline.py"
SVG = "{http://www.w3.org/2000/svg}"


def convert(tmp_path, text):
    log = tmp_path / "run.log"
    log.write_text(text)
    done = subprocess.run([sys.executable, str(SCRIPT), str(log), "--json",
                           str(tmp_path / "t.json"), "--svg", str(tmp_path / "t.svg")],
                          capture_output=True, text=True, timeout=30)
    return done


@pytest.fixture
def outputs(tmp_path):
    done = convert(tmp_path, SAMPLE.read_text())
    assert done.returncode == 0, done.stderr
    return json.loads((tmp_path / "t.json").read_text()), ET.parse(tmp_path / "t.svg").getroot()


def lanes_by_name(trace):
    return {e["args"]["name"]: (e["pid"], e["tid"]) for e in trace["traceEvents"]
            if e["ph"] == "M" and e["name"] == "thread_name"}


def test_json_names_every_lane(outputs):
    trace, _ = outputs
    lanes = lanes_by_name(trace)
    assert set(lanes) == {"hart 0", "hart 0 irq", "hart 1", "boot (tid 1)", "boot syscalls",
                          "idle (tid 2)", "sh (tid 3)", "sh syscalls",
                          "async_executor (tid 4)"}
    processes = {e["args"]["name"] for e in trace["traceEvents"]
                 if e["ph"] == "M" and e["name"] == "process_name"}
    assert processes == {"harts", "threads"}
    assert lanes["hart 0"][0] == lanes["hart 1"][0] != lanes["sh (tid 3)"][0]


def test_json_running_spans_per_hart_in_microseconds(outputs):
    trace, _ = outputs
    lanes = lanes_by_name(trace)
    hart0 = [(e["name"], e["ts"], e["dur"]) for e in trace["traceEvents"]
             if e["ph"] == "X" and (e["pid"], e["tid"]) == lanes["hart 0"]]
    # timebase 10 MHz: 1000 ticks = 100 us; times start at the first event (tick 1000).
    assert hart0 == [("boot", 0.0, 500.0), ("sh", 500.0, 120.0), ("async_executor", 620.0, 380.0),
                     ("idle", 1000.0, 400.0)]
    sh = [(e["ts"], e["dur"], e["args"]["hart"]) for e in trace["traceEvents"]
          if e["ph"] == "X" and (e["pid"], e["tid"]) == lanes["sh (tid 3)"]]
    assert sh == [(500.0, 120.0, 0), (800.0, 350.0, 1)]          # it moved to hart 1


def test_json_syscalls_irqs_and_instants(outputs):
    trace, _ = outputs
    lanes = lanes_by_name(trace)
    read = [e for e in trace["traceEvents"]
            if e["ph"] == "X" and (e["pid"], e["tid"]) == lanes["sh syscalls"]]
    assert [(e["name"], e["ts"], e["dur"], e["args"]["exit"]) for e in read] == \
        [("read", 600.0, 250.0, "read = 5")]                     # across the switch to hart 1
    irq = [e for e in trace["traceEvents"] if e.get("cat") == "irq"]
    assert [(e["name"], e["ts"], e["dur"]) for e in irq] == [("irq timer", 400.0, 40.0)]
    instants = sorted((e["name"], e["ts"], e["tid"]) for e in trace["traceEvents"]
                      if e["ph"] == "i")
    assert instants == sorted([("sleep", 500.0, lanes["boot (tid 1)"][1]),
                               ("wake", 800.0, lanes["sh (tid 3)"][1]),
                               ("exit", 1000.0, lanes["async_executor (tid 4)"][1]),
                               ("wake", 1100.0, lanes["boot (tid 1)"][1])])
    assert all(e["s"] == "t" for e in trace["traceEvents"] if e["ph"] == "i")


def test_json_spans_on_a_lane_never_overlap(outputs):
    """Perfetto needs a lane's complete events nested or apart, never crossing."""
    trace, _ = outputs
    by_lane = defaultdict(list)
    for e in trace["traceEvents"]:
        if e["ph"] == "X":
            by_lane[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"]))
    for spans in by_lane.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert start >= end - 1e-9, spans


def test_svg_is_xml_with_a_lane_per_hart_and_per_thread(outputs):
    _, svg = outputs
    assert svg.tag == SVG + "svg"
    labels = [t.text for t in svg.iter(SVG + "text") if t.get("class") == "lane-label"]
    assert labels == ["hart 0", "hart 0 irq", "hart 1", "boot (tid 1)", "boot syscalls",
                      "idle (tid 2)", "sh (tid 3)", "sh syscalls", "async_executor (tid 4)"]
    running = [r for r in svg.iter(SVG + "rect") if r.get("class") == "span running"]
    assert len(running) == 14                                   # 7 per hart lanes, 7 per threads
    assert len([r for r in svg.iter(SVG + "rect") if r.get("class") == "span syscall"]) == 2
    assert len([p for p in svg.iter(SVG + "polygon") if "wake" in (p.get("class") or "")]) == 2
    axis = [t.text for g in svg.iter(SVG + "g") if g.get("class") == "axis"
            for t in g.iter(SVG + "text")]
    assert axis[0] == "0 µs" and axis[-1] == "1.4 ms", axis
    legend = [t.text for g in svg.iter(SVG + "g") if g.get("class") == "legend"
              for t in g.iter(SVG + "text")]
    assert "sh (tid 3)" in legend and "system call" in legend and "wake" in legend


def test_a_thread_keeps_its_colour_on_every_lane(outputs):
    _, svg = outputs
    fills = defaultdict(set)
    for rect in svg.iter(SVG + "rect"):
        if rect.get("class") == "span running":
            fills[rect.find(SVG + "title").text.split(":")[0]].add(rect.get("fill"))
    assert all(len(f) == 1 for f in fills.values()), fills
    assert len({f.pop() for f in fills.values()}) == len(fills)


def test_noise_inside_the_block_is_skipped_with_a_warning(tmp_path):
    noisy = SAMPLE.read_text().replace("T 5000 0 irq_enter",
                                       "\x1b[34m[INFO ]\x1b[0m a stray line\r\nT 5000 0 irq_enter")
    done = convert(tmp_path, noisy.replace("\n", "\r\n"))
    assert done.returncode == 0, done.stderr
    assert "is not a timeline event" in done.stderr
    assert json.loads((tmp_path / "t.json").read_text())["otherData"]["events"] == 23


@pytest.mark.parametrize("text,message", [
    ("just a boot log\n", "no TIMELINE BEGIN ... TIMELINE END block"),
    ("TIMELINE BEGIN 10000000 1\nT 1 0 switch_in 1 boot\n", "no TIMELINE END"),
])
def test_a_log_without_a_complete_block_is_a_clear_error(tmp_path, text, message):
    done = convert(tmp_path, text)
    assert done.returncode == 1
    assert message in done.stderr and "timeline=1" in done.stderr, done.stderr
    assert not (tmp_path / "t.json").exists()


def test_the_last_complete_block_wins():
    text = SAMPLE.read_text() + "TIMELINE BEGIN 1000 1\nT 5 0 switch_in 9 other\nTIMELINE END\n"
    trace = timeline.parse(text)
    assert trace.timebase_hz == 1000 and [e[3] for e in trace.events] == [9]
