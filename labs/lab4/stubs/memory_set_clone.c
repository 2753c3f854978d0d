    /*
     * Lab 4: make `copy` a new address space with the same segments as
     * `original`, framed segments sharing their pages copy-on-write
     * (share_framed_contents), linear ones mapped again (docs/paging.md).
     * Until you do, no address space can be cloned.
     */
    (void)copy;
    (void)original;
    (void)share_framed_contents;
    return -ENOSYS;
