"""The kernel uses no FP registers: it is built for rv64imac with the lp64 ABI,
and the only FP instructions in the image are in the three functions of
src/proc/fp_registers.S that save, load and zero a user thread's registers
(docs/threads.md, "FP registers: saved lazily")."""
import re
import subprocess

from qemu import image

ALLOWED = {"fp_save_registers", "fp_load_registers", "fp_zero_registers"}
# f-extension mnemonics: fld, fsd, fmv.d.x, fadd.s, fcvt..., frcsr, fscsr, flw, fsw...
FP_INSTRUCTION = re.compile(r"^\s*[0-9a-f]+:\s+[0-9a-f]+\s+(f(?!ence)[a-z.]+)\s")


def functions_using_fp(elf):
    listing = subprocess.run(["riscv64-unknown-elf-objdump", "-d", str(elf)],
                             capture_output=True, text=True, check=True).stdout
    users = {}
    function = None
    for line in listing.splitlines():
        start = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if start:
            function = start.group(1)
            continue
        match = FP_INSTRUCTION.match(line)
        if match:
            users.setdefault(function, set()).add(match.group(1))
    return users


def test_only_the_save_and_load_functions_touch_fp_registers():
    users = functions_using_fp(image("kernel"))
    assert set(users) == ALLOWED, users
