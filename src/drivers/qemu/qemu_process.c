/*
 * qemu_process.c: start, attach to, watch and stop one QEMU process.
 *
 * QEMU is started (util/child.h) in a session of its own, so it
 * outlives vireod; its exit is seen through a pidfd, both by a watch on
 * the driver's I/O context (on_exit) and by qemu_proc_kill / spawn, which
 * poll the pidfd directly, never sleeping blindly.  Children are reaped
 * as soon as they exit.  Making the daemon a child subreaper is the
 * daemon's business, not this file's.
 */
#define LOG_CATEGORY "qemu.process"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "drivers/qemu/qemu_process.h"
#include "util/unix_socket.h"
#include "util/child.h"
#include "util/error.h"
#include "util/log.h"

/* What QEMU's own words are taken from, at most, for an error. */
#define PROC_LOG_TAIL 1024
/* A process still there this long after SIGKILL is stuck in the kernel. */
#define PROC_KILL_WAIT_MS 10000

/* Shared by a qemu_proc and its exit watch, so the watch never touches a
 * freed qemu_proc: p is cleared (under lock) by qemu_proc_free. */
struct qemu_proc_watch {
    GRecMutex lock;         /* held while on_exit runs */
    qemu_proc *p;           /* borrowed; NULL once freed */
};

static qemu_proc *proc_new(pid_t pid, const char *log_path, const char *monitor_path,
                           const char *pid_path, GMainContext *ctx,
                           qemu_proc_exit_cb on_exit, void *opaque)
{
    qemu_proc *p = g_new0(qemu_proc, 1);

    p->pid = pid;
    p->pidfd = -1;
    p->log_path = g_strdup(log_path);
    p->monitor_path = g_strdup(monitor_path);
    p->pid_path = g_strdup(pid_path);
    p->ctx = g_main_context_ref(ctx);
    p->on_exit = on_exit;
    p->opaque = opaque;
    g_mutex_init(&p->lock);
    return p;
}

/* Wait up to ms (-1: forever) for the process of pidfd to exit.  true
 * when it has. */
static bool pidfd_wait_exit(int pidfd, int ms)
{
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    int n;

    for (;;) {
        int left = ms < 0 ? -1 : (int)MAX(0, (deadline - g_get_monotonic_time()) / 1000);

        n = poll(&pfd, 1, left);
        if (n >= 0 || errno != EINTR)
            break;
    }
    return n > 0;
}

static bool proc_wait_exit(qemu_proc *p, int ms)
{
    return pidfd_wait_exit(p->pidfd, ms);
}

/* Record the exit status once the process has exited; reap it when it
 * is our child.  Returns the status (-1 when not our child). */
static int proc_reap(qemu_proc *p)
{
    int status = -1;

    g_mutex_lock(&p->lock);
    if (!p->reaped) {
        p->status = -1;
        if (p->child) {
            pid_t r;

            do
                r = waitpid(p->pid, &status, 0);
            while (r < 0 && errno == EINTR);
            if (r == p->pid)
                p->status = status;
            else
                log_warn("qemu pid %d: cannot reap: %s", p->pid, g_strerror(errno));
        }
        p->reaped = true;
        log_debug("qemu pid %d: exited with status %d", p->pid, p->status);
    }
    status = p->status;
    g_mutex_unlock(&p->lock);
    return status;
}

static void proc_remove_files(qemu_proc *p)
{
    if (p->monitor_path && unlink(p->monitor_path) < 0 && errno != ENOENT)
        log_warn("cannot remove monitor socket '%s': %s", p->monitor_path, g_strerror(errno));
    if (p->pid_path && unlink(p->pid_path) < 0 && errno != ENOENT)
        log_warn("cannot remove pid file '%s': %s", p->pid_path, g_strerror(errno));
}

/* ---- the exit watch ---- */

static void proc_watch_clear(gpointer data)
{
    g_rec_mutex_clear(&((qemu_proc_watch *)data)->lock);
}

static void proc_watch_release(gpointer data)
{
    g_atomic_rc_box_release_full(data, proc_watch_clear);
}

