/*
 * rm [-r] [-f] NAME...: remove files; -r removes directories and all they
 * hold; -f says nothing of names that do not exist.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool recursive, force;

static int remove_path(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0) {
        if (force && errno == ENOENT)
            return 0;
        dprintf(2, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (unlink(path) == 0)
            return 0;
        dprintf(2, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!recursive) {
        dprintf(2, "rm: %s: is a directory (use -r)\n", path);
        return 1;
    }
    int status = 0;
    DIR *dir = opendir(path);
    if (dir == NULL) {
        dprintf(2, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct dirent *entry;
    char child[4096];
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        snprintf(child, sizeof(child), "%s/%s", path, entry->d_name);
        status |= remove_path(child);
        rewinddir(dir); /* entries moved under us: start over, the removed ones are gone */
    }
    closedir(dir);
    if (rmdir(path) < 0) {
        dprintf(2, "rm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        for (const char *flag = argv[i] + 1; *flag != '\0'; flag++) {
            if (*flag == 'r' || *flag == 'R') {
                recursive = true;
            } else if (*flag == 'f') {
                force = true;
            } else {
                dprintf(2, "usage: rm [-rf] NAME...\n");
                return 2;
            }
        }
    }
    int status = 0;
    for (; i < argc; i++)
        status |= remove_path(argv[i]);
    return status;
}
