/*
 * sbi.c: the SBI calls the kernel makes. Which optional extensions exist is
 * found by probing at boot (base extension, function 3), never assumed: the
 * OpenSBI 1.1 that QEMU 7.2 ships has TIME and SRST but not DBCN, while newer
 * firmware has all three.
 */
#include "sbi/sbi.h"

#include "arch/layout.h"

static bool has_dbcn;
static bool has_srst;
static bool has_time;
static bool has_ipi;
static bool has_rfence;
static bool has_hsm;

struct sbiret sbi_ecall(long ext, long fid, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r_a0 asm("a0") = a0;
    register long r_a1 asm("a1") = a1;
    register long r_a2 asm("a2") = a2;
    register long r_a3 asm("a3") = a3;
    register long r_a4 asm("a4") = a4;
    register long r_a5 asm("a5") = a5;
    register long r_a6 asm("a6") = fid;
    register long r_a7 asm("a7") = ext;
    asm volatile("ecall"
                 : "+r"(r_a0), "+r"(r_a1)
                 : "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a6), "r"(r_a7)
                 : "memory");
    struct sbiret ret = {.error = r_a0, .value = r_a1};
    return ret;
}

/* Legacy extensions (0x00..0x08) return their result in a0 only. */
static long sbi_legacy_call(long ext, long arg)
{
    return sbi_ecall(ext, 0, arg, 0, 0, 0, 0, 0).error;
}

long sbi_get_spec_version(void)
{
    return sbi_ecall(SBI_EXT_BASE, 0, 0, 0, 0, 0, 0, 0).value;
}

long sbi_get_impl_id(void)
{
    return sbi_ecall(SBI_EXT_BASE, 1, 0, 0, 0, 0, 0, 0).value;
}

long sbi_get_impl_version(void)
{
    return sbi_ecall(SBI_EXT_BASE, 2, 0, 0, 0, 0, 0, 0).value;
}

bool sbi_probe_extension(long ext)
{
    struct sbiret ret = sbi_ecall(SBI_EXT_BASE, 3, ext, 0, 0, 0, 0, 0);
    return ret.error == SBI_SUCCESS && ret.value != 0;
}

const char *sbi_impl_name(long impl_id)
{
    /* The implementation ids the SBI specification assigns. */
    static const char *const names[] = {
        "Berkeley Boot Loader", "OpenSBI", "Xvisor", "KVM", "RustSBI", "Diosix", "Coffer", "Xen",
    };
    if (impl_id >= 0 && impl_id < (long)(sizeof(names) / sizeof(names[0])))
        return names[impl_id];
    return "unknown";
}

void sbi_init(void)
{
    has_dbcn = sbi_probe_extension(SBI_EXT_DBCN);
    has_srst = sbi_probe_extension(SBI_EXT_SRST);
    has_time = sbi_probe_extension(SBI_EXT_TIME);
    has_ipi = sbi_probe_extension(SBI_EXT_IPI);
    has_rfence = sbi_probe_extension(SBI_EXT_RFENCE);
    has_hsm = sbi_probe_extension(SBI_EXT_HSM);
}

bool sbi_has_dbcn(void)
{
    return has_dbcn;
}

bool sbi_has_srst(void)
{
    return has_srst;
}

bool sbi_has_time(void)
{
    return has_time;
}

bool sbi_has_ipi(void)
{
    return has_ipi;
}

bool sbi_has_rfence(void)
{
    return has_rfence;
}

bool sbi_has_hsm(void)
{
    return has_hsm;
}

void sbi_console_putchar(char c)
{
    if (has_dbcn)
        sbi_ecall(SBI_EXT_DBCN, 2, (unsigned char)c, 0, 0, 0, 0, 0);
    else
        sbi_legacy_call(SBI_EXT_LEGACY_PUTCHAR, (unsigned char)c);
}

void sbi_console_write(const char *buf, uint64_t len)
{
    if (!has_dbcn) {
        for (uint64_t i = 0; i < len; i++)
            sbi_legacy_call(SBI_EXT_LEGACY_PUTCHAR, (unsigned char)buf[i]);
        return;
    }
    /*
     * DBCN takes a physical address, which virt_to_phys() gives only for the
     * kernel window. A buffer elsewhere (on a kernel stack, in its own region)
     * goes byte by byte: write_byte takes the byte itself, not an address.
     */
    if ((uint64_t)buf < KERNEL_OFFSET) {
        for (uint64_t i = 0; i < len; i++)
            sbi_ecall(SBI_EXT_DBCN, 2, (unsigned char)buf[i], 0, 0, 0, 0, 0);
        return;
    }
    uint64_t pa = virt_to_phys(buf);
    while (len > 0) {
        struct sbiret ret = sbi_ecall(SBI_EXT_DBCN, 0, (long)len, (long)pa, 0, 0, 0, 0);
        if (ret.error != SBI_SUCCESS || ret.value <= 0)
            return;
        pa += ret.value;
        len -= ret.value;
    }
}

int sbi_console_getchar(void)
{
    if (has_dbcn) {
        static char byte; /* static: in the kernel window, so virt_to_phys() is right */
        struct sbiret ret = sbi_ecall(SBI_EXT_DBCN, 1, 1, (long)virt_to_phys(&byte), 0, 0, 0, 0);
        if (ret.error != SBI_SUCCESS || ret.value != 1)
            return -1;
        return (unsigned char)byte;
    }
    long c = sbi_legacy_call(SBI_EXT_LEGACY_GETCHAR, 0);
    return c < 0 ? -1 : (int)c;
}

void sbi_set_timer(uint64_t stime_value)
{
    if (has_time)
        sbi_ecall(SBI_EXT_TIME, 0, (long)stime_value, 0, 0, 0, 0, 0);
    else
        sbi_legacy_call(SBI_EXT_LEGACY_SET_TIMER, (long)stime_value);
}

long sbi_send_ipi(uint64_t hart_mask, long hart_mask_base)
{
    return sbi_ecall(SBI_EXT_IPI, 0, (long)hart_mask, hart_mask_base, 0, 0, 0, 0).error;
}

long sbi_remote_sfence_vma(uint64_t hart_mask, long hart_mask_base, uint64_t start, uint64_t size)
{
    return sbi_ecall(SBI_EXT_RFENCE, 1, (long)hart_mask, hart_mask_base, (long)start, (long)size, 0,
                     0)
        .error;
}

long sbi_hart_start(uint64_t hartid, uint64_t start_pa, uint64_t opaque)
{
    return sbi_ecall(SBI_EXT_HSM, 0, (long)hartid, (long)start_pa, (long)opaque, 0, 0, 0).error;
}

long sbi_hart_get_status(uint64_t hartid)
{
    struct sbiret ret = sbi_ecall(SBI_EXT_HSM, 2, (long)hartid, 0, 0, 0, 0, 0);
    return ret.error != SBI_SUCCESS ? ret.error : ret.value;
}

void sbi_system_reset(uint32_t type, uint32_t reason)
{
    if (has_srst)
        sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0);
    /* Legacy shutdown (extension 0x08) for firmware without SRST. */
    sbi_ecall(0x08, 0, 0, 0, 0, 0, 0, 0);
}
