/*
 * network_dnsmasq.c: starting, finding, reloading and stopping a
 * network's dnsmasq.
 *
 * dnsmasq daemonizes itself, as under libvirt: the process we spawn
 * exits only once the daemon has bound its sockets and written its pid
 * file, with status 0, or with dnsmasq's own message on stderr and a
 * non-zero status when it could not start.  So the pid file is exact
 * when the spawned process returns, and the daemon lives in a session
 * of its own, a child of init: it outlives vireod, and a restarted
 * vireod finds it again through the pid file and its command line.
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/network/network_dnsmasq.h"
#include "util/child.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "network.dnsmasq"

/* How long dnsmasq may take to start, and to leave after SIGTERM */
#define DNSMASQ_START_MS 10000
#define DNSMASQ_TERM_MS 3000
#define DNSMASQ_KILL_MS 2000

const char *dnsmasq_binary(void)
{
    /* VIREO_DNSMASQ names another binary (tests use a missing one) */
    const char *env = g_getenv("VIREO_DNSMASQ");
    g_autofree char *found = NULL;

    if (env && *env)
        found = strchr(env, '/') ? (g_file_test(env, G_FILE_TEST_IS_EXECUTABLE) ? g_strdup(env)
                                                                                  : NULL)
                                 : g_find_program_in_path(env);
    else
        found = g_find_program_in_path("dnsmasq");
    /* root's PATH may lack sbin when vireod is started by hand */
    if (!found && !(env && *env) && g_file_test("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
        found = g_strdup("/usr/sbin/dnsmasq");
    if (!found) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_FAILED,
                     "Cannot find '%s' in path", env && *env ? env : "dnsmasq");
        return NULL;
    }
    return g_intern_string(found);
}

static void dnsmasq_remove_files(const char *name, const char *run_dir, bool leases)
{
    static const char *const suffixes[] = { ".conf", ".hostsfile", ".addnhosts", ".pid" };

    for (size_t i = 0; i < G_N_ELEMENTS(suffixes) + (leases ? 1 : 0); i++) {
        g_autofree char *path =
            dnsmasq_path(run_dir, name, i < G_N_ELEMENTS(suffixes) ? suffixes[i] : ".leases");

        if (unlink(path) < 0 && errno != ENOENT)
            log_warn("network '%s': cannot remove '%s': %s", name, path, g_strerror(errno));
    }
}

static int dnsmasq_write(const char *path, const char *text)
{
    return file_write_runtime(path, text, strlen(text), 0644, VIREO_FROM_NETWORK);
}

/* The two files a reload rereads */
static int dnsmasq_write_hosts(const network_def *def, const char *run_dir)
{
    g_autofree char *hosts = dnsmasq_hostsfile_format(def);
    g_autofree char *addn = dnsmasq_addnhosts_format(def);
    g_autofree char *hosts_path = dnsmasq_path(run_dir, def->name, ".hostsfile");
    g_autofree char *addn_path = dnsmasq_path(run_dir, def->name, ".addnhosts");

    if (dnsmasq_write(hosts_path, hosts) < 0 || dnsmasq_write(addn_path, addn) < 0)
        return -1;
    return 0;
}

static int dnsmasq_write_files(const network_def *def, const char *bridge, const char *run_dir)
{
    g_autofree char *conf = dnsmasq_conf_format(def, bridge, run_dir);
    g_autofree char *conf_path = dnsmasq_path(run_dir, def->name, ".conf");

    if (g_mkdir_with_parents(run_dir, 0755) < 0) {
        error_report_system(VIREO_FROM_NETWORK, errno, "cannot create directory '%s'", run_dir);
        return -1;
    }
    if (dnsmasq_write_hosts(def, run_dir) < 0)
        return -1;
    return dnsmasq_write(conf_path, conf);
}

/* The pid in NAME.pid, 0 when none or unreadable */
static pid_t dnsmasq_read_pid(const char *name, const char *run_dir)
{
    g_autofree char *path = dnsmasq_path(run_dir, name, ".pid");
    g_autofree char *text = NULL;
    gint64 pid;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    pid = g_ascii_strtoll(text, NULL, 10);
    return pid > 0 && pid <= G_MAXINT ? (pid_t)pid : 0;
}

