/*
 * lxc_controller.c: vireo-lxc-controller, the parent of one container
 * (libvirt's libvirt_lxc).  Arguments, handshake, files and the monitor
 * protocol are in lxc_monitor.h.
 *
 * One thread and one poll loop: signals arrive on a signalfd (init's end,
 * SIGTERM), the monitor and console sockets are served there, and the
 * pty's output is always read, so the container never blocks on its
 * console whether anybody listens or not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>

#include "conf/domain_def.h"
#include "drivers/lxc/lxc_monitor.h"
#include "drivers/lxc/lxc_plan.h"
#include "util/unix_socket.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/netdev.h"

#define LOG_CATEGORY "lxc.controller"

/* console bytes on their way to the client / to the container */
#define CONSOLE_OUT_MAX 65536
#define CONSOLE_IN_MAX 4096

/* The controller's whole state; everything is its own. */
typedef struct ctl {
    char *name, *xml_path, *state_dir;
    char **veths;               /* HOST=GUEST as given */
    char **host_devs, **guest_devs; /* split, NULL-terminated */
    char **cgroup_procs;
    int handshake_fd;

    char *sock_path, *console_path, *pid_path;
    bool made_files;            /* the three files above are ours to remove */
    int mon_listen, mon_client, con_listen, con_client;
    int pty_master, pty_slave;  /* the slave stays open: no hang-up when init closes it */
    char *pty_path;
    int sig_fd;

    pid_t init_pid;
    bool init_killed;
    char out[CONSOLE_OUT_MAX];  /* pty -> client */
    size_t out_len;
    char in[CONSOLE_IN_MAX];    /* client -> pty */
    size_t in_len;
} ctl;

static void fd_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* ---- arguments ---- */

static int ctl_parse_args(ctl *c, int argc, char **argv)
{
    GOptionEntry entries[] = {
        { "name", 0, 0, G_OPTION_ARG_STRING, &c->name, "container name", "NAME" },
        { "xml", 0, 0, G_OPTION_ARG_FILENAME, &c->xml_path, "live domain XML", "FILE" },
        { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &c->state_dir, "run folder", "DIR" },
        { "veth", 0, 0, G_OPTION_ARG_STRING_ARRAY, &c->veths, "veth end to move in", "HOST=GUEST" },
        { "cgroup-procs", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &c->cgroup_procs,
          "cgroup.procs file init joins", "FILE" },
        { "handshake", 0, 0, G_OPTION_ARG_INT, &c->handshake_fd, "handshake pipe", "FD" },
        { NULL, 0, 0, 0, NULL, NULL, NULL },
    };
    g_autoptr(GOptionContext) oc = g_option_context_new("- run one container");
    g_autoptr(GError) gerr = NULL;
    size_t n;

    g_option_context_add_main_entries(oc, entries, NULL);
    if (!g_option_context_parse(oc, &argc, &argv, &gerr)) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR, "%s", gerr->message);
        return -1;
    }
    if (!c->name || !c->xml_path || !c->state_dir || domain_name_check(c->name) < 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "--name, --xml and --state-dir are needed");
        return -1;
    }
    n = c->veths ? g_strv_length(c->veths) : 0;
    c->host_devs = g_new0(char *, n + 1);
    c->guest_devs = g_new0(char *, n + 1);
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(c->veths[i], '=');

        if (!eq || eq == c->veths[i] || !eq[1]) {
            error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                         "--veth '%s' is not HOSTSIDE=GUESTDEV", c->veths[i]);
            return -1;
        }
        c->host_devs[i] = g_strndup(c->veths[i], eq - c->veths[i]);
        c->guest_devs[i] = g_strdup(eq + 1);
    }
    c->sock_path = g_strconcat(c->state_dir, "/", c->name, LXC_MONITOR_SUFFIX, NULL);
    c->console_path = g_strconcat(c->state_dir, "/", c->name, LXC_CONSOLE_SUFFIX, NULL);
    c->pid_path = g_strconcat(c->state_dir, "/", c->name, LXC_PID_SUFFIX, NULL);
    return 0;
}

/* ---- the handshake ---- */