static gboolean proc_exit_ready(gint fd, GIOCondition cond, gpointer data)
{
    qemu_proc_watch *w = data;
    qemu_proc *p;

    (void)fd;
    (void)cond;
    g_rec_mutex_lock(&w->lock);
    p = w->p;
    if (p) {
        int status = proc_reap(p);

        p->exit_watch = 0;
        /* p may be freed by on_exit: not touched after it */
        if (p->on_exit)
            p->on_exit(p, status, p->opaque);
    }
    g_rec_mutex_unlock(&w->lock);
    return G_SOURCE_REMOVE;
}

static void proc_watch_exit(qemu_proc *p)
{
    g_autoptr(GSource) src = g_unix_fd_source_new(p->pidfd, G_IO_IN);
    qemu_proc_watch *w = g_atomic_rc_box_new0(qemu_proc_watch);

    g_rec_mutex_init(&w->lock);
    w->p = p;
    p->watch = w;
    g_source_set_callback(src, G_SOURCE_FUNC(proc_exit_ready), g_atomic_rc_box_acquire(w),
                          proc_watch_release);
    g_source_set_name(src, "qemu-exit");
    p->exit_watch = g_source_attach(src, p->ctx);
}

static void proc_unwatch_exit(qemu_proc *p)
{
    qemu_proc_watch *w = g_steal_pointer(&p->watch);
    GSource *src;

    if (!w)
        return;
    /* waits out an on_exit that is running (recursive when we are in it) */
    g_rec_mutex_lock(&w->lock);
    w->p = NULL;
    src = p->exit_watch ? g_main_context_find_source_by_id(p->ctx, p->exit_watch) : NULL;
    if (src)
        g_source_destroy(src);
    p->exit_watch = 0;
    g_rec_mutex_unlock(&w->lock);
    proc_watch_release(w);
}

void qemu_proc_free(qemu_proc *p)
{
    if (!p)
        return;
    proc_unwatch_exit(p);
    qmp_close(g_steal_pointer(&p->mon));
    if (p->pidfd >= 0 && (p->reaped || proc_wait_exit(p, 0))) {
        proc_reap(p);   /* no zombie left when it exited unwatched */
        proc_remove_files(p);
    }
    if (p->pidfd >= 0)
        close(p->pidfd);
    g_main_context_unref(p->ctx);
    g_mutex_clear(&p->lock);
    g_free(p->monitor_path);
    g_free(p->pid_path);
    g_free(p->log_path);
    g_free(p);
}

int qemu_proc_kill(qemu_proc *p, int grace_ms)
{
    if (!proc_wait_exit(p, 0)) {
        log_debug("qemu pid %d: SIGTERM", p->pid);
        if (pidfd_send_signal(p->pidfd, SIGTERM, NULL, 0) < 0 && errno != ESRCH) {
            error_report_system(VIREO_FROM_QEMU, errno, "cannot stop QEMU process %d", p->pid);
            return -1;
        }
        /* a stopped QEMU would keep SIGTERM pending until continued */
        pidfd_send_signal(p->pidfd, SIGCONT, NULL, 0);
        if (!proc_wait_exit(p, grace_ms)) {
            log_info("qemu pid %d: still there after %d ms, SIGKILL", p->pid, grace_ms);
            pidfd_send_signal(p->pidfd, SIGKILL, NULL, 0);
            if (!proc_wait_exit(p, PROC_KILL_WAIT_MS)) {
                error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                             "QEMU process %d did not exit %d ms after SIGKILL",
                             p->pid, PROC_KILL_WAIT_MS);
                return -1;
            }
        }
    }
    proc_reap(p);
    return 0;
}

/* ---- spawn ---- */

/* The command as one readable text, an option a line (as libvirt's log). */
static char *proc_command_text(GStrv argv)
{
    GString *s = g_string_new("LC_ALL=C");

    for (int i = 0; argv[i]; i++) {
        g_autofree char *q = g_shell_quote(argv[i]);

        g_string_append(s, i == 0 || argv[i][0] == '-' ? " \\\n" : " ");
        g_string_append(s, q);
    }
    return g_string_free(s, FALSE);
}

