/*
 * lxc_monitor.c: the driver's end of a controller's monitor socket
 * (lxc_monitor.h).  The hello is read synchronously by the caller (a
 * start or a re-attach, job held); afterwards the socket is watched on
 * drv->ctx, and its end of file (after "exit STATUS", or without when
 * the controller died) queues LXC_TASK_ENDED for the run: the task,
 * with the job, cleans up.
 *
 * The watch and the owner share the monitor (reference-counted); its
 * mutex orders the watch's reads with lxc_monitor_close, which may run
 * on any thread (never with drv->doms.lock held: the watch takes that
 * lock after the monitor's to queue the task).
 */
#define LOG_CATEGORY "lxc.monitor"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "drivers/lxc/lxc_monitor.h"
#include "drivers/lxc/lxc_priv.h"
#include "util/unix_socket.h"
#include "util/error.h"
#include "util/log.h"

struct lxc_monitor {
    GMutex lock;
    dom_obj *dom;       /* a reference */
    guint run;
    int fd;             /* lock: -1 once closed */
    GSource *src;       /* lock: the watch on drv->ctx (a reference), NULL none */
    GString *buf;       /* lock: bytes of an unfinished line */
    int status;         /* lock: from "exit STATUS", -1 before */
    bool closed;        /* lock: lxc_monitor_close ran */
};

static void mon_clear(gpointer data)
{
    struct lxc_monitor *mon = data;

    g_mutex_clear(&mon->lock);
    if (mon->fd >= 0)
        close(mon->fd);
    g_string_free(mon->buf, TRUE);
    dom_obj_unref(mon->dom);
}

static void mon_release(gpointer data)
{
    g_atomic_rc_box_release_full(data, mon_clear);
}

/* Take the complete lines of mon->buf ("exit STATUS"). */
static void mon_parse(struct lxc_monitor *mon)
{
    char *nl;

    while ((nl = memchr(mon->buf->str, '\n', mon->buf->len))) {
        g_autofree char *line = g_strndup(mon->buf->str, (gsize)(nl - mon->buf->str));
        int status;

        g_string_erase(mon->buf, 0, (gssize)(nl - mon->buf->str) + 1);
        if (sscanf(line, "exit %d", &status) == 1)
            mon->status = status;
        else
            log_debug("monitor: unexpected line '%s'", line);
    }
}

static gboolean mon_ready(gint fd, GIOCondition cond, gpointer data)
{
    struct lxc_monitor *mon = data;
    lxc_drv *drv = lxc_dom_drv(mon->dom);
    bool end = false;
    char tmp[512];

    (void)cond;
    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        return G_SOURCE_REMOVE;
    }
    for (;;) {
        ssize_t n = read(fd, tmp, sizeof(tmp));

        if (n > 0) {
            g_string_append_len(mon->buf, tmp, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        end = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        break;
    }
    mon_parse(mon);
    if (end) {
        log_debug("monitor of run %u closed (status %d)", mon->run, mon->status);
        g_clear_pointer(&mon->src, g_source_unref);
        g_mutex_lock(&drv->doms.lock);
        /* a closing instance leaves the end to the next one */
        if (!drv->closing)
            lxc_task_push(mon->dom, LXC_TASK_ENDED, mon->run, mon->status);
        g_mutex_unlock(&drv->doms.lock);
    }
    g_mutex_unlock(&mon->lock);
    return end ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

int lxc_read_line(int fd, GString *buf, int timeout_ms, char **line)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    char *nl;

    while (!(nl = memchr(buf->str, '\n', buf->len))) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int left = (int)MAX(0, (deadline - g_get_monotonic_time()) / 1000);
        char tmp[512];
        ssize_t n;
        int r = poll(&pfd, 1, left);

        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        n = read(fd, tmp, sizeof(tmp));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return 0;
        g_string_append_len(buf, tmp, n);
    }
    *line = g_strndup(buf->str, (gsize)(nl - buf->str));
    g_string_erase(buf, 0, (gssize)(nl - buf->str) + 1);
    return 1;
}

/* Read the hello line within the deadline: "hello INIT_PID PTY_PATH". */
static int mon_hello(struct lxc_monitor *mon, const char *name, int timeout_ms,
                     pid_t *init_pid, char **pty)
{
    g_autofree char *line = NULL;
    char *path = NULL;
    int pid = 0;
    int r = lxc_read_line(mon->fd, mon->buf, timeout_ms, &line);

    if (r < 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_TIMEOUT,
                     "the controller of container '%s' did not say hello within %d ms", name,
                     timeout_ms);
        return -1;
    }
    if (r == 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED,
                     "the controller of container '%s' closed its monitor before hello", name);
        return -1;
    }
    if (sscanf(line, "hello %d %ms", &pid, &path) < 1 || pid <= 0) {
        free(path);
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "the controller of container '%s' said '%s' instead of hello", name, line);
        return -1;
    }
    *init_pid = pid;
    *pty = g_strdup(path);
    free(path);
    return 0;
}

struct lxc_monitor *lxc_monitor_open(dom_obj *dom, guint run, int timeout_ms, pid_t *init_pid,
                                     char **pty)
{
    lxc_drv *drv = lxc_dom_drv(dom);
    g_autofree char *name = NULL;
    g_autofree char *path = NULL;
    struct lxc_monitor *mon;

    g_mutex_lock(&drv->doms.lock);
    name = g_strdup(dom_obj_current(dom)->name);
    g_mutex_unlock(&drv->doms.lock);
    path = lxc_dom_path(drv, drv->run_dir, name, LXC_MONITOR_SUFFIX);
    *init_pid = 0;
    *pty = NULL;
    mon = g_atomic_rc_box_new0(struct lxc_monitor);
    g_mutex_init(&mon->lock);
    mon->dom = dom_obj_ref(dom);
    mon->run = run;
    mon->status = -1;
    mon->buf = g_string_new(NULL);
    mon->fd = unix_socket_connect(path);
    if (mon->fd < 0) {
        error_report_system(VIREO_FROM_LXC, errno,
                            "cannot connect to the monitor of container '%s' at '%s'", name,
                            path);
        mon_release(mon);
        return NULL;
    }
    if (mon_hello(mon, name, timeout_ms, init_pid, pty) < 0) {
        mon_release(mon);
        return NULL;
    }
    g_unix_set_fd_nonblocking(mon->fd, TRUE, NULL);
    mon->src = g_unix_fd_source_new(mon->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(mon->src, G_SOURCE_FUNC(mon_ready), g_atomic_rc_box_acquire(mon),
                          mon_release);
    g_source_set_name(mon->src, "lxc-monitor");
    g_mutex_lock(&mon->lock);
    g_source_attach(mon->src, drv->ctx);
    g_mutex_unlock(&mon->lock);
    log_debug("%s: monitor connected (init %d, pty %s)", name, (int)*init_pid,
              *pty ? *pty : "none");
    return mon;
}

void lxc_monitor_close(struct lxc_monitor *mon)
{
    if (!mon)
        return;
    g_mutex_lock(&mon->lock);
    mon->closed = true;
    if (mon->src) {
        /* a dispatch under way keeps its own reference and sees closed */
        g_source_destroy(mon->src);
        g_clear_pointer(&mon->src, g_source_unref);
    }
    if (mon->fd >= 0) {
        close(mon->fd);
        mon->fd = -1;
    }
    g_mutex_unlock(&mon->lock);
    mon_release(mon);
}
