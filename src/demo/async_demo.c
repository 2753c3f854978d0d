/*
 * async_demo.c: the async line editor: two tasks, a channel between them.
 *
 *   UART interrupt --> input stream --> editor task --channel--> printer task
 *                                          ^   (echo, backspace)     (prints lines)
 *                       idle timer --------'  (select: a key or the timeout)
 *
 * Each task is a state machine in a struct of its own; its poll function
 * goes on from the state it was left in, and returns ASYNC_PENDING when it
 * has to wait for a key, the timer, or room in the channel.
 */
#include "demo/async_demo.h"

#include <stdbool.h>
#include <stdint.h>

#include "async/channel.h"
#include "async/combinators.h"
#include "async/executor.h"
#include "async/input_stream.h"
#include "async/timer_future.h"
#include "proc/thread.h"
#include "proc/semaphore.h"
#include "console/console.h"
#include "console/panic.h"
#include "dev/devicetree.h"
#include "lib/string.h"
#include "arch/irq.h"

#define LINE_MAX_BYTES  72 /* longer lines stop taking characters */
#define LINE_QUEUE      4  /* lines the channel holds before the editor must wait */
#define IDLE_MS_DEFAULT 30000

#define KEY_CTRL_D    0x04
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_DELETE    0x7f

struct line {
    uint32_t number;
    uint32_t length;
    char text[LINE_MAX_BYTES + 1];
};

enum editor_state { EDITOR_READING, EDITOR_SENDING, EDITOR_YIELDING, EDITOR_QUITTING };

struct editor {
    struct async_future future;
    enum editor_state state;
    struct async_read_byte key;
    struct async_sleep idle;
    struct async_future *key_or_idle[2];
    struct async_select select;
    struct async_send send;
    struct line line;     /* the line being typed */
    struct line finished; /* the line being sent */
    uint8_t previous_byte;
    bool quit_after_send; /* Ctrl-D came */
    uint64_t idle_ms;
    uint32_t lines;
    uint64_t bytes;
};

struct printer {
    struct async_future future;
    struct async_recv recv;
    struct line line;
    uint32_t printed;
};

static struct async_executor executor;
static struct async_channel lines;
static struct line line_slots[LINE_QUEUE];
static struct editor editor;
static struct printer printer;
static struct async_task editor_task;
static struct async_task printer_task;

static void write_text(const char *text)
{
    console_write(text, strlen(text));
}

/* Wait again for a key or the idle timeout, whichever comes first. */
static void editor_wait_for_key(struct editor *ed)
{
    async_read_byte_init(&ed->key);
    async_sleep_init_ms(&ed->idle, ed->idle_ms);
    ed->key_or_idle[0] = &ed->key.future;
    ed->key_or_idle[1] = &ed->idle.future;
    async_select_init(&ed->select, ed->key_or_idle, 2);
    ed->state = EDITOR_READING;
}

static void editor_erase_one(struct editor *ed)
{
    if (ed->line.length == 0)
        return;
    ed->line.length--;
    write_text("\b \b");
}

/* Enter: hand the line to the printer through the channel. */
static void editor_finish_line(struct editor *ed)
{
    ed->lines++;
    ed->line.number = ed->lines;
    ed->line.text[ed->line.length] = '\0';
    ed->finished = ed->line;
    ed->line.length = 0;
    write_text("\n");
    async_send_init(&ed->send, &lines, &ed->finished);
    ed->state = EDITOR_SENDING;
}

static void editor_add_character(struct editor *ed, uint8_t byte)
{
    if (ed->line.length == LINE_MAX_BYTES)
        return;
    ed->line.text[ed->line.length++] = (char)byte;
    char echo = (char)byte;
    console_write(&echo, 1);
}

/* One typed byte. A terminal's Enter is "\r", a pipe's "\n"; "\r\n" counts once. */
static void editor_handle_byte(struct editor *ed, uint8_t byte)
{
    uint8_t previous = ed->previous_byte;
    ed->previous_byte = byte;
    ed->bytes++;
    if (byte == '\n' && previous == '\r')
        return;
    if (byte == '\r' || byte == '\n') {
        editor_finish_line(ed);
    } else if (byte == KEY_BACKSPACE || byte == KEY_DELETE) {
        editor_erase_one(ed);
    } else if (byte == KEY_CTRL_U) {
        while (ed->line.length > 0)
            editor_erase_one(ed);
    } else if (byte == KEY_CTRL_D) {
        /* The end of input; a line not yet ended is still sent, then the editor quits. */
        ed->quit_after_send = true;
        if (ed->line.length > 0) {
            editor_finish_line(ed);
        } else {
            write_text("\n");
            ed->state = EDITOR_QUITTING;
        }
    } else if (byte >= 0x20 && byte < 0x7f) {
        editor_add_character(ed, byte);
    }
}

static void editor_report_idle(struct editor *ed)
{
    ed->line.text[ed->line.length] = '\0';
    kprintf("\nasync: idle for %lu ms (%u lines so far)\n> %s", ed->idle_ms, ed->lines,
            ed->line.text);
}

