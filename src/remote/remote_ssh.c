/*
 * remote_ssh.c: the qemu+ssh:// transport, as libvirt's client runs it.
 *
 * `ssh [-p PORT] [-l USER] [-i KEYFILE] -T -e none [-o BatchMode=yes]
 * [-o StrictHostKeyChecking=no] -- HOST 'sh -c ...'` over a socketpair:
 * the remote shell command is byte for byte the one libvirt 9.0's virsh
 * sends, so a host set up for virsh (virt-ssh-helper, or nc, or
 * vireo-ssh-helper named by ?netcat=) serves us too:
 *
 *   proxy=netcat   NC [-q0] -U SOCKET   (the default when ?socket= is
 *                  given, and whenever ?netcat= is)
 *   proxy=native   virt-ssh-helper [-r] DAEMON-URI
 *   proxy=auto     the helper when the remote host has one, else netcat
 *
 * SOCKET is ?socket= or libvirt's default for the remote host
 * (/var/run/libvirt/libvirt-sock, -ro when read-only): the local
 * filesystem says nothing about the remote one.
 *
 * ssh's stderr goes to a pipe kept here, keyed by the child's pid, so a
 * connection that dies at once can say why (remote_ssh_explain_failure).
 */
#define _GNU_SOURCE /* pipe2, posix_spawn_file_actions_addclosefrom_np */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "remote/remote_socket.h"
#include "util/error.h"

extern char **environ;

#define SSH_DEFAULT_SOCKET "/var/run/libvirt/libvirt-sock"
#define SSH_ERROR_WAIT_MS 2000
#define SSH_ERROR_MAX 4096

/* ssh children's stderr pipes (read ends), pid -> fd; guarded by
 * ssh_errors_lock.  An entry goes when remote_ssh_error takes it, or
 * when a later open finds its ssh gone (the pipe hung up). */
static GMutex ssh_errors_lock;
static GHashTable *ssh_errors;
/* the ssh child of this thread's last remote_ssh_open */
static __thread pid_t ssh_last_child;

static const char *ssh_param(const vireo_uri *uri, const char *key)
{
    return uri->params ? g_hash_table_lookup(uri->params, key) : NULL;
}

/* libvirt's URI booleans: "1" is true, anything else false */
static bool ssh_param_true(const vireo_uri *uri, const char *key)
{
    const char *v = ssh_param(uri, key);

    return v && strcmp(v, "1") == 0;
}

/* Quote s for /bin/sh only when it holds a metacharacter, as libvirt's
 * client does (its command must come out the same). */
static char *ssh_shell_quote(const char *s)
{
    GString *out;

    if (!*s)
        return g_strdup("''");
    if (!strpbrk(s, "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~"))
        return g_strdup(s);
    out = g_string_new("'");
    for (; *s; s++) {
        if (*s == '\'')
            g_string_append(out, "'\\'");
        g_string_append_c(out, *s);
    }
    g_string_append_c(out, '\'');
    return g_string_free(out, FALSE);
}

/* sshd hands the command to the user's shell, which hands it to sh -c:
 * two levels of quoting. */
static char *ssh_shell_quote2(const char *s)
{
    g_autofree char *once = ssh_shell_quote(s);

    return ssh_shell_quote(once);
}

/* The remote command for uri (libvirt 9.0's, see the header comment),
 * or NULL with VIREO_ERR_INVALID_ARG. */
