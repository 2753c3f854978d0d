/*
 * test_ext2_bmap.c: the block map and symbolic links (src/fs/ext2_bmap.c,
 * src/fs/ext2_symlink.c), each level of the map on its own: direct blocks,
 * single, double and triple indirect ones, truncation, a full disk, damaged
 * pointers, and fast and slow symlinks. Lab 11 grades these cases, so each
 * one looks at one thing and takes well under a second.
 *
 * The oracle is e2fsprogs, never ext2 itself: debugfs's bmap says where a
 * block really is, and the test reads that block from the image file;
 * e2fsck -fn must find every image clean; free counts come from dumpe2fs or
 * statfs and must come back exactly.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs/ext2.h"
#include "fs/path.h"
#include "fs_host_shims.h"
#include "fs_test_util.h"
#include "abi/errno.h"

#define K      1024u
#define APB    256u                 /* block numbers per indirect block with 1 KiB blocks */
#define SINGLE 12u                  /* the first logical block behind i_block[12] */
#define DOUBLE (SINGLE + APB)       /* ... behind i_block[13] */
#define TRIPLE (DOUBLE + APB * APB) /* ... behind i_block[14] */

static void teardown(void)
{
    fs_test_remove_copies();
}

static uint64_t blocks_of(struct ext2_inode *inode)
{
    struct ext2_stat st;
    ext2_stat(inode, &st);
    return st.blocks / (K / 512);
}

/*
 * Write one 1 KiB block of pattern `seed` at logical block `lblock` (one
 * write, so it is the only block this call maps) and read it back.
 */
static void write_block(struct ext2_inode *file, uint32_t seed, uint64_t lblock)
{
    uint8_t data[K], back[K];
    fs_test_pattern(seed, lblock * K, data, K);
    cr_assert_eq(ext2_file_write(file, lblock * K, data, K), (int64_t)K, "write of block %llu",
                 (unsigned long long)lblock);
    cr_expect_eq(ext2_file_read(file, lblock * K, back, K), (int64_t)K);
    cr_expect_arr_eq(back, data, K, "block %llu read back", (unsigned long long)lblock);
}

/* Where debugfs finds logical block `lblock` of `path`, the image must hold the pattern. */
static void expect_block_on_disk(const char *image, const char *path, uint32_t seed,
                                 uint64_t lblock)
{
    long long physical = fs_test_debugfs_bmap(image, path, lblock);
    cr_expect_gt(physical, 0, "debugfs maps block %llu of %s to %lld", (unsigned long long)lblock,
                 path, physical);
    if (physical <= 0)
        return;
    uint8_t expected[K], got[K];
    fs_test_pattern(seed, lblock * K, expected, K);
    fs_test_read_image(image, (uint64_t)physical * K, got, K);
    cr_expect_arr_eq(got, expected, K, "%s: the disk block debugfs maps block %llu to", path,
                     (unsigned long long)lblock);
}

/* Only the entries of `kind` ('f' or 'l') of a manifest, none under `skip`. */
static void manifest_only(const char *name, char kind, struct fs_manifest *out)
{
    fs_manifest_load(name, out);
    size_t kept = 0;
    for (size_t i = 0; i < out->count; i++) {
        const char *path = out->entries[i].path;
        if (out->entries[i].kind != kind || strncmp(path, "/many/", 6) == 0 ||
            strncmp(path, "/names/", 7) == 0)
            continue;
        out->entries[kept++] = out->entries[i];
    }
    out->count = kept;
}

/* ---- Reading what mke2fs mapped ----------------------------------------------------------- */

