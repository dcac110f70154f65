/*
 * storage_run.c: run one storage tool with a deadline.
 *
 * The deadline is one of silence: each line a tool prints starts it
 * again, so a copy that reports its progress (qemu-img convert -p) may
 * run as long as it moves, while a tool stuck on a dead server (mount.nfs
 * prints nothing) dies on time.  The tool is spawned in a session (so a
 * process group) of its own so that the whole group (mount and the
 * mount.nfs it forks) dies with one SIGKILL.
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/storage/storage_run.h"
#include "util/child.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.run"

int storage_run_timeout_ms(void)
{
    const char *env = g_getenv("VIREO_STORAGE_TIMEOUT_MS");
    gint64 ms;

    if (!env || !*env)
        return STORAGE_RUN_TIMEOUT_MS;
    ms = g_ascii_strtoll(env, NULL, 10);
    if (ms <= 0 || ms > G_MAXINT)
        return STORAGE_RUN_TIMEOUT_MS;
    return (int)ms;
}

/* The command as one line for messages and logs. */
static char *run_cmdline(const char *const *argv)
{
    return g_strjoinv(" ", (char **)argv);
}

/* The last non-empty line of a tool's stderr (owned by caller), or NULL. */
static char *run_last_line(const char *text)
{
    g_autofree char *copy = NULL;
    char *end, *start;

    if (!text)
        return NULL;
    copy = g_strstrip(g_strdup(text));
    if (!*copy)
        return NULL;
    end = copy + strlen(copy);
    start = end;
    while (start > copy && start[-1] != '\n')
        start--;
    return g_strdup(start);
}

/* Read both pipes until both end or the deadline (monotonic us) passes;
 * output moves the deadline to timeout_us from now (the tool is working).
 * true when they ended in time. */
static bool run_collect(int fds[2], GString *bufs[2], gint64 *deadline, gint64 timeout_us)
{
    char chunk[4096];

    while (fds[0] >= 0 || fds[1] >= 0) {
        struct pollfd pfd[2] = { { .fd = fds[0], .events = POLLIN },
                                 { .fd = fds[1], .events = POLLIN } };
        gint64 left = *deadline - g_get_monotonic_time();
        int r;

        if (left <= 0)
            return false;
        r = poll(pfd, 2, (int)MIN((left + 999) / 1000, G_MAXINT));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        for (int i = 0; i < 2; i++) {
            ssize_t n;

            if (fds[i] < 0 || !pfd[i].revents)
                continue;
            n = read(fds[i], chunk, sizeof(chunk));
            if (n > 0) {
                g_string_append_len(bufs[i], chunk, n);
                *deadline = g_get_monotonic_time() + timeout_us;
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                close(fds[i]);
                fds[i] = -1;
            }
        }
    }
    return true;
}

/* Wait for pid until the deadline; SIGKILL its group past it.  The wait
 * status, or -1 when it had to be killed. */
static int run_reap(pid_t pid, gint64 deadline, bool in_time)
{
    int status = 0;

    while (in_time) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return status;
        if (g_get_monotonic_time() >= deadline)
            break;
        g_usleep(2000);
    }
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return -1;
}

int storage_run(const char *const *argv, int timeout_ms, char **out, char **err)
{
    g_autofree char *cmd = run_cmdline(argv);
    GString *bufs[2] = { g_string_new(NULL), g_string_new(NULL) };
    int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, fds[2];
    gint64 deadline;
    pid_t pid;
    int status, ret = -1;

    if (timeout_ms <= 0)
        timeout_ms = storage_run_timeout_ms();
    if (out)
        *out = NULL;
    if (err)
        *err = NULL;
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot make pipes to run '%s'", cmd);
        goto cleanup;
    }
    log_debug("running %s", cmd);
    deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    pid = child_spawn(argv, out_pipe[1], err_pipe[1]);
    if (pid < 0)
        error_report_system(VIREO_FROM_STORAGE, errno, "cannot run '%s'", cmd);
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;
    if (pid < 0)
        goto cleanup;
    fds[0] = out_pipe[0];
    fds[1] = err_pipe[0];
    out_pipe[0] = err_pipe[0] = -1;
    status = run_reap(pid, deadline, run_collect(fds, bufs, &deadline, (gint64)timeout_ms * 1000));
    for (int i = 0; i < 2; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (status < 0) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_TIMEOUT,
                     "'%s' did nothing for %d ms and was killed", cmd, timeout_ms);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        g_autofree char *last = run_last_line(bufs[1]->str);
        g_autofree char *why = WIFEXITED(status)
            ? g_strdup_printf("exit status %d", WEXITSTATUS(status))
            : g_strdup_printf("signal %d", WTERMSIG(status));

        if (!last)
            last = run_last_line(bufs[0]->str);
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED, "'%s' failed (%s): %s",
                     cmd, why, last ? last : "no message");
    } else {
        ret = 0;
    }
    log_debug("%s: %s", cmd, ret == 0 ? "ok" : error_last()->message);

cleanup:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
    if (out)
        *out = g_string_free(bufs[0], FALSE);
    else
        g_string_free(bufs[0], TRUE);
    if (err)
        *err = g_string_free(bufs[1], FALSE);
    else
        g_string_free(bufs[1], TRUE);
    return ret;
}
