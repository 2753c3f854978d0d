    /*
     * Your code: the whole range [address, address + length) lies below
     * USER_END, without wrapping around, and every page in it allows
     * `access` to user mode (user_page_ok). For now every user pointer is
     * refused, so every system call that takes one fails with EFAULT.
     */
    (void)set;
    (void)address;
    (void)length;
    (void)access;
    (void)user_page_ok;
    return false;