/* Every regular file of the 1 KiB and 4 KiB trees, the triple-indirect ones too. */
Test(bmap, reads_every_level_mke2fs_wrote, .fini = teardown)
{
    const char *profiles[] = {"b1k", "b4k"};
    for (int p = 0; p < 2; p++) {
        char image[32], manifest_name[32];
        snprintf(image, sizeof(image), "%s.img", profiles[p]);
        snprintf(manifest_name, sizeof(manifest_name), "%s.manifest", profiles[p]);
        struct fs_manifest manifest;
        manifest_only(manifest_name, 'f', &manifest);
        cr_assert_gt(manifest.count, 20);
        struct fs_test_mount m;
        fs_test_mount(fs_test_image(image), true, &m);
        char problem[512];
        cr_expect_eq(fs_test_check_tree(&m, &manifest, problem, sizeof(problem)), 0, "%s: %s",
                     profiles[p], problem);
        fs_test_unmount(&m);
        fs_manifest_free(&manifest);
    }
}

/* ---- Writing, level by level -------------------------------------------------------------- */

/* Sizes around the last direct block and the end of the single-indirect range. */
Test(bmap, writes_around_the_direct_and_single_edges, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    uint64_t sizes[] = {11 * K,
                        12 * K - 1,
                        12 * K,
                        12 * K + 1,
                        13 * K,
                        (uint64_t)DOUBLE * K - 1,
                        (uint64_t)DOUBLE * K};
    int count = (int)(sizeof(sizes) / sizeof(sizes[0]));
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint64_t before = fs_test_free_blocks(&m);
    uint64_t taken = 0;
    for (int i = 0; i < count; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/edge%d", i);
        struct ext2_inode *file = fs_test_create(&m, path);
        fs_test_write_pattern(file, 40 + (uint32_t)i, 0, sizes[i], 1000);
        uint64_t data = (sizes[i] + K - 1) / K;
        uint64_t expected = data + (data > SINGLE ? 1 : 0); /* and the single-indirect block */
        cr_expect_eq(blocks_of(file), expected, "%s (%llu bytes): %llu blocks, expected %llu", path,
                     (unsigned long long)sizes[i], (unsigned long long)blocks_of(file),
                     (unsigned long long)expected);
        taken += expected;
        ext2_iput(file);
    }
    cr_expect_eq(fs_test_free_blocks(&m), before - taken,
                 "the free count must fall by the blocks taken");
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    for (int i = 0; i < count; i++) {
        char path[32];
        snprintf(path, sizeof(path), "/edge%d", i);
        fs_test_expect_dump_pattern(image, path, 40 + (uint32_t)i, sizes[i]);
    }
}

/* Single blocks spread over the double-indirect range, holes between them. */
Test(bmap, writes_in_the_double_indirect_range, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    /* Offsets into the range: the first and last of its first single-indirect child, the first
     * of the second, one far in, and the very last block of the range. */
    uint64_t offsets[] = {0, 1, APB - 1, APB, APB + 1, 5 * APB + 3, APB * APB - 1};
    int count = (int)(sizeof(offsets) / sizeof(offsets[0]));
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/double");
    for (int i = 0; i < count; i++)
        write_block(file, 7, DOUBLE + offsets[i]);
    /* Every block reads back as written, after all the others were written too. */
    for (int i = 0; i < count; i++) {
        uint8_t data[K], back[K];
        fs_test_pattern(7, (DOUBLE + offsets[i]) * K, data, K);
        cr_expect_eq(ext2_file_read(file, (DOUBLE + offsets[i]) * K, back, K), (int64_t)K);
        cr_expect_arr_eq(back, data, K, "double-indirect block +%llu, read again at the end",
                         (unsigned long long)offsets[i]);
    }
    /* 7 data blocks, the double-indirect block, and children 0, 1, 5 and 255. */
    cr_expect_eq(blocks_of(file), 7 + 1 + 4, "blocks held: %llu",
                 (unsigned long long)blocks_of(file));
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    for (int i = 0; i < count; i++)
        expect_block_on_disk(image, "/double", 7, DOUBLE + offsets[i]);
    cr_expect_eq(fs_test_debugfs_bmap(image, "/double", DOUBLE + 2), 0, "a hole stays a hole");
    cr_expect_eq(fs_test_debugfs_bmap(image, "/double", SINGLE), 0, "a hole stays a hole");
}

