    /* Your code: wake one waiter, if any. For now: nothing. */
    (void)condvar;