/* Open log_path for appending and write the header.  The fd (>= 3, close
 * on exec) and in *start the offset where QEMU's own output begins; -1
 * with the error set. */
static int proc_log_open(const char *log_path, GStrv argv, off_t *start)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    g_autofree char *cmd = proc_command_text(argv);
    g_autofree char *head = NULL;
    int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

    if (fd >= 0 && fd < 3) {
        int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);

        close(fd);
        fd = high;
    }
    if (fd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot open QEMU log '%s'", log_path);
        return -1;
    }
    /* %f gives microseconds; libvirt writes milliseconds */
    when[strlen(when) - 3] = '\0';
    head = g_strdup_printf("%s+0000: starting up vireo version: %d.%d.%d\n%s\n", when,
                           VIREO_VERSION_MAJOR, VIREO_VERSION_MINOR, VIREO_VERSION_MICRO, cmd);
    if (write(fd, head, strlen(head)) != (ssize_t)strlen(head) ||
        (*start = lseek(fd, 0, SEEK_END)) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot write QEMU log '%s'", log_path);
        close(fd);
        return -1;
    }
    return fd;
}

/* What QEMU wrote to its log since start: the last lines, at most
 * PROC_LOG_TAIL bytes, trimmed.  Never NULL. */
static char *proc_log_tail(const char *log_path, off_t start)
{
    g_autofree char *all = NULL;
    gsize len = 0;
    const char *from;

    if (!g_file_get_contents(log_path, &all, &len, NULL) || (gsize)start >= len)
        return g_strdup("");
    from = all + start;
    if (len - start > PROC_LOG_TAIL) {
        from = all + len - PROC_LOG_TAIL;
        if (strchr(from, '\n'))
            from = strchr(from, '\n') + 1;
    }
    return g_strstrip(g_strdup(from));
}

/* Retry connecting until QEMU listens, the process exits (seen at once
 * through the pidfd) or deadline passes.  The fd; -2 when the process
 * exited; -1 with the error set otherwise. */
static int proc_wait_monitor(qemu_proc *p, gint64 deadline, int timeout_ms)
{
    int interval = 2;

    for (;;) {
        int fd = unix_socket_connect(p->monitor_path);
        gint64 left;

        if (fd >= 0)
            return fd;
        if (errno != ENOENT && errno != ECONNREFUSED) {
            error_report_system(VIREO_FROM_QEMU, errno, "failed to connect to monitor socket '%s'",
                                p->monitor_path);
            return -1;
        }
        left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_TIMEOUT,
                         "QEMU pid %d did not open its monitor '%s' within %d ms",
                         p->pid, p->monitor_path, timeout_ms);
            return -1;
        }
        if (proc_wait_exit(p, (int)MIN(interval, left)))
            return -2;
        interval = MIN(interval * 2, 50);
    }
}

/* Spawn failed: put QEMU's own words in the error when it went away,
 * stop and reap it, remove its files, free p. */
static void proc_spawn_failed(qemu_proc *p, bool exited_early, off_t log_start)
{
    const vireo_error *err = error_last();
    bool closed = exited_early || (err && err->code == VIREO_ERR_OPERATION_FAILED);

    if (closed && !exited_early)
        proc_wait_exit(p, 1000);   /* it closed the monitor: it is exiting */
    if (!proc_wait_exit(p, 0))
        pidfd_send_signal(p->pidfd, SIGKILL, NULL, 0);
    proc_wait_exit(p, PROC_KILL_WAIT_MS);
    proc_reap(p);
    if (closed) {
        g_autofree char *tail = proc_log_tail(p->log_path, log_start);

        if (!*tail) {
            g_free(tail);
            tail = g_strdup_printf("QEMU pid %d exited with status %d", p->pid, p->status);
        }
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR, "%s: %s",
                     exited_early ? "process exited while connecting to monitor"
                                  : "qemu unexpectedly closed the monitor", tail);
    }
    log_warn("qemu pid %d: failed to start: %s", p->pid, error_last() ? error_last()->message : "");
    qmp_close(g_steal_pointer(&p->mon));
    proc_remove_files(p);
    qemu_proc_free(p);
}

