    /*
     * Your code: lay out argc, argv[] and envp[] (pointing at the strings,
     * copied in with their NULs), the auxiliary vector (auxv_fill) with 16
     * random bytes (random_fill) and execfn's path at the top of the stack,
     * sp 16-byte aligned; E2BIG if they do not fit (loader.h draws it).
     * For now main gets argc 0 and no arguments, whatever it was given.
     */
    (void)info;
    (void)strings_size;
    (void)auxv_fill;
    if (args->argc < 0)
        return -E2BIG;
    static const uint64_t nothing[6] = {0};
    if (memory_set_write(set, USER_STACK_TOP - sizeof(nothing), nothing, sizeof(nothing)) != 0)
        return -ENOMEM;
    *stack_pointer = USER_STACK_TOP - sizeof(nothing);
    return 0;