/* Whether pid is a living (not zombie) dnsmasq started with our conf */
static bool dnsmasq_is_ours(pid_t pid, const char *name, const char *run_dir)
{
    g_autofree char *conf = dnsmasq_path(run_dir, name, ".conf");
    g_autofree char *want = g_strconcat("--conf-file=", conf, NULL);
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *cmdline = NULL;
    gsize len = 0;

    /* a zombie's command line is empty */
    if (pid <= 0 || !g_file_get_contents(path, &cmdline, &len, NULL))
        return false;
    for (gsize off = 0; off < len; off += strlen(cmdline + off) + 1) {
        if (strcmp(cmdline + off, want) == 0)
            return true;
    }
    return false;
}

pid_t dnsmasq_find(const char *name, const char *run_dir)
{
    pid_t pid = dnsmasq_read_pid(name, run_dir);

    return pid > 0 && dnsmasq_is_ours(pid, name, run_dir) ? pid : 0;
}

/* Wait up to ms for the spawned dnsmasq to exit; its wait status, or -1
 * (killed) when it did not */
static int dnsmasq_wait_launcher(pid_t pid, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;
    int status = 0;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (g_get_monotonic_time() >= deadline)
            break;
        g_usleep(5000);
    }
    kill(-pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return -1;
}

/* What dnsmasq wrote to its stderr: its last non-empty line */
static char *dnsmasq_read_message(int fd)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    char chunk[1024];
    ssize_t n;

    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        g_string_append_len(buf, chunk, n);
    lines = g_strsplit(buf->str, "\n", -1);
    for (int i = (int)g_strv_length(lines) - 1; i >= 0; i--) {
        g_strstrip(lines[i]);
        if (*lines[i])
            return g_strdup(lines[i]);
    }
    return NULL;
}

/* Run dnsmasq on conf_path until it has daemonized.  0, or -1 with the
 * error (dnsmasq's message) set. */
static int dnsmasq_launch(const char *binary, const char *name, const char *conf_path)
{
    g_autofree char *conf_arg = g_strconcat("--conf-file=", conf_path, NULL);
    const char *argv[] = { binary, conf_arg, NULL };
    g_autofree char *message = NULL;
    int errpipe[2];
    int devnull, status;
    pid_t pid;

    if (pipe2(errpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
        error_report_system(VIREO_FROM_NETWORK, errno, "network '%s': cannot create a pipe", name);
        return -1;
    }
    devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    pid = child_spawn(argv, devnull >= 0 ? devnull : errpipe[1], errpipe[1]);
    if (pid < 0) {
        int err = errno;

        close(errpipe[0]);
        close(errpipe[1]);
        if (devnull >= 0)
            close(devnull);
        error_report_system(VIREO_FROM_NETWORK, err, "network '%s': cannot run '%s'", name, binary);
        return -1;
    }
    close(errpipe[1]);
    if (devnull >= 0)
        close(devnull);
    status = dnsmasq_wait_launcher(pid, DNSMASQ_START_MS);
    message = dnsmasq_read_message(errpipe[0]);
    close(errpipe[0]);
    if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (status < 0)
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "network '%s': dnsmasq did not start within %d ms", name, DNSMASQ_START_MS);
    else
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "network '%s': dnsmasq failed to start (%s %d): %s", name,
                     WIFEXITED(status) ? "exit status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                     message ? message : "no message");
    return -1;
}

/* Send sig to pid and wait up to ms for it to exit (a zombie has).
 * true when it has. */
static bool dnsmasq_signal_wait(pid_t pid, int pidfd, int sig, int ms)
{
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    if (kill(pid, sig) < 0)
        return errno == ESRCH;
    for (;;) {
        int left = (int)MAX(0, (deadline - g_get_monotonic_time()) / 1000);
        int n = poll(&pfd, 1, left);

        if (n > 0)
            return true;
        if (n == 0 || errno != EINTR)
            return false;
    }
}

