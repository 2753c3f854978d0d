    /*
     * Lab 4: find the leaf that maps va at whatever level it is (a 4 KiB,
     * 2 MiB or 1 GiB page) and fill in *lookup (docs/paging.md). Until you
     * do, only 4 KiB pages are found, through pt_walk.
     */
    (void)find_leaf;
    pte_t *leaf = pt_walk((struct mapping *)mapping, va, PT_LEVEL_4K, false);
    if (leaf == NULL || !pte_valid(*leaf))
        return false;
    lookup->pa = paddr(ppn_to_paddr(pte_ppn(*leaf)).value | (va.value & (PAGE_SIZE - 1)));
    lookup->flags = *leaf & PTE_FLAG_MASK;
    lookup->level = PT_LEVEL_4K;
    return true;
