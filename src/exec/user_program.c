/*
 * programs.c: looking up the user programs packed into the kernel image.
 * The table itself is generated at build time (see user_program.h).
 */
#include "exec/user_program.h"

#include "lib/string.h"

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