/* Stop a dnsmasq we know to be ours */
static void dnsmasq_kill(const char *name, pid_t pid)
{
    int pidfd = pidfd_open(pid, 0);

    if (pidfd < 0) {
        if (errno != ESRCH)
            log_warn("network '%s': dnsmasq pid %d: cannot watch it: %s", name, (int)pid,
                     g_strerror(errno));
        return;
    }
    if (!dnsmasq_signal_wait(pid, pidfd, SIGTERM, DNSMASQ_TERM_MS)) {
        log_warn("network '%s': dnsmasq pid %d ignored SIGTERM, killing it", name, (int)pid);
        if (!dnsmasq_signal_wait(pid, pidfd, SIGKILL, DNSMASQ_KILL_MS))
            log_error("network '%s': dnsmasq pid %d survived SIGKILL", name, (int)pid);
    }
    close(pidfd);
    /* ours to reap only if an earlier vireod had kept it as a child */
    waitpid(pid, NULL, WNOHANG);
}

pid_t dnsmasq_start(const network_def *def, const char *bridge, const char *run_dir)
{
    const char *binary = dnsmasq_binary();
    g_autofree char *conf_path = NULL;
    g_autofree char *pid_path = NULL;
    g_autofree char *lease_path = NULL;
    bool had_leases;
    pid_t pid;

    if (!binary)
        return -1;
    conf_path = dnsmasq_path(run_dir, def->name, ".conf");
    pid_path = dnsmasq_path(run_dir, def->name, ".pid");
    lease_path = dnsmasq_path(run_dir, def->name, ".leases");
    had_leases = g_file_test(lease_path, G_FILE_TEST_EXISTS);
    if (dnsmasq_write_files(def, bridge, run_dir) < 0)
        goto fail;
    if (unlink(pid_path) < 0 && errno != ENOENT)
        log_warn("network '%s': cannot remove '%s': %s", def->name, pid_path, g_strerror(errno));
    if (dnsmasq_launch(binary, def->name, conf_path) < 0)
        goto fail;
    pid = dnsmasq_read_pid(def->name, run_dir);
    if (pid <= 0 || !dnsmasq_is_ours(pid, def->name, run_dir)) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_INTERNAL_ERROR,
                     "network '%s': dnsmasq started but its pid file '%s' names no running dnsmasq",
                     def->name, pid_path);
        if (pid > 0 && dnsmasq_is_ours(pid, def->name, run_dir))
            dnsmasq_kill(def->name, pid);
        goto fail;
    }
    log_info("network '%s': dnsmasq pid %d on %s", def->name, (int)pid, bridge);
    return pid;

fail: {
        g_autoptr(vireo_error) saved = error_save();

        dnsmasq_remove_files(def->name, run_dir, !had_leases);
        error_restore(g_steal_pointer(&saved));
    }
    return -1;
}

int dnsmasq_reload(const network_def *def, const char *run_dir, pid_t pid)
{
    if (dnsmasq_write_hosts(def, run_dir) < 0)
        return -1;
    if (pid <= 0 || !dnsmasq_is_ours(pid, def->name, run_dir)) {
        error_report(VIREO_FROM_NETWORK, VIREO_ERR_OPERATION_FAILED,
                     "network '%s': dnsmasq pid %d is not running", def->name, (int)pid);
        return -1;
    }
    if (kill(pid, SIGHUP) < 0) {
        error_report_system(VIREO_FROM_NETWORK, errno, "network '%s': cannot signal dnsmasq pid %d",
                            def->name, (int)pid);
        return -1;
    }
    log_debug("network '%s': dnsmasq pid %d rereads its hosts", def->name, (int)pid);
    return 0;
}

void dnsmasq_stop(const char *name, const char *run_dir, pid_t pid)
{
    /* a pid that is no longer our dnsmasq may be anyone's now */
    if (pid > 0 && dnsmasq_is_ours(pid, name, run_dir))
        dnsmasq_kill(name, pid);
    else if (pid > 0)
        log_debug("network '%s': dnsmasq pid %d already gone", name, (int)pid);
    dnsmasq_remove_files(name, run_dir, false);
}
