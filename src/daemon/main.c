/*
 * main.c: vireod's command line, libvirtd's options plus --root and
 * --check, then the server.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/paths.h"
#include "daemon/pidfile.h"
#include "daemon/server.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.main"

typedef struct options {
    char *config;       /* owned */
    char *pid_file;     /* owned */
    char *root;         /* owned */
    gboolean listen;
    gboolean daemon;
    gboolean verbose;
    gboolean version;
    gboolean check;
    int timeout;
} options;

static int main_fail(const char *what)
{
    const vireo_error *err = error_last();

    fprintf(stderr, "vireod: %s: %s\n", what, err ? err->message : "unknown error");
    return 1;
}

static int main_parse_options(int *argc, char ***argv, options *o)
{
    const GOptionEntry entries[] = {
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &o->config, "configuration file", "FILE" },
        { "listen", 'l', 0, G_OPTION_ARG_NONE, &o->listen, "listen for TCP/IP connections", NULL },
        { "pid-file", 'p', 0, G_OPTION_ARG_FILENAME, &o->pid_file, "pid file", "FILE" },
        { "daemon", 'd', 0, G_OPTION_ARG_NONE, &o->daemon, "run in the background", NULL },
        { "timeout", 't', 0, G_OPTION_ARG_INT, &o->timeout, "exit after SECS without clients",
          "SECS" },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, "log informational messages", NULL },
        { "version", 0, 0, G_OPTION_ARG_NONE, &o->version, "print the version and exit", NULL },
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &o->root,
          "keep sockets, config and state under DIR", "DIR" },
        { "check", 0, 0, G_OPTION_ARG_NONE, &o->check, "check the configuration and exit",
          NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- vireo's management daemon");
    g_autoptr(GError) gerr = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    g_option_context_set_description(ctx,
        "A drop-in for libvirtd: serves libvirt's RPC protocol on libvirtd's and the\n"
        "modular daemons' unix sockets (ROOT/run/libvirt/ for root or --root DIR,\n"
        "$XDG_RUNTIME_DIR/libvirt/ for a session).");
    if (!g_option_context_parse(ctx, argc, argv, &gerr)) {
        fprintf(stderr, "vireod: %s\n", gerr->message);
        return -1;
    }
    if (*argc > 1) {
        fprintf(stderr, "vireod: unexpected argument '%s'\n", (*argv)[1]);
        return -1;
    }
    if (o->timeout < 0) {
        fprintf(stderr, "vireod: --timeout must not be negative\n");
        return -1;
    }
    return 0;
}

/* Read the config file and apply the log settings. */
static daemon_config *main_load_config(const options *o, const daemon_paths *paths)
{
    g_autoptr(daemon_config) cfg = config_new();
    /* a missing default file is fine; a missing -f file is not */
    const char *file = o->config ? o->config : paths->config_file;

    if (config_load_file(cfg, file, !o->config) < 0 || config_validate(cfg) < 0 ||
        listen_tcp_check_config(cfg) < 0)
        return NULL;
    if (o->verbose && cfg->log_level > VIREO_LOG_INFO)
        cfg->log_level = VIREO_LOG_INFO;
    if (log_set_level(cfg->log_level) < 0 || log_set_filters(cfg->log_filters) < 0 ||
        log_set_outputs(cfg->log_outputs) < 0)
        return NULL;
    return g_steal_pointer(&cfg);
}

/* -d: the parent waits until the child's sockets accept, so scripts can
 * connect as soon as vireod returns.  Returns in the child with *ready_fd
 * set; the parent exits. */
static int main_daemonize(int *ready_fd)
{
    int pipefd[2];
    pid_t pid;
    char ok = 0;

    if (pipe(pipefd) < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0) {
        close(pipefd[1]);
        if (read(pipefd[0], &ok, 1) != 1)
            ok = 0;
        _exit(ok ? 0 : 1);
    }
    close(pipefd[0]);
    if (setsid() < 0 || !freopen("/dev/null", "r", stdin) || !freopen("/dev/null", "w", stdout))
        return -1;
    *ready_fd = pipefd[1];
    return 0;
}

static void main_ready(void *opaque)
{
    int fd = GPOINTER_TO_INT(opaque);

    if (fd >= 0) {
        if (write(fd, "1", 1) != 1)
            log_warn("cannot tell the parent process that vireod is ready");
        close(fd);
        /* start-up errors reached the terminal; from here on the log outputs
         * speak, and a held stderr would keep the caller's pipe open */
        if (!freopen("/dev/null", "w", stderr))
            log_warn("cannot detach stderr: %s", g_strerror(errno));
    }
}

/* max_clients is 5000 by default, the usual soft limit on open files
 * 1024: take what the hard limit allows (systemd gives libvirtd 8192). */
static void main_raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
            log_warn("cannot raise the open files limit: %s", g_strerror(errno));
    }
}

/* glibc gives each thread that allocates its own arena and keeps what is
 * freed in it: with 20 workers taking turns, a daemon under steady load
 * grows by what the arenas hold, not by what it uses (the load test:
 * +10 % in a minute, all of it given back by malloc_trim).  Two arenas,
 * and the top of the heap given back every few seconds, keep RSS flat. */
#define MAIN_TRIM_SECONDS 5

static gboolean main_trim(gpointer unused)
{
    (void)unused;
    malloc_trim(0);
    return G_SOURCE_CONTINUE;
}

static int main_serve(const options *o, const daemon_paths *paths, daemon_config *cfg)
{
    g_autofree char *sock_dir = g_strdup(cfg->unix_sock_dir ? cfg->unix_sock_dir
                                                            : paths->sock_dir);
    const char *pid_path = o->pid_file ? o->pid_file : paths->pid_file;
    int ready_fd = -1;
    int pid_fd, status;

    if (o->daemon && main_daemonize(&ready_fd) < 0) {
        fprintf(stderr, "vireod: cannot run in the background: %s\n", g_strerror(errno));
        config_free(cfg);
        return 1;
    }
    main_raise_nofile();
    mallopt(M_ARENA_MAX, 2);
    g_timeout_add_seconds(MAIN_TRIM_SECONDS, main_trim, NULL);
    pid_fd = pidfile_acquire(pid_path);
    if (pid_fd < 0) {
        config_free(cfg);
        return main_fail("cannot start");
    }
    status = server_run_listen(cfg, sock_dir, paths->root, o->listen, o->timeout, main_ready,
                               GINT_TO_POINTER(ready_fd));
    if (status)
        main_fail("cannot serve");
    pidfile_release(pid_path, pid_fd);
    return status;
}

int main(int argc, char **argv)
{
    options o = { 0 };
    g_autoptr(daemon_paths) paths = NULL;
    daemon_config *cfg;
    int status;

    if (main_parse_options(&argc, &argv, &o) < 0)
        return 2;
    if (o.version) {
        printf("vireod (vireo) %s\n", "0.1.0");
        return 0;
    }
    paths = paths_new(o.root);
    /* the drivers root their own paths (qemu: config, status, logs) here,
     * so a vireod under --root never touches the host's /etc or /run */
    if (o.root)
        g_setenv("VIREO_ROOT", paths->root, TRUE);
    cfg = main_load_config(&o, paths);
    if (!cfg)
        status = main_fail("bad configuration");
    else if (o.check) {
        printf("vireod: configuration OK\n");
        config_free(cfg);
        status = 0;
    } else {
        status = main_serve(&o, paths, cfg);
    }
    g_free(o.config);
    g_free(o.pid_file);
    g_free(o.root);
    return status;
}
