"""Files on the disk, judged by e2fsprogs: what the kernel writes, e2fsck finds
sound and debugfs reads back byte for byte; what mke2fs -d wrote, the kernel
reads back with the same checksums; damaged images never panic it; a power
cut in the middle of writing leaves a disk that e2fsck -p repairs, with
every file synced before the cut intact.

Every test boots with its own copy of a disk image (tests run in parallel).
"""
import concurrent.futures
import re
import subprocess
from pathlib import Path

import pytest

from disk import debugfs_dump, debugfs_ls, e2fsck, e2fsck_clean
from qemu import BUILD, ROOT, Qemu, disk_copy, image

PROMPT = r"\$ "
FSIMG = BUILD / "fsimg"


def pattern_bytes(size, offset=0):
    """What user/prog/pattern writes: byte i is (i * 2654435761) >> 24, zeros before offset."""
    data = bytearray(size)
    for i in range(offset, size):
        data[i] = ((i * 2654435761) >> 24) & 0xFF
    return bytes(data)


def boot_shell(qemu, kernel, disk, timeout=120):
    vm = qemu(kernel, disk=disk, timeout=timeout)
    vm.expect(r"kernel: started init as pid 1")
    vm.expect(PROMPT)
    return vm


def command(vm, line, timeout=None):
    """Type a line and wait for the next prompt; returns what was printed in between."""
    vm.send(line + "\r")
    vm.expect(PROMPT, timeout=timeout)
    return vm.child.before


def power_off(vm):
    vm.send("exit 0\r")
    assert vm.wait() == 0, vm.output
    assert "synced and marked clean" in vm.output, vm.output


def test_shell_session_on_the_disk(qemu, tmp_path):
    disk = disk_copy(directory=tmp_path)
    vm = boot_shell(qemu, "kernel", disk)
    assert "motd" in command(vm, "ls /etc")
    assert "Programs live in /bin" in command(vm, "cat /etc/motd")
    command(vm, "echo hi > /tmp/x")
    assert re.search(r"^\s+1\s+1\s+3\s*$", command(vm, "cat /tmp/x | wc"), re.M)
    assert re.search(r"^sh\s*$", command(vm, "ls /bin | grep sh"), re.M)
    assert command(vm, "yes | head -n 2").count("y\r\n") >= 2
    command(vm, "mkdir -p /home/me/notes")
    command(vm, "echo first > /home/me/notes/a")
    command(vm, "echo second >> /home/me/notes/a")
    command(vm, "cd /home/me")
    assert "/home/me" in command(vm, "pwd")
    command(vm, "ln -s notes/a link")
    command(vm, "ls /nowhere 2> err")
    power_off(vm)
    e2fsck_clean(disk)
    assert debugfs_dump(disk, "/tmp/x") == b"hi\n"
    assert debugfs_dump(disk, "/home/me/notes/a") == b"first\nsecond\n"
    assert b"No such file" in debugfs_dump(disk, "/home/me/err")
    assert sorted(debugfs_ls(disk, "/home/me")) == ["err", "link", "notes"]


# Sizes around the block map's edges with 4 KiB blocks: direct 12 blocks
# (48 KiB), single indirect 1024 more, then the double indirect.
EDGE_SIZES = [0, 1, 4095, 4096, 4097, 48 * 1024 - 1, 48 * 1024, 48 * 1024 + 1,
              (12 + 1024) * 4096 - 1, (12 + 1024) * 4096, (12 + 1024) * 4096 + 1]


def test_files_the_kernel_wrote_read_back_with_debugfs(qemu, tmp_path):
    disk = disk_copy(directory=tmp_path)
    vm = boot_shell(qemu, "kernel", disk)
    command(vm, "mkdir /home/edges")
    for size in EDGE_SIZES:
        assert "synced" in command(vm, "pattern /home/edges/s%d %d" % (size, size))
    assert "synced" in command(vm, "pattern /home/sparse 3000000 2000000")
    command(vm, "cp /bin/usertests /home/usertests.copy")
    command(vm, "mv /home/edges/s4097 /home/edges/renamed")
    power_off(vm)
    e2fsck_clean(disk)
    for size in EDGE_SIZES:
        name = "renamed" if size == 4097 else "s%d" % size
        assert debugfs_dump(disk, "/home/edges/" + name) == pattern_bytes(size), size
    assert debugfs_dump(disk, "/home/sparse") == pattern_bytes(3000000, 2000000)
    packed = (BUILD / "user" / "packed" / "usertests.elf").read_bytes()
    assert debugfs_dump(disk, "/home/usertests.copy") == packed


def read_manifest(path):
    """{path: fields} for f/d/l lines, and {path: [(offset, length, crc)]} for x lines."""
    entries, ranges = {}, {}
    last = None
    for line in Path(path).read_text().splitlines():
        fields = line.split()
        if fields[0] == "x":
            ranges.setdefault(last, []).append((int(fields[1]), int(fields[2]), fields[3]))
        else:
            last = fields[6]
            entries[last] = fields
    return entries, ranges


