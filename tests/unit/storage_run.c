/*
 * storage_run.c: running storage tools with a deadline
 * (src/drivers/storage/storage_run.c), with real /bin/sh commands.
 */
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"

static void test_success(void)
{
    const char *argv[] = { "sh", "-c", "echo out; echo err >&2; read x; echo \"[$x]\"", NULL };
    g_autofree char *out = NULL, *err = NULL;

    CHECK(storage_run(argv, 5000, &out, &err) == 0, "a tool that exits 0 succeeds");
    CHECK(out && strcmp(out, "out\n[]\n") == 0, "its stdout is captured, stdin is empty (%s)",
          out ? out : "NULL");
    CHECK(err && strcmp(err, "err\n") == 0, "its stderr is captured");
}

static void test_failure(void)
{
    const char *argv[] = { "sh", "-c", "echo first >&2; echo 'the real cause' >&2; exit 3", NULL };
    const char *missing[] = { "/nonexistent/tool", NULL };
    const vireo_error *e;

    CHECK(storage_run(argv, 5000, NULL, NULL) == -1, "a tool that exits 3 fails");
    e = error_last();
    CHECK(e && e->code == VIREO_ERR_OPERATION_FAILED, "with OPERATION_FAILED");
    CHECK(e && strstr(e->message, "the real cause") && strstr(e->message, "exit status 3"),
          "naming its last stderr line and status (%s)", e ? e->message : "");
    error_reset();
    CHECK(storage_run(missing, 5000, NULL, NULL) == -1 && error_last(),
          "a tool that does not exist fails with an error");
}

/* Dead or a zombie its new parent has not reaped yet. */
static bool process_gone(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *stat = NULL;
    const char *paren;

    if (!g_file_get_contents(path, &stat, NULL, NULL))
        return true;
    paren = strrchr(stat, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static void test_timeout(void)
{
    /* the child forks a grandchild holding the pipes: both must die */
    const char *argv[] = { "sh", "-c", "sleep 30 & echo $! ; sleep 30", NULL };
    g_autofree char *out = NULL;
    gint64 start = g_get_monotonic_time();
    const vireo_error *e;
    int rc = storage_run(argv, 300, &out, NULL);
    gint64 took = (g_get_monotonic_time() - start) / 1000;
    pid_t grandchild = out ? (pid_t)atoi(out) : 0;

    e = error_last();
    CHECK(rc == -1 && e && e->code == VIREO_ERR_OPERATION_TIMEOUT,
          "a hung tool ends with OPERATION_TIMEOUT");
    CHECK(took < 3000, "at its deadline (%lld ms)", (long long)took);
    g_usleep(100000);
    CHECK(grandchild > 0 && process_gone(grandchild), "its process group is killed too");
}

int main(void)
{
    test_success();
    test_failure();
    test_timeout();
    return check_exit();
}
