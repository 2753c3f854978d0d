"""The course machinery (scripts/labs): marks, the leak rule, edits, and the verdicts.

The verdict tests build KTAP reports by hand, with and without a valid tag,
and one boots the real ktest image with a nonce, so the C tag in
src/ktest/ktest.c and the Python one in verdict.py are checked against each
other. make lab-check covers the whole path, on real handouts.
"""
import secrets
import sys

import pytest

from qemu import ROOT, run

sys.path.insert(0, str(ROOT / "scripts"))

from labs import handout, labfile, regions, snippets, tree, verdict  # noqa: E402

C_FILE = """int f(void)
{
    /* LAB 2 BEGIN: f_body */
    return 42; /* the answer, reached by a long and careful computation */
    /* LAB 2 END: f_body */
}

int g(void)
{
    /* LAB 3 BEGIN: g_body */
    return 7;
    /* LAB 3 END: g_body */
}
"""


def test_regions_are_found_by_id_with_their_lab():
    found = regions.scan_tree({"src/a.c": C_FILE.encode()})
    assert sorted(found) == ["f_body", "g_body"]
    assert found["f_body"].lab == 2 and found["f_body"].path == "src/a.c"
    assert found["g_body"].body(C_FILE.splitlines()) == ["    return 7;"]


@pytest.mark.parametrize("broken, message", [
    ("/* LAB 2 BEGIN: x */\n", "never ends"),
    ("/* LAB 2 END: x */\n", "does not close"),
    ("/* LAB 2 BEGIN: x */\n/* LAB 2 BEGIN: y */\n", "begins inside"),
    ("/* LAB 2 BEGIN: x */\n/* LAB 3 END: x */\n", "does not close"),
    ("/* LAB 2 BEGIN x */\n", "looks like a lab mark"),
])
def test_bad_marks_are_errors(broken, message):
    with pytest.raises(regions.RegionError, match=message):
        regions.scan_text("src/a.c", broken)


def test_a_handout_keeps_its_own_marks_with_the_stub_and_strips_the_others():
    text = regions.transform(C_FILE, "src/a.c", 2, {"f_body": "    return 0; /* stub */\n"})
    assert "/* LAB 2 BEGIN: f_body */\n    return 0; /* stub */\n    /* LAB 2 END" in text
    assert "careful computation" not in text
    assert "LAB 3" not in text and "    return 7;" in text


def test_mark_syntax_follows_the_file_kind():
    assert regions.mark_syntax("src/trap/trap.S") is regions.C_MARK
    assert regions.mark_syntax("tests/host/host.mk") is regions.HASH_MARK
    assert regions.mark_syntax("docs/console.md") is None


def lab_with(tests_toml, regions_list='["f_body"]'):
    text = 'lab = 2\ntitle = "t"\nguide = "docs/labs/lab2.md"\nregions = %s\n%s' % (
        regions_list, tests_toml)
    return labfile.parse(text, "labs/lab2.toml")


def test_the_lab_file_is_checked():
    good = '[[test]]\nname = "a"\ngroup = "functionality"\npoints = 5\nktest = "s.c"\n'
    assert lab_with(good).tests[0].cases == ["s.c"]
    with pytest.raises(labfile.LabFileError, match="list its exact cases"):
        lab_with(good.replace('"s.c"', '"s.*"'))
    with pytest.raises(labfile.LabFileError, match="group must be"):
        lab_with(good.replace("functionality", "style"))
    with pytest.raises(labfile.LabFileError, match="unknown keys"):
        lab_with(good + "colour = 1\n")


def test_the_handout_lab_file_drops_hidden_tests():
    lab = lab_with('[[test]]\nname = "seen"\ngroup = "functionality"\npoints = 5\nktest = "s.c"\n'
                   '[[test]]\nname = "unseen"\ngroup = "robustness"\npoints = 5\nktest = "h.c"\n'
                   'hidden = true\nfiles = [{ source = "labs/lab2/hidden/h_test.c", '
                   'beside = "f_body" }]\n')
    text = labfile.handout_text(lab)
    copy = labfile.parse(text, "labs/lab2.toml")
    assert [t.name for t in copy.tests] == ["seen"] and copy.handout
    assert "unseen" not in text and "hidden" not in text


