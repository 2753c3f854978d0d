    /*
     * Lab 10: move up to FRAME_CACHE_BATCH single frames from the buddy
     * system (take_block) into the cache (cache_push), taking frame_lock
     * once for the whole batch (pool_lock, pool_unlock). Until you do, a
     * refill finds nothing.
     */
    (void)cache;
    (void)cache_push;
