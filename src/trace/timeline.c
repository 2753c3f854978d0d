/*
 * timeline.c: per-hart event buffers, and the dump at power-off.
 *
 * Each hart appends to its own part of one buffer, with interrupts off for
 * the few stores, so an interrupt's own events cannot land inside a
 * half-written one. An event is counted (`used`) only after it is whole:
 * the dump, which stops recording first, prints only whole events, even if
 * another hart was in the middle of one. A full buffer drops what comes
 * later and counts it: the start of a run is kept, since that is where
 * `make timeline` looks.
 */
#include "trace/timeline.h"

#include "arch/hart.h"
#include "arch/irq.h"
#include "arch/riscv.h"
#include "console/console.h"
#include "lib/format.h"
#include "lib/string.h"

#define NAME_MAX_TIMELINE 16
#define TEXT_MAX_TIMELINE 24

struct timeline_event {
    uint64_t time; /* the time CSR */
    int64_t value;
    int32_t tid;
    uint16_t hart; /* the hart id (not the index) */
    uint8_t kind;  /* enum timeline_kind */
    char name[NAME_MAX_TIMELINE];
    char text[TEXT_MAX_TIMELINE]; /* copied too: a wait queue's name dies with its pipe */
};

struct timeline_hart {
    struct timeline_event *events;
    size_t used;
    size_t dropped;
};

bool timeline_on;
static struct timeline_hart harts[MAX_HARTS];
static size_t capacity; /* events per hart */
static uint64_t timebase;
static void (*current_thread)(int *tid, const char **name);
/* The interrupt each hart is handling now, for the wakes it does: "by irq timer". */
static const char *irq_source[MAX_HARTS];

static const char *const kind_names[] = {
    [TIMELINE_SWITCH_IN] = "switch_in",
    [TIMELINE_SWITCH_OUT] = "switch_out",
    [TIMELINE_SLEEP] = "sleep",
    [TIMELINE_WAKE] = "wake",
    [TIMELINE_SYSCALL_ENTER] = "syscall_enter",
    [TIMELINE_SYSCALL_EXIT] = "syscall_exit",
    [TIMELINE_IRQ_ENTER] = "irq_enter",
    [TIMELINE_IRQ_EXIT] = "irq_exit",
    [TIMELINE_EXIT] = "exit",
};

size_t timeline_bytes_for(size_t events_per_hart)
{
    return events_per_hart * MAX_HARTS * sizeof(struct timeline_event);
}

size_t timeline_start(void *buffer, size_t bytes, uint64_t timebase_hz)
{
    capacity = bytes / MAX_HARTS / sizeof(struct timeline_event);
    if (buffer == NULL || capacity == 0)
        return 0;
    struct timeline_event *events = buffer;
    for (int i = 0; i < MAX_HARTS; i++)
        harts[i] = (struct timeline_hart){.events = events + (size_t)i * capacity};
    timebase = timebase_hz;
    __atomic_store_n(&timeline_on, true, __ATOMIC_RELEASE);
    return capacity;
}

void timeline_set_current(void (*current)(int *tid, const char **name))
{
    current_thread = current;
}

void timeline_record_slow(enum timeline_kind kind, int tid, const char *name, const char *text,
                          int64_t value)
{
    irq_state_t state = irq_save();
    struct timeline_hart *mine = &harts[hart_index()];
    if (mine->used == capacity) {
        mine->dropped++;
    } else {
        struct timeline_event *event = &mine->events[mine->used];
        event->time = read_time();
        event->value = value;
        event->tid = tid;
        event->hart = (uint16_t)hart_this()->id;
        event->kind = (uint8_t)kind;
        size_t length = name != NULL ? strnlen(name, NAME_MAX_TIMELINE - 1) : 0;
        memcpy(event->name, name, length);
        event->name[length] = '\0';
        length = text != NULL ? strnlen(text, TEXT_MAX_TIMELINE - 1) : 0;
        memcpy(event->text, text, length);
        event->text[length] = '\0';
        /* Whole before it counts: the dump reads `used` and nothing beyond it. */
        __atomic_store_n(&mine->used, mine->used + 1, __ATOMIC_RELEASE);
    }
    irq_restore(state);
}

