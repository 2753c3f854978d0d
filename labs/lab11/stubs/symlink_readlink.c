    /*
     * Lab 11: copy the target of the symlink `inode` into buf, at most
     * `size` bytes, and return how many were copied (no NUL is added). A
     * fast symlink (ext2_inode_is_fast_symlink) keeps it in i_block, a
     * slow one in its logical block 0 (ext2_bmap_lookup). A length of 0 or
     * of a whole block or more, a fast symlink longer than
     * EXT2_FAST_SYMLINK_MAX, or a slow one without its block is damage:
     * return ext2_corrupted(inode->fs). Until you write it, no symlink can
     * be read.
     */
    (void)inode;
    (void)buf;
    (void)size;
    return -ENOSYS;
