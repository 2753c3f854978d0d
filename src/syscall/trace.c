/*
 * trace.c: strace built in, and the log of unknown system calls. See trace.h.
 *
 * Each call's arguments are described by a short string in the system-call
 * table (syscall.c): its first letter says how to print the result, the
 * others one argument each:
 *
 *     d  a signed int            u  an unsigned number    x  a hex number
 *     p  a pointer (NULL or 0x...)                        o  an octal mode
 *     s  a string in user memory, shown in quotes
 *     b  a buffer in user memory whose length is the next argument
 *     v  (as the result) the call does not return: the line prints first
 *
 * The arguments are turned into text before the call runs: after execve,
 * or a write to the same memory, they would be gone.
 */
#include "syscall/trace.h"

#include "abi/errno.h"
#include "abi/syscall_names.h"
#include "console/console.h"
#include "dev/devicetree.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/uaccess.h"
#include "proc/process.h"
#include "proc/thread.h"
#include "sync/spinlock.h"
#include "trace/timeline.h"

bool syscall_trace_active;

/* strace=NAME,NAME...: only these programs; empty: every program, at TRACE. */
static char trace_filter[128];

void syscall_trace_init(void)
{
    devicetree_bootarg("strace", trace_filter, sizeof(trace_filter));
    /* The timeline's syscall events take this slow path too: the fast one stays as it is. */
    syscall_trace_active = trace_filter[0] != '\0' || log_enabled(LOG_LEVEL_TRACE) ||
                           log_enabled(LOG_LEVEL_DEBUG) || timeline_on;
    if (trace_filter[0] != '\0')
        log_info("syscall: tracing the system calls of %s", trace_filter);
}

/* Is `name` one of the comma-separated names in the filter? */
static bool filter_names(const char *name)
{
    size_t length = strlen(name);
    for (const char *item = trace_filter; *item != '\0';) {
        const char *end = strchr(item, ',');
        size_t item_length = end != NULL ? (size_t)(end - item) : strlen(item);
        if (item_length == length && strncmp(item, name, length) == 0)
            return true;
        if (end == NULL)
            break;
        item = end + 1;
    }
    return false;
}

static bool traced(const struct process *process)
{
    if (trace_filter[0] != '\0')
        return filter_names(process->name);
    return log_enabled(LOG_LEVEL_TRACE);
}

/* ---- Turning arguments into text ------------------------------------------------ */

struct text {
    char *buf;
    size_t size;
    size_t used;
};

static void put(struct text *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *out, const char *fmt, ...)
{
    if (out->used >= out->size)
        return;
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(out->buf + out->used, out->size - out->used, fmt, args);
    va_end(args);
    if (n > 0)
        out->used += (size_t)n < out->size - out->used ? (size_t)n : out->size - out->used - 1;
}

/* Bytes as a C string literal: quotes, escapes, and "..." when cut short. */
static void put_quoted(struct text *out, const char *bytes, size_t length, bool truncated)
{
    put(out, "\"");
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == '\n')
            put(out, "\\n");
        else if (c == '\t')
            put(out, "\\t");
        else if (c == '"' || c == '\\')
            put(out, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            put(out, "%c", c);
        else
            put(out, "\\x%02x", c);
    }
    put(out, "\"%s", truncated ? "..." : "");
}

#define SHOWN_BYTES 32

static void put_user_string(struct text *out, const struct memory_set *set, uint64_t address)
{
    char copy[SHOWN_BYTES + 1];
    long length = string_from_user(set, copy, address, sizeof(copy));
    if (length == -ENAMETOOLONG)
        put_quoted(out, copy, SHOWN_BYTES, true);
    else if (length < 0)
        put(out, "0x%lx", address); /* a bad pointer: the call will say -EFAULT */
    else
        put_quoted(out, copy, (size_t)length, false);
}

static void put_user_buffer(struct text *out, const struct memory_set *set, uint64_t address,
                            uint64_t length)
{
    char copy[SHOWN_BYTES];
    size_t shown = length < SHOWN_BYTES ? length : SHOWN_BYTES;
    if (copy_from_user(set, copy, address, shown) != 0)
        put(out, "0x%lx", address);
    else
        put_quoted(out, copy, shown, shown < length);
}

static void put_arguments(struct text *out, const struct context *context, const char *args)
{
    const struct memory_set *set = thread_current()->process->memory_set;
    for (int i = 0; i < 6 && args[i] != '\0'; i++) {
        uint64_t value = syscall_arg(context, i);
        if (i > 0)
            put(out, ", ");
        switch (args[i]) {
        case 'd': put(out, "%d", (int)value); break;
        case 'u': put(out, "%lu", value); break;
        case 'o': put(out, "0%lo", value); break;
        case 'p': value == 0 ? put(out, "NULL") : put(out, "0x%lx", value); break;
        case 's': put_user_string(out, set, value); break;
        case 'b': put_user_buffer(out, set, value, syscall_arg(context, i + 1)); break;
        default: put(out, "0x%lx", value); break;
        }
    }
}