/* The same in the triple-indirect range, up to the last block the map can hold. */
Test(bmap, writes_in_the_triple_indirect_range, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    uint64_t offsets[] = {0, APB, APB * APB, 3 * APB * APB + 7 * APB + 9,
                          (uint64_t)APB * APB * APB - 1};
    int count = (int)(sizeof(offsets) / sizeof(offsets[0]));
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *file = fs_test_create(&m, "/triple");
    for (int i = 0; i < count; i++)
        write_block(file, 8, TRIPLE + offsets[i]);
    for (int i = 0; i < count; i++) {
        uint8_t data[K], back[K];
        fs_test_pattern(8, (TRIPLE + offsets[i]) * K, data, K);
        cr_expect_eq(ext2_file_read(file, (TRIPLE + offsets[i]) * K, back, K), (int64_t)K);
        cr_expect_arr_eq(back, data, K, "triple-indirect block +%llu, read again at the end",
                         (unsigned long long)offsets[i]);
    }
    /* Past the map's last block: the file cannot grow. */
    cr_expect_eq(ext2_file_write(file, (TRIPLE + (uint64_t)APB * APB * APB) * K, "x", 1), -EFBIG);
    /* 5 data blocks; the triple block; double blocks 0, 1, 3, 255; singles (0,0), (0,1), (1,0),
     * (3,7), (255,255). */
    cr_expect_eq(blocks_of(file), 5 + 1 + 4 + 5, "blocks held: %llu",
                 (unsigned long long)blocks_of(file));
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    for (int i = 0; i < count; i++)
        expect_block_on_disk(image, "/triple", 8, TRIPLE + offsets[i]);
    cr_expect_eq(fs_test_debugfs_bmap(image, "/triple", TRIPLE + 1), 0, "a hole stays a hole");
}

/* ---- Truncation ---------------------------------------------------------------------------- */

/* Shrink level by level: after each step the free count says exactly which blocks went back. */
Test(bmap, truncate_frees_every_block_it_held, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    uint64_t start = fs_test_free_blocks(&m);
    struct ext2_inode *file = fs_test_create(&m, "/shrink");
    /* Through the double range: 2 of its single-indirect children full, 5 blocks in a third. */
    uint64_t data = DOUBLE + 2 * APB + 5;
    fs_test_write_pattern(file, 9, 0, data * K, 65536);
    uint64_t held = data + 1 + 1 + 3;
    cr_expect_eq(blocks_of(file), held);
    cr_expect_eq(fs_test_free_blocks(&m), start - held);
    struct {
        uint64_t size;   /* truncate to */
        uint64_t blocks; /* what the file holds then */
    } steps[] = {
        {(DOUBLE + APB + 1) * K, DOUBLE + APB + 1 + 1 + 1 + 2}, /* the third child goes */
        {DOUBLE * K + 1, DOUBLE + 1 + 1 + 1 + 1},               /* one child, one block left */
        {DOUBLE * K, DOUBLE + 1},                               /* the double tree goes */
        {SINGLE * K + 10, SINGLE + 1 + 1},                      /* the single block stays */
        {SINGLE * K, SINGLE},                                   /* and goes */
        {3 * K, 3},
        {0, 0},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        cr_assert_eq(ext2_file_truncate(file, steps[i].size), 0, "truncate to %llu",
                     (unsigned long long)steps[i].size);
        cr_expect_eq(blocks_of(file), steps[i].blocks, "after truncating to %llu: %llu blocks",
                     (unsigned long long)steps[i].size, (unsigned long long)blocks_of(file));
        cr_expect_eq(fs_test_free_blocks(&m), start - steps[i].blocks,
                     "after truncating to %llu: %llu free, expected %llu",
                     (unsigned long long)steps[i].size, (unsigned long long)fs_test_free_blocks(&m),
                     (unsigned long long)(start - steps[i].blocks));
    }
    /* A sparse file reaching into the triple range, gone at once by unlink. */
    struct ext2_inode *sparse = fs_test_create(&m, "/sparse_file");
    write_block(sparse, 10, 0);
    write_block(sparse, 10, DOUBLE + 3 * APB);
    write_block(sparse, 10, TRIPLE + 2 * APB * APB + 1);
    cr_expect_eq(fs_test_free_blocks(&m), start - (1 + 3 + 4)); /* data and its indirect blocks */
    ext2_iput(sparse);
    cr_assert_eq(ext2_unlink(m.root, "sparse_file"), 0);
    cr_expect_eq(fs_test_free_blocks(&m), start,
                 "unlink must give back every block, indirect ones too");
    /* Cutting a sparse file inside an indirect block that then maps nothing: it goes too, and
     * the double block above it, left empty as well. */
    struct ext2_inode *holes = fs_test_create(&m, "/holes");
    write_block(holes, 12, DOUBLE + APB + 10);
    cr_expect_eq(fs_test_free_blocks(&m), start - 3);
    cr_assert_eq(ext2_file_truncate(holes, (DOUBLE + APB + 5) * K), 0);
    cr_expect_eq(blocks_of(holes), 0, "indirect blocks that map nothing are kept: %llu",
                 (unsigned long long)blocks_of(holes));
    cr_expect_eq(fs_test_free_blocks(&m), start);
    ext2_iput(holes);
    ext2_iput(file);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
}

