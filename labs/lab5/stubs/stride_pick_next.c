    /*
     * Lab 5: take the thread with the smallest pass, remember its pass as
     * the floor, and charge it one stride. Until you do, this policy is
     * FIFO: the first thread in the queue, and no pass changes.
     */
    (void)stride_of;
    if (list_empty(&queue->threads))
        return NULL;
    return list_entry(list_pop_front(&queue->threads), struct thread, run_node);
