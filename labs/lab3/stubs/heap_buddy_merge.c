    /*
     * Lab 3: while the block's buddy is free and of the same order, take it
     * off its list and merge the two (docs/heap.md). Until you do, a freed
     * block goes back on its list as it is, never merged.
     */
    (void)size;