void timeline_record_irq(enum timeline_kind kind, const char *source)
{
    if (__builtin_expect(!timeline_on, 1))
        return;
    int tid = -1;
    const char *name = hart_this()->running;
    if (current_thread != NULL)
        current_thread(&tid, &name);
    irq_source[hart_index()] = kind == TIMELINE_IRQ_ENTER ? source : NULL;
    timeline_record_slow(kind, tid, name, source, 0);
}

const char *timeline_irq_source(void)
{
    return irq_source[hart_index()];
}

/* One event as its line: "T <time> <hart> <event> <tid> <name> [<detail>]". */
static int format_event(char *line, size_t size, const struct timeline_event *event)
{
    char name[NAME_MAX_TIMELINE];
    size_t i = 0;
    for (; event->name[i] != '\0'; i++)
        name[i] = event->name[i] == ' ' ? '_' : event->name[i];
    name[i] = '\0';
    if (i == 0)
        strcpy(name, "?");
    int n = snprintf(line, size, "T %lu %u %s %d %s", event->time, event->hart,
                     kind_names[event->kind], event->tid, name);
    const char *text = event->text;
    switch (event->kind) {
    case TIMELINE_SYSCALL_EXIT:
        n += snprintf(line + n, size - n, " %s = %ld", text, event->value);
        break;
    case TIMELINE_EXIT: n += snprintf(line + n, size - n, " %ld", event->value); break;
    case TIMELINE_WAKE:
        if (event->value >= 0)
            n += snprintf(line + n, size - n, " by %ld", event->value);
        else
            n += snprintf(line + n, size - n, " by irq %s", text);
        break;
    default:
        if (*text != '\0')
            n += snprintf(line + n, size - n, " %s", text);
    }
    n += snprintf(line + n, size - n, "\n");
    return n < (int)size ? n : (int)size - 1;
}

static void write_line(const char *line)
{
    console_write_held(line, strlen(line));
}

void timeline_dump(int nharts)
{
    /* One dump, by whichever hart comes first (a word: RISC-V swaps no single byte). */
    static uint32_t dumped;
    if (!timeline_on || __atomic_exchange_n(&dumped, 1, __ATOMIC_ACQ_REL) != 0)
        return; /* never started, or printed already */
    __atomic_store_n(&timeline_on, false, __ATOMIC_RELEASE);
    char line[160];
    size_t dropped = 0;
    irq_state_t state = console_hold();
    snprintf(line, sizeof(line), "TIMELINE BEGIN %lu %d\n", timebase, nharts);
    write_line(line);
    /*
     * Merge the harts' buffers by time, so the block reads in order: each
     * buffer is in time order already (one hart appends, the time CSR only
     * grows), so take the earliest head each round.
     */
    size_t next[MAX_HARTS] = {0};
    size_t used[MAX_HARTS];
    for (int h = 0; h < MAX_HARTS; h++) {
        used[h] = __atomic_load_n(&harts[h].used, __ATOMIC_ACQUIRE);
        dropped += harts[h].dropped;
    }
    for (;;) {
        int best = -1;
        for (int h = 0; h < MAX_HARTS; h++)
            if (next[h] < used[h] &&
                (best < 0 || harts[h].events[next[h]].time < harts[best].events[next[best]].time))
                best = h;
        if (best < 0)
            break;
        format_event(line, sizeof(line), &harts[best].events[next[best]++]);
        write_line(line);
    }
    snprintf(line, sizeof(line), "TIMELINE DROPPED %lu\nTIMELINE END\n", (unsigned long)dropped);
    write_line(line);
    console_release(state);
}
