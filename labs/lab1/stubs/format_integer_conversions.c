    /*
     * Lab 1: one case per integer conversion (d i u o x X p): read the
     * argument at its length, decide the sign or prefix, and hand the
     * magnitude to write_integer. Until you do, every integer is printed
     * as the hexadecimal of its bits, so the kernel's log is readable and
     * the arguments after it still line up.
     */
    case 'd':
    case 'i':
        write_integer(out, spec, (uint64_t)next_signed(args, spec->length), 16, false, "");
        return true;
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        write_integer(out, spec, next_unsigned(args, spec->length), 16, false, "");
        return true;
    case 'p':
        write_integer(out, spec, (uintptr_t)va_arg(*args, void *), 16, false, "");
        return true;
