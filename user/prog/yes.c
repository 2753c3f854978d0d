/*
 * yes [TEXT]: print TEXT (or "y") on a line, for ever: until the reader of
 * its output goes away and the write brings SIGPIPE.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *text = argc > 1 ? argv[1] : "y";
    char line[512];
    int length = snprintf(line, sizeof(line), "%s\n", text);
    if (length >= (int)sizeof(line))
        length = sizeof(line) - 1;
    for (;;) {
        if (write(STDOUT_FILENO, line, (size_t)length) < 0)
            return 1; /* EPIPE, if SIGPIPE did not end it first */
    }
}
