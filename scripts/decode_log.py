#!/usr/bin/env python3
"""decode_log.py: put `function (file:line)` beside the code addresses of a console log.

    make qemu | scripts/decode_log.py            a filter, line by line as it comes
    scripts/decode_log.py build/run.log          a file
    options: --elf IMAGE.elf (default BUILD/kernel.elf: name the image the log
             came from), --user-dir DIR (default BUILD/user), BUILD from the
             environment (default build)

What it decodes, and how it stays honest:
- Kernel addresses (0xffffffff8...) inside the image's sections. Code gets
  `[function (file:line)]` from addr2line (inlined code: `[inner (file:line)
  in outer]`); data gets `[symbol+0x10]`; anything else (a page of the
  physical window, a stack) is left alone.
- User addresses (low), only where the log says whose they are: on a line
  that names the program as `[pid N NAME]`, and on the indented lines of a
  report whose header does (`[pid N NAME] ...` or `PANIC ... on hart H
  (NAME):`, when build/user/NAME.elf exists). Elsewhere they are left alone.
- A return address (a backtrace's `#N 0x... name+0x..`, or a value labelled
  `ra`) is looked up one byte back, so the line is the call's, not the next one.
  A trap's backtrace starts with the trapping pc itself, marked `<- here`:
  that one is looked up as it is.
- Addresses written as 0x... are annotated in place. Bare 16-digit values (the
  register dump) get their annotations at the end of the line, so the columns
  stay. Ranges (0xA-0xB, [0xA, 0xB)) and addresses already followed by an annotation are
  left as they are, so decoding twice changes nothing.
- If the log's "kmain at 0x..." line disagrees with the image, the log is from
  another build: kernel addresses are left alone, with a warning on stderr.

Everything else passes through unchanged, ANSI colours and \\r included, and
output is flushed line by line (a prompt without a newline shows at once).
"""
import argparse
import os
import re
import select
import struct
import subprocess
import sys

ADDR2LINE = os.environ.get("ADDR2LINE", "riscv64-unknown-elf-addr2line")
OBJDUMP = os.environ.get("OBJDUMP", "riscv64-unknown-elf-objdump")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_HALF = 0xFFFFFFFF80000000
USER_TOP = 0x4000000000

SHF_ALLOC, SHF_EXECINSTR = 0x2, 0x4
STT_OBJECT, STT_FUNC = 1, 2

