/*
 * log.c: levels, filters and outputs in libvirt's syntax.
 */
#define _GNU_SOURCE     /* gettid */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"

typedef struct log_filter {
    int level;
    char *match;        /* owned */
    bool glob;          /* match holds '*' or '?' */
} log_filter;

typedef enum { OUT_STDERR, OUT_FILE, OUT_SYSLOG } log_out_kind;

typedef struct log_output {
    int level;
    log_out_kind kind;
    FILE *file;         /* OUT_FILE: owned */
    char *ident;        /* OUT_SYSLOG: owned (openlog keeps the pointer) */
} log_output;

/* All guarded by log_lock. */
static GMutex log_lock;
static int log_level_default = VIREO_LOG_WARN;
static GPtrArray *log_filters;  /* of log_filter * */
static GPtrArray *log_outputs;  /* of log_output *; NULL: stderr at the default level */
static char *log_syslog_ident;  /* the ident openlog() holds */

static const char *const level_names[] = { "", "debug", "info", "warning", "error" };

static void log_filter_free(gpointer p)
{
    log_filter *f = p;

    g_free(f->match);
    g_free(f);
}

static void log_output_free(gpointer p)
{
    log_output *o = p;

    if (o->file)
        fclose(o->file);
    g_free(o->ident);
    g_free(o);
}

static bool log_level_ok(int level)
{
    return level >= VIREO_LOG_DEBUG && level <= VIREO_LOG_ERROR;
}

int log_set_level(int level)
{
    if (!log_level_ok(level)) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "log level %d is not between 1 (debug) and 4 (error)", level);
        return -1;
    }
    g_mutex_lock(&log_lock);
    log_level_default = level;
    g_mutex_unlock(&log_lock);
    return 0;
}

int log_get_level(void)
{
    int level;

    g_mutex_lock(&log_lock);
    level = log_level_default;
    g_mutex_unlock(&log_lock);
    return level;
}

/* "3:rest": the level and a pointer to rest, or -1. */
static int log_split_level(const char *item, const char **rest)
{
    if (item[0] < '1' || item[0] > '4' || item[1] != ':' || !item[2])
        return -1;
    *rest = item + 2;
    return item[0] - '0';
}

int log_set_filters(const char *spec)
{
    g_autoptr(GPtrArray) filters = g_ptr_array_new_with_free_func(log_filter_free);
    g_auto(GStrv) items = g_strsplit_set(spec ? spec : "", " \t\n", -1);

    for (char **it = items; *it; it++) {
        const char *match;
        int level;
        log_filter *f;

        if (!**it)
            continue;
        level = log_split_level(*it, &match);
        if (level < 0) {
            error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "log filter '%s' is not LEVEL:MATCH with LEVEL 1-4", *it);
            return -1;
        }
        if (*match == '+')  /* libvirt's "print a stack trace" mark */
            match++;
        f = g_new0(log_filter, 1);
        f->level = level;
        f->match = g_strdup(match);
        f->glob = strpbrk(match, "*?") != NULL;
        g_ptr_array_add(filters, f);
    }
    g_mutex_lock(&log_lock);
    g_clear_pointer(&log_filters, g_ptr_array_unref);
    log_filters = g_steal_pointer(&filters);
    g_mutex_unlock(&log_lock);
    return 0;
}

static log_output *log_output_parse(const char *item)
{
    const char *rest;
    int level = log_split_level(item, &rest);
    log_output *o;

    if (level < 0)
        goto bad;
    o = g_new0(log_output, 1);
    o->level = level;
    if (g_str_equal(rest, "stderr")) {
        o->kind = OUT_STDERR;
    } else if (g_str_has_prefix(rest, "file:") && rest[5]) {
        o->kind = OUT_FILE;
        o->file = fopen(rest + 5, "ae");
        if (!o->file) {
            error_report_system(VIREO_FROM_NONE, errno, "cannot open log file '%s'", rest + 5);
            log_output_free(o);
            return NULL;
        }
        setvbuf(o->file, NULL, _IOLBF, 0);
    } else if (g_str_has_prefix(rest, "syslog:") && rest[7]) {
        o->kind = OUT_SYSLOG;
        o->ident = g_strdup(rest + 7);
    } else {
        log_output_free(o);
        goto bad;
    }
    return o;

bad:
    error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "log output '%s' is not LEVEL:stderr, LEVEL:file:PATH or LEVEL:syslog:NAME",
                 item);
    return NULL;
}

