/*
 * utsname.h: what uname(2) fills in (Linux's struct new_utsname: six
 * strings of 65 bytes), and prctl's and getrandom's few values used here.
 */
#ifndef ABI_UTSNAME_H
#define ABI_UTSNAME_H

#define UTSNAME_LENGTH 65

struct utsname {
    char sysname[UTSNAME_LENGTH];  /* "Linux": programs test it to pick Linux's ways */
    char nodename[UTSNAME_LENGTH]; /* the host name */
    char release[UTSNAME_LENGTH];  /* the Linux version whose ABI the kernel follows */
    char version[UTSNAME_LENGTH];
    char machine[UTSNAME_LENGTH]; /* "riscv64" */
    char domainname[UTSNAME_LENGTH];
};

/* prctl(option, ...): a thread's name, 16 bytes with the NUL (TASK_COMM_LEN). */
#define PR_SET_NAME   15
#define PR_GET_NAME   16
#define TASK_COMM_LEN 16

/* getrandom(buffer, length, flags). */
#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4

#endif