# 0x-prefixed numbers, and bare 16-digit hex words (register dumps).
HEX_0X = re.compile(r"(?<![\w.+])0x([0-9a-fA-F]{1,16})\b")
HEX_BARE = re.compile(r"(?<![\w.])([0-9a-f]{16})\b")
# 0xA-0xB, 0xA..0xB, 0xA .. 0xB, [0xA, 0xB): a range, not a place in the code.
RANGE_AFTER = re.compile(r"(-| ?\.\. ?)0x")
RANGE_BEFORE = re.compile(r"(-| ?\.\. ?)$")
RANGE_BRACKETS = re.compile(r"\[0x[0-9a-fA-F]+, 0x[0-9a-fA-F]+\)")
ALREADY_DECODED = re.compile(r" (\[(?!pid )|<|\S+ \([^()\s]+:\d+\))")
PROGRAM_ON_LINE = re.compile(r"\[pid (?:\d+|\?) ([\w.+-]+)\]")
PANIC_HEADER = re.compile(r"PANIC\b.* on hart \d+ \(([^)]+)\)")
BACKTRACE_FRAME = re.compile(r"#\d+\s+$")
RETURN_LABEL = re.compile(r"\bra\s*[:=]?\s*$")
KMAIN_LINE = re.compile(r"kmain at 0x([0-9a-f]+)")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Elf:
    """The sections and symbols of one ELF64 file: enough to tell code from data."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            data = f.read()
        if data[:4] != b"\x7fELF" or data[4] != 2:
            raise ValueError("%s is not an ELF64 file" % path)
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
                    for i in range(shnum)]
        self.code, self.data = [], []
        symtab = None
        for name, kind, flags, addr, offset, size, link, _, _, entsize in sections:
            if flags & SHF_ALLOC and size and kind != 8:             # 8: NOBITS (.bss)
                (self.code if flags & SHF_EXECINSTR else self.data).append((addr, addr + size))
            elif flags & SHF_ALLOC and size:
                self.data.append((addr, addr + size))
            if kind == 2:                                              # SYMTAB
                symtab = (offset, size, entsize, sections[link][4])
        self.symbols = {}
        self.objects = []
        self.functions = []
        if symtab is not None:
            offset, size, entsize, strings = symtab
            for i in range(size // entsize):
                st_name, st_info, _, _, value, st_size = struct.unpack_from(
                    "<IBBHQQ", data, offset + i * entsize)
                end = data.index(b"\0", strings + st_name)
                name = data[strings + st_name:end].decode(errors="replace")
                if st_info & 0xF == STT_OBJECT and st_size:
                    self.objects.append((value, value + st_size, name))
                if st_info & 0xF == STT_FUNC and st_size:
                    self.functions.append((value, value + st_size, name))
                if name:
                    self.symbols.setdefault(name, value)
        self.objects.sort()
        self.functions.sort()

    def function_at(self, address):
        """The name of the function symbol that contains `address`, or None."""
        for start, end, name in self.functions:
            if start <= address < end:
                return name
        return None

    def in_code(self, address):
        return any(start <= address < end for start, end in self.code)

    def data_symbol(self, address):
        for start, end, name in self.objects:
            if start <= address < end:
                return name if address == start else "%s+0x%x" % (name, address - start)
        return None


class Addr2line:
    """One addr2line process per ELF, asked one address at a time, answers cached.

    After each address it is asked for 0, whose answer ('0x000...0', '??',
    '??:0') marks where the answer for the real address ends.
    """

    def __init__(self, elf_path):
        self.process = subprocess.Popen([ADDR2LINE, "-f", "-i", "-a", "-e", elf_path],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        self.cache = {}

    def lookup(self, address):
        """[(function, 'file:line'), ...], innermost first (inlined code gives several)."""
        if address in self.cache:
            return self.cache[address]
        self.process.stdin.write("0x%x\n0\n" % address)
        self.process.stdin.flush()
        lines = []
        while True:
            line = self.process.stdout.readline()
            if not line:
                break
            line = line.rstrip("\n")
            if line == "0x0000000000000000":
                self.process.stdout.readline()
                self.process.stdout.readline()
                break
            lines.append(line)
        pairs = []
        for i in range(1, len(lines) - 1, 2):
            function, place = lines[i], lines[i + 1].split(" (discriminator")[0]
            if function == "??" and place.startswith("??"):
                continue
            pairs.append((function, short_path(place)))
        self.cache[address] = pairs
        return pairs

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class LineTable:
    """The ELF's decoded line table (objdump -WL): the fallback when addr2line misses.

    binutils 2.40's addr2line answers '??' for the first instructions of a
    function whose line rows share an address (several 'views'), as main's
    do after crt0.S. GDB reads those rows well; so does this: the last row
    at or before the address, preferring rows marked as statements, as GDB does.
    """

    ROW = re.compile(r"^(\S+)\s+(\d+|-)\s+0x([0-9a-f]+)(?:\s+(\d+))?\s*(x)?\s*$")

    def __init__(self, elf_path):
        done = subprocess.run([OBJDUMP, "-WL", "-w", elf_path], capture_output=True, text=True)
        self.sequences = []
        rows = []
        current = None
        for line in done.stdout.splitlines():
            if line.startswith("CU: "):
                current = line[4:].rstrip(":")
                continue
            if line.endswith(":") and " " not in line:
                current = line.rstrip(":")
                continue
            match = self.ROW.match(line)
            if not match:
                continue
            name, number, address, _, stmt = match.groups()
            address = int(address, 16)
            if number == "-":                        # the end of a sequence
                if rows:
                    self.sequences.append((rows[0][0], address, rows))
                rows = []
            else:
                rows.append((address, int(number), stmt == "x", current or name))
        self.sequences.sort(key=lambda sequence: sequence[0])

    def lookup(self, address):
        """'file:line' for address, or None."""
        for start, end, rows in self.sequences:
            if start <= address < end:
                best = max(row[0] for row in rows if row[0] <= address)
                at = [row for row in rows if row[0] == best]
                statements = [row for row in at if row[2]] or at
                return short_path("%s:%d" % (statements[-1][3], statements[-1][1]))
        return None


def short_path(place):
    path, _, line = place.rpartition(":")
    if path.startswith(ROOT + os.sep):
        path = os.path.relpath(path, ROOT)
    return "%s:%s" % (path, line)


class Image:
    def __init__(self, path):
        self.elf = Elf(path)
        self.addr2line = None
        self.line_table = None

    def code_chain(self, address):
        """addr2line's answer, checked against the symbol table.

        addr2line can miss a function's first instruction when the code before
        it has no line numbers (crt0.S): it answers with that code's function
        and no line. The byte after is the same instruction, so ask for it too.
        """
        if self.addr2line is None:
            self.addr2line = Addr2line(self.elf.path)
        symbol = self.elf.function_at(address)
        for attempt in (address, address + 1):
            chain = self.addr2line.lookup(attempt)
            if chain and not chain[0][1].startswith("??") and \
                    (symbol is None or chain[-1][0].split(".")[0] == symbol.split(".")[0]):
                return chain
        if symbol is None:
            return chain
        if self.line_table is None:
            self.line_table = LineTable(self.elf.path)
        return [(symbol, self.line_table.lookup(address) or "??:0")]

    def describe(self, address, return_address):
        if self.elf.in_code(address):
            chain = self.code_chain(address - 1 if return_address else address)
            if not chain:
                return None
            function, place = chain[0]
            text = function if place.startswith("??") else "%s (%s)" % (function, place)
            if len(chain) > 1:
                text += " in %s" % chain[-1][0]
            return text
        return self.elf.data_symbol(address)


class Decoder:
    def __init__(self, kernel_elf, user_dir=None):
        self.kernel = Image(kernel_elf) if kernel_elf and os.path.exists(kernel_elf) else None
        self.user_dir = user_dir
        self.users = {}
        self.report_program = None
        self.kernel_trusted = True
        self.warnings = []

    def user_image(self, name):
        if name not in self.users:
            path = os.path.join(self.user_dir, name + ".elf") if self.user_dir else None
            self.users[name] = Image(path) if path and os.path.exists(path) else None
        return self.users[name]

    def check_kmain(self, line):
        match = KMAIN_LINE.search(line)
        if match and self.kernel is not None:
            expected = self.kernel.elf.symbols.get("kmain")
            if expected is not None and int(match.group(1), 16) != expected:
                self.kernel_trusted = False
                self.warnings.append("decode_log: the log's kmain is at 0x%s but %s has it at "
                                     "0x%x: the log is from another build; kernel addresses "
                                     "left alone" % (match.group(1), self.kernel.elf.path,
                                                     expected))

    def program_for(self, line):
        """The user program this line's addresses belong to, if the log says so."""
        plain = ANSI.sub("", line)
        on_line = PROGRAM_ON_LINE.search(plain)
        header = PANIC_HEADER.search(plain)
        indented = plain[:1] in (" ", "\t")
        if on_line:
            self.report_program = on_line.group(1) if not indented else self.report_program
            return on_line.group(1)
        if header:
            self.report_program = header.group(1) if self.user_image(header.group(1)) else None
            return self.report_program
        if indented or plain.rstrip().endswith(":"):
            return self.report_program
        self.report_program = None
        return None

    def describe(self, address, program, return_address):
        if address >= KERNEL_HALF:
            if self.kernel is None or not self.kernel_trusted:
                return None
            return self.kernel.describe(address, return_address)
        if 0 < address < USER_TOP and program:
            image = self.user_image(program)
            return image.describe(address, return_address) if image else None
        return None

    def decode_line(self, line):
        self.check_kmain(line)
        program = self.program_for(line)

        # A backtrace's frames are return addresses, except the trapping pc ("<- here").
        pc_frame = ANSI.sub("", line).rstrip().endswith("<- here")

        def is_return(before):
            if BACKTRACE_FRAME.search(before):
                return not pc_frame
            return bool(RETURN_LABEL.search(before))

        def skip(match, text):
            after = text[match.end():]
            before = text[:match.start()]
            in_brackets = any(r.start() <= match.start() < r.end()
                              for r in RANGE_BRACKETS.finditer(text))
            return (in_brackets or RANGE_AFTER.match(after) is not None or
                    RANGE_BEFORE.search(before) is not None or
                    ALREADY_DECODED.match(after) is not None)

        def in_place(match):
            text = match.string
            if skip(match, text):
                return match.group(0)
            plain_before = ANSI.sub("", text[:match.start()])
            what = self.describe(int(match.group(1), 16), program, is_return(plain_before))
            return match.group(0) + (" [%s]" % what if what else "")

        line = HEX_0X.sub(in_place, line)
        notes = []
        for match in HEX_BARE.finditer(line):
            if skip(match, line):
                continue
            address = int(match.group(1), 16)
            before = ANSI.sub("", line[:match.start()])
            label = re.search(r"(\w+)\s+$", before)
            what = self.describe(address, program, is_return(before))
            if what and "(" in what:                  # code only: data in a dump is noise
                notes.append("%s: %s" % (label.group(1) if label else match.group(1), what))
        if notes:
            body = line.rstrip("\r\n")
            line = body + "   [" + "; ".join(notes) + "]" + line[len(body):]
        return line

    def decode_text(self, text):
        return "".join(self.decode_line(line) for line in text.splitlines(keepends=True))

    def close(self):
        for image in [self.kernel] + list(self.users.values()):
            if image is not None and image.addr2line is not None:
                image.addr2line.close()


