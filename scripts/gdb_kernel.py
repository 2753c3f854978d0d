"""gdb_kernel.py: GDB commands for looking inside this kernel.

Loaded by scripts/gdbinit (make debug, make gdb) and by the hang report
(scripts/hang_report.py). Commands:

  kernel-connect TARGET  `target remote TARGET`, with QEMU's register list
                         repaired so `info frame` and `info all-registers` work
  harts [-bt]            each hart: privilege mode, pc and ra with function and
                         file:line, and the thread it runs (-bt: a backtrace too)
  break-on-panic         stop when the kernel panics (gdbinit does it at load)
  pt-walk ADDRESS        walk ADDRESS through the current page table (satp),
                         level by level, showing each index, entry and flags
  memset-list [SET]      list a MemorySet's segments (default: kernel_memory_set)

and a pretty printer for `struct context` (the trap frame), which shows the
registers by their ABI names and sepc with its function.

Page tables live in physical frames. The kernel window maps every physical
address P at P + KERNEL_OFFSET, so GDB reads a table at physical P there.
"""
import os
import re
import tempfile

import gdb

# ---- The kernel's names these commands read -----------------------------------
# If the kernel renames or moves one, change it here; docs/debugging.md lists them.
# Per-hart state (arch/hart.h): each hart has a block of HART_SLOT_SIZE-byte slots
# in hart_blocks[MAX_HARTS][...], indexed by the hart's index (not its id: struct
# hart's `id` says whose it is), and tp points at the block in kernel code. Slot 0 is struct hart; the scheduler's is struct sched_hart.
HART_BLOCKS = "hart_blocks"       # uint8_t hart_blocks[MAX_HARTS][HART_BLOCK_SIZE] (arch/hart.c)
HART_STRUCT = "struct hart"       # slot 0: id, running
HART_ID = "id"
HART_RUNNING = "running"          # const char *: what runs ("boot", "idle"), set before threads
HART_SLOT_SIZE = 64               # arch/hart.h HART_SLOT_SIZE
SCHED_STRUCT = "struct sched_hart"  # proc/sched.h: current, idle
SCHED_SLOT = 7                    # arch/hart.h HART_SLOT_SCHED (read from GDB when built -g3)
SCHED_CURRENT = "current"         # struct thread *, found at any depth inside struct sched_hart
SCHED_IDLE = "idle"
THREAD_NAME = "name"              # in struct thread: char[] or char *
THREAD_ID = "tid"
THREAD_STATE = "state"
THREAD_PROCESS = "process"        # struct process *, with a `pid`
PROCESS_PID = "pid"
# Where GDB stops on a panic: the first of these the kernel has. panic_break is
# the kernel-side convention (called once the whole report is printed);
# panic_end is where today's kernel prints the backtrace and ends the machine.
PANIC_SYMBOLS = ("panic_break", "panic_end")
PRIVILEGE_NAMES = {0: "U-mode", 1: "S-mode", 3: "M-mode"}

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
        # there for user code (arch/context.h). The register itself is always 0.
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


PageTableWalk()
MemorySetList()
gdb.pretty_printers.append(lookup_printer)


# ---- Harts and what they run ---------------------------------------------------

def find_member(value, name, depth=3):
    """value.name, or the first member called `name` inside its nested structs (breadth first).

    Struct members move when the kernel is reorganised (sched_hart->current may
    move into a nested struct): looking at every level keeps these commands working.
    """
    level = [value]
    for _ in range(depth + 1):
        nested = []
        for item in level:
            kind = item.type.strip_typedefs()
            if kind.code != gdb.TYPE_CODE_STRUCT:
                continue
            for field in kind.fields():
                if field.name == name:
                    return item[field]
                if field.type.strip_typedefs().code == gdb.TYPE_CODE_STRUCT:
                    nested.append(item[field])
        level = nested
    return None


def c_string(value, limit=64):
    """A char array or char pointer as text (up to its NUL), or None."""
    try:
        if value is None:
            return None
        kind = value.type.strip_typedefs()
        if kind.code == gdb.TYPE_CODE_ARRAY:
            address, size = int(value.address), min(kind.sizeof, limit)
        else:
            address, size = int(value), limit
        if address == 0:
            return None
        data = bytes(gdb.selected_inferior().read_memory(address, size))
        return data.split(b"\0")[0].decode(errors="replace")
    except (gdb.error, gdb.MemoryError):
        return None


def register(name):
    try:
        return int(gdb.parse_and_eval("$" + name)) & (2**64 - 1)
    except gdb.error:
        return None


