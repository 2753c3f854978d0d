    /*
     * Lab 3: merge the block with its buddy for as long as the buddy is a
     * free block of the same order (docs/physical-memory.md). Until you do,
     * a freed block goes back on its list as it is, never merged.
     */
