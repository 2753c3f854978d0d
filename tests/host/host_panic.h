/*
 * host_panic.h: the kernel's panic() for host tests. Code under test calls
 * panic_at() as in the kernel; here it records the message and, inside
 * HOST_PANICS(...), jumps back to the test instead of ending the process.
 * A panic outside HOST_PANICS is a bug: it prints the message and aborts.
 */
#ifndef HOST_PANIC_H
#define HOST_PANIC_H

#include <setjmp.h>
#include <stdbool.h>

extern jmp_buf *host_panic_jump;
extern char host_panic_message[1024];

/* Run `statement`; evaluates to true when it panicked (message in host_panic_message). */
#define HOST_PANICS(statement)                                                                     \
    ({                                                                                             \
        jmp_buf host_jump_;                                                                        \
        bool host_panicked_ = false;                                                               \
        host_panic_message[0] = '\0';                                                              \
        host_panic_jump = &host_jump_;                                                             \
        if (setjmp(host_jump_) == 0) {                                                             \
            statement;                                                                             \
        } else {                                                                                   \
            host_panicked_ = true;                                                                 \
        }                                                                                          \
        host_panic_jump = NULL;                                                                    \
        host_panicked_;                                                                            \
    })

#endif
