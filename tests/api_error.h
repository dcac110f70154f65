/*
 * api_error.h: the C tests that go through libvireo's public API check
 * the thread's last error (vireo_error_last) the same way.
 */
#ifndef VIREO_TESTS_API_ERROR_H
#define VIREO_TESTS_API_ERROR_H

#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "vireo/vireo.h"

static inline int err_code(void)
{
    const vireo_error *e = vireo_error_last();

    return e ? e->code : 0;
}

static inline const char *err_msg(void)
{
    const vireo_error *e = vireo_error_last();

    return e && e->message ? e->message : "(no error)";
}

/* The last error has code and its message contains part (if given);
 * a NOTE with what it is otherwise. */
static inline bool err_is(int code, const char *part)
{
    if (err_code() != code || (part && !strstr(err_msg(), part))) {
        NOTE("error: code %d, message: %s", err_code(), err_msg());
        return false;
    }
    return true;
}

#endif
