/*
 * line.c: the console's line discipline. See line.h.
 *
 * The line being typed sits in `line`: its first `committed` bytes are
 * finished (a whole line, or raw bytes) and wait for a reader; the rest is
 * still being edited. One reader at a time runs the discipline (the reader
 * mutex); the settings have a spinlock of their own, so TCSETS from another
 * process never waits for a reader that waits for a key.
 */
#include "tty/line.h"

#include "abi/errno.h"
#include "abi/signal.h"
#include "console/console.h"
#include "dev/uart.h"
#include "lib/string.h"
#include "proc/interruptible.h"
#include "proc/mutex.h"
#include "proc/signal.h"
#include "proc/sched.h"
#include "proc/wait_queue.h"
#include "sbi/sbi.h"
#include "sync/spinlock.h"
#include "tty/tty.h"

#define CONTROL(letter) ((letter)&0x1f)

/* Guards settings and window: ioctl on one hart, the line discipline on another. */
static struct spinlock settings_lock = SPINLOCK_INIT("tty settings");
static struct termios settings = {
    .c_iflag = ICRNL,
    .c_oflag = OPOST | ONLCR,
    .c_cflag = B38400 | CS8 | CREAD,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
    .c_cc = {[VINTR] = CONTROL('C'),
             [VQUIT] = 0x1c,
             [VSUSP] = CONTROL('Z'),
             [VERASE] = 0x7f,
             [VKILL] = CONTROL('U'),
             [VEOF] = CONTROL('D'),
             [VTIME] = 0,
             [VMIN] = 1},
};
static struct winsize window = {.ws_row = 24, .ws_col = 80};

/* One reader at a time owns the line and its counts below (it sleeps for keys: a mutex). */
static struct mutex reader_lock = MUTEX_INIT(reader_lock, "tty reader");
static char line[TTY_LINE_MAX];
static size_t length;         /* bytes in line[] */
static size_t committed;      /* the first `committed` of them are ready for a reader */
static bool end_of_input;     /* ^D on an empty line: the next read returns 0 */
static bool overflowed;       /* the line being typed lost characters: it will be refused */
static uint32_t drop_pending; /* TCSETSF: forget the line being typed (a word, for atomics) */

/* ---- Signals: Ctrl-C, Ctrl-\ and Ctrl-Z -------------------------------------------- */

static void echo(const char *text, size_t len);

/* The foreground process group (TIOCSPGRP): who Ctrl-C signals. 0: nobody yet. */
static int foreground_group;

/*
 * ISIG: VINTR (Ctrl-C) sends SIGINT, VQUIT (Ctrl-\) SIGQUIT, VSUSP
 * (Ctrl-Z) SIGTSTP, to the foreground group, and what was typed but not
 * read is dropped, as on Linux. True if `c` was one of them. Runs in the
 * UART interrupt.
 */
static bool signal_character(char c)
{
    struct termios t;
    tty_line_get_termios(&t);
    if ((t.c_lflag & ISIG) == 0 || c == 0) /* a c_cc of 0 is a disabled one */
        return false;
    int signal = c == t.c_cc[VINTR]   ? SIGINT
                 : c == t.c_cc[VQUIT] ? SIGQUIT
                 : c == t.c_cc[VSUSP] ? SIGTSTP
                                      : 0;
    if (signal == 0)
        return false;
    if ((t.c_lflag & ECHO) != 0)
        echo(signal == SIGINT ? "^C\n" : signal == SIGQUIT ? "^\\\n" : "^Z\n", 3);
    __atomic_store_n(&drop_pending, 1, __ATOMIC_RELEASE);
    int group = __atomic_load_n(&foreground_group, __ATOMIC_RELAXED);
    if (group > 0)
        signal_send_group(group, signal);
    return true;
}

static bool filter_received_byte(uint8_t byte)
{
    return signal_character((char)byte);
}

/* Take Ctrl-C as it arrives, from the first use of the console on. */
static void start_signal_filter(void)
{
    static uint32_t started;
    if (__atomic_exchange_n(&started, 1, __ATOMIC_ACQ_REL) == 0)
        uart_set_receive_filter(filter_received_byte);
}

/*
 * Until a shell claims the console (TIOCSPGRP), it reports init's group, 1:
 * as on Linux, where init's session holds the console as its controlling
 * terminal and init's group is in the foreground. A job-control shell run as
 * init (BusyBox's ash: `make qemu LINUX=1`) asks this first, and waits with
 * SIGTTIN for as long as the answer is not its own group. (Ctrl-C still
 * signals nobody until someone has claimed the console.)
 */
int tty_line_get_foreground(void)
{
    int group = __atomic_load_n(&foreground_group, __ATOMIC_RELAXED);
    return group != 0 ? group : 1;
}