def test_the_leak_rule_flags_solution_lines_but_not_common_ones():
    lab = lab_with('[[test]]\nname = "a"\ngroup = "functionality"\npoints = 5\nktest = "s.c"\n')
    sources = {"src/a.c": tree.File(C_FILE.encode()),
               "src/b.c": tree.File(b"int h(void)\n{\n    return 7;\n}\n")}
    solution = handout.solution_lines(lab, sources)
    assert "return 42; /* the answer, reached by a long and careful computation */" in solution
    clean = {"src/a.c": tree.File(regions.transform(C_FILE, "src/a.c", 2,
                                                    {"f_body": "    return 0;\n"}).encode())}
    assert handout.leaks(lab, clean, sources) == []
    leaky = dict(clean)
    leaky["docs/notes.md"] = tree.File(
        b"    return 42;  /* the answer, reached by a long and careful computation */\n")
    leaky["labs/lab2/stubs/f_body.c"] = tree.File(b"")
    problems = handout.leaks(lab, leaky, sources)
    assert any("docs/notes.md:1: solution text" in p for p in problems), problems
    assert any("instructors' file" in p for p in problems), problems


def test_an_edit_must_match_exactly_once():
    files = {"src/a.c": tree.File(C_FILE.encode())}
    edit = snippets.Edit(name="m", find="return 42;", replace="return 41;", file="src/a.c")
    changed, path, _ = snippets.apply(edit, files)
    assert "return 41;" in changed[path].text and "return 42;" in files[path].text
    with pytest.raises(snippets.SnippetError, match="occurs 0 times"):
        snippets.apply(snippets.Edit("m", "return 43;", "x", file="src/a.c"), files)
    moved = snippets.Edit(name="m", find="return 42;", replace="x", file="src/old/a.c")
    _, path, warnings = snippets.apply(moved, files)
    assert path == "src/a.c" and "has moved" in warnings[0]
    in_region = snippets.Edit(name="m", find="return", replace="x", region="g_body")
    changed, _, _ = snippets.apply(in_region, files)
    assert "    x 7;" in changed["src/a.c"].text and "x 42" not in changed["src/a.c"].text


# ---- Verdicts --------------------------------------------------------------------

def report(nonce, cases=("s.one", "s.two"), results=None, extra_lines=(), tag=None):
    """A KTAP report as the runner prints it, with a valid tag unless `tag` is given."""
    results = results or ["ok"] * len(cases)
    lines = ["KTAP version 1", "1..1", "    KTAP version 1", "    # Subtest: s",
             "    1..%d" % len(cases)]
    for number, (case, result) in enumerate(zip(cases, results), 1):
        lines.append("    %s %d %s" % (result, number, case.split(".")[1]))
    lines += list(extra_lines)
    passed = results.count("ok")
    lines += ["    # s: pass:%d fail:%d skip:0 total:%d" % (passed, len(cases) - passed, len(cases)),
              "%s 1 s" % ("ok" if passed == len(cases) else "not ok"),
              "# Totals: pass:%d fail:%d skip:0 total:%d" % (passed, len(cases) - passed,
                                                            len(cases))]
    structural = [line for line in lines if verdict.STRUCTURAL.match(line)]
    tag = tag or verdict.ktap_tag(nonce, structural)
    lines.insert(1, "# nonce: " + nonce)
    lines.append("# grade: nonce=%s pass:%d fail:%d skip:0 total:%d tag:%s"
                 % (nonce, passed, len(cases) - passed, len(cases), tag))
    return "boot log\n" + "\n".join(lines) + "\n"


def judge(text, status=0, nonce="ab12", cases=("s.one", "s.two")):
    return verdict.judge_ktest(text, status, nonce, list(cases), ROOT)


def test_a_genuine_report_passes():
    assert judge(report("ab12")).passed


@pytest.mark.parametrize("text, status, reason", [
    (report("ab12").replace("# nonce: ab12\n", ""), 0, "no-nonce"),
    (report("ffff"), 0, "no-nonce"),
    (report("ab12", tag="0123456789abcdef"), 0, "tag-mismatch"),
    (report("ab12").replace("    ok 2 two\n", "    ok 2 two\n    ok 3 three\n"), 0, "incomplete"),
    (report("ab12", extra_lines=["    # diagnostics are not part of the tag"]), 0, "ok"),
    (report("ab12", cases=("s.one",)), 0, "cases"),
    (report("ab12", results=["ok", "not ok"]), 1, "case-failed"),
    (report("ab12"), 3, "status"),
    (report("ab12").split("# Totals")[0], 0, "incomplete"),
])
def test_a_report_that_is_not_genuine_or_not_perfect_fails(text, status, reason):
    assert judge(text, status).reason == reason


