    /*
     * Your code: refuse a range outside the user half; in a set that has
     * held pages without U (set->had_pages_without_u), walk it first
     * (user_range_ok, for reading); then copy with uaccess_copy, with
     * sstatus.SUM set for the copy alone. uaccess_copy returns the bytes
     * it could not copy. For now nothing is copied.
     */
    (void)set;
    (void)destination;
    (void)source;
    (void)length;
    (void)uaccess_copy;
    return -EFAULT;