def hart_number(thread):
    """QEMU numbers its GDB threads cpu_index + 1, and on virt cpu_index is the hart id."""
    lwp = thread.ptid[1]
    return lwp - 1 if lwp > 0 else thread.num - 1


def struct_at(address, type_name):
    return gdb.Value(address).cast(gdb.lookup_type(type_name).pointer()).dereference()


def macro_or(name, default):
    """A macro's value when the image has macro information (-g3), else `default`."""
    try:
        return int(gdb.parse_and_eval(name))
    except gdb.error:
        return default


class HartState:
    """What the kernel's per-hart block says about one hart: its struct hart and thread."""

    def __init__(self, hart, tp, privilege):
        self.hart = None          # struct hart, if the kernel has set this hart up
        self.current = None       # struct thread *, if the scheduler runs here
        try:
            blocks = gdb.parse_and_eval(HART_BLOCKS)
        except gdb.error:
            return
        start, size = int(blocks.address), blocks.type.sizeof
        block_size = blocks[0].type.sizeof
        if privilege == 1 and tp is not None and start <= tp < start + size:
            blocks_to_try = [tp - (tp - start) % block_size]   # in the kernel, tp is the block
        else:
            # A hart's index is not its hart id (docs/smp.md): find the block whose id it is.
            blocks_to_try = [start + n * block_size for n in range(size // block_size)]
        candidate = None
        try:
            for block in blocks_to_try:
                here = struct_at(block, HART_STRUCT)
                running = find_member(here, HART_RUNNING)
                hart_id = find_member(here, HART_ID)
                if running is None or int(running) == 0:
                    continue                              # never set up: still in OpenSBI
                if hart_id is not None and int(hart_id) != hart and block != tp:
                    continue
                candidate = here
                break
        except gdb.MemoryError:
            return                                        # paging off: the kernel is not up yet
        if candidate is None:
            return
        self.hart = candidate
        self.current = self.find_current(block, block_size)

    @staticmethod
    def find_current(block, block_size):
        """sched_hart.current: in its slot, or, if that slot moved, the slot that looks like it."""
        slot = macro_or("HART_SLOT_SCHED", SCHED_SLOT)
        others = [s for s in range(1, block_size // HART_SLOT_SIZE) if s != slot]
        for number in [slot] + others:
            sched = struct_at(block + number * HART_SLOT_SIZE, SCHED_STRUCT)
            current = find_member(sched, SCHED_CURRENT)
            idle = find_member(sched, SCHED_IDLE)
            if current is not None and looks_like_thread(current) and \
                    (idle is None or looks_like_thread(idle)):
                return current
        return None

    @property
    def running(self):
        return c_string(find_member(self.hart, HART_RUNNING)) if self.hart is not None else None


def looks_like_thread(pointer):
    """A non-NULL struct thread * whose name reads as a name."""
    try:
        if int(pointer) == 0:
            return False
        name = c_string(find_member(pointer.dereference(), THREAD_NAME))
        return bool(name) and name.isprintable()
    except (gdb.error, gdb.MemoryError):
        return False


def thread_text(state):
    """"thread 'sh' (tid 3, pid 2, THREAD_RUNNING)", or what can be told without threads."""
    if state.hart is None:
        return "not set up by the kernel (no per-hart block)"
    if state.current is not None:
        try:
            thread = state.current.dereference()
            name = c_string(find_member(thread, THREAD_NAME)) or "?"
            details = []
            tid = find_member(thread, THREAD_ID)
            if tid is not None:
                details.append("tid %d" % int(tid))
            process = find_member(thread, THREAD_PROCESS)
            if process is not None and int(process) != 0:
                pid = find_member(process.dereference(), PROCESS_PID)
                if pid is not None:
                    details.append("pid %d" % int(pid))
            state_value = find_member(thread, THREAD_STATE)
            if state_value is not None:
                details.append(str(state_value))
            return "thread '%s' (%s)" % (name, ", ".join(details))
        except (gdb.error, gdb.MemoryError) as error:
            return "thread at 0x%x (unreadable: %s)" % (int(state.current), error)
    running = state.running
    return "running '%s' (before threads)" % running if running else "thread unknown"


def pid_and_name(state):
    """(pid, name) of the thread a hart runs, for user addresses: '[pid 3 sh]'."""
    if state.current is None:
        return "?", "?"
    try:
        thread = state.current.dereference()
        name = c_string(find_member(thread, THREAD_NAME)) or "?"
        process = find_member(thread, THREAD_PROCESS)
        pid = find_member(process.dereference(), PROCESS_PID) if process is not None else None
        return (str(int(pid)) if pid is not None else "?"), name
    except (gdb.error, gdb.MemoryError):
        return "?", "?"


def where(address, return_address=False):
    """'function (file:line)' for a kernel address, '' if GDB cannot tell.

    An address in code inlined into a function reads 'inner (file:line) in outer'.
    For a return address the line is the call's: address - 1 lies inside it.
    """
    lookup = address - 1 if return_address else address
    functions = []
    try:
        block = gdb.block_for_pc(lookup)
        while block is not None:
            if block.function is not None:
                functions.append(block.function.print_name)
            block = block.superblock
    except RuntimeError:
        pass
    if not functions:
        text = gdb.execute("info symbol 0x%x" % lookup, to_string=True).strip()
        if "No symbol" in text:
            return ""
        functions = [text.split(" in section")[0].split(" + ")[0]]
    text = functions[0]
    sal = gdb.find_pc_line(lookup)
    if sal.symtab is not None and sal.line:
        text += " (%s:%d)" % (sal.symtab.filename, sal.line)
    if len(functions) > 1:
        text += " in " + functions[-1]
    return text


def backtrace_lines(limit=16):
    lines = []
    frame = gdb.newest_frame()
    number = 0
    while frame is not None and number < limit and frame.pc() != 0:
        sal = frame.find_sal()
        place = ""
        if sal.symtab is not None and sal.line:
            place = " (%s:%d)" % (sal.symtab.filename, sal.line)
        inline = " [inlined]" if frame.type() == gdb.INLINE_FRAME else ""
        lines.append("    #%-2d 0x%016x %s%s%s" % (number, frame.pc(), frame.name() or "??",
                                                  place, inline))
        try:
            frame = frame.older()
        except gdb.error:
            break
        number += 1
    return lines


def read_hart(thread):
    """The registers the report needs, read with `thread` (one hart) selected."""
    thread.switch()
    names = ("pc", "ra", "sp", "tp", "priv", "satp")
    return dict({name: register(name) for name in names}, hart=hart_number(thread), thread=thread)


def memory_view(harts):
    """A hart to read kernel memory through: GDB reads with the selected hart's MMU.

    A hart still in OpenSBI runs with paging off, where the kernel's addresses
    mean nothing; a hart in the kernel with Sv39 on sees the whole kernel half.
    """
    def rank(hart):
        paging = hart["satp"] is not None and hart["satp"] >> 60 == 8
        return (hart["priv"] == 1 and paging, paging, hart["priv"] == 1)
    return max(harts, key=rank)


def hart_report(hart, with_backtrace):
    """The lines for one hart; the memory-view hart is selected, as memory_view() chose."""
    pc, ra, privilege = hart["pc"], hart["ra"], hart["priv"]
    mode = PRIVILEGE_NAMES.get(privilege, "mode ?")
    state = HartState(hart["hart"], hart["tp"], privilege)
    index = find_member(state.hart, "index") if state.hart is not None else None
    lines = ["hart %d  %s  %s%s" % (hart["hart"], mode, thread_text(state),
                                    ", index %d" % int(index) if index is not None else "")]
    if privilege == 3:
        lines.append("    pc 0x%016x in OpenSBI (M-mode: a hart the kernel has not started, "
                     "or an SBI call)" % pc)
        return lines
    if privilege == 0:
        # User code: addresses of the program, which scripts/decode_log.py reads
        # with build/user/NAME.elf when the line names it as [pid N NAME].
        pid, name = pid_and_name(state)
        lines.append("    pc 0x%016x [pid %s %s] user code" % (pc, pid, name))
        lines.append("    ra 0x%016x [pid %s %s]" % (ra, pid, name))
        return lines
    lines.append("    pc 0x%016x %s" % (pc, where(pc)))
    lines.append("    ra 0x%016x %s" % (ra, where(ra, return_address=True)))
    if with_backtrace:
        view = gdb.selected_thread()
        hart["thread"].switch()       # unwinding reads this hart's registers and stack
        try:
            lines.append("    backtrace:")
            lines += backtrace_lines()
        finally:
            view.switch()
    return lines


class Harts(gdb.Command):
    """harts [-bt]: for every hart, its mode, pc and ra (function, file:line) and the thread it runs.

GDB shows each hart as a thread (QEMU's CPU#N is GDB thread N+1). With -bt,
each hart in the kernel gets a backtrace as well."""

    def __init__(self):
        super().__init__("harts", gdb.COMMAND_STATUS)

    def invoke(self, argument, from_tty):
        with_backtrace = argument.strip() in ("-bt", "--backtrace", "bt")
        inferior = gdb.selected_inferior()
        selected = gdb.selected_thread()
        if selected is None:
            raise gdb.GdbError("harts: not connected (make debug, or kernel-connect TARGET)")
        view = None
        try:
            harts = [read_hart(t) for t in sorted(inferior.threads(), key=lambda t: t.num)]
            view = memory_view(harts)
            view["thread"].switch()
            if view["priv"] == 0:
                # Every hart runs user code, and GDB reads memory with the hart's
                # privilege: the kernel half (U=0) is out of reach from U-mode.
                # Read as S-mode for the moment; the finally below restores it.
                gdb.execute("set $priv = 1", to_string=True)
            for hart in harts:
                try:
                    print("\n".join(hart_report(hart, with_backtrace)))
                except (gdb.error, gdb.MemoryError) as error:
                    print("hart %d  unreadable: %s" % (hart["hart"], error))
        finally:
            if view is not None and view["priv"] == 0:
                view["thread"].switch()
                gdb.execute("set $priv = 0", to_string=True)
            selected.switch()


# ---- Connecting: QEMU's register list ---------------------------------------------

def odd_pmpcfg(name):
    """pmpcfg1, pmpcfg3...: RV32-only CSRs that QEMU 7.2 lists for RV64 but cannot read."""
    match = re.match(r"pmpcfg(\d+)$", name)
    return match is not None and int(match.group(1)) % 2 == 1


class KernelConnect(gdb.Command):
    """kernel-connect TARGET: target remote TARGET, then drop the registers QEMU cannot read.

QEMU 7.2 describes pmpcfg1 and pmpcfg3 to GDB, but on RV64 they do not exist
and reading them fails ("Could not fetch register pmpcfg1; remote failure
reply 'E14'"). `info frame` and `info all-registers` read every register and
stop there. This command reads QEMU's description, removes those registers,
and connects again with the repaired one."""

    def __init__(self):
        super().__init__("kernel-connect", gdb.COMMAND_RUNNING)

    def invoke(self, argument, from_tty):
        target = argument.strip()
        if not target:
            raise gdb.GdbError("usage: kernel-connect TARGET (host:port, :port or a socket path)")
        gdb.execute("target remote " + target, from_tty)
        try:
            description = gdb.execute("maint print xml-tdesc", to_string=True)
        except gdb.error:
            return
        dropped = []

        def keep(match):
            if odd_pmpcfg(match.group(1)):
                dropped.append(match.group(1))
                return ""
            return match.group(0)

        repaired = re.sub(r'<reg name="([^"]+)"[^>]*/>', keep, description)
        if not dropped:
            return
        handle, path = tempfile.mkstemp(prefix="kernel-tdesc-", suffix=".xml")
        with os.fdopen(handle, "w") as out:
            out.write(repaired)
        gdb.execute("disconnect", to_string=True)
        gdb.execute("set tdesc filename " + path, to_string=True)
        gdb.execute("target remote " + target, to_string=True)
        os.unlink(path)
        # QEMU answers for registers beyond the first 33 only after GDB has asked
        # for its description; with our own file GDB does not, so ask once.
        gdb.execute("maint packet qXfer:features:read:target.xml:0,1", to_string=True)


# ---- Stopping on a panic ---------------------------------------------------------

class PanicBreakpoint(gdb.Breakpoint):
    def stop(self):
        print("kernel panic: the report is on the console (make debug: the console log). "
              "`bt` shows the way here; `frame N` and `info locals` look around.")
        return True


class BreakOnPanic(gdb.Command):
    """break-on-panic: stop when the kernel panics (scripts/gdbinit runs it at load)."""

    def __init__(self):
        super().__init__("break-on-panic", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, argument, from_tty):
        for name in PANIC_SYMBOLS:
            if gdb.lookup_global_symbol(name) is None and gdb.lookup_static_symbol(name) is None:
                continue
            breakpoint = PanicBreakpoint(name, internal=False)
            print("gdb_kernel: breakpoint %d on %s: GDB stops when the kernel panics "
                  "(`delete %d` turns it off)" % (breakpoint.number, name, breakpoint.number))
            return
        print("gdb_kernel: no %s in this image: GDB will not stop on a panic"
              % " or ".join(PANIC_SYMBOLS))


Harts()
KernelConnect()
BreakOnPanic()
