/*
 * sys/sysinfo.h: sysinfo(), Linux's call for overall memory and load figures.
 *
 * In this kernel, freeram counts free physical frames and mem_unit is the
 * frame size (4096), so freeram * mem_unit is the free memory in bytes.
 * Tests use it to check that the kernel gets every frame back.
 */
#ifndef SYS_SYSINFO_H
#define SYS_SYSINFO_H

#include "abi/sysinfo.h"

int sysinfo(struct sysinfo *info);

#endif
