    /*
     * Your code: fork. Check the flags (fork semantics only), copy the
     * parent's address space (memory_set_clone), make the child process, and
     * start its one thread on a copy of the parent's registers, with a0 = 0.
     * The parent gets the child's pid. On every error, free what was made.
     * For now there is no fork.
     */
    (void)context;
    (void)clone_store_child_tid;
    return -ENOSYS;
