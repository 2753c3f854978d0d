/*
 * fmtfloat: printf's floating-point conversions. The formatting is done by
 * glibc in user mode, so this tests that the kernel saves and restores the
 * FP registers (and fcsr) correctly across traps and context switches, and
 * that the stack is 16-byte aligned for the varargs code.
 */
#include <math.h>
#include "linuxtest.h"

int main(void)
{
    static const double values[] = {
        0.0,
        -0.0,
        1.0,
        -1.5,
        0.1,
        2.5,
        3.14159265358979,
        1e-10,
        6.02214076e23,
        123456789.125,
        1.0 / 3.0,
        5e-324,
        1.7976931348623157e308,
    };
    lt_init();
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++) {
        double v = values[i];
        printf("%%f=%f %%.3f=%.3f %%e=%e %%.2e=%.2e %%g=%g %%.10g=%.10g\n", v, v, v, v, v, v);
    }
    printf("width: [%10.2f] [%-10.2f] [%+.1e] [%010.3f]\n", 3.14159, 3.14159, 12345.678, -2.5);
    printf("inf: %f %e %g  nan: %f\n", INFINITY, -INFINITY, INFINITY, NAN);
    printf("float arg: %f\n", (double)1.1f);
    printf("long double: %Lf %Le\n", 1.0L / 7.0L, 2.0L / 3.0L);

    /* Compute something so the FPU is live across the write(2) calls above. */
    double sum = 0.0;
    for (int i = 1; i <= 1000; i++)
        sum += 1.0 / ((double)i * i);
    printf("sum 1/i^2, i=1..1000: %.12f\n", sum);
    CHECK(fabs(sum - 1.643934566681559) < 1e-12, "sum is right");
    CHECK(sqrt(2.0) * sqrt(2.0) > 1.9999999 && sqrt(2.0) < 1.4142136, "sqrt(2) is right");
    return lt_status();
}
