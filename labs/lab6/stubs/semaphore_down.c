    /*
     * Your code: while no unit is free, sleep on semaphore->waiters (count the
     * sleepers, so that up knows whether to wake anyone); then take a unit.
     * For now a unit is never waited for, and never taken.
     */
    (void)semaphore;
