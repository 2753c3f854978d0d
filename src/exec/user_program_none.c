/*
 * user_program_none.c: the empty table of packed programs, for an image
 * that links none (the kernel proper: its programs are files on the disk).
 * The symbols are weak, so the strong ones of build/user/programs.S take
 * their place in the images that carry programs. They live in a file of
 * their own: where they are visible, the compiler would take the weak
 * count of 0 for the final one and drop the search.
 */
#include "exec/user_program.h"

__attribute__((weak)) const struct user_program user_programs[1];
__attribute__((weak)) const size_t user_program_count = 0;
