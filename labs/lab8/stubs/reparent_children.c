    /*
     * Your code: hand every child of the dying process to init (pid 1) or,
     * when init is not there, to process 0, and wake the adopter if a
     * child is a zombie already. For now orphans are cut loose: nobody is
     * their parent, and nobody will ever reap them.
     */
    for (struct list_node *node = list_first(&dying->children); node != NULL;
         node = list_first(&dying->children)) {
        list_remove(node);
        list_entry(node, struct process, sibling_node)->parent = NULL;
    }
