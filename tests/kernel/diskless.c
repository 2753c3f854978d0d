/*
 * diskless.c: the kernel as `make qemu` runs it, but with every user
 * program packed into the image, for runs without a disk (usertests with no
 * disk attached) and with a data disk that has no /bin (the generated trees
 * and damaged images the file-system tests boot). With a disk mounted,
 * execve looks on the disk first and falls back to the packed programs.
 */
#include "demo/demo.h"
#include "main.h"

void kernel_run(void)
{
    demo_run_mode(); /* the shell, or init= / mode= from the command line */
}
