/*
 * wc [-lwc] [FILE...]: count lines, words and bytes of each file (or of
 * standard input), with a total when there are several; -l, -w, -c print
 * only those counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct counts {
    long lines, words, bytes;
};

static int count(int fd, const char *name, struct counts *out)
{
    static char buffer[4096];
    bool in_word = false;
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof(buffer));
        if (got < 0) {
            dprintf(2, "wc: %s: %s\n", name, strerror(errno));
            return 1;
        }
        if (got == 0)
            return 0;
        out->bytes += got;
        for (ssize_t i = 0; i < got; i++) {
            char c = buffer[i];
            bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
            if (c == '\n')
                out->lines++;
            if (!space && !in_word)
                out->words++;
            in_word = !space;
        }
    }
}

static bool show_lines = true, show_words = true, show_bytes = true;

static void print(const struct counts *c, const char *name)
{
    char line[128];
    int used = 0;
    const long values[3] = {c->lines, c->words, c->bytes};
    const bool shown[3] = {show_lines, show_words, show_bytes};
    for (int i = 0; i < 3; i++) {
        if (shown[i])
            used += snprintf(line + used, sizeof(line) - (size_t)used, "%s%7ld",
                             used > 0 ? " " : "", values[i]);
    }
    printf("%s%s%s\n", line, name[0] != '\0' ? " " : "", name);
}

int main(int argc, char **argv)
{
    /* -l, -w, -c: only those counts. */
    int first = 1;
    if (first < argc && argv[first][0] == '-' && argv[first][1] != '\0') {
        show_lines = strchr(argv[first], 'l') != NULL;
        show_words = strchr(argv[first], 'w') != NULL;
        show_bytes = strchr(argv[first], 'c') != NULL;
        argv += 1;
        argc -= 1;
    }
    if (argc < 2) {
        struct counts c = {0, 0, 0};
        int status = count(STDIN_FILENO, "standard input", &c);
        print(&c, "");
        return status;
    }
    struct counts total = {0, 0, 0};
    int status = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            dprintf(2, "wc: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        struct counts c = {0, 0, 0};
        status |= count(fd, argv[i], &c);
        close(fd);
        print(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
    }
    if (argc > 2)
        print(&total, "total");
    return status;
}
