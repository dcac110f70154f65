/* child_as.c: child_spawn_as, a child that changes identity and cgroup
 * before exec (util/child.c). */ 
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "check.h"
#include "util/child.h"

/* Run argv with opts, its stdout to one pipe, stderr to another; the
 * exit status, or -1.  *out and *err: what it wrote. */
static int run_as(const char *const *argv, const child_opts *opts, char **out, char **err)
{
    int o[2], e[2], status = -1;
    pid_t pid;
    GString *bufs[2] = { g_string_new(NULL), g_string_new(NULL) };
    int fds[2];

    if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
        return -1;
    pid = child_spawn_as(argv, o[1], e[1], opts);
    close(o[1]);
    close(e[1]);
    fds[0] = o[0];
    fds[1] = e[0];
    for (int i = 0; i < 2; i++) {
        char buf[256];
        ssize_t n;

        while ((n = read(fds[i], buf, sizeof(buf))) > 0)
            g_string_append_len(bufs[i], buf, n);
        close(fds[i]);
    }
    if (pid > 0)
        waitpid(pid, &status, 0);
    *out = g_string_free(bufs[0], FALSE);
    *err = g_string_free(bufs[1], FALSE);
    return pid > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_identity(void)
{
    const char *argv[] = { "sh", "-c", "id -u; id -g; id -G; echo three >&3", NULL };
    gid_t groups[] = { 65534, 5 };
    int p[2];
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    char got[32] = "";
    int rc;

    if (pipe2(p, O_CLOEXEC) < 0)
        return;
    child_opts opts = { .fds = &p[1], .nfds = 1, .uid = 65534, .gid = 65534, .groups = groups,
                        .ngroups = 2 };
    rc = run_as(argv, &opts, &out, &err);
    close(p[1]);
    if (read(p[0], got, sizeof(got) - 1) < 0)
        got[0] = '\0';
    close(p[0]);
    CHECK(rc == 0, "a child as uid 65534 runs (status %d, stderr '%s')", rc, err);
    CHECK(g_strcmp0(out, "65534\n65534\n65534 5\n") == 0,
          "it has the uid, gid and supplementary groups asked for (got '%s')", out);
    CHECK(strcmp(got, "three\n") == 0, "it inherits fds[0] as descriptor 3");
}

static void test_failures(void)
{
    const char *missing[] = { "/nonexistent/vireo-binary", NULL };
    const char *echo[] = { "echo", "never", NULL };
    const char *const procs[] = { "/nonexistent/cgroup.procs", NULL };
    child_opts opts = { .uid = 65534, .gid = (gid_t)-1 };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    char *o2 = NULL, *e2 = NULL;
    int rc;

    rc = run_as(missing, &opts, &out, &err);
    CHECK(rc == 127 && strstr(err, "vireo: exec: No such file or directory"),
          "a binary that is missing: exit 127 and 'vireo: exec: ...' (status %d, '%s')", rc, err);
    opts.cgroup_procs = procs;
    rc = run_as(echo, &opts, &o2, &e2);
    CHECK(rc == 127 && strstr(e2, "vireo: /nonexistent/cgroup.procs: No such file") &&
              !*o2,
          "a cgroup that cannot be joined: exit 127 naming it, nothing run (status %d, '%s')",
          rc, e2);
    g_free(o2);
    g_free(e2);
}

int main(void)
{
    if (geteuid() != 0) {
        SKIP("child_spawn_as", "needs root to change identity");
        return 0;
    }
    test_identity();
    test_failures();
    return check_exit();
}