static void handshake_send(ctl *c, const char *line)
{
    size_t len = strlen(line), done = 0;

    if (c->handshake_fd < 0)
        return;
    while (done < len) {
        ssize_t n = write(c->handshake_fd, line + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;      /* vireod went away: it finds us again through our files */
        done += (size_t)n;
    }
    fd_close(&c->handshake_fd);
}

static void handshake_error(ctl *c)
{
    const vireo_error *e = error_last();
    g_autofree char *msg = g_strdup(e && e->message ? e->message : "unknown error");
    g_autofree char *line = NULL;

    g_strdelimit(msg, "\r\n", ' ');
    log_error("container '%s': %s", c->name ? c->name : "?", msg);
    line = g_strdup_printf("error %d %s\n", e ? e->code : VIREO_ERR_INTERNAL_ERROR, msg);
    handshake_send(c, line);
}

/* ---- files ---- */

static int socket_listen(const char *path)
{
    struct sockaddr_un sa;
    int fd;

    if (!unix_socket_addr(&sa, path)) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR, "socket path '%s' is too long",
                     path);
        return -1;
    }
    /* a crashed predecessor's socket: vireod starts one controller per name */
    unlink(path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 ||
        listen(fd, 4) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot listen on '%s'", path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void ctl_remove_files(ctl *c)
{
    if (!c->made_files)
        return;
    unlink(c->sock_path);
    unlink(c->console_path);
    unlink(c->pid_path);
    c->made_files = false;
}

static int ctl_make_files(ctl *c)
{
    g_autofree char *pid = g_strdup_printf("%d\n", (int)getpid());

    c->made_files = true;
    c->mon_listen = socket_listen(c->sock_path);
    if (c->mon_listen < 0)
        return -1;
    c->con_listen = socket_listen(c->console_path);
    if (c->con_listen < 0)
        return -1;
    return file_write_runtime(c->pid_path, pid, strlen(pid), 0644, VIREO_FROM_LXC);
}

/* the console: a pty in raw mode (as libvirt's), its slave the
 * container's /dev/console */
static int ctl_make_pty(ctl *c)
{
    struct termios t;

    c->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (c->pty_master < 0 || grantpt(c->pty_master) < 0 || unlockpt(c->pty_master) < 0 ||
        !ptsname(c->pty_master)) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot make a console for container '%s'",
                            c->name);
        return -1;
    }
    c->pty_path = g_strdup(ptsname(c->pty_master));
    c->pty_slave = open(c->pty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (c->pty_slave < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot open console '%s' of container '%s'",
                            c->pty_path, c->name);
        return -1;
    }
    if (tcgetattr(c->pty_slave, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(c->pty_slave, TCSANOW, &t);
    }
    return 0;
}

/* ---- starting init ---- */

static int cgroup_join(const ctl *c, const char *procs, pid_t pid)
{
    g_autofree char *text = g_strdup_printf("%d\n", (int)pid);
    int fd = open(procs, O_WRONLY | O_CLOEXEC), err = 0;

    if (fd < 0)
        err = errno;
    else if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        err = errno ? errno : EIO;
    if (fd >= 0)
        close(fd);
    if (err) {
        error_report_system(VIREO_FROM_LXC, err, "cannot put the init of container '%s' into '%s'",
                            c->name, procs);
        return -1;
    }
    return 0;
}

static int ctl_before_exec(pid_t child, void *opaque)
{
    const ctl *c = opaque;

    for (size_t i = 0; c->host_devs[i]; i++)
        if (netdev_move_to_netns(c->host_devs[i], child, c->guest_devs[i]) < 0)
            return -1;
    for (size_t i = 0; c->cgroup_procs && c->cgroup_procs[i]; i++)
        if (cgroup_join(c, c->cgroup_procs[i], child) < 0)
            return -1;
    return 0;
}

static int ctl_start(ctl *c)
{
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(domain_def) def = NULL;
    lxc_plan *plan;

    if (!g_file_get_contents(c->xml_path, &xml, NULL, &gerr)) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_SYSTEM_ERROR, "cannot read the XML of container '%s': %s",
                     c->name, gerr->message);
        return -1;
    }
    def = domain_def_parse(xml, DOMAIN_PARSE_LIVE);
    if (!def)
        return -1;
    if (g_strcmp0(def->name, c->name) != 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_INTERNAL_ERROR,
                     "'%s' describes container '%s', not '%s'", c->xml_path, def->name, c->name);
        return -1;
    }
    /* the common mistakes named before anything is made */
    if (lxc_plan_check(def) < 0)
        return -1;
    if (ctl_make_files(c) < 0 || ctl_make_pty(c) < 0)
        return -1;
    plan = lxc_plan_from_def(def, c->pty_path, (const char *const *)c->guest_devs);
    if (!plan)
        return -1;
    c->init_pid = lxc_container_start(plan, ctl_before_exec, c);
    lxc_plan_free(plan);
    return c->init_pid > 0 ? 0 : -1;
}