static enum async_poll editor_poll(struct async_future *future, struct async_cx *cx)
{
    struct editor *ed = ASYNC_CONTAINER_OF(future, struct editor, future);
    for (;;) {
        if (ed->state == EDITOR_READING) {
            if (async_future_poll(&ed->select.future, cx) == ASYNC_PENDING)
                return ASYNC_PENDING;
            if (ed->select.winner == 1)
                editor_report_idle(ed);
            else
                editor_handle_byte(ed, ed->key.byte);
            if (ed->state == EDITOR_READING)
                editor_wait_for_key(ed);
        } else if (ed->state == EDITOR_SENDING) {
            if (async_future_poll(&ed->send.future, cx) == ASYNC_PENDING)
                return ASYNC_PENDING;
            /*
             * Yield: wake ourselves and return, so the executor queues this
             * task behind the printer (which the send woke). The line is
             * printed before the editor echoes keys typed after it.
             */
            ed->state = ed->quit_after_send ? EDITOR_QUITTING : EDITOR_YIELDING;
            async_waker_wake(&cx->waker);
            return ASYNC_PENDING;
        } else if (ed->state == EDITOR_YIELDING) {
            editor_wait_for_key(ed);
        } else {
            /* Quitting: the printer drains the channel, then sees it closed. */
            async_channel_close(&lines);
            return ASYNC_READY;
        }
    }
}

static enum async_poll printer_poll(struct async_future *future, struct async_cx *cx)
{
    struct printer *pr = ASYNC_CONTAINER_OF(future, struct printer, future);
    for (;;) {
        if (async_future_poll(&pr->recv.future, cx) == ASYNC_PENDING)
            return ASYNC_PENDING;
        if (pr->recv.result == ASYNC_CHANNEL_CLOSED)
            return ASYNC_READY;
        pr->printed++;
        kprintf("async: line %u: \"%s\" (%u bytes)\n> ", pr->line.number, pr->line.text,
                pr->line.length);
        async_recv_init(&pr->recv, &lines, &pr->line);
    }
}

/* async.idle_ms=N from the command line, or the default. */
static uint64_t idle_ms_from_bootargs(void)
{
    char text[24];
    if (!devicetree_bootarg("async.idle_ms", text, sizeof(text)))
        return IDLE_MS_DEFAULT;
    uint64_t value = 0;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            panic("async: async.idle_ms=%s is not a number of milliseconds", text);
        value = value * 10 + (uint64_t)(*p - '0');
    }
    return value > 0 ? value : IDLE_MS_DEFAULT;
}

static void demo_setup(void)
{
    async_executor_init(&executor, "async demo");
    async_channel_init(&lines, line_slots, sizeof(struct line), LINE_QUEUE);
    memset(&editor, 0, sizeof(editor));
    editor.future.poll = editor_poll;
    editor.future.cancel = NULL;
    editor.idle_ms = idle_ms_from_bootargs();
    editor_wait_for_key(&editor);
    memset(&printer, 0, sizeof(printer));
    printer.future.poll = printer_poll;
    printer.future.cancel = NULL;
    async_recv_init(&printer.recv, &lines, &printer.line);
    async_task_init(&editor_task, "editor", &editor.future);
    async_task_init(&printer_task, "printer", &printer.future);
}

/* Run the demo on the calling context, idling with `idle` (NULL: the executor's wfi idle). */
static void demo_run(const struct async_executor_idle *idle, void *idle_arg)
{
    if (!irq_enabled())
        panic("async: interrupts are off, so no input can arrive");
    demo_setup();
    async_executor_set_idle(&executor, idle, idle_arg);
    async_spawn(&executor, &editor_task);
    async_spawn(&executor, &printer_task);
    kprintf("async: line editor ready; type, Backspace edits, Ctrl-U clears, Enter ends a "
            "line, Ctrl-D quits\n> ");
    async_executor_run(&executor);
    const struct async_idle_stats *stats = &executor.idle_stats;
    kprintf("async: done: %u lines, %lu bytes typed; %lu polls, %lu wakeups (%lu merged), "
            "%lu sleeps, %lu interrupts caught between check and wfi\n",
            printer.printed, editor.bytes, executor.polls, executor.wakes_queued,
            executor.wakes_merged, stats->sleeps, stats->interrupt_in_window);
}

void async_demo_run(void)
{
    demo_run(NULL, NULL);
}

/*
 * Inside a thread, the executor must not stop the whole hart with wfi when
 * it has nothing to do: other threads may be ready. So it sleeps on a
 * semaphore, and every wake that queues a task posts it (from an interrupt
 * handler too: semaphore_up never sleeps). The semaphore's count closes the
 * sleep race in scheduler terms: a post that comes between the executor's
 * last look at its queue and semaphore_down leaves a unit behind, and the
 * down returns at once.
 */
static struct semaphore executor_ready;

static void thread_idle_wait(struct async_executor *ex)
{
    (void)ex;
    semaphore_down(&executor_ready);
    executor.idle_stats.sleeps++; /* under the executor's thread only: no lock needed */
}

static void thread_idle_notify(struct async_executor *ex)
{
    (void)ex;
    semaphore_up(&executor_ready);
}

static const struct async_executor_idle thread_idle = {
    .wait = thread_idle_wait,
    .notify = thread_idle_notify,
};

static int demo_thread(void *unused)
{
    (void)unused;
    demo_run(&thread_idle, NULL);
    return 0;
}

void async_demo_run_in_thread(void)
{
    semaphore_init(&executor_ready, 0, "async executor");
    struct thread *thread = thread_create(demo_thread, NULL, "async executor");
    if (thread == NULL)
        panic("async: no memory for the executor's thread");
    kprintf("async: the executor runs in kernel thread '%s' (tid %d), beside the scheduler's "
            "other threads\n",
            thread->name, thread->tid);
    int code;
    thread_join(thread, &code);
}
