/*
 * log.h: libvirt-style logging for every layer.
 *
 * Levels are libvirt's (1 debug, 2 info, 3 warning, 4 error).  Each file
 * names its category before logging:
 *
 *     #define LOG_CATEGORY "daemon.client"
 *     log_info("client %d: connected", id);
 *
 * A message goes out when its level reaches the threshold of the first
 * filter matching its category (libvirt's log_filters, "3:remote 4:event";
 * a filter matches when its text occurs in the category, or as a glob
 * when it has '*' or '?'), or the default level (log_level) when no
 * filter matches; then to every output whose own level it reaches
 * (libvirt's log_outputs, "1:file:PATH 3:stderr 2:syslog:vireod").
 *
 * Thread-safe: the settings and the outputs are guarded by one lock.
 */
#ifndef VIREO_UTIL_LOG_H
#define VIREO_UTIL_LOG_H

#include <glib.h>
#include <stdbool.h>

enum {
    VIREO_LOG_DEBUG = 1,
    VIREO_LOG_INFO = 2,
    VIREO_LOG_WARN = 3,
    VIREO_LOG_ERROR = 4,
};

/* Default threshold for categories no filter names (libvirt: 3). 0, or -1
 * with the error set when level is not 1..4. */
int log_set_level(int level);
int log_get_level(void);
/* Replace the filters ("LEVEL:MATCH ..."; "" clears).  0, or -1 with the
 * error set (VIREO_ERR_CONFIG_UNSUPPORTED naming the bad part), leaving
 * the filters unchanged. */
int log_set_filters(const char *spec);
/* Replace the outputs ("LEVEL:stderr", "LEVEL:file:PATH",
 * "LEVEL:syslog:IDENT", space-separated; "" means stderr at the default
 * level).  Files are opened for appending here.  0, or -1 with the error
 * set, leaving the outputs unchanged. */
int log_set_outputs(const char *spec);
/* Back to level 3, no filters, stderr. */
void log_reset(void);

/* Whether a message of level in category would go anywhere. */
bool log_enabled(int level, const char *category);
/* The threshold that applies to category (filters, then the default). */
int log_threshold(const char *category);

void log_message(int level, const char *category, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

#define log_debug(...) log_message(VIREO_LOG_DEBUG, LOG_CATEGORY, __VA_ARGS__)
#define log_info(...) log_message(VIREO_LOG_INFO, LOG_CATEGORY, __VA_ARGS__)
#define log_warn(...) log_message(VIREO_LOG_WARN, LOG_CATEGORY, __VA_ARGS__)
#define log_error(...) log_message(VIREO_LOG_ERROR, LOG_CATEGORY, __VA_ARGS__)

#endif
