    /* Your code: give a unit back, and wake one sleeper if there is one. For now: nothing. */
    (void)semaphore;
