    /*
     * Lab 5: wait (sleeping, not spinning) until the thread has exited, then
     * free it and hand back its exit code (docs/threads.md, "Exit, join, and who frees what").
     * Until you do, join does not wait: it fails at once.
     */
    (void)exit_code;
    thread->joined = false;
    spinlock_release(&sched_lock);
    return -EAGAIN;
