    /*
     * Lab 11: free `block`, which sits `depth` levels above the data (0: a
     * data block). Check it first (ext2_bmap_check with the `count` blocks
     * in above[]). An indirect block's nonzero entries are trees one level
     * lower: free each (this function again, with `block` added to
     * above[]) before the block itself. Every block goes through
     * ext2_bmap_release, which also lowers i_blocks. After an error keep
     * freeing, and return the first error (ext2_keep_first_error). Until
     * you write it, indirect blocks are not freed at all.
     */
    int bad = ext2_bmap_check(inode, block, above, count);
    if (bad != 0)
        return bad;
    if (depth != 0) {
        log_warn("ext2: lab 11: indirect block %u is not freed yet", block);
        return -EOPNOTSUPP;
    }
    return ext2_bmap_release(inode, block);
