/*
 * malloc.c: a first-fit heap over the program break.
 *
 * The heap is one run of blocks laid end to end, from heap_start up to the
 * break. Each block is a 16-byte header and then its payload:
 *
 *   heap_start                                                    heap_end
 *   | hdr | payload ...   | hdr | payload (free) | hdr | payload ... |
 *
 * malloc walks the blocks from the start and takes the first free one that
 * is big enough, splitting off what it does not need. On the way it merges
 * neighbouring free blocks, so freed memory joins up again. When nothing
 * fits, sbrk() moves the break up and the new memory becomes a block.
 * Every payload is 16-byte aligned, as the RISC-V ABI wants for any type.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALIGNMENT  16
#define GROW_BYTES 4096 /* ask the kernel for at least a page at a time */

struct block {
    size_t size;  /* payload bytes, a multiple of ALIGNMENT */
    size_t inuse; /* 1 when allocated, 0 when free (a size_t keeps the header 16 bytes) */
};

static char *heap_start; /* first header, or NULL before the first malloc */
static char *heap_end;   /* the break: one past the last block */

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

static struct block *next_block(struct block *b)
{
    return (struct block *)((char *)b + sizeof(struct block) + b->size);
}

static bool heap_setup(void)
{
    char *start = sbrk(0);
    if (start == (char *)-1)
        return false;
    /* Align the first header, so every payload after it is aligned too. */
    size_t pad = round_up((uintptr_t)start, ALIGNMENT) - (uintptr_t)start;
    if (pad > 0 && sbrk((long)pad) == (void *)-1)
        return false;
    heap_start = start + pad;
    heap_end = heap_start;
    return true;
}

/* Merge b with the free blocks that follow it. */
static void merge_following(struct block *b)
{
    struct block *next = next_block(b);
    while ((char *)next < heap_end && !next->inuse) {
        b->size += sizeof(struct block) + next->size;
        next = next_block(b);
    }
}

/* Take `size` bytes from free block b, leaving the rest as a free block if it is worth one. */
static void *take_block(struct block *b, size_t size)
{
    if (b->size >= size + sizeof(struct block) + ALIGNMENT) {
        struct block *rest = (struct block *)((char *)b + sizeof(struct block) + size);
        rest->size = b->size - size - sizeof(struct block);
        rest->inuse = 0;
        b->size = size;
    }
    b->inuse = 1;
    return (char *)b + sizeof(struct block);
}

/* Grow the heap so that a block of `size` fits at its end. Returns that block or NULL. */
static struct block *grow_heap(struct block *last_free, size_t size)
{
    /* If the last block is free, it only has to grow by what it lacks. */
    size_t have = last_free != NULL ? sizeof(struct block) + last_free->size : 0;
    size_t need = round_up(sizeof(struct block) + size - have, GROW_BYTES);
    char *old_break = sbrk((long)need);
    if (old_break == (char *)-1)
        return NULL;
    if (old_break != heap_end) {
        /* Someone else moved the break (a direct sbrk call): the heap cannot stay one run. */
        sbrk(-(long)need);
        return NULL;
    }
    struct block *b = last_free;
    if (b == NULL) {
        b = (struct block *)heap_end;
        b->size = need - sizeof(struct block);
        b->inuse = 0;
    } else {
        b->size += need;
    }
    heap_end += need;
    return b;
}

void *malloc(size_t size)
{
    if (heap_start == NULL && !heap_setup())
        return NULL;
    if (size > (size_t)1 << 40)
        return NULL; /* far more than user space holds; also keeps round_up from wrapping */
    size = round_up(size == 0 ? 1 : size, ALIGNMENT);

    struct block *last_free = NULL;
    for (struct block *b = (struct block *)heap_start; (char *)b < heap_end; b = next_block(b)) {
        if (b->inuse) {
            last_free = NULL;
            continue;
        }
        merge_following(b);
        if (b->size >= size)
            return take_block(b, size);
        last_free = b;
    }
    struct block *b = grow_heap(last_free, size);
    return b != NULL ? take_block(b, size) : NULL;
}

/* The header of a block malloc gave, or NULL (with a message) for anything else. */
static struct block *header_of(void *payload, const char *caller)
{
    char *p = payload;
    struct block *b = (struct block *)(p - sizeof(struct block));
    bool inside = heap_start != NULL && p > heap_start && p < heap_end;
    if (!inside || (uintptr_t)p % ALIGNMENT != 0 || !b->inuse) {
        dprintf(2, "%s(%p): not a live block from malloc (heap %p..%p)\n", caller, payload,
                (void *)heap_start, (void *)heap_end);
        return NULL;
    }
    return b;
}

void free(void *payload)
{
    if (payload == NULL)
        return;
    struct block *b = header_of(payload, "free");
    if (b == NULL)
        abort(); /* a double free or a wild pointer: stop before the heap is corrupted */
    b->inuse = 0;
}

void *calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL; /* count * size would overflow */
    void *p = malloc(count * size);
    if (p != NULL)
        memset(p, 0, count * size); /* a reused block holds old bytes */
    return p;
}

void *realloc(void *payload, size_t size)
{
    if (payload == NULL)
        return malloc(size);
    if (size == 0) {
        free(payload);
        return NULL;
    }
    struct block *b = header_of(payload, "realloc");
    if (b == NULL)
        abort();
    if (b->size >= size)
        return payload;
    void *bigger = malloc(size);
    if (bigger == NULL)
        return NULL; /* the old block is untouched and still the caller's */
    memcpy(bigger, payload, b->size);
    free(payload);
    return bigger;
}
