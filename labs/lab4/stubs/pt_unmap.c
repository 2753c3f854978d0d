    /*
     * Lab 4: remove the leaf that maps va, at whatever level, and everything
     * that goes with it (docs/paging.md, "The three layers"). Until you do, a 4 KiB
     * entry is just cleared: the frame it owned is never freed, empty tables
     * stay, and the TLB is not told.
     */
    pte_t *leaf = pt_walk(mapping, va, PT_LEVEL_4K, false);
    if (leaf == NULL || !pte_valid(*leaf))
        return -ENOENT;
    if (lookup) {
        lookup->pa = ppn_to_paddr(pte_ppn(*leaf));
        lookup->flags = *leaf & PTE_FLAG_MASK;
        lookup->level = PT_LEVEL_4K;
    }
    *leaf = 0;
    (void)prune_empty_tables;
    return 0;
