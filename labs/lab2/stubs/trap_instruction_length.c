    /*
     * Lab 2: read the trapping instruction's first halfword and tell a
     * 2-byte compressed instruction from a 4-byte one (docs/traps.md,
     * "Dispatch and the trap report", on breakpoints). Remember who the
     * instruction belongs to.
     * Until you do, every instruction is taken to be 4 bytes long.
     */
    (void)context;
    return 4;
