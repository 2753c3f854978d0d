/*
 * programs.c: looking up the user programs packed into the kernel image.
 * The table itself is generated at build time (see user_program.h).
 */
#include "exec/user_program.h"

#include "lib/string.h"

/*
 * An image that links no table (the kernel proper, whose programs live on
 * the disk) gets these empty ones; user/programs.S's strong symbols replace
 * them in the images that carry programs.
 */
__attribute__((weak)) const struct user_program user_programs[1];
__attribute__((weak)) const size_t user_program_count = 0;

const struct user_program *user_program_find(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < user_program_count; i++) {
        if (strcmp(user_programs[i].name, name) == 0)
            return &user_programs[i];
    }
    return NULL;
}
