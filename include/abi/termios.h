/*
 * termios.h: the terminal's settings, as the TCGETS and TCSETS ioctls pass
 * them on Linux (asm-generic/termbits.h: the kernel's struct termios, 36
 * bytes), and the window size of TIOCGWINSZ.
 */
#ifndef ABI_TERMIOS_H
#define ABI_TERMIOS_H

#include <stdint.h>

typedef uint32_t tcflag_t;
typedef uint8_t cc_t;

#define NCCS 19
struct termios {
    tcflag_t c_iflag; /* input: ICRNL ... */
    tcflag_t c_oflag; /* output: OPOST ONLCR (output is always processed here) */
    tcflag_t c_cflag; /* the line: CS8 CREAD (nothing to set on a virtual UART) */
    tcflag_t c_lflag; /* the line discipline: ICANON ECHO ... */
    cc_t c_line;
    cc_t c_cc[NCCS]; /* the special characters, indexed by V* */
};

_Static_assert(sizeof(struct termios) == 36, "struct termios must be Linux's 36 bytes");

struct winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
};

/* ioctl requests (asm-generic/ioctls.h). */
#define TCGETS     0x5401
#define TCSETS     0x5402 /* now */
#define TCSETSW    0x5403 /* once output has drained (it always has: output is synchronous) */
#define TCSETSF    0x5404 /* and drop the input not yet read */
#define TIOCGPGRP  0x540F /* the console's foreground process group */
#define TIOCSPGRP  0x5410 /* set it: Ctrl-C and Ctrl-\ signal that group */
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

/* c_cc indexes. */
#define VINTR  0
#define VQUIT  1
#define VERASE 2
#define VKILL  3
#define VEOF   4
#define VTIME  5
#define VMIN   6
#define VSUSP  10 /* Ctrl-Z: SIGTSTP to the foreground group */
#define VEOL   11

/* c_iflag. */
#define IGNCR 0x080 /* drop \r */
#define ICRNL 0x100 /* \r becomes \n (Enter on a serial console sends \r) */
#define INLCR 0x040 /* \n becomes \r */

/* c_oflag. */
#define OPOST 0x01
#define ONLCR 0x04

/* c_cflag. */
#define B38400 0x0000000f
#define CS8    0x00000030
#define CREAD  0x00000080

/* c_lflag. ICANON: canonical mode, where read() returns whole lines, edited with erase and kill. */
#define ISIG    0x00001
#define ICANON  0x00002
#define ECHO    0x00008 /* echo what is typed */
#define ECHOE   0x00010 /* erase rubs the character out on the screen */
#define ECHOK   0x00020
#define ECHONL  0x00040
#define ECHOCTL 0x00200
#define ECHOKE  0x00800
#define IEXTEN  0x08000

#endif
