/*
 * line.h: the console's line discipline: what read() on a terminal means.
 *
 * In canonical mode (ICANON, the default) a reader gets whole lines. The
 * discipline echoes what is typed (ECHO) and edits the line before anyone
 * sees it: the erase character (DEL, or Backspace's ^H) rubs out one
 * character, the kill character (^U) the whole line, and the end-of-file
 * character (^D) ends the line without a newline, or, on an empty line,
 * makes read() return 0: the end of input. Enter sends \r on a serial
 * console; ICRNL turns it into \n.
 *
 * With ICANON off (raw mode, through TCSETS), read() returns the bytes as
 * they come: it waits for VMIN of them (VMIN 0: it never waits), echoing
 * them if ECHO is on. VTIME is not supported (it counts as 0).
 *
 * The discipline runs in the reader's thread, when it reads: bytes typed
 * meanwhile wait in the UART's ring (dev/uart.h), and are echoed when a
 * program reads them. So mode=echo and mode=async, which read the ring
 * themselves, see exactly what was typed.
 *
 * Output (write) is the console's, unchanged: a \n reaches the terminal
 * as \r\n whatever c_oflag says.
 */
#ifndef TTY_LINE_H
#define TTY_LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "abi/termios.h"

#define TTY_LINE_MAX 256 /* a line longer than this stops taking characters, as on Linux */

/*
 * Read from the console into buf: in canonical mode at most one line. Returns
 * the bytes read, 0 at end of input, -EAGAIN if `nonblock` and nothing is
 * ready, -EINTR if a signal ended the wait (proc/interruptible.h).
 */
long tty_line_read(char *buf, size_t size, bool nonblock);

/*
 * Whether a read would find something now (ppoll's POLLIN): a finished line
 * or the end, or any key waiting in the UART's ring. In canonical mode a key
 * is not yet a line, so a read after "readable" may still wait for Enter;
 * Linux would wait for the whole line before it says readable. Programs that
 * poll the console (BusyBox's line editor) put it in raw mode first, where
 * the two agree.
 */
bool tty_line_readable(void);

/* Print on the console. */
void tty_line_write(const char *buf, size_t len);

/* The settings (TCGETS, TCSETS); set_termios may drop typed input that is not read yet. */
void tty_line_get_termios(struct termios *out);
void tty_line_set_termios(const struct termios *settings, bool drop_input);

/* The window size (TIOCGWINSZ, TIOCSWINSZ): 24 rows of 80 columns until someone says otherwise. */
/* The foreground process group (TIOCGPGRP, TIOCSPGRP): 0 or -EINVAL/-EPERM. */
int tty_line_get_foreground(void);
int tty_line_set_foreground(int group);

void tty_line_get_winsize(struct winsize *out);
void tty_line_set_winsize(const struct winsize *size);

#endif
