/*
 * test-qemu-monitor: the QMP client and the QEMU process against the real
 * qemu-system-x86_64 (-machine none, no guest), the I/O context run on a
 * thread of our own as the driver's I/O thread would be.
 *
 * Every QEMU started here is recorded by pid and killed by pid on every
 * way out (normal end, failed check, fatal signal).
 */
#define _GNU_SOURCE   /* close_range */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "util/error.h"

#define MAX_PIDS 32

static GMainContext *ctx;
static char *dir;
static volatile pid_t pids[MAX_PIDS];

/* ---- every QEMU killed by pid, whatever happens ---- */

static void track(pid_t pid)
{
    for (int i = 0; i < MAX_PIDS; i++) {
        if (pids[i] == 0) {
            pids[i] = pid;
            return;
        }
    }
}

/* Forget a pid once its process is known gone, so no reused pid is hit. */
static void untrack(pid_t pid)
{
    for (int i = 0; i < MAX_PIDS; i++)
        if (pids[i] == pid)
            pids[i] = 0;
}

static void kill_all(void)
{
    for (int i = 0; i < MAX_PIDS; i++) {
        if (pids[i] > 0) {
            kill(pids[i], SIGKILL);
            kill(pids[i], SIGCONT);
        }
    }
}

static void on_fatal(int sig)
{
    kill_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void guard_processes(void)
{
    int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGABRT, SIGSEGV, SIGBUS, SIGALRM, SIGPIPE };

    for (gsize i = 0; i < G_N_ELEMENTS(sigs); i++)
        signal(sigs[i], on_fatal);
    atexit(kill_all);
}

/* ---- what the callbacks saw ---- */

typedef struct seen {
    GMutex lock;
    GCond cond;
    GPtrArray *events;      /* event names, in order */
    int eofs;
    int exits;
    int status;
    bool on_ctx_thread;     /* every callback ran on the loop's thread */
} seen;

static GThread *loop_thread;

static void seen_init(seen *s)
{
    memset(s, 0, sizeof(*s));
    g_mutex_init(&s->lock);
    g_cond_init(&s->cond);
    s->events = g_ptr_array_new_with_free_func(g_free);
    s->on_ctx_thread = true;
}

static void seen_clear(seen *s)
{
    g_ptr_array_unref(s->events);
    g_mutex_clear(&s->lock);
    g_cond_clear(&s->cond);
}

static void note_thread(seen *s)
{
    if (g_thread_self() != loop_thread)
        s->on_ctx_thread = false;
}

static void on_event(qmp *mon, const char *event, json_t *data, void *opaque)
{
    seen *s = opaque;

    (void)mon;
    g_mutex_lock(&s->lock);
    note_thread(s);
    if (data)
        g_ptr_array_add(s->events, g_strdup(event));
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
}

static void on_eof(qmp *mon, void *opaque)
{
    seen *s = opaque;

    (void)mon;
    g_mutex_lock(&s->lock);
    note_thread(s);
    s->eofs++;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
}

static void on_exit_cb(qemu_proc *p, int status, void *opaque)
{
    seen *s = opaque;

    (void)p;
    g_mutex_lock(&s->lock);
    note_thread(s);
    s->exits++;
    s->status = status;
    g_cond_broadcast(&s->cond);
    g_mutex_unlock(&s->lock);
}

static bool has_event(seen *s, const char *name)
{
    for (guint i = 0; i < s->events->len; i++)
        if (g_str_equal(g_ptr_array_index(s->events, i), name))
            return true;
    return false;
}

/* Wait (at most 5 s) for an event, an EOF or an exit. */
static bool wait_event(seen *s, const char *name)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
    bool ok;

    g_mutex_lock(&s->lock);
    while (!(ok = has_event(s, name)) && g_cond_wait_until(&s->cond, &s->lock, deadline))
        ;
    g_mutex_unlock(&s->lock);
    return ok;
}

static bool wait_count(seen *s, int *counter)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_TIME_SPAN_SECOND;
    bool ok;

    g_mutex_lock(&s->lock);
    while (!(ok = *counter > 0) && g_cond_wait_until(&s->cond, &s->lock, deadline))
        ;
    g_mutex_unlock(&s->lock);
    return ok;
}

/* ---- starting QEMUs ---- */

static char *path_of(const char *name, const char *ext)
{
    return g_strdup_printf("%s/%s.%s", dir, name, ext);
}

