/*
 * bigmalloc: one 32 MiB allocation, every page of it written and read back.
 * glibc serves a request this large with mmap(2) (anonymous, private), so the
 * kernel must hand out zero-filled pages on first touch and unmap them on
 * free(). Small allocations come from brk(2).
 */
#include <stdint.h>
#include <string.h>
#include "linuxtest.h"

#define SIZE (32u << 20)
#define PAGE 4096u

int main(void)
{
    lt_init();

    unsigned char *p = malloc(SIZE);
    CHECK(p != NULL, "malloc(32 MiB) succeeded");
    if (!p)
        return 1;

    /* Fresh anonymous memory must read as zero. */
    int zero = 1;
    for (size_t off = 0; off < SIZE; off += PAGE)
        if (p[off] != 0 || p[off + PAGE - 1] != 0)
            zero = 0;
    CHECK(zero, "fresh pages read as zero");

    /* Write a pattern that depends on the page number, then read it back. */
    for (size_t off = 0; off < SIZE; off += PAGE)
        memset(p + off, (int)((off / PAGE) * 7 + 1), PAGE);
    uint64_t sum = 0;
    int match = 1;
    for (size_t off = 0; off < SIZE; off += PAGE) {
        unsigned char want = (unsigned char)((off / PAGE) * 7 + 1);
        for (size_t i = 0; i < PAGE; i += 512) {
            sum += p[off + i];
            if (p[off + i] != want)
                match = 0;
        }
    }
    printf("pages touched: %u\n", SIZE / PAGE);
    printf("checksum: %llu\n", (unsigned long long)sum);
    CHECK(match, "every page kept its pattern");
    free(p);

    /* Many small blocks (brk) next to one more big one. */
    void *small[1000];
    for (int i = 0; i < 1000; i++) {
        small[i] = malloc(100 + i);
        memset(small[i], i & 0xff, 100 + i);
    }
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
        unsigned char *s = small[i];
        if (s[0] != (i & 0xff) || s[99 + i] != (i & 0xff))
            ok = 0;
        free(s);
    }
    CHECK(ok, "1000 small blocks kept their contents");

    unsigned char *q = calloc(SIZE / 2, 1);
    int qzero = q != NULL;
    for (size_t off = 0; q && off < SIZE / 2; off += PAGE)
        if (q[off])
            qzero = 0;
    CHECK(qzero, "calloc(16 MiB) is zero");
    free(q);
    return lt_status();
}