/* ---- Running out of space ------------------------------------------------------------------ */

/* Fill the disk, then truncate the filler until exactly `wanted` blocks are free. */
static struct ext2_inode *fill_leaving(struct fs_test_mount *m, uint64_t wanted)
{
    static uint8_t chunk[8 * K];
    struct ext2_inode *filler = fs_test_create(m, "/filler");
    uint64_t size = 0;
    for (;;) {
        fs_test_pattern(11, size, chunk, sizeof(chunk));
        int64_t wrote = ext2_file_write(filler, size, chunk, sizeof(chunk));
        if (wrote < 0) {
            cr_assert_eq(wrote, -ENOSPC, "filling: %lld", (long long)wrote);
            break;
        }
        size += (uint64_t)wrote;
    }
    while (fs_test_free_blocks(m) < wanted) {
        size -= size % K != 0 ? size % K : K;
        cr_assert_eq(ext2_file_truncate(filler, size), 0);
    }
    cr_assert_eq(fs_test_free_blocks(m), wanted, "could not leave exactly %llu blocks free",
                 (unsigned long long)wanted);
    return filler;
}

/* A write needing more blocks than are free takes none, whatever level it fails at. */
Test(bmap, a_full_disk_leaves_the_file_as_it_was, .fini = teardown)
{
    const char *image = fs_test_copy_image("small.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *filler = fill_leaving(&m, 2);
    struct ext2_inode *probe = fs_test_create(&m, "/probe");
    /* The double range's first block needs the double block, a child and the data: 3. */
    cr_expect_eq(ext2_file_write(probe, (uint64_t)DOUBLE * K, "d", 1), -ENOSPC);
    cr_expect_eq(fs_test_free_blocks(&m), 2, "a failed write must give back the blocks it took");
    cr_expect_eq(blocks_of(probe), 0);
    /* The single range's first needs 2: it fits, and the disk is full. */
    cr_expect_eq(ext2_file_write(probe, (uint64_t)SINGLE * K, "s", 1), 1);
    cr_expect_eq(fs_test_free_blocks(&m), 0);
    cr_expect_eq(blocks_of(probe), 2);
    /* A slow symlink needs a block; a fast one does not, and no inode may be lost either. */
    char slow[100];
    memset(slow, 's', sizeof(slow) - 1);
    slow[sizeof(slow) - 1] = '\0';
    struct ext2_statfs st_before, st_after;
    ext2_statfs(m.fs, &st_before);
    cr_expect_eq(ext2_symlink(m.root, "slow", slow, NULL), -ENOSPC);
    ext2_statfs(m.fs, &st_after);
    cr_expect_eq(st_after.free_inodes, st_before.free_inodes, "the failed symlink kept its inode");
    cr_expect_eq(ext2_symlink(m.root, "fast", "filler", NULL), 0);
    ext2_iput(probe);
    ext2_iput(filler);
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    char command[1024];
    snprintf(
        command, sizeof(command),
        "/usr/sbin/debugfs -R 'stat /fast' '%s' 2>/dev/null | grep -q 'Fast link dest: \"filler\"'",
        image);
    cr_expect_eq(fs_test_run(command), 0, "debugfs should see /fast as a fast link to filler");
}

/* ---- Damaged maps ---------------------------------------------------------------------------- */

/* Pointers out of range, into metadata, or looping back: -EUCLEAN, never a wild read. */
Test(bmap, damaged_pointers_give_euclean, .fini = teardown)
{
    static const struct {
        const char *image, *path;
    } cases[] = {
        {"corrupt/inode_block_range.img", "/sizes/direct_+1"},
        {"corrupt/inode_indirect_self.img", "/sizes/single_+1"},
        {"corrupt/indirect_range.img", "/sizes/single_+1"},
        {"corrupt/indirect_to_gdt.img", "/sizes/single_+1"},
        {"corrupt/indirect_to_bitmap.img", "/sizes/single_+1"},
        {"corrupt/dind_self.img", "/sizes/dchild_+1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *image = fs_test_copy_image(cases[i].image);
        struct fs_test_mount m;
        fs_test_mount(image, false, &m);
        struct ext2_inode *file = fs_test_get(&m, cases[i].path, false);
        struct ext2_stat st;
        ext2_stat(file, &st);
        /* A read stops short before the damaged pointer; the next one reports it. */
        static uint8_t buf[64 * K];
        uint64_t offset = 0;
        int64_t got = 1;
        while (offset < st.size && got > 0) {
            got = ext2_file_read(file, offset, buf, sizeof(buf));
            offset += got > 0 ? (uint64_t)got : 0;
        }
        cr_expect_eq(got, -EUCLEAN, "%s: reading %s ends with %lld at byte %llu", cases[i].image,
                     cases[i].path, (long long)got, (unsigned long long)offset);
        /* Freeing through the damage must not free a block twice or a bitmap at all. */
        int err = ext2_file_truncate(file, 0);
        cr_expect_eq(err, -EUCLEAN, "%s: truncating %s gives %d", cases[i].image, cases[i].path,
                     err);
        ext2_iput(file);
        fs_test_unmount(&m);
    }
    const char *image = fs_test_copy_image("corrupt/symlink_size.img");
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    struct ext2_inode *link = fs_test_get(&m, "/links/fast", false);
    char target[64];
    cr_expect_eq(ext2_readlink(link, target, sizeof(target)), -EUCLEAN);
    ext2_iput(link);
    fs_test_unmount(&m);
}

/* ---- Symbolic links ------------------------------------------------------------------------ */

/* Targets on both sides of the fast/slow line, and the longest a 1 KiB block allows. */
Test(symlink, fast_and_slow_at_every_length_edge, .fini = teardown)
{
    const char *image = fs_test_copy_image("b1k.img");
    static const size_t lengths[] = {1, 58, 59, 60, 61, 500, 1023};
    enum { COUNT = sizeof(lengths) / sizeof(lengths[0]) };
    static char targets[COUNT][1024];
    struct fs_test_mount m;
    fs_test_mount(image, false, &m);
    for (int i = 0; i < COUNT; i++) {
        size_t len = lengths[i];
        for (size_t k = 0; k < len; k++)
            targets[i][k] = (char)('a' + (k * 5 + (size_t)i) % 26);
        targets[i][len] = '\0';
        char name[32];
        snprintf(name, sizeof(name), "l%zu", len);
        uint64_t before = fs_test_free_blocks(&m);
        struct ext2_inode *link = NULL;
        cr_assert_eq(ext2_symlink(m.root, name, targets[i], &link), 0, "symlink of %zu bytes", len);
        struct ext2_stat st;
        ext2_stat(link, &st);
        cr_expect_eq(st.size, len, "%s: i_size %llu", name, (unsigned long long)st.size);
        uint64_t blocks = len < 60 ? 0 : 1; /* fast below 60 bytes, else one data block */
        cr_expect_eq(st.blocks, blocks * 2, "%s: i_blocks %llu, expected %llu", name,
                     (unsigned long long)st.blocks, (unsigned long long)blocks * 2);
        cr_expect_eq(fs_test_free_blocks(&m), before - blocks, "%s: blocks taken", name);
        /* Read back exactly; no NUL is added, and nothing is written past the length. */
        char back[1100];
        memset(back, '#', sizeof(back));
        cr_expect_eq(ext2_readlink(link, back, sizeof(back)), (int)len, "%s: readlink", name);
        cr_expect_arr_eq(back, targets[i], len, "%s: target read back", name);
        cr_expect_eq(back[len], '#', "%s: readlink wrote past the target", name);
        /* A short buffer gets the start of the target, and nothing past the buffer. */
        memset(back, '#', sizeof(back));
        size_t small = len < 10 ? len : 10;
        cr_expect_eq(ext2_readlink(link, back, 10), (int)small, "%s: readlink into 10 bytes", name);
        cr_expect_arr_eq(back, targets[i], small);
        cr_expect_eq(back[10], '#', "%s: readlink into 10 bytes wrote past them", name);
        ext2_iput(link);
    }
    fs_test_unmount(&m);
    fs_test_expect_clean(image);
    /* debugfs agrees: the short ones are fast links, the long ones dump their target. */
    for (int i = 0; i < COUNT; i++) {
        char command[2048];
        snprintf(command, sizeof(command),
                 "/usr/sbin/debugfs -R 'stat /l%zu' '%s' 2>/dev/null | grep -q 'Fast link dest'",
                 lengths[i], image);
        cr_expect_eq(fs_test_run(command) == 0, lengths[i] < 60,
                     "debugfs: l%zu should %sbe a fast link", lengths[i],
                     lengths[i] < 60 ? "" : "not ");
        if (lengths[i] >= 60) {
            char path[32];
            snprintf(path, sizeof(path), "/l%zu", lengths[i]);
            fs_test_expect_dump(image, path, (const uint8_t *)targets[i], lengths[i]);
        }
    }
}

/* The symlinks mke2fs made, fast and slow, read and followed. */
Test(symlink, reads_links_mke2fs_made, .fini = teardown)
{
    struct fs_manifest manifest;
    manifest_only("b1k.manifest", 'l', &manifest);
    cr_assert_gt(manifest.count, 8);
    struct fs_test_mount m;
    fs_test_mount(fs_test_image("b1k.img"), true, &m);
    char problem[512];
    cr_expect_eq(fs_test_check_tree(&m, &manifest, problem, sizeof(problem)), 0, "%s", problem);
    /* Following them: the fast /links/chain1 -> chain2 -> target, the absolute one. */
    struct ext2_inode *followed = fs_test_get(&m, "/links/chain1", true);
    struct ext2_inode *target = fs_test_get(&m, "/links/target", false);
    cr_expect_eq(ext2_inode_number(followed), ext2_inode_number(target));
    ext2_iput(followed);
    followed = fs_test_get(&m, "/links/absolute", true);
    cr_expect_eq(ext2_inode_number(followed), ext2_inode_number(target));
    ext2_iput(followed);
    ext2_iput(target);
    fs_test_unmount(&m);
    fs_manifest_free(&manifest);
}
