    /*
     * Lab 2: decide what each exception means (docs/traps.md, "Dispatch
     * and the trap report"). Until you do, every exception is stepped over
     * as if it were a 4-byte instruction that did nothing: the kernel limps
     * on instead of reporting its bug, and a breakpoint is never counted.
     */
    (void)stval;
    context->sepc = context->sepc + 4;
