/* hello: the smallest test. One write(2) of one line, then exit_group(0). */
#include "linuxtest.h"

int main(void)
{
    lt_init();
    printf("Hello, world!\n");
    return 0;
}
