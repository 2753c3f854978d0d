"""test_layers.py: the folders under src/ are layers, and the check says so.

scripts/check_layers.py must pass on this tree, and must fail, naming the
file and line, on a tree with an upward include, a relative include out of
the tree, or user code that includes kernel internals.
"""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECK = ROOT / "scripts" / "check_layers.py"


def check(root=None):
    args = [sys.executable, str(CHECK)]
    if root is not None:
        args += ["--root", str(root)]
    return subprocess.run(args, capture_output=True, text=True)


def write(root, path, text):
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)


def small_tree(root):
    """A tree that obeys the order: mm includes sync, proc includes mm."""
    write(root, "src/sync/spinlock.h", "#pragma once\n")
    write(root, "src/mm/frame.h", '#include "sync/spinlock.h"\n')
    write(root, "src/proc/thread.c", '#include "mm/frame.h"\n#include "proc/thread.h"\n')
    write(root, "src/proc/thread.h", "#pragma once\n")
    write(root, "user/lib/x.c", '#include "lib/string.h"\n#include "abi/errno.h"\n')
    write(root, "src/lib/string.h", "#pragma once\n")


def test_this_tree_has_no_upward_include_and_no_cycle():
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every include goes down" in result.stdout


def test_a_tree_that_obeys_passes(tmp_path):
    small_tree(tmp_path)
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout


def test_an_upward_include_fails_with_file_and_line(tmp_path):
    small_tree(tmp_path)
    write(tmp_path, "src/exec/loader.h", "#pragma once\n")
    write(tmp_path, "src/sync/spinlock.c", '#include <stdint.h>\n\n#include "exec/loader.h"\n')
    result = check(tmp_path)
    assert result.returncode == 1
    assert 'src/sync/spinlock.c:3: sync/ includes "exec/loader.h"' in result.stdout
    assert "cycle between folders" not in result.stdout  # nothing in exec/ leads back: no cycle


def test_a_cycle_between_folders_is_reported(tmp_path):
    small_tree(tmp_path)
    write(tmp_path, "src/sync/spinlock.c", '#include "mm/frame.h"\n')
    result = check(tmp_path)
    assert result.returncode == 1
    assert "cycle between folders: sync <-> mm" in result.stdout


def test_a_relative_include_out_of_the_tree_fails(tmp_path):
    small_tree(tmp_path)
    write(tmp_path, "src/proc/x.c", '#include "../user/include/sys/abi.h"\n')
    result = check(tmp_path)
    assert result.returncode == 1
    assert "src/proc/x.c:1: relative include" in result.stdout


def test_user_code_may_not_include_kernel_internals(tmp_path):
    small_tree(tmp_path)
    write(tmp_path, "user/prog/p.c", '#include "mm/frame.h"\n')
    result = check(tmp_path)
    assert result.returncode == 1
    assert 'user/prog/p.c:1: user code includes the kernel header "mm/frame.h"' in result.stdout


def test_a_test_file_may_include_any_layer(tmp_path):
    small_tree(tmp_path)
    write(tmp_path, "src/sync/spinlock_test.c", '#include "proc/thread.h"\n')
    result = check(tmp_path)
    assert result.returncode == 0, result.stdout
