    /*
     * Your code: lay out argc, argv[] (pointing at the strings, copied in
     * with their NULs), a NULL envp and an empty auxv at the top of the
     * stack, sp 16-byte aligned; E2BIG if they do not fit (loader.h).
     * For now main gets argc 0 and no arguments, whatever it was given.
     */
    (void)argv;
    if (argc < 0)
        return -E2BIG;
    static const uint64_t nothing[6] = {0};
    if (memory_set_write(set, USER_STACK_TOP - sizeof(nothing), nothing, sizeof(nothing)) != 0)
        return -ENOMEM;
    *stack_pointer = USER_STACK_TOP - sizeof(nothing);
    return 0;
