    /*
     * Lab 5: record the exit code, mark the thread exited, wake whoever
     * waits in thread_join, and hand a detached thread to the next thread
     * on this hart to free (docs/threads.md, "Exit, join, and who frees what"). Until you
     * do, the code is lost, nobody is woken and nothing is freed.
     */
    (void)code;
    (void)mine;
    self->state = (enum thread_state)THREAD_EXITED;
