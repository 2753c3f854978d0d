/*
 * fs_test_util.c: the shared helpers of the ext2 host tests (see fs_test_util.h).
 */
#include "fs_test_util.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs/bcache.h"
#include "fs/path.h"
#include "fs_host_shims.h"

/* ---- Mounting -------------------------------------------------------------------- */

int fs_test_try_mount(const char *image, bool read_only, struct fs_test_mount *m)
{
    return fs_test_try_mount_with(image, read_only, FS_TEST_BUFFERS, m);
}

int fs_test_try_mount_with(const char *image, bool read_only, uint32_t buffers,
                           struct fs_test_mount *m)
{
    memset(m, 0, sizeof(*m));
    cr_assert_eq(bcache_init(buffers), 0);
    m->dev = fs_host_image_open(image, read_only);
    cr_assert_not_null(m->dev, "cannot open %s", image);
    struct ext2_mount_options options = {.read_only = read_only, .clock = fs_host_clock};
    int err = ext2_mount(m->dev, &options, &m->fs);
    if (err == 0)
        cr_assert_eq(ext2_root(m->fs, &m->root), 0);
    return err;
}

void fs_test_mount(const char *image, bool read_only, struct fs_test_mount *m)
{
    int err = fs_test_try_mount(image, read_only, m);
    cr_assert_eq(err, 0, "mount %s: %d (%s)", image, err, fs_host_last_log);
}

void fs_test_unmount(struct fs_test_mount *m)
{
    if (m->root != NULL)
        ext2_iput(m->root);
    if (m->fs != NULL)
        cr_assert_eq(ext2_unmount(m->fs), 0, "unmount");
    fs_host_image_close(m->dev);
    bcache_shutdown();
    memset(m, 0, sizeof(*m));
}

/* ---- Images ---------------------------------------------------------------------- */

static char fs_test_paths[8][512];
static int fs_test_path_next;
static char fs_test_copies[16][512];
static int fs_test_copy_count;

const char *fs_test_image(const char *name)
{
    char *path = fs_test_paths[fs_test_path_next++ % 8];
    snprintf(path, 512, "%s/%s", FS_IMAGE_DIR, name);
    return path;
}

const char *fs_test_copy_image(const char *name)
{
    cr_assert_lt(fs_test_copy_count, 16);
    char *copy = fs_test_copies[fs_test_copy_count++];
    mkdir(FS_IMAGE_DIR "/tmp", 0755);
    char flat[256]; /* "corrupt/x.img" becomes "corrupt_x.img" */
    snprintf(flat, sizeof(flat), "%s", name);
    for (char *p = flat; *p != '\0'; p++) {
        if (*p == '/')
            *p = '_';
    }
    snprintf(copy, 512, "%s/tmp/%s.%d.%d", FS_IMAGE_DIR, flat, (int)getpid(), fs_test_copy_count);
    char command[1200];
    snprintf(command, sizeof(command), "cp --sparse=always '%s/%s' '%s'", FS_IMAGE_DIR, name, copy);
    cr_assert_eq(fs_test_run(command), 0, "%s", command);
    return copy;
}

void fs_test_remove_copies(void)
{
    for (int i = 0; i < fs_test_copy_count; i++)
        unlink(fs_test_copies[i]);
    fs_test_copy_count = 0;
}

/* ---- The oracle ------------------------------------------------------------------- */

