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

/* A tool that keeps printing (qemu-img convert -p) outlives the
 * deadline; one that falls silent does not. */
static void test_progress(void)
{
    const char *busy[] = { "sh", "-c", "for i in 1 2 3 4 5 6; do echo $i; sleep 0.1; done", NULL };
    const char *stalls[] = { "sh", "-c", "echo 1; sleep 0.1; echo 2; sleep 30", NULL };
    g_autofree char *out = NULL;
    gint64 start = g_get_monotonic_time();
    int rc = storage_run(busy, 250, &out, NULL);

    CHECK(rc == 0 && g_strcmp0(out, "1\n2\n3\n4\n5\n6\n") == 0,
          "a tool printing its progress runs past the deadline (%lld ms for 250)",
          (long long)(g_get_monotonic_time() - start) / 1000);
    g_clear_pointer(&out, g_free);
    rc = storage_run(stalls, 250, &out, NULL);
    CHECK(rc == -1 && error_last()->code == VIREO_ERR_OPERATION_TIMEOUT &&
              g_str_has_prefix(out ? out : "", "1\n2\n"),
          "and is killed once it falls silent");
}

int main(void)
{
    test_success();
    test_failure();
    test_timeout();
    test_progress();
    return check_exit();
}
