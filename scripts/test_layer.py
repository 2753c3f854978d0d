#!/usr/bin/env python3
"""test_layer.py: run one layer of `make test` and record its verdict; print the summary.

    test_layer.py run NAME RESULTS-DIR -- COMMAND...
        Run COMMAND, showing its output and keeping it in RESULTS-DIR/NAME.log;
        write RESULTS-DIR/NAME.json (status, wall and CPU seconds, summary).
        Always exits 0: a failed layer must not stop the layers after it.
    test_layer.py summary RESULTS-DIR NAME...
        One line per layer, then the verdict. Exits 1 if any layer failed or
        did not run.

The one-line summaries are read from each layer's own output: Criterion's
"Synthesis" lines (host), pytest's last line (host-py, system), make's
errors (images).
"""
import json
import os
import re
import resource
import subprocess
import sys
import time


def summarise_host(output):
    tested = passing = failing = crashing = programs = 0
    for match in re.finditer(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| "
                             r"Crashing: (\d+)", output):
        programs += 1
        tested, passing, failing, crashing = [a + int(b) for a, b in zip(
            (tested, passing, failing, crashing), match.groups())]
    text = "%d programs, %d cases: %d passed, %d failed, %d crashed" % (
        programs, tested, passing, failing, crashing)
    not_built = re.findall(r"== host test (\S+): NOT BUILT", output)
    if not_built:
        text += "; not built: " + " ".join(not_built)
    return text


def summarise_pytest(output):
    lines = [line.strip("= \n") for line in output.splitlines() if re.search(
        r"\b(passed|failed|error|errors|no tests ran)\b.* in [\d.]+s", line)]
    if not lines:
        return "no pytest summary (did pytest start?)"
    return re.sub(r" in [\d.]+s.*", "", lines[-1])


def summarise_images(output):
    errors = sorted(set(re.findall(r"\*\*\* \[[^\]]*: ([^\]]+)\] Error", output)))
    built = len(re.findall(r"^\s+LD\s+\S+\.elf$", output, re.M))
    if errors:
        return "errors in: " + " ".join(errors)
    return "%d images linked, the rest up to date" % built if built else "all up to date"


SUMMARIES = {"host": summarise_host, "host-py": summarise_pytest, "images": summarise_images,
             "system": summarise_pytest}


def run(name, results, command):
    os.makedirs(results, exist_ok=True)
    log_path = os.path.join(results, name + ".log")
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log_path, "wb") as log:
        # close_fds=False: a nested make needs the jobserver's descriptors.
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, close_fds=False)
        for chunk in iter(lambda: process.stdout.read1(4096), b""):
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            log.write(chunk)
        status = process.wait()
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with open(log_path, errors="replace") as log:
        output = log.read()
    summary = SUMMARIES.get(name, lambda _: "")(output)
    with open(os.path.join(results, name + ".json"), "w") as out:
        json.dump({"status": status, "seconds": round(seconds, 1), "cpu": round(cpu, 1),
                   "summary": summary}, out)
    return 0


def summary(results, names):
    failed = []
    print("\nmake test: one line per layer (logs in %s/)" % results)
    for name in names:
        try:
            with open(os.path.join(results, name + ".json")) as f:
                verdict = json.load(f)
        except (OSError, ValueError):
            print("  %-8s FAIL  did not run" % name)
            failed.append(name)
            continue
        ok = verdict["status"] == 0
        if not ok:
            failed.append(name)
        print("  %-8s %s  %-58s %6.1f s (cpu %.0f s)" % (
            name, "PASS" if ok else "FAIL", verdict["summary"], verdict["seconds"],
            verdict.get("cpu", 0)))
    if failed:
        print("make test: FAILED: %s" % ", ".join(failed))
        return 1
    print("make test: PASSED: all %d layers" % len(names))
    return 0


def main():
    arguments = sys.argv[1:]
    if len(arguments) >= 4 and arguments[0] == "run" and arguments[3] == "--":
        return run(arguments[1], arguments[2], arguments[4:])
    if len(arguments) >= 2 and arguments[0] == "summary":
        return summary(arguments[1], arguments[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