static GStrv qemu_argv(const char *name, const char *extra)
{
    g_autofree char *sock = path_of(name, "sock");
    g_autofree char *pidf = path_of(name, "pid");
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_auto(GStrv) more = extra ? g_strsplit(extra, " ", -1) : NULL;
    g_autofree char *qmp_arg = g_strdup_printf("unix:%s,server=on,wait=off", sock);
    g_autofree char *name_arg = g_strdup_printf("guest=%s", name);

    g_strv_builder_add_many(b, "qemu-system-x86_64", "-name", name_arg, "-machine", "none",
                            "-nodefaults", "-no-user-config", "-S", "-display", "none",
                            "-qmp", qmp_arg, "-pidfile", pidf, NULL);
    for (int i = 0; more && more[i]; i++)
        g_strv_builder_add(b, more[i]);
    return g_strv_builder_end(b);
}

static qemu_proc *spawn(const char *name, const char *extra, seen *s)
{
    g_auto(GStrv) argv = qemu_argv(name, extra);
    g_autofree char *sock = path_of(name, "sock");
    g_autofree char *pidf = path_of(name, "pid");
    g_autofree char *log = path_of(name, "log");
    qemu_proc *p;

    error_reset();
    p = qemu_proc_spawn(argv, log, sock, pidf, ctx, 10000, on_event, on_exit_cb, s);
    if (p)
        track(p->pid);
    else
        NOTE("spawn %s: %s", name, error_last() ? error_last()->message : "no error");
    return p;
}

static bool files_gone(const char *name)
{
    g_autofree char *sock = path_of(name, "sock");
    g_autofree char *pidf = path_of(name, "pid");

    return !g_file_test(sock, G_FILE_TEST_EXISTS) && !g_file_test(pidf, G_FILE_TEST_EXISTS);
}

static const char *status_of(json_t *ret)
{
    return json_string_value(json_object_get(ret, "status"));
}

static const char *err_text(void)
{
    return error_last() && error_last()->message ? error_last()->message : "";
}

static int err_code(void)
{
    return error_last() ? error_last()->code : 0;
}

/* ---- the loop thread ---- */

static gpointer run_loop(gpointer data)
{
    GMainLoop *loop = data;

    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
    return NULL;
}

/* ---- tests ---- */

static void test_commands(qemu_proc *a, seen *sa)
{
    json_auto_t *st = qmp_call(a->mon, "query-status", NULL, 5000);
    json_auto_t *r = NULL;
    json_auto_t *st2 = NULL;
    json_auto_t *schema = NULL;

    CHECK(st && g_strcmp0(status_of(st), "prelaunch") == 0, "query-status: prelaunch (%s)",
          st ? status_of(st) : err_text());
    r = qmp_call(a->mon, "cont", NULL, 5000);
    CHECK(json_is_object(r) && json_object_size(r) == 0, "cont returns {}");
    CHECK(wait_event(sa, "RESUME"), "cont: RESUME event delivered");
    st2 = qmp_call(a->mon, "query-status", NULL, 5000);
    CHECK(st2 && g_strcmp0(status_of(st2), "running") == 0, "query-status: running");
    json_decref(qmp_call(a->mon, "stop", NULL, 5000));
    CHECK(wait_event(sa, "STOP"), "stop: STOP event delivered");
    g_ptr_array_set_size(sa->events, 0);
    json_decref(qmp_call(a->mon, "cont", NULL, 5000));
    CHECK(wait_event(sa, "RESUME"), "cont again: RESUME event delivered");
    CHECK(sa->on_ctx_thread, "events run on the I/O context's thread");

    error_reset();
    r = (json_decref(r), qmp_call(a->mon, "no-such-command", NULL, 5000));
    CHECK(!r && err_code() == VIREO_ERR_INTERNAL_ERROR &&
              strstr(err_text(), "The command no-such-command has not been found"),
          "unknown command: QEMU's own error text (%s)", err_text());
    r = qmp_call(a->mon, "qom-get", json_pack("{s:s, s:s}", "path", "/machine", "property",
                                              "no-such-prop"), 5000);
    CHECK(!r && strstr(err_text(), "no-such-prop"), "command with arguments: QEMU's error (%s)",
          err_text());

    schema = qmp_call(a->mon, "query-qmp-schema", NULL, 10000);
    CHECK(json_is_array(schema) && json_array_size(schema) > 500,
          "large reply: query-qmp-schema has %zu entries", schema ? json_array_size(schema) : 0);
}

typedef struct caller {
    qmp *mon;
    int index;
    int right;
} caller;