def test_an_added_line_that_keeps_the_structure_breaks_the_tag():
    # A forger who rewrites "not ok" as "ok" keeps every plan and count right,
    # and must recompute the tag to pass: the tag covers every result line.
    genuine = report("ab12", results=["ok", "not ok"])
    edited = genuine.replace("    not ok 2 two", "    ok 2 two").replace(
        "not ok 1 s", "ok 1 s").replace("pass:1 fail:1", "pass:2 fail:0")
    assert judge(edited).reason == "tag-mismatch"


def test_the_kernel_and_the_grader_compute_the_same_tag():
    nonce = secrets.token_hex(16)
    status, out = run("ktest", bootargs="ktest.filter=ktest grade.nonce=%s" % nonce, timeout=120)
    cases = ["ktest.ktest_glob_matches_literals_and_stars", "ktest.ktest_strcmp_orders_null_first"]
    judged = verdict.judge_ktest(out, status, nonce, cases, ROOT)
    assert judged.passed, (judged.message, out)
    assert ("# nonce: " + nonce) in out and ("# grade: nonce=" + nonce) in out


def test_without_a_nonce_the_report_is_as_before():
    status, out = run("ktest", bootargs="ktest.filter=ktest", timeout=120)
    assert status == 0, out
    assert "# nonce:" not in out and "# grade:" not in out


def test_host_and_pytest_verdicts_need_exactly_the_expected_cases():
    tap = ("TAP version 13\n1..2\nok - format::a  (0.00s)\n"
           "ok - format::b  # SKIP test was skipped\n")
    assert verdict.judge_host(0, tap, ["format/a"]).passed
    assert verdict.judge_host(0, tap, ["format/a", "format/b"]).reason == "skipped"
    assert verdict.judge_host(0, tap, ["format/c"]).reason == "cases"
    assert verdict.judge_host(1, tap, ["format/a"]).reason == "status"
    assert verdict.judge_host(0, None, ["format/a"]).reason == "incomplete"
    junit = ('<testsuites><testsuite><testcase classname="tests.system.test_boot" '
             'name="test_x[64M]"/><testcase classname="tests.system.test_boot" '
             'name="test_x[2G]"><failure message="AssertionError: no"/></testcase>'
             '</testsuite></testsuites>')
    node = "tests/system/test_boot.py::test_x"
    assert verdict.judge_pytest(1, junit, [node]).reason == "case-failed"
    passing = junit.replace('<failure message="AssertionError: no"/>', "")
    assert verdict.judge_pytest(0, passing, [node]).passed
    assert verdict.judge_pytest(0, passing, [node, "tests/system/test_boot.py::test_y"]
                                ).reason == "cases"


def test_a_pytest_failure_whose_message_is_qemu_output_is_summed_up_by_its_assert():
    # `assert status == PANIC_STATUS, out`: the message is "AssertionError: ", then the output.
    message = "AssertionError: \n  OpenSBI v1.1\n  trap_illegal: ERROR resumed\n  \nassert 1 == 101"
    traceback = ("def test_x():\n    status, out = run()\n"
                 ">       assert status == PANIC_STATUS, out\nE       AssertionError: \n"
                 "E       assert 1 == 101\n\ntests/system/test_traps.py:44: AssertionError")
    assert verdict.failure_summary(message, traceback) == (
        "AssertionError at tests/system/test_traps.py:44: "
        "assert status == PANIC_STATUS, out (assert 1 == 101)")
    # A message that says something on its first line is kept as it was.
    assert verdict.failure_summary("AssertionError: no\nmore", traceback) == "AssertionError: no"
    junit = ('<testsuites><testsuite><testcase classname="tests.system.test_traps" name="test_x">'
             '<failure message="AssertionError: &#10;  OpenSBI v1.1&#10;assert 1 == 101">'
             '%s</failure></testcase></testsuite></testsuites>' % traceback.replace(">", "&gt;"))
    judged = verdict.judge_pytest(1, junit, ["tests/system/test_traps.py::test_x"])
    assert judged.message == ("failed: tests/system/test_traps.py::test_x (AssertionError at "
                              "tests/system/test_traps.py:44: assert status == PANIC_STATUS, out "
                              "(assert 1 == 101))")
