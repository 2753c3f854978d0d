/*
 * test_bcache.c: the buffer cache over a RAM disk whose every transfer is
 * counted and can be made to fail: hits and misses, LRU order, write-back on
 * sync and on eviction, -ENOBUFS when every buffer is held, -EIO passed up.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "fs/bcache.h"
#include "fs_host_shims.h"
#include "abi/errno.h"

#define RAM_SECTORS 256 /* 128 KiB: 128 blocks of 1 KiB */

static uint8_t ram[RAM_SECTORS * 512];
static int ram_reads, ram_writes;
static bool ram_fail_reads, ram_fail_writes;

static int ram_read(struct block_device *dev, uint64_t sector, uint32_t count, void *buf)
{
    (void)dev;
    if (ram_fail_reads)
        return -EIO;
    memcpy(buf, ram + sector * 512, count * 512);
    ram_reads++;
    return 0;
}

static int ram_write(struct block_device *dev, uint64_t sector, uint32_t count, const void *buf)
{
    (void)dev;
    if (ram_fail_writes)
        return -EIO;
    memcpy(ram + sector * 512, buf, count * 512);
    ram_writes++;
    return 0;
}

static const struct block_device_ops ram_ops = {.read = ram_read, .write = ram_write};
static struct block_device ram_dev = {
    .name = "ram", .ops = &ram_ops, .sector_size = 512, .sector_count = RAM_SECTORS};

/* Block b of 1 KiB holds the byte b + 1 everywhere, so a wrong block shows. */
static void ram_setup(uint32_t buffers)
{
    for (int b = 0; b < RAM_SECTORS / 2; b++)
        memset(ram + b * 1024, b + 1, 1024);
    ram_reads = ram_writes = 0;
    ram_fail_reads = ram_fail_writes = false;
    ram_dev.block_size = 0;
    fs_host_log_to_stderr = false;
    cr_assert_eq(bcache_init(buffers), 0);
    cr_assert_eq(bcache_set_block_size(&ram_dev, 1024), 0);
}

static void read_and_release(uint64_t blockno)
{
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, blockno, &buf), 0, "block %lu", (unsigned long)blockno);
    cr_assert_eq(buf->data[0], (uint8_t)(blockno + 1), "block %lu holds %u", (unsigned long)blockno,
                 buf->data[0]);
    bcache_release(buf);
}

static void teardown(void)
{
    cr_assert_eq(fs_host_locks_held, 0, "a lock is still held");
    bcache_shutdown();
}

Test(bcache, second_read_is_a_hit, .fini = teardown)
{
    ram_setup(4);
    read_and_release(7);
    read_and_release(7);
    struct bcache_stats stats;
    bcache_get_stats(&stats);
    cr_assert_eq(ram_reads, 1);
    cr_assert_eq(stats.hits, 1);
    cr_assert_eq(stats.misses, 1);
    cr_assert_eq(stats.referenced, 0);
}

Test(bcache, one_copy_per_block_so_changes_are_seen, .fini = teardown)
{
    ram_setup(4);
    struct bcache_buf *first;
    cr_assert_eq(bcache_read(&ram_dev, 3, &first), 0);
    first->data[10] = 0xAB;
    bcache_mark_dirty(first);
    bcache_release(first);
    struct bcache_buf *second;
    cr_assert_eq(bcache_read(&ram_dev, 3, &second), 0);
    cr_assert_eq(second, first, "a second buffer for one block");
    cr_assert_eq(second->data[10], 0xAB);
    bcache_release(second);
    cr_assert_eq(ram[3 * 1024 + 10], 4, "written before a sync: not write-back");
}

Test(bcache, evicts_least_recently_used, .fini = teardown)
{
    ram_setup(3);
    read_and_release(1);
    read_and_release(2);
    read_and_release(3);
    read_and_release(1); /* now 2 is the oldest */
    read_and_release(4); /* evicts 2 */
    int before = ram_reads;
    read_and_release(1);
    read_and_release(3);
    cr_assert_eq(ram_reads, before, "1 and 3 should still be cached");
    read_and_release(2);
    cr_assert_eq(ram_reads, before + 1, "2 should have been evicted");
    struct bcache_stats stats;
    bcache_get_stats(&stats);
    cr_assert_eq(stats.evictions, 2);
}

Test(bcache, sync_writes_dirty_buffers_once, .fini = teardown)
{
    ram_setup(4);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, 5, &buf), 0);
    memset(buf->data, 0x5A, 1024);
    bcache_mark_dirty(buf);
    bcache_release(buf);
    cr_assert_eq(ram_writes, 0);
    cr_assert_eq(bcache_sync(), 0);
    cr_assert_eq(ram_writes, 1);
    cr_assert_eq(ram[5 * 1024 + 1023], 0x5A);
    cr_assert_eq(bcache_sync_device(&ram_dev), 0);
    cr_assert_eq(ram_writes, 1, "a clean buffer was written again");
}

