    /* Your code: the lowest free range of `length` bytes from USER_MMAP_BASE up. For now: none. */
    (void)set;
    (void)length;
    return 0;
