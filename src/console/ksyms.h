/*
 * ksyms.h: the name of the kernel function that holds an address.
 */
#ifndef CONSOLE_KSYMS_H
#define CONSOLE_KSYMS_H

#include <stdint.h>

/*
 * The name of the function that contains `addr`, and the distance into it.
 * Returns NULL when addr is not in the kernel's text.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

#endif
