"""forge.py: lab-check's forged handouts, which must score 0.

Each is the handout with a forger injected at the start of the lab's
forge_region. The first time that code runs (during boot, after
machine_init), the forger looks at ktest.filter on the command line and, if
it is one the grader uses, prints a complete, passing KTAP report for exactly
the expected cases and ends QEMU with status 0, without running a test.

    canned   the report alone, as any kernel could print it
    echo     the report with this run's nonce, read from the command line,
             echoed where the runner prints it, but no valid tag
    replay   a genuine report recorded from the reference kernel in an
             earlier run: right structure, a valid tag, an old nonce

lab-check also checks the control: every forged report would pass
if the nonce and tag were not checked (verdict.judge_control).
"""
NONCE_MARK = "@NONCE@"

FORGER = r'''
/* ---- lab-check's forger (scripts/labs/forge.py): never in a real handout ---- */
#if defined(__KERNEL__) && !defined(HOST_TEST) /* the kernel's copy only: not the user library's */
void sbi_console_write(const char *buf, unsigned long len);
_Bool devicetree_bootarg(const char *key, char *buf, int size);
__attribute__((noreturn)) void machine_exit(int code);

static const char *const lab_forge_reports[][2] = {
%(table)s
};

static int lab_forge_same(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* Print text with each @NONCE@ replaced by this run's nonce. */
static void lab_forge_print(const char *text, const char *nonce)
{
    const char *mark = "@NONCE@";
    while (*text != '\0') {
        int i = 0;
        while (mark[i] != '\0' && text[i] == mark[i])
            i++;
        if (mark[i] == '\0') {
            unsigned long length = 0;
            while (nonce[length] != '\0')
                length++;
            sbi_console_write(nonce, length);
            text += i;
        } else {
            sbi_console_write(text, 1);
            text++;
        }
    }
}

void lab_forge_report(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    char filter[128] = "";
    char nonce[80] = "";
    devicetree_bootarg("ktest.filter", filter, sizeof(filter));
    devicetree_bootarg("grade.nonce", nonce, sizeof(nonce));
    for (unsigned long i = 0; i < sizeof(lab_forge_reports) / sizeof(lab_forge_reports[0]); i++) {
        if (lab_forge_same(filter, lab_forge_reports[i][0])) {
            lab_forge_print(lab_forge_reports[i][1], nonce);
            machine_exit(0);
        }
    }
}
#else
void lab_forge_report(void);
void lab_forge_report(void)
{
}
#endif
'''

CALL = "    void lab_forge_report(void);\n    lab_forge_report();\n"


def c_string(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"%s"' % escaped


def perfect_report(cases, with_nonce):
    """A complete, passing KTAP report for `cases` (suite.case ids), as the runner prints it."""
    suites = []
    for case in cases:
        suite, name = case.split(".", 1)
        if not suites or suites[-1][0] != suite:
            suites.append((suite, []))
        suites[-1][1].append(name)
    lines = ["KTAP version 1"]
    if with_nonce:
        lines.append("# nonce: " + NONCE_MARK)
    lines.append("1..%d" % len(suites))
    for number, (suite, names) in enumerate(suites, 1):
        lines += ["    KTAP version 1", "    # Subtest: " + suite, "    1..%d" % len(names)]
        lines += ["    ok %d %s" % (i, name) for i, name in enumerate(names, 1)]
        lines.append("    # %s: pass:%d fail:0 skip:0 total:%d" % (suite, len(names), len(names)))
        lines.append("ok %d %s" % (number, suite))
    lines.append("# Totals: pass:%d fail:0 skip:0 total:%d" % (len(cases), len(cases)))
    if with_nonce:
        lines.append("# grade: nonce=%s pass:%d fail:0 skip:0 total:%d tag:%s"
                     % (NONCE_MARK, len(cases), len(cases), "0123456789abcdef"))
    return "\n".join(lines) + "\n"


def reports(lab, variant, recorded=None):
    """{ktest filter: report text} for every ktest test of the lab."""
    table = {}
    for test in lab.tests:
        if test.kind != "ktest":
            continue
        cases = list(test.cases)
        if variant == "replay":
            table[test.target] = recorded[test.name]
        else:
            table[test.target] = perfect_report(cases, with_nonce=(variant == "echo"))
    return table


def inject(text, region, table, at=""):
    """The region file's text with the forger called at the region's start and defined at the end.

    With `at` (the lab file's forge_at), the call goes after that exact line of
    the file instead: for a lab none of whose regions runs early in every boot,
    a line of the same handed-in file that does (a student can edit it too).
    """
    lines = text.splitlines(keepends=True)
    if at:
        found = [i for i, line in enumerate(lines) if line.strip() == at.strip()]
        if len(found) != 1:
            raise ValueError("forge_at %r occurs %d times in %s, not once"
                             % (at, len(found), region.path))
        lines.insert(found[0] + 1, CALL)
    else:
        lines.insert(region.begin + 1, CALL)
    rows = ",\n".join("    {%s, %s}" % (c_string(f), c_string(r)) for f, r in table.items())
    return "".join(lines) + FORGER % {"table": rows}