def stream(decoder, fd, out):
    """Decode complete lines; let a partial line (a prompt, typed echo) through at once.

    A partial line that holds '0x' waits up to 0.2 s for its end, so an address
    is decoded in place; after that it goes out as it is.
    """
    pending = b""
    while True:
        timeout = 0.2 if b"0x" in pending else None
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            out.write(pending)
            out.flush()
            pending = b""
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            out.write(decoder.decode_line(line.decode(errors="surrogateescape") + "\n")
                      .encode(errors="surrogateescape"))
        if pending and b"0x" not in pending:
            out.write(pending)
            pending = b""
        out.flush()
    if pending:
        out.write(decoder.decode_line(pending.decode(errors="surrogateescape"))
                  .encode(errors="surrogateescape"))
    out.flush()


def main():
    build = os.environ.get("BUILD", "build")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("log", nargs="?", help="a log file (default: standard input)")
    parser.add_argument("--elf", default=os.path.join(build, "kernel.elf"),
                        help="the kernel image the log came from (default: %(default)s)")
    parser.add_argument("--user-dir", default=os.path.join(build, "user"),
                        help="where NAME.elf of each user program is (default: %(default)s)")
    args = parser.parse_args()
    if not os.path.exists(args.elf):
        print("decode_log: %s does not exist: kernel addresses stay as they are" % args.elf,
              file=sys.stderr)
    decoder = Decoder(args.elf, args.user_dir)
    try:
        if args.log:
            with open(args.log, "rb") as log:
                stream(decoder, log.fileno(), sys.stdout.buffer)
        else:
            stream(decoder, sys.stdin.fileno(), sys.stdout.buffer)
    except (BrokenPipeError, KeyboardInterrupt):
        pass
    finally:
        decoder.close()
        for warning in decoder.warnings:
            print(warning, file=sys.stderr)


if __name__ == "__main__":
    main()
