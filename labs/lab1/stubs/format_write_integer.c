    /*
     * Lab 1: lay the field out as the comment above this function and
     * docs/console.md describe. Until you do, this prints the bare digits
     * only (no prefix, zeros or padding), so the kernel still boots and its
     * log can be read.
     */
    (void)spec;
    (void)upper;
    (void)prefix;
    char reversed[32];
    int count = 0;
    do {
        reversed[count++] = "0123456789abcdef"[magnitude % base];
        magnitude = magnitude / base;
    } while (magnitude > 0);
    while (count > 0)
        put(out, reversed[--count]);
