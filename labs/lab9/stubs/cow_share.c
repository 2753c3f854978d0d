    /*
     * Lab 9: the eager design, which works but shares nothing: every page
     * the original has is copied into a frame of the copy's own, now. Make
     * fork copy-on-write instead: share each frame read-only, marked
     * PTE_COW, with one more reference (docs/labs/lab9.md).
     */
    for (uint64_t page = segment->start.value; page < segment->end.value; page += PAGE_SIZE) {
        struct pt_lookup found;
        if (!pt_translate(&original->mapping, vaddr(page), &found))
            continue; /* never touched: demand-zero in the copy as well */
        paddr_t mine = frame_alloc();
        if (paddr_is_null(mine))
            return -ENOMEM;
        memcpy(paddr_to_ptr(mine), paddr_to_ptr(found.pa), PAGE_SIZE);
        uint64_t keep = found.flags & (PTE_LEAF_BITS | PTE_U | PTE_G);
        if (pt_map(&copy->mapping, vaddr(page), mine, PT_LEVEL_4K, keep | PTE_OWNED) != 0) {
            frame_free(mine);
            return -ENOMEM;
        }
    }
    return 0;