qemu_proc *qemu_proc_spawn(GStrv argv, const char *log_path, const char *monitor_path,
                           const char *pid_path, GMainContext *ctx, int timeout_ms,
                           qmp_event_cb on_event, qemu_proc_exit_cb on_exit, void *opaque)
{
    return qemu_proc_spawn_fds(argv, NULL, 0, log_path, monitor_path, pid_path, ctx, timeout_ms,
                               on_event, on_exit, opaque);
}

qemu_proc *qemu_proc_spawn_fds(GStrv argv, const int *fds, size_t nfds, const char *log_path,
                               const char *monitor_path, const char *pid_path, GMainContext *ctx,
                               int timeout_ms, qmp_event_cb on_event, qemu_proc_exit_cb on_exit,
                               void *opaque)
{
    child_opts opts = { .fds = fds, .nfds = nfds, .uid = (uid_t)-1, .gid = (gid_t)-1 };

    return qemu_proc_spawn_as(argv, &opts, log_path, monitor_path, pid_path, ctx, timeout_ms,
                              on_event, on_exit, opaque);
}

qemu_proc *qemu_proc_spawn_as(GStrv argv, const child_opts *opts, const char *log_path,
                              const char *monitor_path, const char *pid_path, GMainContext *ctx,
                              int timeout_ms, qmp_event_cb on_event, qemu_proc_exit_cb on_exit,
                              void *opaque)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    off_t log_start = 0;
    qemu_proc *p;
    int log_fd, fd;
    pid_t pid;

    log_fd = proc_log_open(log_path, argv, &log_start);
    if (log_fd < 0)
        return NULL;
    /* a stale socket would only refuse connections, but be sure the one
     * we reach is this QEMU's */
    unlink(monitor_path);
    pid = child_spawn_as((const char *const *)argv, log_fd, log_fd, opts);
    if (pid < 0)
        error_report_system(VIREO_FROM_QEMU, errno, "cannot execute QEMU binary '%s'", argv[0]);
    close(log_fd);
    if (pid < 0)
        return NULL;
    p = proc_new(pid, log_path, monitor_path, pid_path, ctx, on_exit, opaque);
    p->child = true;
    p->pidfd = pidfd_open(pid, 0);
    if (p->pidfd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "cannot watch QEMU pid %d", pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        proc_remove_files(p);
        qemu_proc_free(p);
        return NULL;
    }
    log_debug("qemu pid %d: started, log '%s'", pid, log_path);
    fd = proc_wait_monitor(p, deadline, timeout_ms);
    if (fd >= 0) {
        int left = (int)MAX(1, (deadline - g_get_monotonic_time()) / 1000);

        p->mon = qmp_open_fd(fd, monitor_path, ctx, left, on_event, NULL, opaque);
    }
    if (!p->mon) {
        proc_spawn_failed(p, fd == -2, log_start);
        return NULL;
    }
    proc_watch_exit(p);
    return p;
}

/* ---- attach ---- */

/* Whether pid's command line names monitor_path and its pid file (when
 * there) holds pid.  Sets the error when not. */
static bool proc_is_that_qemu(pid_t pid, const char *monitor_path, const char *pid_path)
{
    g_autofree char *cmdline_path = g_strdup_printf("/proc/%d/cmdline", pid);
    g_autofree char *cmdline = NULL;
    g_autofree char *pid_text = NULL;
    gsize len = 0;
    bool named = false;

    if (g_file_get_contents(cmdline_path, &cmdline, &len, NULL)) {
        for (gsize off = 0; off < len; off += strlen(cmdline + off) + 1)
            named = named || strstr(cmdline + off, monitor_path);
    }
    if (!named) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "process %d is not the QEMU of monitor '%s'", pid, monitor_path);
        return false;
    }
    if (pid_path && g_file_get_contents(pid_path, &pid_text, NULL, NULL) &&
        g_ascii_strtoll(pid_text, NULL, 10) != pid) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "pid file '%s' does not name process %d", pid_path, pid);
        return false;
    }
    return true;
}

