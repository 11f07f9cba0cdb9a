/*
 * The release binary must start on glibc 2.28 (RHEL 8). glibc 2.29 gave exp, exp2, log, log2 and pow new
 * symbol versions (faster code, same results within their documented error); the Swift runtime and the
 * other static objects ask for the default, newest one. The release link wraps them (--wrap=NAME, see
 * scripts/lib.sh) and these wrappers call the architecture's first versions, which every glibc has.
 */
#if defined(__x86_64__)
#define FIRST "GLIBC_2.2.5"
#elif defined(__aarch64__)
#define FIRST "GLIBC_2.17"
#else
#error "name this architecture's first glibc symbol version"
#endif

double first_exp(double x);
double first_exp2(double x);
double first_log(double x);
double first_log2(double x);
double first_pow(double x, double y);
__asm__(".symver first_exp, exp@" FIRST);
__asm__(".symver first_exp2, exp2@" FIRST);
__asm__(".symver first_log, log@" FIRST);
__asm__(".symver first_log2, log2@" FIRST);
__asm__(".symver first_pow, pow@" FIRST);

double __wrap_exp(double x) { return first_exp(x); }
double __wrap_exp2(double x) { return first_exp2(x); }
double __wrap_log(double x) { return first_log(x); }
double __wrap_log2(double x) { return first_log2(x); }
double __wrap_pow(double x, double y) { return first_pow(x, y); }
