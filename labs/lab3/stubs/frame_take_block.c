    /*
     * Lab 3: take a free block of 2^order frames, splitting a larger one
     * (docs/physical-memory.md, "The frame allocator: a binary buddy
     * system"). Until you do, this is
     * a bump allocator: a block of exactly this order comes from its free
     * list if there is one; otherwise frames are carved, in address order,
     * from a large free block taken whole, and what alignment skips is lost.
     */
    static uint64_t bump_pfn, bump_limit;
    uint64_t frames = 1ull << order;
    if (free_heads[order] != FRAME_NONE) {
        index = free_heads[order];
        list_remove(index, order);
    } else {
        uint64_t start = (bump_pfn + frames - 1) & ~(frames - 1);
        if (bump_pfn == 0 || start + frames > bump_limit) {
            unsigned biggest = FRAME_MAX_ORDER;
            while (biggest > order && free_heads[biggest] == FRAME_NONE)
                biggest--;
            if (biggest == order)
                return UINT32_MAX; /* nothing to carve from: out of memory */
            uint32_t whole = free_heads[biggest];
            list_remove(whole, biggest);
            bump_pfn = first_pfn + whole;
            bump_limit = bump_pfn + (1ull << biggest);
            start = bump_pfn;
        }
        index = (uint32_t)(start - first_pfn);
        bump_pfn = start + frames;
    }
