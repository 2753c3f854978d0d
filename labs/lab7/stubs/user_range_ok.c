    /*
     * Your code: the range lies in the user half (user_range_in_user_half),
     * and every page in it allows `access` to user mode (user_page_ok).
     * string_from_user relies on it, and so do the copies in a set that
     * has held pages without U. For now every range is refused.
     */
    (void)set;
    (void)address;
    (void)length;
    (void)access;
    (void)user_page_ok;
    return false;
