    /* Your code: wake every waiter. For now: nothing. */
    (void)condvar;