const char *syscall_errno_name(long error)
{
    static const struct {
        int number;
        const char *name;
    } names[] = {
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},
        {EINTR, "EINTR"},
        {EIO, "EIO"},
        {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"},
        {EBADF, "EBADF"},
        {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {EMFILE, "EMFILE"},
        {ENOTTY, "ENOTTY"},
        {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"},
        {ESPIPE, "ESPIPE"},
        {EROFS, "EROFS"},
        {EMLINK, "EMLINK"},
        {EPIPE, "EPIPE"},
        {ERANGE, "ERANGE"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},
        {ENOTEMPTY, "ENOTEMPTY"},
        {ELOOP, "ELOOP"},
        {ETIMEDOUT, "ETIMEDOUT"},
        {EUCLEAN, "EUCLEAN"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (names[i].number == -error)
            return names[i].name;
    }
    return NULL;
}

static void put_result(struct text *out, long result, char kind)
{
    const char *error = result < 0 && result >= -4095 ? syscall_errno_name(result) : NULL;
    if (error != NULL)
        put(out, " = %ld %s", result, error);
    else if (kind == 'x' || kind == 'p')
        put(out, " = 0x%lx", (uint64_t)result);
    else
        put(out, " = %ld", result);
}

/* ---- The traced call -------------------------------------------------------------- */

static long call_and_trace(struct context *context, uint64_t number, syscall_handler_t handler,
                           const char *name, const char *args)
{
    struct process *process = thread_current()->process;
    if (handler == NULL)
        syscall_trace_unknown(number);
    if (!traced(process))
        return handler != NULL ? handler(context) : -ENOSYS;

    char line[200];
    struct text out = {line, sizeof(line), 0};
    char result_kind = args != NULL && args[0] != '\0' ? args[0] : 'd';
    /* The prefix and arguments now: the call may replace this memory (execve). */
    put(&out, "[pid %d %s] ", process->pid, process->name);
    if (name != NULL)
        put(&out, "%s(", name);
    else if (number < SYSCALL_NAMES_COUNT && syscall_names[number] != NULL)
        put(&out, "%s(", syscall_names[number]);
    else
        put(&out, "syscall_%lu(", number);
    if (args != NULL && args[0] != '\0')
        put_arguments(&out, context, args + 1);
    else if (handler == NULL)
        put(&out, "...");
    put(&out, ")");
    if (result_kind == 'v') {
        log_message(LOG_LEVEL_TRACE, "%s = ?", line);
        return handler(context); /* exit does not come back */
    }
    long result = handler != NULL ? handler(context) : -ENOSYS;
    put_result(&out, result, result_kind);
    log_message(LOG_LEVEL_TRACE, "%s", line);
    return result;
}

long syscall_trace_call(struct context *context, uint64_t number, syscall_handler_t handler,
                        const char *name, const char *args)
{
    if (!timeline_on)
        return call_and_trace(context, number, handler, name, args);
    struct thread *self = thread_current();
    const char *label = name;
    if (label == NULL)
        label = number < SYSCALL_NAMES_COUNT && syscall_names[number] != NULL
                    ? syscall_names[number]
                    : "unknown";
    timeline_record(TIMELINE_SYSCALL_ENTER, self->tid, self->name, label, 0);
    long result = call_and_trace(context, number, handler, name, args);
    timeline_record(TIMELINE_SYSCALL_EXIT, self->tid, self->name, label, result);
    return result;
}

/* ---- Unknown calls ---------------------------------------------------------------- */

#define UNKNOWN_SEEN_MAX 64

/* (program, number) pairs already reported: each is said once. */
static struct {
    char program[PROCESS_NAME_MAX];
    uint64_t number;
} unknown_seen[UNKNOWN_SEEN_MAX];
static int unknown_seen_count;
/* Guards unknown_seen[] and its count: two harts may meet unknown calls at once. */
static struct spinlock unknown_lock = SPINLOCK_INIT("unknown syscalls");

void syscall_trace_unknown(uint64_t number)
{
    if (!log_enabled(LOG_LEVEL_DEBUG))
        return;
    const struct process *process = thread_current()->process;
    spinlock_acquire(&unknown_lock);
    for (int i = 0; i < unknown_seen_count; i++) {
        if (unknown_seen[i].number == number &&
            strcmp(unknown_seen[i].program, process->name) == 0) {
            spinlock_release(&unknown_lock);
            return;
        }
    }
    if (unknown_seen_count < UNKNOWN_SEEN_MAX) {
        strlcpy(unknown_seen[unknown_seen_count].program, process->name, PROCESS_NAME_MAX);
        unknown_seen[unknown_seen_count].number = number;
        unknown_seen_count++;
    }
    spinlock_release(&unknown_lock);
    const char *name =
        number < SYSCALL_NAMES_COUNT && syscall_names[number] != NULL ? syscall_names[number] : "?";
    log_debug("[pid %d %s] system call %lu (%s) is not implemented: -ENOSYS", process->pid,
              process->name, number, name);
}
