    /*
     * Lab 11: follow `path` from i_block[path->index[0]] down through
     * path->depth indirect blocks (ext2_indirect_get reads one entry),
     * stopping early at a hole (a 0). Check every pointer before you use
     * it, the last one too (ext2_bmap_check, with the indirect blocks
     * passed so far). On return chain[] holds the indirect blocks passed,
     * *reached how many, and *block the pointer found at that level (0 for
     * a hole). Until you write it, only direct blocks are followed.
     */
    (void)chain;
    (void)ext2_indirect_get;
    uint32_t direct = path->depth == 0 ? inode->disk.i_block[path->index[0]] : 0;
    *reached = 0;
    *block = direct;
    if (path->depth != 0)
        return -EFBIG;
    return direct != 0 ? ext2_bmap_check(inode, direct, NULL, 0) : 0;