int fs_test_run(const char *command)
{
    int status = system(command);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int fs_test_e2fsck(const char *image, char *output, size_t size)
{
    char command[1024];
    snprintf(command, sizeof(command), "/usr/sbin/e2fsck -fn '%s' 2>&1", image);
    FILE *pipe = popen(command, "r");
    cr_assert_not_null(pipe);
    size_t used = 0;
    char line[512];
    while (fgets(line, sizeof(line), pipe) != NULL) {
        size_t len = strlen(line);
        if (output != NULL && used + len < size) {
            memcpy(output + used, line, len);
            used += len;
        }
    }
    if (output != NULL && size > 0)
        output[used] = '\0';
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

uint8_t *fs_test_debugfs_dump(const char *image, const char *path, size_t *len)
{
    char out[600];
    snprintf(out, sizeof(out), "%s/tmp/dump.%d", FS_IMAGE_DIR, (int)getpid());
    mkdir(FS_IMAGE_DIR "/tmp", 0755);
    unlink(out);
    char command[5000];
    snprintf(command, sizeof(command), "/usr/sbin/debugfs -R 'dump \"%s\" %s' '%s' 2>/dev/null",
             path, out, image);
    if (fs_test_run(command) != 0)
        return NULL;
    FILE *f = fopen(out, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(size > 0 ? (size_t)size : 1);
    size_t got = fread(data, 1, (size_t)size, f);
    fclose(f);
    unlink(out);
    cr_assert_eq(got, (size_t)size);
    *len = (size_t)size;
    return data;
}

long long fs_test_dumpe2fs_field(const char *image, const char *field)
{
    char command[1024];
    snprintf(command, sizeof(command), "/usr/sbin/dumpe2fs -h '%s' 2>/dev/null", image);
    FILE *pipe = popen(command, "r");
    cr_assert_not_null(pipe);
    char line[512];
    long long value = -1;
    size_t field_len = strlen(field);
    while (fgets(line, sizeof(line), pipe) != NULL) {
        if (strncmp(line, field, field_len) == 0 && line[field_len] == ':')
            value = atoll(line + field_len + 1);
    }
    pclose(pipe);
    return value;
}

/* ---- Content --------------------------------------------------------------------- */

uint32_t fs_crc32(uint32_t crc, const void *data, size_t len)
{
    static uint32_t table[256];
    if (table[1] == 0) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
    }
    const uint8_t *p = data;
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

void fs_test_pattern(uint32_t seed, uint64_t offset, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t x = (offset + i) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)seed << 32);
        x ^= x >> 29;
        out[i] =
            (uint8_t)(x * 0xBF58476D1CE4E5B9ull >> 56) | 1; /* never 0: no block reads as a hole */
    }
}

uint8_t *fs_test_read_all(struct ext2_inode *inode, size_t *len)
{
    struct ext2_stat st;
    ext2_stat(inode, &st);
    uint8_t *data = malloc(st.size > 0 ? st.size : 1);
    uint64_t done = 0;
    while (done < st.size) {
        int64_t got = ext2_file_read(inode, done, data + done, st.size - done);
        if (got <= 0) {
            free(data);
            return NULL;
        }
        done += (uint64_t)got;
    }
    *len = st.size;
    return data;
}

uint64_t fs_test_free_blocks(struct fs_test_mount *m)
{
    struct ext2_statfs st;
    ext2_statfs(m->fs, &st);
    return st.free_blocks;
}

struct ext2_inode *fs_test_get(struct fs_test_mount *m, const char *path, bool follow)
{
    struct ext2_inode *inode = NULL;
    int err = path_lookup(m->fs, m->root, path, follow ? PATH_FOLLOW : 0, &inode);
    cr_assert_eq(err, 0, "lookup %s: %d", path, err);
    return inode;
}

/* ---- Manifests -------------------------------------------------------------------- */

void fs_manifest_load(const char *name, struct fs_manifest *m)
{
    FILE *f = fopen(fs_test_image(name), "r");
    cr_assert_not_null(f, "manifest %s", name);
    size_t capacity = 1024;
    m->entries = calloc(capacity, sizeof(*m->entries));
    m->count = 0;
    static char line[9000];
    while (fgets(line, sizeof(line), f) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == 'x') {
            struct fs_manifest_entry *e = &m->entries[m->count - 1];
            cr_assert_lt(e->range_count, FS_MANIFEST_MAX_RANGES);
            unsigned long long offset, length;
            unsigned crc;
            cr_assert_eq(sscanf(line, "x %llu %llu %x", &offset, &length, &crc), 3);
            e->ranges[e->range_count].offset = offset;
            e->ranges[e->range_count].length = length;
            e->ranges[e->range_count].crc = crc;
            e->range_count++;
            continue;
        }
        if (m->count == capacity) {
            capacity *= 2;
            m->entries = realloc(m->entries, capacity * sizeof(*m->entries));
        }
        struct fs_manifest_entry *e = &m->entries[m->count++];
        memset(e, 0, sizeof(*e));
        char size[32], crc[16];
        unsigned mode, nlink, mtime;
        int fields = sscanf(line, "%c %o %u %31s %u %15s %4095s %4095s", &e->kind, &mode, &nlink,
                            size, &mtime, crc, e->path, e->target);
        cr_assert_geq(fields, 7, "manifest line: %s", line);
        e->mode = mode;
        e->nlink = nlink;
        e->mtime = mtime;
        e->size = strtoull(size, NULL, 10);
        e->has_crc = crc[0] != '-';
        e->crc = (uint32_t)strtoul(crc, NULL, 16);
    }
    fclose(f);
}

