/*
 * sync: write every changed block to the disk.
 */
#include <unistd.h>

int main(void)
{
    sync();
    return 0;
}
