"""Every in-kernel unit test case is its own pytest test.

The ktest image boots once (at collection) and its KTAP is parsed; each case
becomes test_case[suite.case]. test_stream_is_complete fails when the stream
was cut short or QEMU's exit status disagrees with the failures counted.
KTEST='glob' picks a subset, as with `make ktest`; KTEST_IMAGE picks another
image (the harness's own test uses the deliberately failing selftest image).
"""
import functools

import pytest

import ktap
from qemu import ktest_collection_run


@functools.lru_cache(maxsize=None)
def ktest_run():
    return ktest_collection_run()


def pytest_generate_tests(metafunc):
    if "ktest_case" in metafunc.fixturenames:
        _, out = ktest_run()
        cases = ktap.parse(out).cases
        metafunc.parametrize("ktest_case", cases, ids=[c.id for c in cases])


def test_case(ktest_case):
    if ktest_case.skipped:
        pytest.skip(ktest_case.reason)
    if not ktest_case.ok:
        pytest.fail("\n".join(ktest_case.diagnostics) or "case failed with no diagnostics",
                    pytrace=False)


def test_stream_is_complete():
    status, out = ktest_run()
    assert status is not None, out
    report = ktap.parse(out)
    assert report.complete, "incomplete KTAP: %s\n%s" % (report.problems, out)
    assert report.cases, "no cases ran:\n" + out
    assert status == min(len(report.failed), 255), (
        "QEMU exit status %d, but %d cases failed\n%s" % (status, len(report.failed), out))
