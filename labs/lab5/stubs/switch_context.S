    /*
     * Lab 5: save this thread's ra, sp and s0..s11 into *from (a0) and load
     * the other thread's from *to (a1), in struct switch_context's layout
     * (docs/threads.md, "The switch"). Until you do, the first switch from
     * one thread to another ends the machine with this panic.
     */
    la      a0, switch_context_file
    li      a1, 0
    la      a2, switch_context_not_written
    tail    panic_at
    .pushsection .rodata
switch_context_file:
    .asciz  "src/proc/switch.S"
switch_context_not_written:
    .asciz  "switch_context: not written yet (lab 5); the first thread switch stops here"
    .popsection
