#!/usr/bin/env python3
"""console.py: type into the kernel's console while `make debug` has GDB in front.

    console.py SOCKET          (make console; GDBPORT= picks the session)

`make debug` connects the kernel's UART to a unix socket (QEMU's
`-chardev socket,server=on,wait=off,...,logfile=...`). This script attaches
to it: what you type goes to the kernel, what the kernel prints comes here.
It first shows the end of the console log, so you see the prompt you join.
Leave with Ctrl-] (the session and QEMU go on). Only one console can be
attached at a time; while none is, the output still reaches the log.
"""
import os
import select
import socket
import sys
import termios
import time
import tty

LEAVE = b"\x1d"  # Ctrl-]


def show_log_tail(log_path, lines=15):
    try:
        with open(log_path, "rb") as log:
            tail = log.read()[-8192:].split(b"\n")[-lines:]
    except OSError:
        return
    os.write(1, b"\r\n".join(line.rstrip(b"\r") for line in tail))


def connect(path, wait=10.0):
    deadline = time.monotonic() + wait
    while True:
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(path)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            if time.monotonic() > deadline:
                sys.exit("console: nothing listens on %s: is `make debug` running (same GDBPORT)?"
                         % path)
            time.sleep(0.2)


def relay(sock):
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([sock, stdin], [], [])
        if sock in ready:
            data = sock.recv(4096)
            if not data:
                return "the kernel's console closed (QEMU ended)"
            os.write(1, data)
        if stdin in ready:
            data = os.read(stdin, 1024)
            if not data or LEAVE in data:
                sock.sendall(data.split(LEAVE)[0])
                return "left the console (Ctrl-]); the session goes on"
            sock.sendall(data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    sock = connect(path)
    print("console: attached to %s; leave with Ctrl-]" % path)
    if path.endswith(".sock"):
        show_log_tail(path[:-len(".sock")] + ".log")
    saved = termios.tcgetattr(0) if os.isatty(0) else None
    try:
        if saved is not None:
            tty.setraw(0)
        why = relay(sock)
    finally:
        if saved is not None:
            termios.tcsetattr(0, termios.TCSADRAIN, saved)
        sock.close()
    print("\nconsole: " + why)


if __name__ == "__main__":
    main()
