    /*
     * Your code: move the break to the address asked for, Linux's way: grow
     * the heap segment with zeroed pages (within the per-process limit,
     * over_limit), or cut pages off it; return the new break, or the old one
     * when it cannot move. For now the break never moves.
     */
    (void)context;
    (void)over_limit;
    return (long)process_current()->brk;