Test(bcache, eviction_writes_back_a_dirty_buffer, .fini = teardown)
{
    ram_setup(2);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, 1, &buf), 0);
    buf->data[0] = 0xEE;
    bcache_mark_dirty(buf);
    bcache_release(buf);
    read_and_release(2);
    read_and_release(3); /* evicts 1, which is dirty */
    cr_assert_eq(ram_writes, 1);
    cr_assert_eq(ram[1 * 1024], 0xEE);
}

Test(bcache, all_buffers_held_gives_enobufs, .fini = teardown)
{
    ram_setup(2);
    struct bcache_buf *a, *b, *c;
    cr_assert_eq(bcache_read(&ram_dev, 1, &a), 0);
    cr_assert_eq(bcache_read(&ram_dev, 2, &b), 0);
    cr_assert_eq(bcache_read(&ram_dev, 3, &c), -ENOBUFS);
    cr_assert_str_not_empty(fs_host_last_log);
    bcache_release(a);
    cr_assert_eq(bcache_read(&ram_dev, 3, &c), 0);
    cr_assert_eq(c->data[0], 4);
    bcache_release(c);
    bcache_release(b);
}

Test(bcache, read_error_is_passed_up_and_retried, .fini = teardown)
{
    ram_setup(2);
    struct bcache_buf *buf;
    ram_fail_reads = true;
    cr_assert_eq(bcache_read(&ram_dev, 9, &buf), -EIO);
    ram_fail_reads = false;
    read_and_release(9); /* the failed read left nothing behind that looks valid */
}

Test(bcache, write_error_keeps_the_buffer_dirty, .fini = teardown)
{
    ram_setup(2);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, 6, &buf), 0);
    buf->data[0] = 0x77;
    bcache_mark_dirty(buf);
    bcache_release(buf);
    ram_fail_writes = true;
    cr_assert_eq(bcache_sync(), -EIO);
    /* Eviction of the dirty buffer fails too, and so does the read that needed it. */
    read_and_release(7);
    cr_assert_eq(bcache_read(&ram_dev, 8, &buf), -EIO);
    ram_fail_writes = false;
    cr_assert_eq(bcache_sync(), 0);
    cr_assert_eq(ram[6 * 1024], 0x77, "the data survived the failed writes");
}

Test(bcache, zeroed_buffer_reads_nothing, .fini = teardown)
{
    ram_setup(2);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_get_zeroed(&ram_dev, 12, &buf), 0);
    cr_assert_eq(buf->data[0], 0);
    cr_assert_eq(buf->data[1023], 0);
    bcache_release(buf);
    cr_assert_eq(ram_reads, 0);
    cr_assert_eq(bcache_sync(), 0);
    cr_assert_eq(ram[12 * 1024 + 500], 0);
}

Test(bcache, block_beyond_the_device_is_eio, .fini = teardown)
{
    ram_setup(2);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, RAM_SECTORS / 2, &buf), -EIO);
    cr_assert_eq(bcache_read(&ram_dev, UINT64_MAX, &buf), -EIO);
    read_and_release(RAM_SECTORS / 2 - 1);
}

Test(bcache, block_size_change, .fini = teardown)
{
    ram_setup(4);
    cr_assert_eq(bcache_set_block_size(&ram_dev, 1000), -EINVAL);
    cr_assert_eq(bcache_set_block_size(&ram_dev, 256), -EINVAL);
    cr_assert_eq(bcache_set_block_size(&ram_dev, 8192), -EINVAL);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, 1, &buf), 0);
    cr_assert_eq(bcache_set_block_size(&ram_dev, 4096), -EBUSY);
    bcache_release(buf);
    cr_assert_eq(bcache_set_block_size(&ram_dev, 4096), 0);
    /* 4 KiB block 1 starts at byte 4096: the 1 KiB block 4, which holds 5. */
    cr_assert_eq(bcache_read(&ram_dev, 1, &buf), 0);
    cr_assert_eq(buf->data[0], 5);
    cr_assert_eq(buf->data[4095], 8);
    bcache_release(buf);
}

Test(bcache, forget_device_writes_then_drops, .fini = teardown)
{
    ram_setup(4);
    struct bcache_buf *buf;
    cr_assert_eq(bcache_read(&ram_dev, 2, &buf), 0);
    buf->data[0] = 0x42;
    bcache_mark_dirty(buf);
    cr_assert_eq(bcache_forget_device(&ram_dev), -EBUSY);
    bcache_release(buf);
    cr_assert_eq(bcache_forget_device(&ram_dev), 0);
    cr_assert_eq(ram[2 * 1024], 0x42);
    int before = ram_reads;
    cr_assert_eq(bcache_read(&ram_dev, 2, &buf), 0);
    bcache_release(buf);
    cr_assert_eq(ram_reads, before + 1, "the buffer should have been forgotten");
}