void fs_manifest_free(struct fs_manifest *m)
{
    free(m->entries);
    m->entries = NULL;
    m->count = 0;
}

/* ---- The tree checker ------------------------------------------------------------- */

struct fs_check {
    int mismatches;
    char *problem;
    size_t size;
    const struct fs_manifest_entry **sorted; /* the entries by path, for bsearch */
    size_t count;
};

__attribute__((format(printf, 2, 3))) static void fs_check_fail(struct fs_check *c, const char *fmt,
                                                                ...)
{
    if (c->mismatches++ == 0) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(c->problem, c->size, fmt, args);
        va_end(args);
    }
}

static uint16_t fs_kind_type(char kind)
{
    return kind == 'f' ? EXT2_S_IFREG : kind == 'd' ? EXT2_S_IFDIR : EXT2_S_IFLNK;
}

/* CRC32 of [offset, offset + length) of the file, read in pieces. */
static int fs_check_crc(struct ext2_inode *inode, uint64_t offset, uint64_t length, uint32_t *crc)
{
    static uint8_t chunk[1 << 16];
    *crc = 0;
    while (length > 0) {
        size_t want = length < sizeof(chunk) ? (size_t)length : sizeof(chunk);
        int64_t got = ext2_file_read(inode, offset, chunk, want);
        if (got != (int64_t)want)
            return got < 0 ? (int)got : -1;
        *crc = fs_crc32(*crc, chunk, want);
        offset += want;
        length -= want;
    }
    return 0;
}

static void fs_check_file(struct fs_check *c, const struct fs_manifest_entry *e,
                          struct ext2_inode *inode)
{
    uint32_t crc;
    if (e->has_crc) {
        int err = fs_check_crc(inode, 0, e->size, &crc);
        if (err != 0 || crc != e->crc)
            fs_check_fail(c, "%s: crc %08x, expected %08x (read %d)", e->path, crc, e->crc, err);
        return;
    }
    for (int i = 0; i < e->range_count; i++) {
        int err = fs_check_crc(inode, e->ranges[i].offset, e->ranges[i].length, &crc);
        if (err != 0 || crc != e->ranges[i].crc)
            fs_check_fail(c, "%s: range %d crc %08x, expected %08x (read %d)", e->path, i, crc,
                          e->ranges[i].crc, err);
        /* The block before a range is a hole in these files: zeros. */
        uint8_t before[512];
        uint64_t at = e->ranges[i].offset >= 4096 ? e->ranges[i].offset - 4096 : UINT64_MAX;
        if (at != UINT64_MAX && ext2_file_read(inode, at, before, sizeof(before)) == 512) {
            for (size_t k = 0; k < sizeof(before); k++) {
                if (before[k] != 0) {
                    fs_check_fail(c, "%s: byte %llu in a hole is %u", e->path,
                                  (unsigned long long)(at + k), before[k]);
                    break;
                }
            }
        }
    }
}

static void fs_check_symlink(struct fs_check *c, const struct fs_manifest_entry *e,
                             struct ext2_inode *inode)
{
    static char target[4096];
    int len = ext2_readlink(inode, target, sizeof(target));
    if (len != (int)strlen(e->target) || memcmp(target, e->target, (size_t)len) != 0)
        fs_check_fail(c, "%s: readlink gives %d bytes, expected '%s'", e->path, len, e->target);
}

