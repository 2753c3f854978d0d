/*
 * sysinfo.h: struct sysinfo, Linux's overall memory and load figures, as
 * Linux lays it out on 64-bit RISC-V (112 bytes).
 *
 * In this kernel, freeram counts free physical frames and mem_unit is the
 * frame size (4096), so freeram * mem_unit is the free memory in bytes.
 * Tests use it to check that the kernel gets every frame back.
 */
#ifndef ABI_SYSINFO_H
#define ABI_SYSINFO_H

struct sysinfo {
    long uptime;            /* seconds since boot */
    unsigned long loads[3]; /* not kept: 0 */
    unsigned long totalram; /* in mem_unit units */
    unsigned long freeram;  /* in mem_unit units */
    unsigned long sharedram, bufferram, totalswap, freeswap;
    unsigned short procs; /* processes, zombies and process 0 included */
    unsigned short pad;
    unsigned long totalhigh, freehigh;
    unsigned int mem_unit; /* bytes per unit: the frame size */
    char reserved[4];
};

#endif
