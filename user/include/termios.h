/*
 * termios.h: the terminal's settings (struct termios is the kernel's, as
 * TCGETS passes it: include/abi/termios.h).
 *
 *     struct termios saved, raw;
 *     tcgetattr(0, &saved);
 *     raw = saved;
 *     cfmakeraw(&raw);            // no line editing, no echo: bytes as they come
 *     tcsetattr(0, TCSANOW, &raw);
 *     ...
 *     tcsetattr(0, TCSANOW, &saved);
 */
#ifndef TERMIOS_H
#define TERMIOS_H

#include "abi/termios.h"

#define TCSANOW   0 /* at once */
#define TCSADRAIN 1 /* once output has drained */
#define TCSAFLUSH 2 /* and drop input not yet read */

int tcgetattr(int fd, struct termios *settings);
int tcsetattr(int fd, int when, const struct termios *settings);
/* Raw mode: no canonical lines, no echo, no signals; read returns each byte (VMIN 1). */
void cfmakeraw(struct termios *settings);

#endif
