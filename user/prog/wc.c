/*
 * wc [FILE...]: count lines, words and bytes of each file (or of standard
 * input), with a total when there are several.
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

static void print(const struct counts *c, const char *name)
{
    printf("%7ld %7ld %7ld%s%s\n", c->lines, c->words, c->bytes, name[0] ? " " : "", name);
}

int main(int argc, char **argv)
{
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
