    /*
     * Lab 3: find the smallest free block of at least 2^order bytes and
     * split it in halves down to 2^order (docs/heap.md, "Buddy
     * (`heap_buddy.c`, the default)").
     * Until you do, the smallest free block that is large enough is handed
     * out whole, so a 16-byte request may use a whole 64 KiB block.
     */
    size_t whole = order;
    while (whole <= BUDDY_MAX_ORDER && b->free_lists[whole] == NULL)
        whole++;
    if (whole > BUDDY_MAX_ORDER)
        return NULL;
    block = b->free_lists[whole];
    unlink(b, block, whole);
    struct heap_region *home = heap_regions_find(&b->regions, (uintptr_t)block);
    ((uint8_t *)home->meta)[((uintptr_t)block - home->base) >> BUDDY_GRANULE_SHIFT] =
        (uint8_t)(MAP_USED | whole);
