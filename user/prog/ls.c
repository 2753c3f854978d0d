/*
 * ls [-l] [-a] [NAME...]: list directories (the current one without a
 * NAME), one entry a line, sorted. -a shows names that start with a dot;
 * -l adds the type and permissions, links, owner, size, and a symlink's
 * target.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool long_format;
static bool show_all;

static void mode_string(uint32_t mode, char out[11])
{
    static const char types[] = "?pc?d?b?-?l?s???";
    out[0] = types[(mode >> 12) & 0xf];
    const char *bits = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        out[1 + i] = (mode & (1u << (8 - i))) != 0 ? bits[i] : '-';
    out[10] = '\0';
}

/* One line for `name`, found at `path`. */
static void show(const char *path, const char *name)
{
    if (!long_format) {
        printf("%s\n", name);
        return;
    }
    struct stat st;
    if (lstat(path, &st) < 0) {
        dprintf(2, "ls: %s: %s\n", path, strerror(errno));
        return;
    }
    char mode[11];
    mode_string(st.st_mode, mode);
    char target[256] = "";
    if (S_ISLNK(st.st_mode)) {
        ssize_t length = readlink(path, target, sizeof(target) - 1);
        target[length > 0 ? length : 0] = '\0';
    }
    printf("%s %3u %4u %4u %8ld %s%s%s\n", mode, st.st_nlink, st.st_uid, st.st_gid, st.st_size,
           name, target[0] != '\0' ? " -> " : "", target);
}

static int compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sort(char **names, int count)
{
    for (int i = 1; i < count; i++) {
        char *name = names[i];
        int j = i - 1;
        for (; j >= 0 && compare(&names[j], &name) > 0; j--)
            names[j + 1] = names[j];
        names[j + 1] = name;
    }
}

static int list_directory(const char *path)
{
    DIR *dir = opendir(path);
    if (dir == NULL) {
        dprintf(2, "ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    int capacity = 64;
    int count = 0;
    char **names = malloc(sizeof(char *) * (size_t)capacity);
    struct dirent *entry;
    while (names != NULL && (entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.' && !show_all)
            continue;
        if (count == capacity) {
            capacity *= 2;
            names = realloc(names, sizeof(char *) * (size_t)capacity);
            if (names == NULL)
                break;
        }
        names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    if (names == NULL) {
        dprintf(2, "ls: out of memory\n");
        return 1;
    }
    sort(names, count);
    char full[4096];
    for (int i = 0; i < count; i++) {
        snprintf(full, sizeof(full), "%s/%s", path, names[i]);
        show(full, names[i]);
        free(names[i]);
    }
    free(names);
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1;
    for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
        for (const char *flag = argv[first] + 1; *flag != '\0'; flag++) {
            if (*flag == 'l') {
                long_format = true;
            } else if (*flag == 'a') {
                show_all = true;
            } else {
                dprintf(2, "usage: ls [-la] [NAME...]\n");
                return 2;
            }
        }
    }
    if (first == argc)
        return list_directory(".");
    int status = 0;
    for (int i = first; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) < 0 && lstat(argv[i], &st) < 0) {
            dprintf(2, "ls: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (argc - first > 1)
                printf("%s:\n", argv[i]);
            status |= list_directory(argv[i]);
        } else {
            show(argv[i], argv[i]);
        }
    }
    return status;
}