static char *remote_ssh_command(const vireo_uri *uri, bool read_only)
{
    const char *proxy = ssh_param(uri, "proxy");
    const char *netcat = ssh_param(uri, "netcat");
    const char *socket = ssh_param(uri, "socket");
    g_autofree char *nc = ssh_shell_quote2(netcat ? netcat : "nc");
    g_autofree char *daemon_uri = remote_daemon_uri(uri);
    g_autofree char *daemon_uri_q = ssh_shell_quote2(daemon_uri);
    g_autofree char *sock = NULL;
    g_autofree char *nccmd = NULL;
    g_autofree char *helpercmd = NULL;

    if (!proxy)
        proxy = socket ? "netcat" : "auto";
    if (strcmp(proxy, "auto") == 0 && netcat)
        proxy = "netcat";
    sock = socket ? g_strdup(socket)
                  : g_strdup_printf("%s%s", SSH_DEFAULT_SOCKET, read_only ? "-ro" : "");
    nccmd = g_strdup_printf("if '%s' -q 2>&1 | grep \"requires an argument\" >/dev/null 2>&1; "
                            "then ARG=-q0;else ARG=;fi;'%s' $ARG -U %s",
                            nc, nc, sock);
    helpercmd = g_strdup_printf("virt-ssh-helper%s'%s'", read_only ? " -r " : " ",
                                daemon_uri_q);
    if (strcmp(proxy, "auto") == 0)
        return g_strdup_printf("sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; "
                               "if test $? = 0; then     %s; else    %s; fi'",
                               helpercmd, nccmd);
    if (strcmp(proxy, "netcat") == 0)
        return g_strdup_printf("sh -c '%s'", nccmd);
    if (strcmp(proxy, "native") == 0) {
        if (netcat) {
            error_report(VIREO_FROM_REMOTE, VIREO_ERR_INVALID_ARG,
                         "netcat path not valid with native proxy mode");
            return NULL;
        }
        return g_strdup_printf("sh -c '%s'", helpercmd);
    }
    error_report(VIREO_FROM_REMOTE, VIREO_ERR_INVALID_ARG,
                 "Unknown proxy type '%s' in URI '%s' (expected auto, netcat or native)", proxy,
                 uri->text);
    return NULL;
}

/* ssh's argv for uri, as libvirt's client builds it (?command= names
 * the ssh program). */
static GPtrArray *ssh_argv(const vireo_uri *uri, const char *command)
{
    const char *binary = ssh_param(uri, "command");
    const char *keyfile = ssh_param(uri, "keyfile");
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(argv, g_strdup(binary && *binary ? binary : "ssh"));
    if (uri->port > 0) {
        g_ptr_array_add(argv, g_strdup("-p"));
        g_ptr_array_add(argv, g_strdup_printf("%d", uri->port));
    }
    if (uri->user && *uri->user) {
        g_ptr_array_add(argv, g_strdup("-l"));
        g_ptr_array_add(argv, g_strdup(uri->user));
    }
    if (keyfile && *keyfile) {
        g_ptr_array_add(argv, g_strdup("-i"));
        g_ptr_array_add(argv, g_strdup(keyfile));
    }
    g_ptr_array_add(argv, g_strdup("-T"));
    g_ptr_array_add(argv, g_strdup("-e"));
    g_ptr_array_add(argv, g_strdup("none"));
    if (ssh_param_true(uri, "no_tty")) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup("BatchMode=yes"));
    }
    if (ssh_param_true(uri, "no_verify")) {
        g_ptr_array_add(argv, g_strdup("-o"));
        g_ptr_array_add(argv, g_strdup("StrictHostKeyChecking=no"));
    }
    g_ptr_array_add(argv, g_strdup("--"));
    g_ptr_array_add(argv, g_strdup(uri->host && *uri->host ? uri->host : "localhost"));
    g_ptr_array_add(argv, g_strdup(command));
    g_ptr_array_add(argv, NULL);
    return argv;
}

/* Forget the stderr pipes of ssh children that are gone (caller holds
 * ssh_errors_lock). */
static void ssh_errors_prune(void)
{
    GHashTableIter it;
    gpointer key, value;

    g_hash_table_iter_init(&it, ssh_errors);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        struct pollfd p = { .fd = GPOINTER_TO_INT(value), .events = 0 };

        if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL))) {
            close(p.fd);
            g_hash_table_iter_remove(&it);
        }
    }
}

static void ssh_errors_add(pid_t pid, int fd)
{
    g_mutex_lock(&ssh_errors_lock);
    if (!ssh_errors)
        ssh_errors = g_hash_table_new(NULL, NULL);
    ssh_errors_prune();
    g_hash_table_insert(ssh_errors, GINT_TO_POINTER(pid), GINT_TO_POINTER(fd));
    g_mutex_unlock(&ssh_errors_lock);
}

