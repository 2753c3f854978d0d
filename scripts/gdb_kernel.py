"""gdb_kernel.py: GDB commands for looking inside this kernel.

Loaded by scripts/gdbinit (make debug, make gdb). Commands:

  pt-walk ADDRESS      walk ADDRESS through the current page table (satp),
                       level by level, showing each index, entry and flags
  memset-list [SET]    list a MemorySet's segments (default: kernel_memory_set)
  harts                every hart (QEMU shows each as a gdb thread): its hart id and
                       index, privilege, pc, and the kernel thread it runs

and a pretty printer for `struct context` (the trap frame), which shows the
registers by their ABI names and sepc with its function.

Page tables live in physical frames. The kernel window maps every physical
address P at P + KERNEL_OFFSET, so GDB reads a table at physical P there.
"""
import gdb

KERNEL_OFFSET = 0xFFFFFFFF00000000
PAGE_SHIFT = 12
FLAG_NAMES = [(1 << 0, "V"), (1 << 1, "R"), (1 << 2, "W"), (1 << 3, "X"), (1 << 4, "U"),
              (1 << 5, "G"), (1 << 6, "A"), (1 << 7, "D"), (1 << 8, "OWNED"), (1 << 9, "SHARED")]
ABI_NAMES = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
             "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
             "s10", "s11", "t3", "t4", "t5", "t6"]


def read_u64(address):
    data = gdb.selected_inferior().read_memory(address, 8)
    return int.from_bytes(bytes(data), "little")


def flag_text(pte):
    return " ".join(name for bit, name in FLAG_NAMES if pte & bit) or "-"


def symbol_at(address):
    block = gdb.execute("info symbol 0x%x" % address, to_string=True).strip()
    return block.split(" in section")[0] if "No symbol" not in block else "??"


