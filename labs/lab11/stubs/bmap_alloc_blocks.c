    /*
     * Lab 11: take `count` blocks with ext2_block_alloc, each searched
     * from a goal: the inode's alloc_goal, or when it has none (0) the
     * first block of the inode's own group; after each block the goal
     * moves just past it, and alloc_goal keeps it for the next call. All
     * or none: when one fails, give back every block already taken
     * (ext2_block_free) and return the error. Until you write it, one
     * block at a time, searched from the start of the disk.
     */
    if (count != 1)
        return -EFBIG;
    return ext2_block_alloc(inode->fs, 0, blocks);