static int fs_compare_entries(const void *a, const void *b)
{
    const struct fs_manifest_entry *const *x = a;
    const struct fs_manifest_entry *const *y = b;
    return strcmp((*x)->path, (*y)->path);
}

static const struct fs_manifest_entry *fs_check_find(const struct fs_check *c, const char *path)
{
    struct fs_manifest_entry key;
    if (strlen(path) >= sizeof(key.path))
        return NULL;
    strcpy(key.path, path);
    const struct fs_manifest_entry *key_pointer = &key;
    const struct fs_manifest_entry **found =
        bsearch(&key_pointer, c->sorted, c->count, sizeof(*c->sorted), fs_compare_entries);
    return found != NULL ? *found : NULL;
}

/* The directory's listing must be exactly the manifest's children of it, with the right types. */
static void fs_check_listing(struct fs_check *c, const struct fs_manifest *manifest,
                             const struct fs_manifest_entry *e, struct ext2_inode *dir)
{
    size_t prefix = strlen(e->path);
    size_t expected = 0;
    for (size_t i = 0; i < manifest->count; i++) {
        const char *p = manifest->entries[i].path;
        if (strncmp(p, e->path, prefix) == 0 && p[prefix] == '/' && !strchr(p + prefix + 1, '/'))
            expected++;
    }
    size_t seen = 0;
    struct ext2_dirent d;
    uint64_t offset = 0;
    int got;
    while ((got = ext2_readdir(dir, offset, &d)) == 1) {
        offset = d.next_offset;
        if (strcmp(d.name, ".") == 0 || strcmp(d.name, "..") == 0)
            continue;
        seen++;
        char child[8192];
        snprintf(child, sizeof(child), "%s/%s", e->path, d.name);
        const struct fs_manifest_entry *match = fs_check_find(c, child);
        if (match == NULL)
            fs_check_fail(c, "%s: readdir gives '%s', not in the manifest", e->path, d.name);
        else if (d.type != fs_kind_type(match->kind) >> 12)
            fs_check_fail(c, "%s: type %u, expected %u", child, d.type,
                          fs_kind_type(match->kind) >> 12);
    }
    if (got < 0 || seen != expected)
        fs_check_fail(c, "%s: readdir gives %zu names (error %d), expected %zu", e->path, seen, got,
                      expected);
}

static void fs_check_entry(struct fs_check *c, struct fs_test_mount *m,
                           const struct fs_manifest *manifest, const struct fs_manifest_entry *e)
{
    struct ext2_inode *inode;
    int err = path_lookup(m->fs, m->root, e->path, 0, &inode);
    if (err != 0) {
        fs_check_fail(c, "%s: lookup %d", e->path, err);
        return;
    }
    struct ext2_stat st;
    ext2_stat(inode, &st);
    if ((st.mode & EXT2_S_IFMT) != fs_kind_type(e->kind) || (st.mode & 07777) != e->mode)
        fs_check_fail(c, "%s: mode 0%o, expected %c 0%o", e->path, st.mode, e->kind, e->mode);
    if (st.links != e->nlink)
        fs_check_fail(c, "%s: %u links, expected %u", e->path, st.links, e->nlink);
    if (e->kind != 'd' && st.size != e->size)
        fs_check_fail(c, "%s: size %llu, expected %llu", e->path, (unsigned long long)st.size,
                      (unsigned long long)e->size);
    if (st.mtime != e->mtime)
        fs_check_fail(c, "%s: mtime %u, expected %u", e->path, st.mtime, e->mtime);
    if (e->kind == 'f')
        fs_check_file(c, e, inode);
    else if (e->kind == 'l')
        fs_check_symlink(c, e, inode);
    else
        fs_check_listing(c, manifest, e, inode);
    ext2_iput(inode);
}

int fs_test_check_tree(struct fs_test_mount *m, const struct fs_manifest *manifest, char *problem,
                       size_t size)
{
    struct fs_check c = {.mismatches = 0, .problem = problem, .size = size};
    problem[0] = '\0';
    c.count = manifest->count;
    c.sorted = malloc(c.count * sizeof(*c.sorted));
    for (size_t i = 0; i < c.count; i++)
        c.sorted[i] = &manifest->entries[i];
    qsort(c.sorted, c.count, sizeof(*c.sorted), fs_compare_entries);
    for (size_t i = 0; i < manifest->count; i++)
        fs_check_entry(&c, m, manifest, &manifest->entries[i]);
    free(c.sorted);
    return c.mismatches;
}

