"""The harness itself: hangs are timeouts, truncated KTAP fails, failing cases are named."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ktap
from qemu import SYMBOL, Hang, ROOT, backtrace_names, run

SAMPLE = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: alpha
    1..2
    ok 1 alpha_one
    # alpha_two: EXPECTATION FAILED at x.c:3
    not ok 2 alpha_two
ok 1 alpha
    KTAP version 1
    # Subtest: beta
    1..1
    ok 1 beta_one # SKIP not here
ok 2 beta
# Totals: pass:1 fail:1 skip:1 total:3
"""


def test_a_hanging_kernel_is_a_timeout_with_its_output():
    with pytest.raises(Hang) as caught:
        run("tests/hang", timeout=3)
    assert "hang: looping forever" in str(caught.value)


def test_symbol_patterns_accept_the_copies_gcc_makes():
    # GCC names the copies it makes of a function with a dotted suffix; the
    # tests' patterns must read them (test_vm once failed on one).
    for name in ("fdt_path_offset.part.0", "copy.isra.0", "fmt.constprop.1", "f.cold", "kmain"):
        assert re.fullmatch(SYMBOL, name), name
    assert re.search(r"<%s( \+ \d+)?>" % SYMBOL, "sepc 0x1 <fdt_path_offset.part.0 + 54>  ")
    trace = ("  #0 0xffffffff80201000 deep.part.0+0x1c\n  #1 0xffffffff80201100 kernel_run+0x10\n"
             "  #2 0xffffffff80201200 ??+0x0\n")
    assert backtrace_names(trace) == ["deep", "kernel_run"]


def test_ktap_parser_reads_results_skips_and_diagnostics():
    report = ktap.parse("banner line\n" + SAMPLE)
    assert report.complete, report.problems
    assert [c.id for c in report.cases] == ["alpha.alpha_one", "alpha.alpha_two", "beta.beta_one"]
    assert [c.ok for c in report.cases] == [True, False, True]
    assert report.cases[2].skipped and report.cases[2].reason == "not here"
    assert "EXPECTATION FAILED" in report.cases[1].diagnostics[0]


@pytest.mark.parametrize("cut", [30, 120, 200, len(SAMPLE) - 10])
def test_ktap_parser_rejects_a_truncated_stream(cut):
    report = ktap.parse(SAMPLE[:cut])
    assert not report.complete


def test_ktap_parser_rejects_a_plan_that_is_not_met():
    report = ktap.parse(SAMPLE.replace("    1..2\n", "    1..3\n"))
    assert not report.complete
    assert any("planned 3" in p for p in report.problems)


def test_selftest_kernel_reports_failures_with_values_and_status():
    status, out = run("tests/ktest_selftest")
    report = ktap.parse(out)
    assert report.complete, report.problems
    results = {c.name: c for c in report.cases}
    assert results["selftest_passes"].ok
    expect = results["selftest_expect_fails_and_goes_on"]
    assert not expect.ok
    text = "\n".join(expect.diagnostics)
    assert "EXPECTATION FAILED at tests/kernel/ktest_selftest.c:" in text
    assert "answer == 41" in text and "42 == 42" in text
    assert "still running after EXPECT" in text          # EXPECT goes on
    assert "\"left\" == \"left\"" in text
    assertion = results["selftest_assert_ends_case"]
    assert not assertion.ok
    assert "ASSERTION FAILED" in "\n".join(assertion.diagnostics)
    assert "must never print" not in out                   # ASSERT ends the case
    assert results["selftest_skips"].skipped
    assert status == 2, out                                # two failed cases


def test_a_filter_that_matches_nothing_fails():
    status, out = run("tests/ktest_selftest", bootargs="ktest.filter=no_such_suite")
    assert "no test matched the filter 'no_such_suite'" in out
    assert status == 1


def test_a_failing_case_fails_pytest_and_is_named():
    """Run the ktest layer against the selftest image: pytest must fail and name the case."""
    env = dict(os.environ, KTEST_IMAGE="tests/ktest_selftest")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(Path(__file__).parent / "test_ktest.py")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout
    assert "FAILED" in done.stdout
    assert "selftest.selftest_expect_fails_and_goes_on" in done.stdout, done.stdout
    assert "selftest.selftest_assert_ends_case" in done.stdout, done.stdout