int tty_line_set_foreground(int group)
{
    if (group <= 0)
        return -EINVAL;
    if (signal_send_group(group, 0) != 0)
        return -EPERM; /* no such group (Linux: none of this session's) */
    start_signal_filter();
    __atomic_store_n(&foreground_group, group, __ATOMIC_RELAXED);
    return 0;
}

/* ---- Waiting for a key ------------------------------------------------------------- */

/* The guard of input_waiters and listening: no key falls between a look and a sleep. */
static struct spinlock input_guard = SPINLOCK_INIT("tty line input");
static struct wait_queue input_waiters = WAIT_QUEUE_INIT(input_waiters, "console line");
static bool listening;

/* A console input listener: runs in the UART interrupt, so it only wakes. */
static void input_arrived(void *unused)
{
    (void)unused;
    spinlock_acquire(&input_guard);
    wait_queue_wake_all(&input_waiters);
    spinlock_release(&input_guard);
}

/* The next byte typed, or -1 if none is waiting. */
static int next_byte(void)
{
    if (uart_present())
        return uart_read_byte();
    return sbi_console_getchar();
}

/* Sleep until a byte waits in the ring: 0, or -EINTR. */
static int wait_for_input(void)
{
    if (!uart_present()) {
        /* No receive interrupt: look again at the next tick. */
        if (signal_pending())
            return -ERESTARTSYS;
        sched_sleep_ticks(1);
        return 0;
    }
    spinlock_acquire(&input_guard);
    if (!listening) {
        listening = true;
        tty_add_listener(input_arrived, NULL);
    }
    int error = 0;
    while (uart_bytes_waiting() == 0 && error == 0)
        error = wait_queue_sleep_interruptible(&input_waiters, &input_guard);
    spinlock_release(&input_guard);
    return error;
}

/* ---- Editing ------------------------------------------------------------------------ */

static void echo(const char *text, size_t len)
{
    console_write(text, len);
}

static bool is_control(char c)
{
    return (unsigned char)c < 0x20 && c != '\t' && c != '\n';
}

/* Echo one typed character: a control character as ^X when ECHOCTL asks for it. */
static void echo_char(char c, const struct termios *t)
{
    if ((t->c_lflag & ECHO) == 0)
        return;
    if (is_control(c) && (t->c_lflag & ECHOCTL) != 0) {
        char caret[2] = {'^', (char)(c + '@')};
        echo(caret, 2);
    } else {
        echo(&c, 1);
    }
}

/* Rub out the last character of the line being edited, on the screen too. */
static void erase_one(const struct termios *t)
{
    if (length == committed)
        return;
    char gone = line[--length];
    if ((t->c_lflag & ECHO) == 0 || (t->c_lflag & ECHOE) == 0)
        return;
    int columns = is_control(gone) && (t->c_lflag & ECHOCTL) != 0 ? 2 : 1;
    for (int i = 0; i < columns; i++)
        echo("\b \b", 3);
}

static void append(char c)
{
    if (length < sizeof(line))
        line[length++] = c;
}

/* One typed byte through the canonical rules. */
static void canonical_input(char c, const struct termios *t)
{
    if (c == t->c_cc[VERASE] || c == '\b') {
        erase_one(t);
    } else if (c == t->c_cc[VKILL]) {
        while (length > committed)
            erase_one(t);
        overflowed = false; /* a fresh start */
    } else if (c == t->c_cc[VEOF]) {
        if (length == committed)
            end_of_input = true; /* nothing typed: the reader sees the end */
        committed = length;      /* else the line goes as it is, without a newline */
    } else if (signal_character(c)) {
        /* (Only without a UART: with one, the interrupt took it already.) */
        length = committed;
        overflowed = false;
    } else if (c == '\n' || (t->c_cc[VEOL] != 0 && c == t->c_cc[VEOL])) {
        if (overflowed) {
            /*
             * A cut line must not run as if it were whole (think of rm and a
             * path cut short): it goes, and the typist is told why.
             */
            overflowed = false;
            length = committed;
            static const char refused[] = "\ntty: line longer than 255 characters: not taken\n";
            echo(refused, sizeof(refused) - 1);
            return;
        }
        if (length == sizeof(line))
            length--; /* a full line still ends with its newline */
        append(c);
        if ((t->c_lflag & (ECHO | ECHONL)) != 0)
            echo("\n", 1);
        committed = length;
    } else if (length < sizeof(line) - 1) { /* the last place is kept for the newline */
        append(c);
        echo_char(c, t);
    } else if (!overflowed) {
        overflowed = true; /* full: a bell now, and at Enter the line is refused */
        echo("\a", 1);
    }
}

