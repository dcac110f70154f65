/*
 * check.h: TAP output for the C tests (see tests/run).
 *
 *   CHECK(cond, "what %s", arg);   prints "ok - what" or "not ok - what"
 *   SKIP("what", "why");
 *   return check_exit();           0 when nothing failed
 */
#ifndef VIREO_TESTS_CHECK_H
#define VIREO_TESTS_CHECK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int check_failures;

static inline bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("%s - ", ok ? "ok" : "not ok");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    if (!ok) {
        printf("  (%s:%d)", file, line);
        check_failures++;
    }
    printf("\n");
    fflush(stdout);
    return ok;
}

#define CHECK(cond, ...) check_report((cond), __FILE__, __LINE__, __VA_ARGS__)
#define SKIP(what, why) (printf("ok - %s # SKIP %s\n", (what), (why)), fflush(stdout))
/* a diagnostic line, shown under a failing test */
#define NOTE(...) (printf("# "), printf(__VA_ARGS__), printf("\n"), fflush(stdout))

static inline int check_exit(void)
{
    return check_failures ? 1 : 0;
}

#endif
