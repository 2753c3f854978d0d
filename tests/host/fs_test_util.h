/*
 * fs_test_util.h: what the ext2 host tests share: mounting an image, fresh
 * copies of images to write on, the manifests scripts/fs_gen_tree.py writes,
 * a checker that compares a mounted tree with its manifest, and the oracle
 * (e2fsck, debugfs, dumpe2fs) run as child processes.
 */
#ifndef FS_TEST_UTIL_H
#define FS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fs/ext2.h"

#ifndef FS_IMAGE_DIR
#error "FS_IMAGE_DIR must name the directory of the generated images (tests/host/host.mk sets it)"
#endif

/* ---- Mounting -------------------------------------------------------------------- */

struct fs_test_mount {
    struct block_device *dev;
    struct ext2_fs *fs;
    struct ext2_inode *root;
};

#define FS_TEST_BUFFERS 256 /* the buffer cache's size in the tests */

/* bcache_init + open + ext2_mount + root; asserts on failure. */
void fs_test_mount(const char *image, bool read_only, struct fs_test_mount *m);
/* Like fs_test_mount, but returns ext2_mount's result (the cache and device stay set up). */
int fs_test_try_mount(const char *image, bool read_only, struct fs_test_mount *m);
/* The same with a buffer cache of `buffers` buffers. */
int fs_test_try_mount_with(const char *image, bool read_only, uint32_t buffers,
                           struct fs_test_mount *m);
/* iput root, unmount (asserting 0), close, bcache_shutdown. */
void fs_test_unmount(struct fs_test_mount *m);

/* ---- Images ---------------------------------------------------------------------- */

/* FS_IMAGE_DIR/NAME */
const char *fs_test_image(const char *name);
/* A fresh copy of FS_IMAGE_DIR/NAME, unique to this process; removed by fs_test_remove_copies. */
const char *fs_test_copy_image(const char *name);
void fs_test_remove_copies(void);

/* ---- The oracle ------------------------------------------------------------------- */

/* e2fsck -fn: its exit status (0: clean); its output in `output` if not NULL. */
int fs_test_e2fsck(const char *image, char *output, size_t size);
/* debugfs -R "dump PATH": the file's bytes (malloc'd), or NULL if debugfs failed. */
uint8_t *fs_test_debugfs_dump(const char *image, const char *path, size_t *len);
/* A numeric field of `dumpe2fs -h`, such as "Free blocks". */
long long fs_test_dumpe2fs_field(const char *image, const char *field);
/* Run a shell command, returning its exit status. */
int fs_test_run(const char *command);

/* ---- Content --------------------------------------------------------------------- */

uint32_t fs_crc32(uint32_t crc, const void *data, size_t len);
/* The deterministic bytes a test writes into file `name`: byte i is a hash of (seed, i). */
void fs_test_pattern(uint32_t seed, uint64_t offset, uint8_t *out, size_t len);
/* Read a whole file through ext2 (malloc'd, *len its size); NULL if a read fails. */
uint8_t *fs_test_read_all(struct ext2_inode *inode, size_t *len);
/* Look up a path (following a final symlink if asked); asserts success. */
struct ext2_inode *fs_test_get(struct fs_test_mount *m, const char *path, bool follow);
/* The file system's free block count, as statfs reports it. */
uint64_t fs_test_free_blocks(struct fs_test_mount *m);

/* ---- Manifests -------------------------------------------------------------------- */

#define FS_MANIFEST_MAX_RANGES 4

struct fs_manifest_entry {
    char kind; /* 'f', 'd', 'l' */
    uint32_t mode;
    uint32_t nlink;
    uint64_t size;
    uint32_t mtime;
    bool has_crc;
    uint32_t crc;
    char path[4096];
    char target[4096]; /* symlinks */
    int range_count;
    struct {
        uint64_t offset, length;
        uint32_t crc;
    } ranges[FS_MANIFEST_MAX_RANGES];
};

struct fs_manifest {
    struct fs_manifest_entry *entries;
    size_t count;
};

void fs_manifest_load(const char *name, struct fs_manifest *m); /* FS_IMAGE_DIR/NAME; asserts */
void fs_manifest_free(struct fs_manifest *m);

/*
 * Compare the mounted tree with the manifest: type, mode, link count, size,
 * mtime, contents (CRC32), symlink targets, and each directory's listing.
 * Returns the number of mismatches; the first is described in `problem`.
 */
int fs_test_check_tree(struct fs_test_mount *m, const struct fs_manifest *manifest, char *problem,
                       size_t size);

#endif

/* ---- Writing and checking what was written ------------------------------------------ */

/* Create the regular file `path` (its directory must exist); asserts. */
struct ext2_inode *fs_test_create(struct fs_test_mount *m, const char *path);
/* Write `len` bytes of pattern `seed` at `offset`, in pieces of `chunk` bytes; asserts every count.
 */
void fs_test_write_pattern(struct ext2_inode *inode, uint32_t seed, uint64_t offset, uint64_t len,
                           size_t chunk);
/* e2fsck -fn must find the image clean (exit 0); on failure its output is shown. */
void fs_test_expect_clean(const char *image);
/* Whether debugfs's dump of `path` equals `expected` (len bytes); if not, why. */
bool fs_test_dump_matches(const char *image, const char *path, const uint8_t *expected, size_t len,
                          char *why, size_t why_size);
/* debugfs's dump of `path` must equal `expected` (len bytes). */
void fs_test_expect_dump(const char *image, const char *path, const uint8_t *expected, size_t len);
/* The same where the file is pattern `seed` from offset 0 to `size`. */
void fs_test_expect_dump_pattern(const char *image, const char *path, uint32_t seed, size_t size);
/* debugfs bmap: the physical block of logical block `lblock` of `path` (0: a hole), or -1. */
long long fs_test_debugfs_bmap(const char *image, const char *path, uint64_t lblock);
/* `len` bytes of the image file at byte `offset`. */
void fs_test_read_image(const char *image, uint64_t offset, uint8_t *out, size_t len);