static gpointer call_many(gpointer data)
{
    caller *c = data;

    for (int i = 0; i < 40; i++) {
        if ((i + c->index) % 2) {
            json_auto_t *r = qmp_call(c->mon, "query-name", NULL, 10000);

            c->right += g_strcmp0(json_string_value(json_object_get(r, "name")), "qa") == 0;
        } else {
            json_auto_t *r = qmp_call(c->mon, "query-status", NULL, 10000);

            c->right += g_strcmp0(status_of(r), "running") == 0;
        }
    }
    return NULL;
}

static void test_threads(qemu_proc *a)
{
    caller callers[8];
    GThread *threads[8];
    int right = 0;

    for (int i = 0; i < 8; i++) {
        callers[i] = (caller){ a->mon, i, 0 };
        threads[i] = g_thread_new("caller", call_many, &callers[i]);
    }
    for (int i = 0; i < 8; i++) {
        g_thread_join(threads[i]);
        right += callers[i].right;
    }
    CHECK(right == 8 * 40, "8 threads x 40 calls on one monitor: %d of 320 answered right", right);
}

typedef struct stuck_call {
    qmp *mon;
    gint64 elapsed_ms;
    bool failed;
    int code;
    char *message;
} stuck_call;

static gpointer call_stuck(gpointer data)
{
    stuck_call *c = data;
    gint64 t0 = g_get_monotonic_time();
    json_t *r = qmp_call(c->mon, "query-status", NULL, 700);

    c->elapsed_ms = (g_get_monotonic_time() - t0) / 1000;
    c->failed = !r;
    c->code = err_code();
    c->message = g_strdup(err_text());
    json_decref(r);
    return NULL;
}

static void test_stopped(qemu_proc *a, qemu_proc *b)
{
    stuck_call c = { a->mon };
    gint64 worst = 0;
    GThread *t;
    json_auto_t *again = NULL;

    kill(a->pid, SIGSTOP);
    t = g_thread_new("stuck", call_stuck, &c);
    for (int i = 0; i < 10; i++) {
        gint64 t0 = g_get_monotonic_time();
        json_auto_t *r = qmp_call(b->mon, "query-status", NULL, 5000);

        worst = MAX(worst, g_get_monotonic_time() - t0);
        if (!r)
            worst = G_MAXINT64;
    }
    g_thread_join(t);
    CHECK(worst < 200 * 1000, "another monitor answers while one QEMU is stopped (worst %" G_GINT64_FORMAT " us)", worst);
    CHECK(c.failed && c.code == VIREO_ERR_OPERATION_TIMEOUT && strstr(c.message, "query-status"),
          "SIGSTOPped QEMU: the call times out naming the command (%s)", c.message);
    CHECK(c.elapsed_ms >= 690 && c.elapsed_ms < 1500, "  within its timeout (%" G_GINT64_FORMAT " ms of 700)",
          c.elapsed_ms);
    g_free(c.message);
    kill(a->pid, SIGCONT);
    again = qmp_call(a->mon, "query-status", NULL, 5000);
    CHECK(again && status_of(again), "SIGCONT: the monitor answers again");
}

static void test_quit(void)
{
    seen s, s2;
    g_autofree char *sock2 = path_of("qb2", "sock");
    g_autofree char *extra = g_strdup_printf("-qmp unix:%s,server=on,wait=off", sock2);
    qemu_proc *b;
    qmp *second = NULL;
    json_t *r;

    seen_init(&s);
    seen_init(&s2);
    b = spawn("qb", extra, &s);
    CHECK(b != NULL, "spawn a QEMU with two monitors");
    if (b)
        second = qmp_open(sock2, ctx, 5000, on_event, on_eof, &s2);
    CHECK(second != NULL, "qmp_open on the second monitor (%s)", err_text());
    if (b && second) {
        pid_t pid = b->pid;

        r = qmp_call(b->mon, "quit", NULL, 5000);
        json_decref(r);
        CHECK(wait_count(&s2, &s2.eofs) && s2.eofs == 1, "quit: on_eof runs once (%d)", s2.eofs);
        CHECK(wait_count(&s, &s.exits) && s.exits == 1, "quit: on_exit runs once (%d)", s.exits);
        CHECK(WIFEXITED(s.status) && WEXITSTATUS(s.status) == 0, "  with exit status 0 (%d)",
              s.status);
        CHECK(kill(pid, 0) < 0 && errno == ESRCH, "  the process is reaped");
        untrack(pid);
        CHECK(s.on_ctx_thread && s2.on_ctx_thread, "  on the I/O context's thread");
        error_reset();
        r = qmp_call(second, "query-status", NULL, 1000);
        CHECK(!r && err_code() == VIREO_ERR_OPERATION_FAILED, "a call after EOF fails at once (%s)",
              err_text());
    }
    qmp_close(second);
    qemu_proc_free(b);
    CHECK(files_gone("qb"), "no socket or pid file left after quit");
    seen_clear(&s);
    seen_clear(&s2);
}

