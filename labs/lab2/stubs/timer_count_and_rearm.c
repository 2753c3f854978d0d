    /*
     * Lab 2: count the ticks this interrupt stands for and program the next
     * deadline on the fixed grid (docs/traps.md, "The timer"). Until you do,
     * each interrupt counts one tick and asks for the next one a whole
     * interval from now, so a late tick is lost and the grid drifts.
     */
    ticks = ticks + 1;
    timer_program(now + interval);
