#!/usr/bin/env python3
"""timeline.py: turn the kernel's scheduler trace into a timeline picture.

    timeline.py [LOG] [--json OUT.json] [--svg OUT.svg] [--title TEXT]

LOG is a console log (default: standard input) that holds a block the kernel
prints at the end of a run booted with `timeline=1` (docs/debugging.md):

    TIMELINE BEGIN <timebase_hz> <nharts>
    T <time> <hart> <event> <tid> <name> [<detail>]
    TIMELINE DROPPED <count>          (optional: events the buffer lost)
    TIMELINE END

<time> is the `time` CSR in timebase ticks, <name> the thread's name with
each space written as '_' (shown as written), <detail> the rest of the line. Events: switch_in,
switch_out, wake, sleep, syscall_enter, syscall_exit, irq_enter, irq_exit,
exit. Other console lines around or inside the block are ignored (with a
warning when inside); the last complete block wins.

Outputs:
- Chrome trace-event JSON (open it in https://ui.perfetto.dev or
  chrome://tracing): a "harts" process with one lane per hart (what ran:
  "X" complete events, named by thread) and one per hart for interrupts; a
  "threads" process with one lane per thread (when it ran) and one for its
  system calls; "i" instant events for wake, sleep and exit; metadata events
  name every lane.
- An SVG drawn here, no library needed: one lane per hart and per thread,
  spans coloured by thread, system calls and interrupts as thin bars, wakes
  as triangles, a time axis and a legend. It reads well embedded in markdown.
"""
import argparse
import html
import json
import math
import re
import sys
from collections import OrderedDict