static void test_kill(qemu_proc *a, seen *sa)
{
    pid_t pid = a->pid;
    gint64 t0 = g_get_monotonic_time();
    int rc = qemu_proc_kill(a, 5000);
    gint64 ms = (g_get_monotonic_time() - t0) / 1000;

    CHECK(rc == 0 && ms < 1000, "qemu_proc_kill returns quickly (%" G_GINT64_FORMAT " ms)", ms);
    CHECK(kill(pid, 0) < 0 && errno == ESRCH, "  the process is gone (ESRCH)");
    if (rc == 0)
        untrack(pid);
    CHECK(wait_count(sa, &sa->exits) && sa->exits == 1, "  on_exit runs once");
    qemu_proc_free(a);
    CHECK(files_gone("qa"), "  no socket or pid file left");
}

typedef struct long_call {
    qmp *mon;
    int code;
} long_call;

static gpointer call_long(gpointer data)
{
    long_call *c = data;
    json_t *r = qmp_call(c->mon, "query-status", NULL, 20000);

    c->code = r ? 0 : err_code();
    json_decref(r);
    return NULL;
}

/* A call waiting on a QEMU that dies fails at once, not at its timeout. */
static void test_eof_pending(void)
{
    seen s;
    qemu_proc *p;

    seen_init(&s);
    p = spawn("qd", NULL, &s);
    CHECK(p != NULL, "spawn a QEMU to kill under a pending call");
    if (p) {
        long_call c = { p->mon, -1 };
        pid_t pid = p->pid;
        gint64 t0 = g_get_monotonic_time();
        GThread *t;

        kill(pid, SIGSTOP);
        t = g_thread_new("long", call_long, &c);
        CHECK(qemu_proc_kill(p, 0) == 0, "SIGKILL a stopped QEMU");
        g_thread_join(t);
        CHECK(c.code == VIREO_ERR_OPERATION_FAILED &&
                  g_get_monotonic_time() - t0 < 5 * G_TIME_SPAN_SECOND,
              "  the pending call fails at once (code %d)", c.code);
        untrack(pid);
        qemu_proc_free(p);
        CHECK(files_gone("qd"), "  no socket or pid file left");
    }
    seen_clear(&s);
}

static void test_bad_start(const char *name, const char *extra, const char *expect)
{
    seen s;
    qemu_proc *p;
    int status;

    seen_init(&s);
    p = spawn(name, extra, &s);
    CHECK(!p, "%s: spawn fails", extra);
    CHECK(err_code() == VIREO_ERR_INTERNAL_ERROR && strstr(err_text(), expect) &&
              (strstr(err_text(), "process exited while connecting to monitor") ||
               strstr(err_text(), "qemu unexpectedly closed the monitor")),
          "  with QEMU's message (%s)", err_text());
    CHECK(files_gone(name), "  no socket or pid file left");
    CHECK(waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD, "  no child left unreaped");
    if (p) {
        qemu_proc_kill(p, 0);
        qemu_proc_free(p);
    }
    seen_clear(&s);
}

/* Start QEMU as a grandchild that is not ours (double fork). */
static pid_t start_orphan(const char *name)
{
    g_auto(GStrv) argv = qemu_argv(name, NULL);
    g_autofree char *bin = g_find_program_in_path(argv[0]);
    g_autofree char *log = path_of(name, "log");
    int fds[2];
    pid_t mid, pid = -1;

    if (!bin || pipe(fds) < 0)
        return -1;
    mid = fork();
    if (mid == 0) {
        pid_t q = fork();

        if (q == 0) {
            int nul = open("/dev/null", O_RDONLY);
            int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

            setsid();
            dup2(nul, 0);
            dup2(out, 1);
            dup2(out, 2);
            close_range(3, ~0U, 0);
            execv(bin, argv);
            _exit(127);
        }
        (void)!write(fds[1], &q, sizeof(q));
        _exit(0);
    }
    close(fds[1]);
    if (mid > 0) {
        if (read(fds[0], &pid, sizeof(pid)) != sizeof(pid))
            pid = -1;
        waitpid(mid, NULL, 0);
    }
    close(fds[0]);
    if (pid > 0)
        track(pid);
    return pid;
}