class PageTableWalk(gdb.Command):
    """pt-walk ADDRESS: translate ADDRESS through the page table in satp, level by level."""

    def __init__(self):
        super().__init__("pt-walk", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        if not argument:
            raise gdb.GdbError("usage: pt-walk ADDRESS")
        va = int(gdb.parse_and_eval(argument).cast(gdb.lookup_type("unsigned long"))) & (2**64 - 1)
        satp = int(gdb.parse_and_eval("$satp")) & (2**64 - 1)
        mode = satp >> 60
        if mode != 8:
            print("satp = 0x%x: paging is off (mode %d), VA = PA" % (satp, mode))
            return
        table = (satp & ((1 << 44) - 1)) << PAGE_SHIFT
        print("pt-walk 0x%016x   satp 0x%x (Sv39, root table at physical 0x%x)" % (va, satp, table))
        print("  VPN[2]=%d VPN[1]=%d VPN[0]=%d offset=0x%x" % (
            (va >> 30) & 0x1FF, (va >> 21) & 0x1FF, (va >> 12) & 0x1FF, va & 0xFFF))
        for level in (2, 1, 0):
            index = (va >> (PAGE_SHIFT + 9 * level)) & 0x1FF
            entry_pa = table + index * 8
            pte = read_u64(entry_pa + KERNEL_OFFSET)
            print("  level %d  index %3d  entry at 0x%x  pte 0x%016x  [%s]"
                  % (level, index, entry_pa, pte, flag_text(pte)))
            if not pte & 1:
                print("  -> not mapped (V=0 at level %d)" % level)
                return
            target = ((pte >> 10) & ((1 << 44) - 1)) << PAGE_SHIFT
            if pte & 0xE:
                size = 1 << (PAGE_SHIFT + 9 * level)
                pa = target + (va & (size - 1))
                print("  -> leaf: %s page, physical 0x%x" % (
                    {0: "4 KiB", 1: "2 MiB", 2: "1 GiB"}[level], pa))
                return
            table = target
        print("  -> malformed: a pointer entry at level 0")


class MemorySetList(gdb.Command):
    """memset-list [EXPRESSION]: list the segments of a struct memory_set (default kernel_memory_set)."""

    def __init__(self):
        super().__init__("memset-list", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, argument, from_tty):
        expression = argument.strip() or "kernel_memory_set"
        memory_set = gdb.parse_and_eval(expression)
        if memory_set.type.code == gdb.TYPE_CODE_PTR:
            memory_set = memory_set.dereference()
        mapping = memory_set["mapping"]
        print("MemorySet %s: root table at physical 0x%x, %d table frames, %d owned frames"
              % (expression, int(mapping["root"]["value"]), int(mapping["table_frames"]),
                 int(mapping["owned_frames"])))
        segment = memory_set["segments"]
        count = 0
        while int(segment) != 0 and count < 10000:
            s = segment.dereference()
            flags = int(s["flags"])
            text = "".join(c if flags & bit else "-" for bit, c in ((2, "R"), (4, "W"), (8, "X"), (16, "U")))
            kind = "linear" if str(s["type"]) == "MAP_LINEAR" else "framed"
            name = s["name"].string() if int(s["name"]) else "?"
            print("  0x%016x-0x%016x %s %-6s %s" % (int(s["start"]["value"]) & (2**64 - 1),
                                                    int(s["end"]["value"]) & (2**64 - 1),
                                                    text, kind, name))
            segment = s["next"]
            count += 1
        print("  %d segments" % count)


class ContextPrinter:
    """Pretty printer for struct context: registers by ABI name, sepc with its symbol."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        x = self.value["x"]
        # The x[0] slot is not the zero register: trap.S parks the hart's tp
        # there for user code (trap/context.h). The register itself is always 0.
        values = [0] + [int(x[i]) & (2**64 - 1) for i in range(1, 32)]
        lines = []
        for row in range(0, 32, 4):
            lines.append("  ".join("%-4s 0x%016x" % (ABI_NAMES[i], values[i])
                                   for i in range(row, row + 4)))
        sepc = int(self.value["sepc"]) & (2**64 - 1)
        sstatus = int(self.value["sstatus"]) & (2**64 - 1)
        lines.append("sepc 0x%016x <%s>  sstatus 0x%x (SPP=%s, SPIE=%d)" % (
            sepc, symbol_at(sepc), sstatus, "S" if sstatus & (1 << 8) else "U",
            (sstatus >> 5) & 1))
        return "struct context {\n" + "\n".join(lines) + "\n}"


def lookup_printer(value):
    target = value.type.strip_typedefs()
    if target.code == gdb.TYPE_CODE_STRUCT and target.tag == "context":
        return ContextPrinter(value)
    return None


class Harts(gdb.Command):
    """harts: one line per hart: id, index, mode, pc, and the thread it runs (docs/smp.md).

    QEMU's gdb stub shows each hart as a thread. In the kernel tp points at
    the hart's per-hart block (src/arch/hart.h): slot 0 is struct hart, and
    the scheduler's slot holds the running thread. A hart whose tp is 0 has
    not entered the kernel: it still waits in OpenSBI for its hart_start.
    """

    SLOT_SIZE = 64
    SLOT_SCHED = 7

    def __init__(self):
        super().__init__("harts", gdb.COMMAND_STATUS)
        self.read_slot_numbers()

    def read_slot_numbers(self):
        """The slot layout from src/arch/hart.h itself, so the two cannot drift apart."""
        import os
        import re
        header = os.path.join(os.getcwd(), "src", "arch", "hart.h")
        try:
            text = open(header).read()
        except OSError:
            return
        size = re.search(r"#define HART_SLOT_SIZE\s+(\d+)", text)
        sched = re.search(r"#define HART_SLOT_SCHED\s+(\d+)", text)
        if size and sched:
            self.SLOT_SIZE, self.SLOT_SCHED = int(size.group(1)), int(sched.group(1))

    def describe(self, tp):
        hart = gdb.parse_and_eval("(struct hart *)0x%x" % tp).dereference()
        sched = gdb.parse_and_eval("(struct sched_hart *)0x%x"
                                   % (tp + self.SLOT_SIZE * self.SLOT_SCHED)).dereference()
        current = sched["current"]
        if int(current) == 0:
            running = "no thread yet (booting)"
        else:
            thread = current.dereference()
            state = str(thread["state"]).replace("THREAD_", "").lower()
            running = "thread %d '%s' %s" % (int(thread["tid"]), thread["name"].string(), state)
            if int(current) == int(sched["idle"]):
                running += " (its idle thread)"
        return "hart %d, index %d: %s" % (int(hart["id"]), int(hart["index"]), running)

    def invoke(self, argument, from_tty):
        selected = gdb.selected_thread()
        if selected is None:
            raise gdb.GdbError("harts: no program is running")
        modes = {0: "U", 1: "S", 3: "M"}
        harts = []
        try:
            for thread in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
                thread.switch()
                try:
                    mode = modes.get(int(gdb.parse_and_eval("$priv")) & 3, "?")
                except gdb.error:
                    mode = "?"
                registers = {name: int(gdb.parse_and_eval("$" + name)) & (2**64 - 1)
                             for name in ("tp", "pc", "sscratch")}
                harts.append((thread, mode, registers))
            # Memory is read through the selected hart's MMU, and a hart in user mode may not
            # read kernel pages: read through one in supervisor mode (the kernel half is the
            # same in every address space).
            readers = [t for t, mode, r in harts if mode == "S" and r["tp"] >= KERNEL_OFFSET]
            for thread, mode, r in harts:
                if readers:
                    readers[0].switch()
                where = {"U": "user code", "M": "firmware"}.get(mode) or symbol_at(r["pc"])
                try:
                    if mode == "S" and r["tp"] >= KERNEL_OFFSET:
                        what = self.describe(r["tp"])
                    elif mode == "U" and readers and r["sscratch"]:
                        # sscratch is its kernel stack's top; trap.S left the kernel's tp in
                        # the x[0] slot of the context just below it (docs/traps.md).
                        what = self.describe(read_u64(r["sscratch"] - 272)) + ", in user mode"
                    elif mode == "U":
                        what = "user mode"
                    else:
                        what = "not in the kernel: parked in OpenSBI, or inside an SBI call"
                except (gdb.error, gdb.MemoryError) as error:
                    what = "(unreadable: %s)" % error
                print("gdb thread %d: %s  [%s-mode pc 0x%016x %s]"
                      % (thread.num, what, mode, r["pc"], where))
        finally:
            selected.switch()


PageTableWalk()
MemorySetList()
Harts()
gdb.pretty_printers.append(lookup_printer)