static int ssh_errors_take(pid_t pid)
{
    gpointer value = NULL;
    int fd = -1;

    g_mutex_lock(&ssh_errors_lock);
    if (ssh_errors &&
        g_hash_table_steal_extended(ssh_errors, GINT_TO_POINTER(pid), NULL, &value))
        fd = GPOINTER_TO_INT(value);
    g_mutex_unlock(&ssh_errors_lock);
    return fd;
}

/* What ssh child printed on stderr, as one line (NULL: nothing). */
static char *ssh_error_text(pid_t child)
{
    int fd = ssh_errors_take(child);
    g_autoptr(GString) text = g_string_new(NULL);
    g_autoptr(GString) joined = g_string_new(NULL);
    g_auto(GStrv) lines = NULL;
    gint64 end = g_get_monotonic_time() + SSH_ERROR_WAIT_MS * 1000;

    if (fd < 0)
        return NULL;
    /* ssh is on its way out: read until it closes stderr, a short while */
    while (text->len < SSH_ERROR_MAX) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        gint64 left = (end - g_get_monotonic_time()) / 1000;
        char buf[512];
        ssize_t n;

        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        n = read(fd, buf, MIN(sizeof(buf), SSH_ERROR_MAX - text->len));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break;
        g_string_append_len(text, buf, n);
    }
    close(fd);
    g_strdelimit(text->str, "\r", '\n');
    lines = g_strsplit(text->str, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_strstrip(*l);
        if (**l)
            g_string_append_printf(joined, "%s%s", joined->len ? "; " : "", *l);
    }
    return joined->len ? g_string_free(g_steal_pointer(&joined), FALSE) : NULL;
}

void remote_ssh_explain_failure(void)
{
    pid_t child = ssh_last_child;
    const vireo_error *err = error_last();
    g_autofree char *said = NULL;
    g_autofree char *message = NULL;

    ssh_last_child = 0;
    if (child <= 0 || !(said = ssh_error_text(child)) || !err)
        return;
    message = g_strdup_printf("%s: %s", err->message ? err->message : "ssh failed", said);
    error_set_full(err->domain, err->code, err->level, message, err->str1, err->str2,
                   err->str3, err->int1, err->int2);
}

/* Run argv with stdin and stdout on sock, stderr on err.  The pid, or
 * -1 with errno. */
static pid_t ssh_spawn(char *const *argv, int sock, int err)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, dflt;
    pid_t pid = -1;
    int rc;

    sigemptyset(&none);
    sigemptyset(&dflt);
    sigaddset(&dflt, SIGPIPE);
    sigaddset(&dflt, SIGCHLD);
    sigaddset(&dflt, SIGINT);
    sigaddset(&dflt, SIGTERM);
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, sock, 0);
    posix_spawn_file_actions_adddup2(&fa, sock, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    /* nothing else of ours (other connections' sockets) goes to ssh */
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    /* the terminal stays ssh's (no new session): it may ask for a
     * password or a host key there, as under virsh */
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dflt);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

int remote_ssh_open(const vireo_uri *uri, bool read_only, pid_t *child)
{
    g_autofree char *command = remote_ssh_command(uri, read_only);
    g_autoptr(GPtrArray) argv = NULL;
    int sv[2], errp[2];
    pid_t pid;

    if (!command)
        return -1;
    argv = ssh_argv(uri, command);
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "unable to create socket pair");
        return -1;
    }
    if (pipe2(errp, O_CLOEXEC) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "unable to create pipe");
        close(sv[0]);
        close(sv[1]);
        return -1;
    }
    pid = ssh_spawn((char *const *)argv->pdata, sv[1], errp[1]);
    close(sv[1]);
    close(errp[1]);
    if (pid < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "cannot run '%s' to reach '%s'",
                            (const char *)argv->pdata[0], uri->host ? uri->host : "localhost");
        close(sv[0]);
        close(errp[0]);
        return -1;
    }
    /* F_SETFL on descriptors we just made cannot fail */
    fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
    fcntl(errp[0], F_SETFL, fcntl(errp[0], F_GETFL) | O_NONBLOCK);
    ssh_errors_add(pid, errp[0]);
    ssh_last_child = pid;
    *child = pid;
    return sv[0];
}
