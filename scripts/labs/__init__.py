"""The course machinery: handouts, grading, lab-check, mutations (scripts/lab.py).

regions   the LAB N BEGIN/END marks and their stubs
labfile   labs/labN.toml: read, check, and the handout's copy
tree      source trees as {path: File}, from git or disk
handout   cut a handout; the leak check
verdict   pass or fail, from KTAP + QEMU's status, Criterion's TAP, pytest's JUnit
grade     pristine copy, build, run, score, results.json
forge     lab-check's forged handouts
check     make lab-check
snippets  edits by exact snippet (wrong solutions, mutations)
mutate    make mutate
packaging make handin, make autograder
"""
