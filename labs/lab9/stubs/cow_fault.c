    /*
     * Lab 9: a write to a page marked PTE_COW lands here once fork shares
     * frames. Give the writer a private copy (or, if it holds the frame's
     * only reference, just W back), then flush the stale translation.
     * Until then such a write falls through and is refused below.
     */
