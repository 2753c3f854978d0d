    /*
     * Lab 11: store the target (`arg`, a string) in the new symlink
     * `child`. Up to EXT2_FAST_SYMLINK_MAX bytes go into i_block itself (a
     * fast symlink, no block); a longer target gets a data block of its
     * own (a slow symlink: logical block 0 from ext2_bmap_alloc, filled
     * through bcache_get_zeroed). Either way i_size is the target's length
     * without its NUL (ext2_inode_set_size). Until you write it, no
     * symlink can be made.
     */
    (void)child;
    (void)arg;
    return -EPERM;