int log_set_outputs(const char *spec)
{
    g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func(log_output_free);
    g_auto(GStrv) items = g_strsplit_set(spec ? spec : "", " \t\n", -1);
    const char *ident = NULL;

    for (char **it = items; *it; it++) {
        log_output *o;

        if (!**it)
            continue;
        if (!(o = log_output_parse(*it)))
            return -1;
        if (o->kind == OUT_SYSLOG)
            ident = o->ident;
        g_ptr_array_add(outputs, o);
    }
    g_mutex_lock(&log_lock);
    if (ident) {
        /* openlog keeps the pointer: keep our own copy alive for good */
        g_free(log_syslog_ident);
        log_syslog_ident = g_strdup(ident);
        openlog(log_syslog_ident, LOG_PID, LOG_DAEMON);
    }
    g_clear_pointer(&log_outputs, g_ptr_array_unref);
    if (outputs->len)
        log_outputs = g_steal_pointer(&outputs);
    g_mutex_unlock(&log_lock);
    return 0;
}

void log_reset(void)
{
    g_mutex_lock(&log_lock);
    log_level_default = VIREO_LOG_WARN;
    g_clear_pointer(&log_filters, g_ptr_array_unref);
    g_clear_pointer(&log_outputs, g_ptr_array_unref);
    g_mutex_unlock(&log_lock);
}

static bool log_filter_matches(const log_filter *f, const char *category)
{
    if (f->glob)
        return g_pattern_match_simple(f->match, category);
    return strstr(category, f->match) != NULL;
}

/* Called with log_lock held. */
static int log_threshold_locked(const char *category)
{
    if (log_filters) {
        for (guint i = 0; i < log_filters->len; i++) {
            const log_filter *f = log_filters->pdata[i];

            if (log_filter_matches(f, category))
                return f->level;
        }
    }
    return log_level_default;
}

int log_threshold(const char *category)
{
    int level;

    g_mutex_lock(&log_lock);
    level = log_threshold_locked(category);
    g_mutex_unlock(&log_lock);
    return level;
}

bool log_enabled(int level, const char *category)
{
    return level >= log_threshold(category);
}

static void log_write_one(const log_output *o, int level, const char *line, const char *msg)
{
    static const int syslog_prio[] = { LOG_DEBUG, LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };

    switch (o->kind) {
    case OUT_STDERR:
        fputs(line, stderr);
        break;
    case OUT_FILE:
        fputs(line, o->file);
        break;
    case OUT_SYSLOG:
        syslog(syslog_prio[level], "%s", msg);
        break;
    }
}

void log_message(int level, const char *category, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    g_autofree char *line = NULL;
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *stamp = NULL;
    va_list ap;

    if (!log_level_ok(level) || !log_enabled(level, category))
        return;
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    now = g_date_time_new_now_utc();
    stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    /* libvirt's layout: time: thread: level : category : message */
    line = g_strdup_printf("%.23s+0000: %d: %s : %s : %s\n", stamp, (int)gettid(),
                           level_names[level], category, msg);

    g_mutex_lock(&log_lock);
    if (!log_outputs) {
        fputs(line, stderr);
    } else {
        for (guint i = 0; i < log_outputs->len; i++) {
            const log_output *o = log_outputs->pdata[i];

            if (level >= o->level)
                log_write_one(o, level, line, msg);
        }
    }
    g_mutex_unlock(&log_lock);
}
