    /*
     * Your code: only the owner may unlock, and never from an interrupt
     * handler (unlock_refused says why and panics); then the mutex is free,
     * and one sleeper is woken. For now it is marked free, whoever asks.
     */
    (void)unlock_refused;
    mutex->owner = 0;
