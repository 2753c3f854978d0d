    /*
     * Your code: wait for a child (pid > 0: that one; -1: any) to become a
     * zombie, sleeping on self->child_exited under process_lock; then take
     * it out of the table, hand its status back and free it (process_free).
     * -ECHILD without such a child; 0 at once with no_hang. For now no
     * child is ever waited for, and zombies are never freed.
     */
    (void)pid;
    (void)status;
    (void)no_hang;
    (void)process_free;
    return -ECHILD;
