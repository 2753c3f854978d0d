/*
 * sys/ioctl.h: device-specific requests: the terminal's TCGETS, TCSETS and
 * TIOCGWINSZ (include/abi/termios.h).
 */
#ifndef SYS_IOCTL_H
#define SYS_IOCTL_H

#include "abi/termios.h"

int ioctl(int fd, unsigned long request, ...);

#endif
