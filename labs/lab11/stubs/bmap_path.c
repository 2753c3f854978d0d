    /*
     * Lab 11: the route to logical block `lblock`. Blocks 0 to 11 are
     * direct: depth 0, index[0] the i_block slot. Past them come the
     * single (i_block[EXT2_IND_BLOCK]), double (EXT2_DIND_BLOCK) and
     * triple (EXT2_TIND_BLOCK) indirect ranges, each fs->addr_per_block
     * times larger than the one before: depth 1, 2 or 3, index[0] the
     * slot and index[k] the entry to take in the block of level k.
     * -EFBIG past the triple range. Until you write it, only the direct
     * blocks are mapped, so a file stops at 12 blocks.
     */
    (void)fs;
    if (lblock >= EXT2_NDIR_BLOCKS)
        return -EFBIG;
    *path = (struct ext2_bmap_path){.depth = 0, .index = {(uint32_t)lblock}};
    return 0;
