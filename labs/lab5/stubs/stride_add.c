    /*
     * Lab 5: keep the queue sorted by pass, and start a thread that has been
     * away no lower than the queue's floor (docs/threads.md, "The
     * scheduler interface", on Stride). Until you do, this policy is FIFO: the thread goes last.
     */
    (void)stride_queue_of;
    list_push_back(&queue->threads, &thread->run_node);