EVENTS = {"switch_in", "switch_out", "wake", "sleep", "syscall_enter", "syscall_exit",
          "irq_enter", "irq_exit", "exit"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
BEGIN = re.compile(r"TIMELINE BEGIN (\d+) (\d+)\s*$")
EVENT = re.compile(r"T (\d+) (\d+) (\w+) (-?\d+) (\S+)(?: (.*))?$")
DROPPED = re.compile(r"TIMELINE DROPPED (\d+)\s*$")


class NoTimeline(Exception):
    pass


class Trace:
    def __init__(self, timebase_hz, nharts):
        self.timebase_hz = timebase_hz
        self.nharts = nharts
        self.events = []          # (time, hart, event, tid, name, detail)
        self.dropped = 0
        self.warnings = []

    def us(self, ticks):
        """Timebase ticks since the first event, in microseconds."""
        return (ticks - self.start) * 1e6 / self.timebase_hz

    @property
    def start(self):
        return self.events[0][0] if self.events else 0

    @property
    def end(self):
        return self.events[-1][0] if self.events else 0


def parse(text):
    """The last complete TIMELINE block of a console log, as a Trace."""
    trace = None
    found = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = ANSI.sub("", raw).replace("\r", "").strip()
        begin = BEGIN.search(line)
        if begin:
            trace = Trace(int(begin.group(1)), int(begin.group(2)))
            if trace.timebase_hz <= 0:
                raise NoTimeline("line %d: timebase_hz must be positive: %r" % (number, raw))
            continue
        if trace is None:
            continue
        if line.endswith("TIMELINE END"):
            found, trace = trace, None
            continue
        event = EVENT.match(line)
        dropped = DROPPED.search(line)
        if dropped:
            trace.dropped += int(dropped.group(1))
        elif event and event.group(3) in EVENTS:
            time, hart, kind, tid, name, detail = event.groups()
            trace.events.append((int(time), int(hart), kind, int(tid), name, detail or ""))
        elif line:
            trace.warnings.append("line %d is not a timeline event: %r" % (number, raw))
    if found is None:
        if trace is not None:
            raise NoTimeline("a TIMELINE BEGIN line, but no TIMELINE END: the run was cut short")
        raise NoTimeline("no TIMELINE BEGIN ... TIMELINE END block")
    found.events.sort(key=lambda e: e[0])       # stable: a hart's own events keep their order
    return found


class Spans:
    """Open/close pairs on lanes, closed at the trace's edges when one side is missing."""

    def __init__(self, trace):
        self.trace = trace
        self.open = {}
        self.seen = set()        # lanes that have had a beginning
        self.done = []           # (lane, start, end, label, category, args)

    def begin(self, lane, time, label, category, args=None):
        if lane in self.open:
            self.end(lane, time)
        self.seen.add(lane)
        self.open[lane] = (time, label, category, args or {})

    def end(self, lane, time, label=None, category=None, more=None):
        if lane in self.open:
            start, label, category, args = self.open.pop(lane)
            args = dict(args, **(more or {}))
        elif label is None or lane in self.seen:
            return          # nothing open here (an exit already closed it, say)
        else:               # it began before the trace did
            self.seen.add(lane)
            start, args = self.trace.start, {"began before the trace": True}
        self.done.append((lane, start, time, label, category, args))

    def close_all(self):
        for lane in list(self.open):
            start, label, category, args = self.open.pop(lane)
            self.done.append((lane, start, self.trace.end, label, category,
                              dict(args, **{"still open at the end": True})))
        self.done.sort(key=lambda s: (s[1], s[2]))
        return self.done


def build(trace):
    """Lanes, spans and instants from the events: what both outputs draw."""
    threads = OrderedDict()      # tid -> name (the latest)
    spans = Spans(trace)
    instants = []                # (lane, time, name, args)
    running = {}                 # hart -> (tid, name)
    for time, hart, kind, tid, name, detail in trace.events:
        threads[tid] = name
        if kind == "switch_in":
            previous = running.get(hart)
            if previous is not None:
                spans.end(("thread", previous[0]), time)
            spans.begin(("hart", hart), time, name, "running", {"tid": tid})
            spans.begin(("thread", tid), time, name, "running", {"hart": hart})
            running[hart] = (tid, name)
        elif kind == "switch_out":
            spans.end(("hart", hart), time, name, "running")
            spans.end(("thread", tid), time, name, "running")
            running.pop(hart, None)
        elif kind == "syscall_enter":
            spans.begin(("syscalls", tid), time, detail.split()[0] if detail else "syscall",
                        "syscall", {"detail": detail, "hart": hart})
        elif kind == "syscall_exit":
            spans.end(("syscalls", tid), time, detail.split()[0] if detail else "syscall",
                      "syscall", {"exit": detail} if detail else None)
        elif kind == "irq_enter":
            spans.begin(("irq", hart), time, "irq " + detail if detail else "irq", "irq",
                        {"detail": detail})
        elif kind == "irq_exit":
            spans.end(("irq", hart), time, "irq", "irq")
        else:  # wake, sleep, exit: a moment in the thread's life
            instants.append((("thread", tid), time, kind,
                             {"hart": hart, "detail": detail} if detail else {"hart": hart}))
            if kind == "exit":
                spans.end(("thread", tid), time)
    done = spans.close_all()
    harts = sorted(set(range(trace.nharts)) | {e[1] for e in trace.events})
    lanes = []
    used = {s[0] for s in done} | {i[0] for i in instants}
    for hart in harts:
        lanes.append((("hart", hart), "hart %d" % hart))
        if ("irq", hart) in used:
            lanes.append((("irq", hart), "hart %d irq" % hart))
    for tid, name in threads.items():
        lanes.append((("thread", tid), "%s (tid %d)" % (name, tid)))
        if ("syscalls", tid) in used:
            lanes.append((("syscalls", tid), "%s syscalls" % name))
    return lanes, done, instants, threads


# ---- Chrome trace-event JSON ------------------------------------------------------

HARTS_PID, THREADS_PID = 1, 2


def lane_ids(lanes):
    """(pid, tid) for each lane: harts in one process, threads in another, in order."""
    ids = {}
    for index, (lane, _) in enumerate(lanes):
        ids[lane] = (HARTS_PID if lane[0] in ("hart", "irq") else THREADS_PID, index + 1)
    return ids


def chrome_trace(trace):
    lanes, spans, instants, _ = build(trace)
    ids = lane_ids(lanes)
    events = [
        {"ph": "M", "name": "process_name", "pid": HARTS_PID, "tid": 0, "args": {"name": "harts"}},
        {"ph": "M", "name": "process_sort_index", "pid": HARTS_PID, "tid": 0,
         "args": {"sort_index": 0}},
        {"ph": "M", "name": "process_name", "pid": THREADS_PID, "tid": 0,
         "args": {"name": "threads"}},
        {"ph": "M", "name": "process_sort_index", "pid": THREADS_PID, "tid": 0,
         "args": {"sort_index": 1}},
    ]
    for index, (lane, title) in enumerate(lanes):
        pid, tid = ids[lane]
        events.append({"ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                       "args": {"name": title}})
        events.append({"ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid,
                       "args": {"sort_index": index}})
    for lane, start, end, label, category, args in spans:
        pid, tid = ids[lane]
        events.append({"ph": "X", "name": label, "cat": category, "pid": pid, "tid": tid,
                       "ts": round(trace.us(start), 3),
                       "dur": round(trace.us(end) - trace.us(start), 3), "args": args})
    for lane, time, name, args in instants:
        pid, tid = ids[lane]
        events.append({"ph": "i", "s": "t", "name": name, "cat": "sched", "pid": pid,
                       "tid": tid, "ts": round(trace.us(time), 3), "args": args})
    return {"traceEvents": events, "displayTimeUnit": "ms",
            "otherData": {"timebase_hz": trace.timebase_hz, "harts": trace.nharts,
                          "events": len(trace.events), "dropped": trace.dropped,
                          "source": "scripts/timeline.py"}}


# ---- SVG ----------------------------------------------------------------------------

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#2ca02c"]
SYSCALL_COLOUR, IRQ_COLOUR, WAKE_COLOUR, EXIT_COLOUR = "#333333", "#d62728", "#2ca02c", "#000000"


def nice_step(span_us, ticks=8):
    """A round tick interval (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = max(span_us / ticks, 1e-3)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def time_label(us):
    if us >= 1000:
        return ("%.3f" % (us / 1000)).rstrip("0").rstrip(".") + " ms"
    return ("%.3f" % us).rstrip("0").rstrip(".") + " µs"


def svg_timeline(trace, title="scheduler timeline"):
    lanes, spans, instants, threads = build(trace)
    colour = {tid: PALETTE[i % len(PALETTE)] for i, tid in enumerate(threads)}
    label_width, plot_width, lane_height, top = 170, 820, 26, 48
    width = label_width + plot_width + 20
    total_us = max(trace.us(trace.end), 1e-3)
    lane_y = {lane: top + i * lane_height for i, (lane, _) in enumerate(lanes)}
    axis_y = top + len(lanes) * lane_height + 6
    legend_y = axis_y + 40
    legend_rows = (len(threads) + 3 + 3) // 4
    height = legend_y + legend_rows * 20 + 16

    def x(ticks):
        return label_width + trace.us(ticks) / total_us * plot_width

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">' % (width, height,
                                                                            width, height),
           '<title>%s</title>' % html.escape(title),
           '<rect x="0" y="0" width="%d" height="%d" fill="white"/>' % (width, height),
           '<text x="10" y="22" font-size="15" font-weight="bold">%s</text>' % html.escape(title),
           '<text x="%d" y="22" text-anchor="end" fill="#555">%d events, %d harts, timebase %d Hz'
           '%s</text>' % (width - 10, len(trace.events), trace.nharts, trace.timebase_hz,
                          ", %d dropped" % trace.dropped if trace.dropped else "")]
    for i, (lane, name) in enumerate(lanes):
        y = lane_y[lane]
        shade = "#f4f4f4" if i % 2 == 0 else "#ffffff"
        out.append('<g class="lane" id="lane-%s-%s">' % lane)
        out.append('<rect x="0" y="%d" width="%d" height="%d" fill="%s"/>'
                   % (y, width, lane_height, shade))
        out.append('<text x="8" y="%d" class="lane-label">%s</text>'
                   % (y + lane_height / 2 + 4, html.escape(name)))
        out.append('</g>')
    # Grid lines under the spans, and a rule between the harts and the threads.
    step = nice_step(total_us)
    ticks = [i * step for i in range(int(total_us / step * 1.0001) + 1)]
    for tick in ticks:
        tx = label_width + tick / total_us * plot_width
        out.append('<line x1="%.2f" y1="%d" x2="%.2f" y2="%d" stroke="#dddddd"/>'
                   % (tx, top, tx, axis_y))
    first_thread = next((lane_y[lane] for lane, _ in lanes if lane[0] == "thread"), None)
    if first_thread is not None:
        out.append('<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#888888"/>'
                   % (first_thread, width, first_thread))
    for lane, start, end, label, category, args in spans:
        y = lane_y[lane]
        x0, x1 = x(start), x(end)
        span_width = max(x1 - x0, 0.8)
        tip = "%s %s: %s .. %s (%s)" % (category, label, time_label(trace.us(start)),
                                         time_label(trace.us(end)),
                                         time_label(trace.us(end) - trace.us(start)))
        if category == "running":
            tid = args.get("tid") if lane[0] == "hart" else lane[1]
            fill = colour.get(tid, "#999999")
            out.append('<rect class="span running" x="%.2f" y="%d" width="%.2f" height="%d" '
                       'fill="%s"><title>%s</title></rect>'
                       % (x0, y + 4, span_width, lane_height - 8, fill, html.escape(tip)))
            if span_width > 7 * len(label) + 6:
                out.append('<text x="%.2f" y="%d" fill="white" font-size="11">%s</text>'
                           % (x0 + 3, y + lane_height / 2 + 4, html.escape(label)))
        else:
            fill = SYSCALL_COLOUR if category == "syscall" else IRQ_COLOUR
            out.append('<rect class="span %s" x="%.2f" y="%d" width="%.2f" height="%d" '
                       'fill="%s"><title>%s</title></rect>'
                       % (category, x0, y + 8, span_width, lane_height - 16, fill,
                          html.escape(tip)))
    for lane, time, name, args in instants:
        cx, y = x(time), lane_y[lane]
        fill = {"wake": WAKE_COLOUR, "exit": EXIT_COLOUR}.get(name, "#7f7f7f")
        points = "%.2f,%d %.2f,%d %.2f,%d" % (cx - 4, y + 1, cx + 4, y + 1, cx, y + 8)
        out.append('<polygon class="instant %s" points="%s" fill="%s"><title>%s at %s</title>'
                   '</polygon>' % (name, points, fill, name, time_label(trace.us(time))))
    # The time axis.
    out.append('<g class="axis">')
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
               % (label_width, axis_y, label_width + plot_width, axis_y))
    for tick in ticks:
        tx = label_width + tick / total_us * plot_width
        out.append('<line x1="%.2f" y1="%d" x2="%.2f" y2="%d" stroke="black"/>'
                   % (tx, axis_y, tx, axis_y + 5))
        out.append('<text x="%.2f" y="%d" text-anchor="middle">%s</text>'
                   % (tx, axis_y + 18, time_label(tick)))
    out.append('</g>')
    # The legend: a swatch per thread, then the marks.
    items = [(colour[tid], "rect", "%s (tid %d)" % (name, tid)) for tid, name in threads.items()]
    items += [(SYSCALL_COLOUR, "bar", "system call"), (IRQ_COLOUR, "bar", "interrupt"),
              (WAKE_COLOUR, "mark", "wake"), ("#7f7f7f", "mark", "sleep / exit")]
    out.append('<g class="legend">')
    for i, (fill, shape, text) in enumerate(items):
        lx = 10 + (i % 4) * 240
        ly = legend_y + (i // 4) * 20
        if shape == "rect":
            out.append('<rect x="%d" y="%d" width="14" height="12" fill="%s"/>' % (lx, ly, fill))
        elif shape == "bar":
            out.append('<rect x="%d" y="%d" width="14" height="4" fill="%s"/>'
                       % (lx, ly + 4, fill))
        else:
            out.append('<polygon points="%d,%d %d,%d %d,%d" fill="%s"/>'
                       % (lx + 3, ly + 2, lx + 11, ly + 2, lx + 7, ly + 10, fill))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 20, ly + 11, html.escape(text)))
    out.append('</g>')
    out.append('</svg>')
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("log", nargs="?", help="console log (default: standard input)")
    parser.add_argument("--json", help="write Chrome trace-event JSON here")
    parser.add_argument("--svg", help="write the SVG timeline here")
    parser.add_argument("--title", default="scheduler timeline")
    args = parser.parse_args()
    text = open(args.log, errors="replace").read() if args.log else sys.stdin.read()
    try:
        trace = parse(text)
    except NoTimeline as error:
        sys.exit("timeline: %s in %s.\nThe kernel prints one at the end of a run booted with "
                 "timeline=1, if it records the timeline; the format is in docs/debugging.md "
                 "('The timeline format')." % (error, args.log or "standard input"))
    for warning in trace.warnings[:10]:
        print("timeline: " + warning, file=sys.stderr)
    if trace.dropped:
        print("timeline: the kernel's buffer dropped %d events" % trace.dropped, file=sys.stderr)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(chrome_trace(trace), out, indent=1)
            out.write("\n")
    if args.svg:
        with open(args.svg, "w") as out:
            out.write(svg_timeline(trace, args.title))
    print("timeline: %d events on %d harts%s%s" % (
        len(trace.events), trace.nharts,
        ", JSON in " + args.json if args.json else "", ", SVG in " + args.svg if args.svg else ""))
    if not args.json and not args.svg:
        print("timeline: give --json and/or --svg to write something", file=sys.stderr)


if __name__ == "__main__":
    main()
