    /*
     * Lab 4: change the permissions of the page that maps va, keeping its
     * frame and its software bits (docs/paging.md). Until you do, nothing
     * can be changed.
     */
    (void)mapping;
    (void)va;
    (void)flags;
    return -ENOSYS;