/* ---- the loop ---- */

static void send_line(int fd, const char *line)
{
    if (fd >= 0 && send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        log_warn("cannot send '%s' to the monitor: %s", line, g_strerror(errno));
}

static void monitor_accept(ctl *c)
{
    int fd = accept4(c->mon_listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    g_autofree char *hello = NULL;

    if (fd < 0)
        return;
    fd_close(&c->mon_client);      /* a new client replaces the old one */
    c->mon_client = fd;
    hello = g_strdup_printf("hello %d %s\n", (int)c->init_pid, c->pty_path);
    send_line(fd, hello);
}

static void monitor_read(ctl *c)
{
    char buf[256];
    ssize_t n = read(c->mon_client, buf, sizeof(buf));

    /* clients say nothing; whatever comes is dropped */
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        fd_close(&c->mon_client);
}

static void console_accept(ctl *c)
{
    int fd = accept4(c->con_listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    fd_close(&c->con_client);
    c->con_client = fd;
    c->out_len = 0;
    c->in_len = 0;
}

static void console_client_read(ctl *c)
{
    ssize_t n = read(c->con_client, c->in + c->in_len, sizeof(c->in) - c->in_len);

    if (n > 0)
        c->in_len += (size_t)n;
    else if (n == 0 || (errno != EAGAIN && errno != EINTR))
        fd_close(&c->con_client);
}

static void console_client_write(ctl *c)
{
    ssize_t n = send(c->con_client, c->out, c->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

    if (n > 0) {
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        fd_close(&c->con_client);
        c->out_len = 0;
    }
}

/* the console's output: kept for the client while there is room, else
 * dropped (the container must never wait for a reader).  false when
 * nothing more is there now. */
static bool pty_read(ctl *c)
{
    char scratch[4096];
    char *to = scratch;
    size_t room = sizeof(scratch);
    ssize_t n;

    if (c->con_client >= 0 && c->out_len < sizeof(c->out)) {
        to = c->out + c->out_len;
        room = sizeof(c->out) - c->out_len;
    }
    n = read(c->pty_master, to, room);
    if (n <= 0)
        return false;
    if (to != scratch)
        c->out_len += (size_t)n;
    return true;
}

static void pty_write(ctl *c)
{
    ssize_t n = write(c->pty_master, c->in, c->in_len);

    if (n > 0) {
        memmove(c->in, c->in + n, c->in_len - (size_t)n);
        c->in_len -= (size_t)n;
    }
}

/* init's last words to the console client, within a moment */
static void console_flush(ctl *c)
{
    gint64 until = g_get_monotonic_time() + 200 * 1000;

    while (pty_read(c))
        ;
    while (c->con_client >= 0 && c->out_len > 0 && g_get_monotonic_time() < until) {
        struct pollfd pf = { .fd = c->con_client, .events = POLLOUT };

        if (poll(&pf, 1, 50) > 0)
            console_client_write(c);
    }
}

/* true when init ended (the status reported) */
static bool signals_read(ctl *c)
{
    struct signalfd_siginfo si;
    int status;

    while (read(c->sig_fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            /* the controller is asked to go: init (and with it the
             * whole container) goes first */
            log_info("container '%s': signal %u, killing init %d", c->name, si.ssi_signo,
                     (int)c->init_pid);
            if (!c->init_killed)
                kill(c->init_pid, SIGKILL);
            c->init_killed = true;
        }
    }
    if (waitpid(c->init_pid, &status, WNOHANG) == c->init_pid) {
        g_autofree char *line = g_strdup_printf("exit %d\n", status);

        log_info("container '%s': init %d ended, status %d", c->name, (int)c->init_pid, status);
        console_flush(c);
        send_line(c->mon_client, line);
        return true;
    }
    return false;
}

enum { P_SIG, P_MON_LISTEN, P_MON, P_CON_LISTEN, P_CON, P_PTY, P_N };

static void ctl_loop(ctl *c)
{
    for (;;) {
        struct pollfd pf[P_N] = {
            [P_SIG] = { c->sig_fd, POLLIN, 0 },
            [P_MON_LISTEN] = { c->mon_listen, POLLIN, 0 },
            [P_MON] = { c->mon_client, POLLIN, 0 },
            [P_CON_LISTEN] = { c->con_listen, POLLIN, 0 },
            [P_CON] = { c->con_client,
                        (short)((c->in_len < sizeof(c->in) ? POLLIN : 0) |
                                (c->out_len ? POLLOUT : 0)), 0 },
            [P_PTY] = { c->pty_master, (short)(POLLIN | (c->in_len ? POLLOUT : 0)), 0 },
        };

        if (poll(pf, P_N, -1) < 0) {
            if (errno == EINTR)
                continue;
            log_error("container '%s': poll: %s", c->name, g_strerror(errno));
            kill(c->init_pid, SIGKILL);
        }
        if (pf[P_SIG].revents && signals_read(c))
            return;
        if (pf[P_MON_LISTEN].revents)
            monitor_accept(c);
        else if (pf[P_MON].revents)
            monitor_read(c);
        if (pf[P_CON_LISTEN].revents) {
            console_accept(c);
            continue;
        }
        if (pf[P_CON].revents & (POLLIN | POLLHUP | POLLERR))
            console_client_read(c);
        if (c->con_client >= 0 && (pf[P_CON].revents & POLLOUT))
            console_client_write(c);
        if (pf[P_PTY].revents & POLLIN)
            pty_read(c);
        if (pf[P_PTY].revents & POLLOUT)
            pty_write(c);
    }
}

static int signals_setup(ctl *c)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    /* our session ends when vireod's terminal (if any) goes: not our end */
    signal(SIGHUP, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    /* blocked before init exists, so neither its end nor a SIGTERM is
     * missed; init itself starts with none blocked (lxc_container.c) */
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 ||
        (c->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
        error_report_system(VIREO_FROM_LXC, errno, "cannot watch signals");
        return -1;
    }
    return 0;
}

static void ctl_clear(ctl *c)
{
    ctl_remove_files(c);
    fd_close(&c->mon_client);
    fd_close(&c->mon_listen);
    fd_close(&c->con_client);
    fd_close(&c->con_listen);
    fd_close(&c->pty_master);
    fd_close(&c->pty_slave);
    fd_close(&c->sig_fd);
    fd_close(&c->handshake_fd);
    g_free(c->name);
    g_free(c->xml_path);
    g_free(c->state_dir);
    g_strfreev(c->veths);
    g_strfreev(c->host_devs);
    g_strfreev(c->guest_devs);
    g_strfreev(c->cgroup_procs);
    g_free(c->sock_path);
    g_free(c->console_path);
    g_free(c->pid_path);
    g_free(c->pty_path);
}

int main(int argc, char **argv)
{
    static ctl c = {
        .handshake_fd = -1, .mon_listen = -1, .mon_client = -1, .con_listen = -1,
        .con_client = -1, .pty_master = -1, .pty_slave = -1, .sig_fd = -1,
    };
    g_autofree char *ok = NULL;

    log_set_level(VIREO_LOG_INFO);
    if (ctl_parse_args(&c, argc, argv) < 0 || signals_setup(&c) < 0) {
        handshake_error(&c);
        ctl_clear(&c);
        return 1;
    }
    /* the handshake pipe is ours alone: init must not hold it open */
    if (c.handshake_fd >= 0)
        fcntl(c.handshake_fd, F_SETFD, FD_CLOEXEC);
    if (ctl_start(&c) < 0) {
        handshake_error(&c);
        ctl_clear(&c);
        return 1;
    }
    log_info("container '%s': init %d runs, console %s", c.name, (int)c.init_pid, c.pty_path);
    ok = g_strdup_printf("ok %d %s\n", (int)c.init_pid, c.pty_path);
    handshake_send(&c, ok);
    ctl_loop(&c);
    ctl_clear(&c);
    return 0;
}
