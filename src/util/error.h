/*
 * error.h: the thread's last error, with libvirt's code and domain numbers.
 *
 * Every failing function reports where the failure happens, with
 * error_report(), then returns -1 or NULL.  The API layer hands the
 * thread's error to the caller through vireo_error_last().
 */
#ifndef VIREO_UTIL_ERROR_H
#define VIREO_UTIL_ERROR_H

#include <glib.h>
#include "vireo/vireo.h"

/* Set the thread's error.  The message is libvirt's text for code
 * followed by ": " and the formatted detail ("Domain not found: no domain
 * with matching name 'web'"); a NULL fmt leaves the code's text alone. */
void error_report(int domain, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Like error_report with VIREO_ERR_SYSTEM_ERROR: detail + ": " + strerror(errnum). */
void error_report_system(int domain, int errnum, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Set the thread's error to a complete one received from elsewhere (the
 * wire): message is used as is. */
void error_set_full(int domain, int code, int level, const char *message,
                    const char *str1, const char *str2, const char *str3, int int1, int int2);

/* The thread's error, NULL when none.  Owned by the thread. */
const vireo_error *error_last(void);
void error_reset(void);

/* Copy the thread's error aside and put it back, so cleanup code that may
 * fail does not hide the first cause.  error_save returns NULL when there
 * is no error; error_restore takes ownership. */
vireo_error *error_save(void);
void error_restore(vireo_error *saved);
void error_free(vireo_error *err);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vireo_error, error_free)

/* libvirt's leading text for a code, e.g. "Domain not found". */
const char *error_code_text(int code);

#endif