static bool wait_listening(const char *path)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_TIME_SPAN_SECOND;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    while (g_get_monotonic_time() < deadline) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;

        close(fd);
        if (ok)
            return true;
        g_usleep(5000);
    }
    return false;
}

static void test_attach(void)
{
    g_autofree char *sock = path_of("qc", "sock");
    g_autofree char *pidf = path_of("qc", "pid");
    g_autofree char *log = path_of("qc", "log");
    g_autofree char *sock_other = path_of("qa", "sock");
    pid_t pid = start_orphan("qc");
    qemu_proc *p = NULL;
    seen s;

    seen_init(&s);
    CHECK(pid > 0 && wait_listening(sock), "a QEMU that is not our child is listening");
    error_reset();
    p = qemu_proc_attach(getpid(), log, sock_other, NULL, ctx, 5000, on_event, on_exit_cb, &s);
    CHECK(!p && err_code() == VIREO_ERR_OPERATION_FAILED, "attach to a process that is not that QEMU fails (%s)",
          err_text());
    qemu_proc_free(p);
    p = pid > 0 ? qemu_proc_attach(pid, log, sock, pidf, ctx, 5000, on_event, on_exit_cb, &s) : NULL;
    CHECK(p != NULL, "attach by pid (%s)", err_text());
    if (p) {
        json_auto_t *st = qmp_call(p->mon, "query-status", NULL, 5000);
        gint64 t0;

        CHECK(st && g_strcmp0(status_of(st), "prelaunch") == 0, "  query-status works");
        t0 = g_get_monotonic_time();
        CHECK(qemu_proc_kill(p, 5000) == 0, "  kill it (%" G_GINT64_FORMAT " ms)",
              (g_get_monotonic_time() - t0) / 1000);
        untrack(pid);
        CHECK(wait_count(&s, &s.exits) && s.exits == 1 && s.status == -1,
              "  on_exit runs with status -1 (%d, %d times)", s.status, s.exits);
        qemu_proc_free(p);
        CHECK(files_gone("qc"), "  no socket or pid file left");
    }
    seen_clear(&s);
}

static void remove_dir(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *f = g_build_filename(path, name, NULL);

        g_unlink(f);
    }
    g_rmdir(path);
}

int main(void)
{
    g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
    GMainLoop *loop;
    seen sa, sb;
    qemu_proc *a, *b;

    if (!qemu) {
        SKIP("QMP monitor and QEMU process", "qemu-system-x86_64 not installed");
        return 0;
    }
    guard_processes();
    dir = g_dir_make_tmp("vireo-qmon-XXXXXX", NULL);
    ctx = g_main_context_new();
    loop = g_main_loop_new(ctx, FALSE);
    loop_thread = g_thread_new("io", run_loop, loop);
    seen_init(&sa);
    seen_init(&sb);

    test_bad_start("qbad1", "-machine nonexistent", "unsupported machine type");
    test_bad_start("qbad2", "-drive file=/nonexistent,if=none", "/nonexistent");

    a = spawn("qa", NULL, &sa);
    CHECK(a != NULL, "spawn QEMU -machine none -S with a QMP socket");
    b = spawn("qb0", NULL, &sb);
    CHECK(b != NULL, "spawn a second QEMU");
    if (a && b) {
        g_autofree char *log = NULL;

        CHECK(g_file_get_contents(a->log_path, &log, NULL, NULL) && strstr(log, "starting up") &&
                  strstr(log, "-qmp"), "the log starts with a header and the command");
        test_commands(a, &sa);
        test_threads(a);
        test_stopped(a, b);
        test_kill(a, &sa);
        a = NULL;
        if (qemu_proc_kill(b, 5000) == 0)
            untrack(b->pid);
    }
    qemu_proc_free(a);
    qemu_proc_free(b);
    test_quit();
    test_eof_pending();
    test_attach();

    kill_all();
    g_main_loop_quit(loop);
    g_thread_join(loop_thread);
    g_main_loop_unref(loop);
    g_main_context_unref(ctx);
    seen_clear(&sa);
    seen_clear(&sb);
    remove_dir(dir);
    g_free(dir);
    return check_exit();
}