qemu_proc *qemu_proc_attach(pid_t pid, const char *log_path, const char *monitor_path,
                            const char *pid_path, GMainContext *ctx, int timeout_ms,
                            qmp_event_cb on_event, qemu_proc_exit_cb on_exit, void *opaque)
{
    g_autoptr(qemu_proc) p = proc_new(pid, log_path, monitor_path, pid_path, ctx, on_exit, opaque);

    p->pidfd = pidfd_open(pid, 0);
    if (p->pidfd < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "QEMU process %d of monitor '%s' is gone: %s", pid, monitor_path,
                     g_strerror(errno));
        return NULL;
    }
    /* the pidfd pins the process we check: if it is still running after
     * the check, the pid was not reused in between */
    if (!proc_is_that_qemu(pid, monitor_path, pid_path))
        return NULL;
    if (proc_wait_exit(p, 0)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "QEMU process %d of monitor '%s' exited", pid, monitor_path);
        return NULL;
    }
    p->mon = qmp_open(monitor_path, ctx, timeout_ms, on_event, NULL, opaque);
    if (!p->mon)
        return NULL;
    log_debug("qemu pid %d: attached, monitor '%s'", pid, monitor_path);
    proc_watch_exit(p);
    return g_steal_pointer(&p);
}

/* ---- strays ---- */

/* The path after "-pidfile" in pid's command line, or NULL. */
static char *proc_pidfile_arg(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *cmdline = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &cmdline, &len, NULL))
        return NULL;
    for (gsize off = 0; off < len;) {
        const char *arg = cmdline + off;

        off += strlen(arg) + 1;
        if (strcmp(arg, "-pidfile") == 0 && off < len)
            return g_strdup(cmdline + off);
    }
    return NULL;
}

/* SIGKILL pid, if its command line still names pid_file; wait a while
 * for it to go.  true when it is gone. */
static bool proc_kill_stray(pid_t pid, const char *pid_file)
{
    g_autofree char *again = NULL;
    int pidfd = pidfd_open(pid, 0);
    bool gone;

    if (pidfd < 0)
        return errno == ESRCH;
    /* the pidfd pins the process: checked after it, the pid is not reused */
    again = proc_pidfile_arg(pid);
    if (g_strcmp0(again, pid_file) != 0) {
        close(pidfd);
        return true;
    }
    pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
    gone = pidfd_wait_exit(pidfd, PROC_KILL_WAIT_MS);
    close(pidfd);
    return gone;
}

void qemu_proc_kill_pid_file_holder(const char *pid_path)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    int fd = open(pid_path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return;
    /* QEMU holds a lock on its pid file while it runs: the holder's pid */
    rc = fcntl(fd, F_GETLK, &fl);
    close(fd);
    if (rc < 0 || fl.l_type == F_UNLCK || fl.l_pid <= 0)
        return;
    if (proc_kill_stray(fl.l_pid, pid_path))
        log_warn("killed QEMU pid %d ('%s'): a start or restore that never finished "
                 "launched it", (int)fl.l_pid, pid_path);
}

int qemu_proc_kill_strays(const char *run_dir, GHashTable *keep, GHashTable *spare)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *entry;
    int n = 0;

    while (proc && (entry = g_dir_read_name(proc))) {
        g_autofree char *pid_file = NULL;
        g_autofree char *dir = NULL;
        pid_t pid = (pid_t)g_ascii_strtoll(entry, NULL, 10);

        if (pid <= 0 || pid == getpid() || g_hash_table_contains(keep, GINT_TO_POINTER(pid)) ||
            !(pid_file = proc_pidfile_arg(pid)))
            continue;
        dir = g_path_get_dirname(pid_file);
        if (strcmp(dir, run_dir) != 0 || !g_str_has_suffix(pid_file, ".pid") ||
            g_hash_table_contains(spare, pid_file))
            continue;
        if (proc_kill_stray(pid, pid_file)) {
            log_warn("killed QEMU pid %d ('%s'): a start or restore that never finished "
                     "launched it", (int)pid, pid_file);
            n++;
        } else {
            log_error("QEMU pid %d ('%s') from an unfinished start survives SIGKILL", (int)pid,
                      pid_file);
        }
    }
    return n;
}
