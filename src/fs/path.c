/*
 * path.c: path lookup (see path.h). The walk keeps the directory reached so
 * far and the text still to resolve. A symbolic link met on the way is
 * spliced in: its target, then the rest of the path, become the new text,
 * and the walk goes on from the link's directory (or from the root, for an
 * absolute target). So the walk is a loop, not a recursion, and the count
 * of links followed bounds it.
 */
#include "fs/path.h"

#include "fs/ext2_internal.h"
#include "abi/errno.h"
#include "lib/string.h"
#include "mm/heap/heap.h"

struct path_walk {
    struct ext2_fs *fs;
    struct ext2_inode *dir; /* where the walk stands: a referenced directory */
    char *text;             /* the path still to resolve, PATH_MAX_LENGTH + 1 bytes */
    char *spare;            /* the buffer a symlink's target is spliced into */
    const char *position;   /* the next character of text to look at */
    int symlinks;           /* followed so far */
};

/* One component of the text, and what follows it. */
struct path_component {
    char name[EXT2_NAME_MAX + 1];
    const char *rest;    /* the text after the name (slashes included) */
    bool last;           /* only slashes follow */
    bool trailing_slash; /* it is the last, and a slash follows it */
};

static int path_walk_begin(struct path_walk *walk, struct ext2_fs *fs, struct ext2_inode *start,
                           const char *path)
{
    walk->fs = fs;
    walk->dir = NULL;
    walk->text = NULL;
    walk->spare = NULL;
    walk->symlinks = 0;
    size_t len = strnlen(path, PATH_MAX_LENGTH + 1);
    if (len == 0)
        return -ENOENT;
    if (len > PATH_MAX_LENGTH)
        return -ENAMETOOLONG;
    walk->text = kmalloc(PATH_MAX_LENGTH + 1);
    walk->spare = kmalloc(PATH_MAX_LENGTH + 1);
    if (walk->text == NULL || walk->spare == NULL)
        return -ENOMEM;
    memcpy(walk->text, path, len + 1);
    walk->position = walk->text;
    if (path[0] == '/' || start == NULL)
        return ext2_root(fs, &walk->dir);
    walk->dir = ext2_idup(start);
    return 0;
}

static void path_walk_end(struct path_walk *walk)
{
    if (walk->dir != NULL)
        ext2_iput(walk->dir);
    kfree(walk->text);
    kfree(walk->spare);
}

/* Move to `dir`, dropping the directory the walk stood in. */
static void path_walk_enter(struct path_walk *walk, struct ext2_inode *dir)
{
    ext2_iput(walk->dir);
    walk->dir = dir;
}

/* The next component at walk->position: false when only slashes (or nothing) are left. */
static int path_next_component(struct path_walk *walk, struct path_component *c, bool *found)
{
    const char *p = walk->position;
    while (*p == '/')
        p++;
    *found = *p != '\0';
    if (!*found)
        return 0;
    const char *end = p;
    while (*end != '\0' && *end != '/')
        end++;
    size_t len = (size_t)(end - p);
    if (len > EXT2_NAME_MAX)
        return -ENAMETOOLONG;
    memcpy(c->name, p, len);
    c->name[len] = '\0';
    c->rest = end;
    const char *after = end;
    while (*after == '/')
        after++;
    c->last = *after == '\0';
    c->trailing_slash = c->last && *end == '/';
    walk->position = end;
    return 0;
}

/* Splice the target of `link` in front of the rest of the text. */
static int path_follow(struct path_walk *walk, struct ext2_inode *link, const char *rest)
{
    if (++walk->symlinks > PATH_MAX_SYMLINKS)
        return -ELOOP;
    int len = ext2_readlink(link, walk->spare, PATH_MAX_LENGTH);
    if (len < 0)
        return len;
    if (len == 0)
        return -ENOENT;
    size_t rest_len = strlen(rest);
    if ((size_t)len + rest_len > PATH_MAX_LENGTH)
        return -ENAMETOOLONG;
    memcpy(walk->spare + len, rest, rest_len + 1);
    char *old = walk->text;
    walk->text = walk->spare;
    walk->spare = old;
    walk->position = walk->text;
    if (walk->text[0] == '/') {
        struct ext2_inode *root;
        int err = ext2_root(walk->fs, &root);
        if (err != 0)
            return err;
        path_walk_enter(walk, root);
    }
    return 0;
}

static bool path_is_symlink(struct ext2_inode *inode)
{
    return (ext2_inode_mode(inode) & EXT2_S_IFMT) == EXT2_S_IFLNK;
}

static bool path_is_dir(struct ext2_inode *inode)
{
    return (ext2_inode_mode(inode) & EXT2_S_IFMT) == EXT2_S_IFDIR;
}

/*
 * Walk until one component is left (stop_before_last), or to the end. On
 * return walk->dir is the directory reached, and *last the final component
 * (found false if the path had none, as in "/").
 */
static int path_walk_run(struct path_walk *walk, unsigned flags, bool stop_before_last,
                         struct path_component *last, bool *found)
{
    for (;;) {
        int err = path_next_component(walk, last, found);
        if (err != 0 || !*found)
            return err;
        if (!path_is_dir(walk->dir))
            return -ENOTDIR;
        if (last->last && stop_before_last)
            return 0;
        struct ext2_inode *child;
        err = ext2_lookup(walk->dir, last->name, &child);
        if (err != 0)
            return err;
        bool follow = !last->last || (flags & PATH_FOLLOW) || last->trailing_slash;
        if (follow && path_is_symlink(child)) {
            err = path_follow(walk, child, last->rest);
            ext2_iput(child);
            if (err != 0)
                return err;
            continue;
        }
        path_walk_enter(walk, child);
        if (last->last)
            return 0;
    }
}

int path_lookup(struct ext2_fs *fs, struct ext2_inode *start, const char *path, unsigned flags,
                struct ext2_inode **out)
{
    struct path_walk walk;
    struct path_component last;
    bool found;
    int err = path_walk_begin(&walk, fs, start, path);
    if (err == 0)
        err = path_walk_run(&walk, flags, false, &last, &found);
    /* "dir/" names a directory: a file there is -ENOTDIR. */
    if (err == 0 && found && last.trailing_slash && !path_is_dir(walk.dir))
        err = -ENOTDIR;
    if (err == 0) {
        *out = walk.dir;
        walk.dir = NULL;
    }
    path_walk_end(&walk);
    return err;
}

int path_lookup_parent(struct ext2_fs *fs, struct ext2_inode *start, const char *path,
                       struct path_parent *out)
{
    struct path_walk walk;
    struct path_component last;
    bool found;
    out->dir = NULL;
    int err = path_walk_begin(&walk, fs, start, path);
    if (err == 0)
        err = path_walk_run(&walk, 0, true, &last, &found);
    if (err == 0) {
        if (found) {
            memcpy(out->name, last.name, sizeof(out->name));
            out->trailing_slash = last.trailing_slash;
        } else {
            strncpy(out->name, ".", sizeof(out->name));
            out->trailing_slash = false;
        }
        out->dir = walk.dir;
        walk.dir = NULL;
    }
    path_walk_end(&walk);
    return err;
}

void path_parent_release(struct path_parent *parent)
{
    if (parent->dir != NULL)
        ext2_iput(parent->dir);
    parent->dir = NULL;
}
