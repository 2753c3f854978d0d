/*
 * cause.c: the names of the scause values, for reports. See cause.h.
 */
#include "arch/cause.h"

#include <stddef.h>

/* Exception names, indexed by code (privileged spec, scause table). */
static const char *const exception_names[] = {
    [EXC_INSTRUCTION_MISALIGNED] = "instruction address misaligned",
    [EXC_INSTRUCTION_ACCESS] = "instruction access fault",
    [EXC_ILLEGAL_INSTRUCTION] = "illegal instruction",
    [EXC_BREAKPOINT] = "breakpoint",
    [EXC_LOAD_MISALIGNED] = "load address misaligned",
    [EXC_LOAD_ACCESS] = "load access fault",
    [EXC_STORE_MISALIGNED] = "store/AMO address misaligned",
    [EXC_STORE_ACCESS] = "store/AMO access fault",
    [EXC_ECALL_FROM_U] = "environment call from U-mode",
    [EXC_ECALL_FROM_S] = "environment call from S-mode",
    [EXC_INSTRUCTION_PAGE_FAULT] = "instruction page fault",
    [EXC_LOAD_PAGE_FAULT] = "load page fault",
    [EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
};

static const char *const interrupt_names[] = {
    [IRQ_S_SOFTWARE] = "supervisor software interrupt",
    [IRQ_S_TIMER] = "supervisor timer interrupt",
    [IRQ_S_EXTERNAL] = "supervisor external interrupt",
};

#define ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))

const char *cause_name(uint64_t scause)
{
    uint64_t code = scause & ~SCAUSE_INTERRUPT;
    const char *name = NULL;
    if (cause_is_interrupt(scause) && code < ARRAY_LENGTH(interrupt_names))
        name = interrupt_names[code];
    if (!cause_is_interrupt(scause) && code < ARRAY_LENGTH(exception_names))
        name = exception_names[code];
    if (name == NULL)
        return cause_is_interrupt(scause) ? "unknown interrupt" : "unknown exception";
    return name;
}