static void take_input(char c)
{
    struct termios t;
    tty_line_get_termios(&t);
    if (c == '\r' && (t.c_iflag & IGNCR) != 0)
        return;
    if (c == '\r' && (t.c_iflag & ICRNL) != 0)
        c = '\n';
    else if (c == '\n' && (t.c_iflag & INLCR) != 0)
        c = '\r';
    if ((t.c_lflag & ICANON) != 0) {
        canonical_input(c, &t);
    } else {
        append(c);
        committed = length;
        echo_char(c, &t);
    }
}

/*
 * Run what waits in the UART's ring through the discipline: in canonical
 * mode until a line is finished (a full line drops what it cannot hold, but
 * still takes its Enter), in raw mode while there is room, so a read gets
 * every byte that is there (VMIN 1 means "at least one").
 */
static void take_typed_input(void)
{
    struct termios t;
    tty_line_get_termios(&t);
    bool canonical = (t.c_lflag & ICANON) != 0;
    while (!end_of_input && (canonical ? committed == 0 : length < sizeof(line))) {
        int byte = next_byte();
        if (byte < 0)
            break;
        take_input((char)byte);
    }
}

/* Hand up to `size` finished bytes to the reader: in canonical mode, one line at most. */
static size_t deliver(char *buf, size_t size)
{
    size_t n = committed < size ? committed : size;
    struct termios t;
    tty_line_get_termios(&t);
    if ((t.c_lflag & ICANON) != 0) {
        const char *newline = memchr(line, '\n', n);
        if (newline != NULL)
            n = (size_t)(newline - line) + 1;
    }
    memcpy(buf, line, n);
    memmove(line, line + n, length - n);
    length -= n;
    committed -= n;
    return n;
}

/* In raw mode, how many bytes a read waits for (VMIN), and whether it waits at all. */
static size_t raw_minimum(size_t size)
{
    struct termios t;
    tty_line_get_termios(&t);
    if ((t.c_lflag & ICANON) != 0)
        return 1;
    size_t minimum = t.c_cc[VMIN];
    return minimum < size ? minimum : size;
}

long tty_line_read(char *buf, size_t size, bool nonblock)
{
    if (size == 0)
        return 0;
    start_signal_filter();
    mutex_lock(&reader_lock);
    long result;
    for (;;) {
        if (__atomic_exchange_n(&drop_pending, 0, __ATOMIC_ACQ_REL) != 0) {
            length = committed = 0; /* TCSETSF: the line too (the ring was emptied then) */
            overflowed = false;
        }
        take_typed_input();
        if (committed > 0 && committed >= raw_minimum(size)) {
            result = (long)deliver(buf, size);
            break;
        }
        if (end_of_input) {
            end_of_input = false;
            result = 0;
            break;
        }
        if (raw_minimum(size) == 0) { /* raw mode, VMIN 0: never wait */
            result = (long)deliver(buf, size);
            break;
        }
        if (nonblock) {
            result = -EAGAIN;
            break;
        }
        int error = wait_for_input();
        if (error != 0) {
            result = error;
            break;
        }
    }
    mutex_unlock(&reader_lock);
    return result;
}

bool tty_line_readable(void)
{
    /* Read without the reader mutex: a hint, and any key at all counts (line.h says why). */
    if (!uart_present())
        return true; /* no receive interrupt to wait for: let read do the waiting */
    return __atomic_load_n(&committed, __ATOMIC_RELAXED) > 0 ||
           __atomic_load_n(&end_of_input, __ATOMIC_RELAXED) || uart_bytes_waiting() > 0;
}

void tty_line_write(const char *buf, size_t len)
{
    console_write(buf, len);
}

void tty_line_get_termios(struct termios *out)
{
    spinlock_acquire(&settings_lock);
    *out = settings;
    spinlock_release(&settings_lock);
}

void tty_line_set_termios(const struct termios *new_settings, bool drop_input)
{
    spinlock_acquire(&settings_lock);
    settings = *new_settings;
    spinlock_release(&settings_lock);
    if (drop_input) {
        /*
         * What was typed so far goes now. The line being edited belongs to
         * the reader (who may be asleep holding the reader lock), so it is
         * dropped by the reader, the next time it looks.
         */
        while (next_byte() >= 0) {
        }
        __atomic_store_n(&drop_pending, 1, __ATOMIC_RELEASE);
    }
}

void tty_line_get_winsize(struct winsize *out)
{
    spinlock_acquire(&settings_lock);
    *out = window;
    spinlock_release(&settings_lock);
}

void tty_line_set_winsize(const struct winsize *size)
{
    spinlock_acquire(&settings_lock);
    window = *size;
    spinlock_release(&settings_lock);
}