@pytest.mark.parametrize("profile", [pytest.param("b1k", marks=pytest.mark.slow), "b2k", "b4k"])
def test_generated_tree_reads_back_with_the_same_checksums(qemu, tmp_path, profile):
    source = FSIMG / (profile + ".img")
    if not source.exists():
        pytest.skip("%s is not built (make host-test builds it)" % source)
    disk = disk_copy(source, tmp_path)
    entries, ranges = read_manifest(FSIMG / (profile + ".manifest"))
    # The disk has no /bin: the disk-less image runs its packed programs on it.
    vm = boot_shell(qemu, "tests/diskless", disk, timeout=240)
    command(vm, "treesum / > /lost+found/walk", timeout=240)
    for path, pieces in ranges.items():
        for offset, length, _ in pieces:
            command(vm, "treesum -x %s %d %d >> /lost+found/ranges" % (path, offset, length))
    power_off(vm)
    walk = debugfs_dump(disk, "/lost+found/walk").decode().splitlines()
    assert walk[-1] == "treesum: done", walk[-5:]
    seen = {}
    for line in walk[:-1]:
        fields = line.split()
        assert fields[0] != "!", line
        seen[fields[6]] = fields
    assert set(seen) == set(entries), sorted(set(seen) ^ set(entries))[:10]
    for path, expected in entries.items():
        got = seen[path]
        if expected[0] == "d":
            got = got[:4] + got[5:]  # the manifest leaves a directory's mtime to mke2fs
            expected = expected[:4] + expected[5:]
        assert got == expected, (path, got, expected)
    if ranges:
        lines = debugfs_dump(disk, "/lost+found/ranges").decode().splitlines()
        expected = ["x %d %d %s" % piece for pieces in ranges.values() for piece in pieces]
        assert lines == expected
    e2fsck_clean(disk)


def corrupted_images():
    directory = FSIMG / "corrupt"
    return sorted(directory.glob("*.img")) if directory.exists() else []


def probe(image_path, kernel, directory):
    """Boot `kernel` on a copy of a damaged image with init=fsprobe; (name, status, output)."""
    disk = disk_copy(image_path, directory)
    vm = Qemu(kernel, bootargs="init=fsprobe", disk=disk, timeout=300)
    try:
        status = vm.wait()
    finally:
        vm.kill()
    return image_path.stem, status, vm.output


@pytest.mark.slow
def test_damaged_images_never_panic_or_hang(tmp_path):
    images = corrupted_images()
    if not images:
        pytest.skip("no damaged images: make host-test builds them (scripts/fs_corrupt.py)")
    kernel = image("tests/diskless")
    failures = []
    for path in images:
        (tmp_path / path.stem).mkdir()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [pool.submit(probe, path, kernel, tmp_path / path.stem) for path in images]
        for job in jobs:
            name, status, out = job.result()
            if status != 0 or "PANIC" in out or "fsprobe: done" not in out:
                failures.append("%s: status %s\n%s" % (name, status, out[-2000:]))
    assert not failures, "\n\n".join(failures)


def test_a_refused_disk_is_named_and_the_kernel_goes_on(tmp_path):
    images = [path for path in corrupted_images() if path.stem == "sb_magic"]
    if not images:
        pytest.skip("no damaged images")
    name, status, out = probe(images[0], image("tests/diskless"), tmp_path)
    assert status == 0, out
    assert "refused: bad magic 0x1234 (expected 0xef53)" in out, out
    assert "going on without a root file system" in out, out


def test_power_cut_mid_write_e2fsck_repairs_and_synced_files_survive(qemu, tmp_path):
    disk = disk_copy(directory=tmp_path)
    vm = boot_shell(qemu, "kernel", disk)
    vm.send("pattern -n 0 /home/f 70000\r")
    vm.expect(r"synced /home/f\.9\r?\n")
    vm.child.kill(9)  # the power goes, mid-way through the next file
    vm.wait()
    synced = [int(n) for n in re.findall(r"synced /home/f\.(\d+)", vm.output)]
    status, report = e2fsck(disk, "-p")
    assert status in (0, 1), "e2fsck -p could not repair: status %d\n%s" % (status, report)
    e2fsck_clean(disk)
    for n in synced:
        assert debugfs_dump(disk, "/home/f.%d" % n) == pattern_bytes(70000), n


def test_make_image_adds_an_extra_folder(tmp_path):
    extra = tmp_path / "extra"
    (extra / "home" / "guest").mkdir(parents=True)
    (extra / "home" / "guest" / "hello.txt").write_text("from the host\n")
    out = tmp_path / "fs.img"
    subprocess.run(["sh", str(ROOT / "scripts" / "mkfs_image.sh"), str(out), "8M",
                    str(tmp_path / "staging"), str(BUILD / "user" / "packed"), str(extra)],
                   check=True)
    e2fsck_clean(out)
    assert debugfs_dump(out, "/home/guest/hello.txt") == b"from the host\n"
    assert "sh" in debugfs_ls(out, "/bin")
    assert sorted(debugfs_ls(out, "/dev")) == ["console", "null", "tty", "zero"]
