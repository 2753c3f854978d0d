/*
 * line_test.c: the console's line discipline. Bytes are put straight into
 * the UART's receive ring, as its interrupt would, and read back through
 * tty_line_read: editing, the end of input, one line per read, raw mode.
 * Echo is off while the cases run, so nothing typed reaches the KTAP output.
 */
#include "tty/line.h"

#include "abi/errno.h"
#include "dev/uart.h"
#include "ktest/ktest.h"
#include "lib/string.h"

static struct termios saved;

/* Type `text` (as the UART would receive it) with the settings `lflag` and VMIN. */
static void type(const char *text)
{
    for (const char *c = text; *c != '\0'; c++)
        uart_ring_put((uint8_t)*c);
}

static void set_mode(uint32_t lflag, uint8_t vmin)
{
    struct termios t = saved;
    t.c_lflag = lflag;
    t.c_cc[VMIN] = vmin;
    tty_line_set_termios(&t, true); /* and forget what was typed before */
    char rest[8];
    tty_line_read(rest, sizeof(rest), true); /* the reader drops its line now */
}

static void before(struct ktest *t)
{
    tty_line_get_termios(&saved);
    set_mode(ICANON, 1);
}

static void after(struct ktest *t)
{
    tty_line_set_termios(&saved, true);
    char rest[64];
    tty_line_read(rest, sizeof(rest), true); /* applies the drop now */
}

/* Read once, without waiting, into a NUL-terminated buffer: the count, or -errno. */
static long read_now(char *buf, size_t size)
{
    long n = tty_line_read(buf, size - 1, true);
    buf[n > 0 ? n : 0] = '\0';
    return n;
}

static void line_erase_rubs_out_one_character(struct ktest *t)
{
    char buf[32];
    type("ab\x7f"
         "c\b"
         "d\r");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 3L);
    EXPECT_STREQ(t, buf, "ad\n");
}

static void line_kill_drops_the_line(struct ktest *t)
{
    char buf[32];
    type("wrong\x15right\r");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 6L);
    EXPECT_STREQ(t, buf, "right\n");
}

static void line_end_of_input_on_an_empty_line_reads_zero(struct ktest *t)
{
    char buf[32];
    type("\x04");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 0L);
    type("abc\x04");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 3L); /* sent as it is, no newline */
    EXPECT_STREQ(t, buf, "abc");
}

static void line_one_line_per_read(struct ktest *t)
{
    char buf[32];
    type("one\rtwo\r");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 4L);
    EXPECT_STREQ(t, buf, "one\n");
    EXPECT_EQ(t, read_now(buf, 3), 2L); /* a short buffer takes part of a line */
    EXPECT_STREQ(t, buf, "tw");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 2L);
    EXPECT_STREQ(t, buf, "o\n");
}

static void line_nothing_typed_is_eagain_without_waiting(struct ktest *t)
{
    char buf[8];
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), (long)-EAGAIN);
    type("partial");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), (long)-EAGAIN); /* no Enter yet */
}

static void line_raw_mode_gives_bytes_as_typed(struct ktest *t)
{
    char buf[32];
    set_mode(0, 1);
    type("x\x7f\r");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 3L);
    EXPECT_EQ(t, buf[0], 'x');
    EXPECT_EQ(t, buf[1], '\x7f'); /* no editing */
    EXPECT_EQ(t, buf[2], '\n');   /* ICRNL is an input flag: raw mode here keeps it */
    set_mode(0, 0);
    EXPECT_EQ(t, tty_line_read(buf, sizeof(buf), false), 0L); /* VMIN 0: never waits */
}

static void line_a_full_line_keeps_room_for_its_newline(struct ktest *t)
{
    static char buf[TTY_LINE_MAX + 8];
    /* Exactly as long as a line may be: 255 characters and the newline. */
    for (int i = 0; i < TTY_LINE_MAX - 1; i++)
        uart_ring_put('a');
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), (long)-EAGAIN);
    type("\r");
    long n = read_now(buf, sizeof(buf));
    EXPECT_EQ(t, n, (long)TTY_LINE_MAX);
    EXPECT_EQ(t, buf[TTY_LINE_MAX - 1], '\n');
}

static void line_too_long_is_refused_whole(struct ktest *t)
{
    static char buf[TTY_LINE_MAX + 8];
    /* More than the UART's ring holds: typed in two halves, each taken in by a read. */
    for (int half = 0; half < 2; half++) {
        for (int i = 0; i < TTY_LINE_MAX / 2 + 10; i++)
            uart_ring_put('a');
        EXPECT_EQ(t, read_now(buf, sizeof(buf)), (long)-EAGAIN);
    }
    type("\r");
    /* Cut, it would run as if whole: the discipline drops it, and a reader gets nothing. */
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), (long)-EAGAIN);
    /* The next line is taken whole again. */
    type("ok\r");
    EXPECT_EQ(t, read_now(buf, sizeof(buf)), 3L);
    EXPECT_EQ(t, buf[0], 'o');
    EXPECT_EQ(t, buf[2], '\n');
}

static const struct ktest_case line_cases[] = {
    KTEST_CASE(line_erase_rubs_out_one_character),
    KTEST_CASE(line_kill_drops_the_line),
    KTEST_CASE(line_end_of_input_on_an_empty_line_reads_zero),
    KTEST_CASE(line_one_line_per_read),
    KTEST_CASE(line_too_long_is_refused_whole),
    KTEST_CASE(line_nothing_typed_is_eagain_without_waiting),
    KTEST_CASE(line_raw_mode_gives_bytes_as_typed),
    KTEST_CASE(line_a_full_line_keeps_room_for_its_newline),
    {0},
};
KTEST_SUITE_HOOKS(tty_line, line_cases, before, after);