/* ---- Writing and checking what was written ------------------------------------------ */

struct ext2_inode *fs_test_create(struct fs_test_mount *m, const char *path)
{
    struct path_parent parent;
    int err = path_lookup_parent(m->fs, m->root, path, &parent);
    cr_assert_eq(err, 0, "parent of %s: %d", path, err);
    struct ext2_inode *inode = NULL;
    err = ext2_create(parent.dir, parent.name, 0644, &inode);
    path_parent_release(&parent);
    cr_assert_eq(err, 0, "create %s: %d", path, err);
    return inode;
}

void fs_test_write_pattern(struct ext2_inode *inode, uint32_t seed, uint64_t offset, uint64_t len,
                           size_t chunk)
{
    uint8_t *buf = malloc(chunk);
    for (uint64_t done = 0; done < len;) {
        size_t piece = len - done < chunk ? (size_t)(len - done) : chunk;
        fs_test_pattern(seed, offset + done, buf, piece);
        int64_t wrote = ext2_file_write(inode, offset + done, buf, piece);
        cr_assert_eq(wrote, (int64_t)piece, "write at %llu: %lld",
                     (unsigned long long)(offset + done), (long long)wrote);
        done += piece;
    }
    free(buf);
}

void fs_test_expect_clean(const char *image)
{
    static char output[16384];
    int status = fs_test_e2fsck(image, output, sizeof(output));
    cr_expect_eq(status, 0, "e2fsck -fn %s exited %d:\n%s", image, status, output);
}

bool fs_test_dump_matches(const char *image, const char *path, const uint8_t *expected, size_t len,
                          char *why, size_t why_size)
{
    size_t got_len = 0;
    uint8_t *got = fs_test_debugfs_dump(image, path, &got_len);
    if (got == NULL) {
        snprintf(why, why_size, "%s: debugfs could not dump it", path);
        return false;
    }
    bool same = got_len == len;
    if (!same)
        snprintf(why, why_size, "%s: debugfs dumps %zu bytes, expected %zu", path, got_len, len);
    size_t common = got_len < len ? got_len : len;
    for (size_t i = 0; i < common && same; i++) {
        if (got[i] != expected[i]) {
            snprintf(why, why_size, "%s: byte %zu is %u in debugfs's dump, expected %u", path, i,
                     got[i], expected[i]);
            same = false;
        }
    }
    free(got);
    return same;
}

void fs_test_expect_dump(const char *image, const char *path, const uint8_t *expected, size_t len)
{
    char why[512];
    cr_expect(fs_test_dump_matches(image, path, expected, len, why, sizeof(why)), "%s", why);
}

void fs_test_expect_dump_pattern(const char *image, const char *path, uint32_t seed, size_t size)
{
    uint8_t *expected = malloc(size > 0 ? size : 1);
    fs_test_pattern(seed, 0, expected, size);
    fs_test_expect_dump(image, path, expected, size);
    free(expected);
}

long long fs_test_debugfs_bmap(const char *image, const char *path, uint64_t lblock)
{
    char command[5000];
    snprintf(command, sizeof(command), "/usr/sbin/debugfs -R 'bmap \"%s\" %llu' '%s' 2>/dev/null",
             path, (unsigned long long)lblock, image);
    FILE *pipe = popen(command, "r");
    cr_assert_not_null(pipe);
    long long block = -1;
    if (fscanf(pipe, "%lld", &block) != 1)
        block = -1;
    pclose(pipe);
    return block;
}

void fs_test_read_image(const char *image, uint64_t offset, uint8_t *out, size_t len)
{
    FILE *f = fopen(image, "rb");
    cr_assert_not_null(f);
    cr_assert_eq(fseeko(f, (off_t)offset, SEEK_SET), 0);
    cr_assert_eq(fread(out, 1, len, f), len);
    fclose(f);
}
