    /*
     * Lab 10: put the frame on this hart's cache, under the cache's own
     * lock; a full cache first gives a batch back (cache_drain). Until you
     * do, every frame goes straight back to the buddy system under frame_lock.
     */
    (void)cache;
    pool_lock();
    release_block(index, 0);
    pool_unlock();
