/*
 * kfdt.c: src/lib/fdt.c compiled as it is, under the kfdt_* names (kfdt.h).
 */
#define KFDT_KEEP_NAMES
#include "kfdt.h"

#include "lib/fdt.c"
