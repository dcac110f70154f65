/*
 * listen.c: the unix sockets vireod answers on (main thread).
 *
 * libvirtd's names, and the modular daemons' names in the same folder,
 * so a client that dials any of them finds this one daemon.  A socket
 * file left by a dead daemon is replaced; one that still answers means
 * another daemon runs there, and vireod refuses to start.
 */
#define _GNU_SOURCE     /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "daemon/daemon_priv.h"
#include "util/unix_socket.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.listen"

/* The daemons whose sockets we stand in for: NAME-sock, NAME-sock-ro and
 * NAME-admin-sock each ("libvirt" is libvirtd's own). */
static const char *const listen_daemons[] = {
    "libvirt", "virtqemud", "virtproxyd", "virtnetworkd", "virtstoraged", "virtinterfaced",
    "virtnodedevd", "virtnwfilterd", "virtsecretd", "virtlxcd", "virtxend", NULL,
};

static void listener_free(gpointer p)
{
    daemon_listener *l = p;

    g_clear_handle_id(&l->watch, g_source_remove);
    g_clear_handle_id(&l->resume_timer, g_source_remove);
    if (l->fd >= 0)
        close(l->fd);
    if (l->created && unlink(l->path) < 0 && errno != ENOENT)
        log_warn("cannot remove socket '%s': %s", l->path, g_strerror(errno));
    g_free(l->path);
    g_free(l);
}

static int listen_fill_addr(struct sockaddr_un *sa, const char *path)
{
    if (unix_socket_addr(sa, path))
        return 0;
    error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR,
                 "socket path '%s' is longer than %zu bytes", path, sizeof(sa->sun_path) - 1);
    return -1;
}

/* Whether something answers on the socket at path.  A file that is not
 * a socket is an error: we would not remove it. */
static int listen_check_stale(const char *path, bool *stale)
{
    struct sockaddr_un sa;
    struct stat st;
    int fd = -1;

    *stale = false;
    if (lstat(path, &st) < 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_OPERATION_INVALID,
                     "'%s' exists and is not a socket", path);
        return -1;
    }
    if (listen_fill_addr(&sa, path) < 0)    /* a path too long never answers */
        return -1;
    /* a child a killed daemon was spawning holds its sockets until it
     * execs: what answers for a whole second is a daemon */
    for (int tries = 0; tries < 20; tries++) {
        fd = unix_socket_connect(path);
        if (fd < 0)
            break;
        close(fd);
        g_usleep(50 * 1000);
    }
    if (fd >= 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_OPERATION_INVALID,
                     "another daemon is answering on '%s'; stop it first", path);
        return -1;
    }
    *stale = true;
    return 0;
}

/* A connection over max_clients: held (up to SERVER_OVER_LIMIT_HELD at
 * once) to answer its first call with the error, so its user reads why;
 * the clients already in go on being served. */
static void listen_over_limit(daemon_listener *l, int cfd)
{
    daemon_server *srv = l->srv;
    g_autofree char *peer = client_peer_describe(cfd);

    if (l->transport != LISTEN_UNIX) {
        /* no reply reads before a TLS handshake: closed at once */
        server_limit_refused(srv, LIMIT_MAX_CLIENTS,
                             "refused a client on '%s': max_clients (%d) reached; closed",
                             l->path, srv->cfg->max_clients);
        close(cfd);
        return;
    }
    if (g_hash_table_size(srv->over_limit) >= SERVER_OVER_LIMIT_HELD) {
        server_limit_refused(srv, LIMIT_MAX_CLIENTS,
                             "refused a client (%s) on '%s': max_clients (%d) reached; "
                             "closed without a reply, %d refused clients are held already",
                             peer, l->path, srv->cfg->max_clients, SERVER_OVER_LIMIT_HELD);
        close(cfd);
        return;
    }
    server_limit_refused(srv, LIMIT_MAX_CLIENTS,
                         "refused a client (%s) on '%s': max_clients (%d) reached", peer,
                         l->path, srv->cfg->max_clients);
    client_new_over_limit(srv, cfd, l->kind, g_steal_pointer(&peer));
}

static gboolean listen_on_accept(gint fd, GIOCondition cond, gpointer opaque);

static gboolean listen_resume(gpointer opaque)
{
    daemon_listener *l = opaque;

    l->resume_timer = 0;    /* the source goes with this return */
    l->watch = g_unix_fd_add(l->fd, G_IO_IN, listen_on_accept, l);
    return G_SOURCE_REMOVE;
}

static gboolean listen_on_accept(gint fd, GIOCondition cond, gpointer opaque)
{
    daemon_listener *l = opaque;
    daemon_server *srv = l->srv;
    int cfd;

    (void)cond;
    cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0 && (errno == EMFILE || errno == ENFILE)) {
        /* the pending connection stays readable: without a pause this
         * would spin; the clients in are served meanwhile */
        server_limit_refused(srv, LIMIT_OPEN_FILES,
                             "cannot accept a client on '%s': %s; accepting there pauses "
                             "for 1 s", l->path, g_strerror(errno));
        l->watch = 0;       /* the source goes with this return */
        l->resume_timer = g_timeout_add_seconds(1, listen_resume, l);
        return G_SOURCE_REMOVE;
    }
    if (cfd < 0) {
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
            log_warn("accept on '%s' failed: %s", l->path, g_strerror(errno));
        return G_SOURCE_CONTINUE;
    }
    if ((int)g_hash_table_size(srv->clients) >= srv->cfg->max_clients) {
        listen_over_limit(l, cfd);
        return G_SOURCE_CONTINUE;
    }
    client_new(l, cfd);
    return G_SOURCE_CONTINUE;
}

void listen_watch(daemon_listener *l)
{
    l->watch = g_unix_fd_add(l->fd, G_IO_IN, listen_on_accept, l);
}

static int listen_perms(const daemon_config *cfg, listen_kind kind)
{
    if (kind == LISTEN_RO)
        return cfg->unix_sock_ro_perms;
    if (kind == LISTEN_ADMIN)
        return cfg->unix_sock_admin_perms;
    return cfg->unix_sock_rw_perms;
}

/* Give the socket its group and mode (libvirtd's unix_sock_* settings). */
static int listen_set_access(daemon_server *srv, daemon_listener *l)
{
    const char *group = srv->cfg->unix_sock_group;

    if (group && l->kind != LISTEN_ADMIN) {
        struct group *gr = getgrnam(group);

        if (!gr) {
            error_report(VIREO_FROM_RPC, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "unix_sock_group '%s' is not a group", group);
            return -1;
        }
        if (chown(l->path, -1, gr->gr_gid) < 0) {
            error_report_system(VIREO_FROM_RPC, errno, "cannot give '%s' to group '%s'",
                                l->path, group);
            return -1;
        }
    }
    if (chmod(l->path, listen_perms(srv->cfg, l->kind)) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "cannot set the mode of '%s'", l->path);
        return -1;
    }
    return 0;
}

static int listen_one(daemon_server *srv, const char *path, listen_kind kind)
{
    daemon_listener *l = g_new0(daemon_listener, 1);
    struct sockaddr_un sa;
    bool stale;

    l->srv = srv;
    l->path = g_strdup(path);
    l->kind = kind;
    l->auth = listen_auth_parse(kind == LISTEN_RO ? srv->cfg->auth_unix_ro
                                : kind == LISTEN_RW ? srv->cfg->auth_unix_rw : NULL,
                                "none");
    l->fd = -1;
    g_ptr_array_add(srv->listeners, l);     /* freed with the array */
    if (listen_fill_addr(&sa, path) < 0 || listen_check_stale(path, &stale) < 0)
        return -1;
    if (stale) {
        log_info("removing stale socket '%s'", path);
        unlink(path);
    }
    l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "cannot create a socket");
        return -1;
    }
    if (bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "cannot bind '%s'", path);
        return -1;
    }
    l->created = true;
    if (listen_set_access(srv, l) < 0)
        return -1;
    if (listen(l->fd, 128) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "cannot listen on '%s'", path);
        return -1;
    }
    listen_watch(l);
    log_debug("listening on '%s'", path);
    return 0;
}

int listen_start(daemon_server *srv, const char *dir)
{
    if (g_mkdir_with_parents(dir, 0755) < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "cannot create socket folder '%s'", dir);
        return -1;
    }
    if (!srv->listeners)
        srv->listeners = g_ptr_array_new_with_free_func(listener_free);
    for (const char *const *d = listen_daemons; *d; d++) {
        g_autofree char *rw = g_strdup_printf("%s/%s-sock", dir, *d);
        g_autofree char *ro = g_strdup_printf("%s/%s-sock-ro", dir, *d);
        g_autofree char *admin = g_strdup_printf("%s/%s-admin-sock", dir, *d);

        if (listen_one(srv, rw, LISTEN_RW) < 0 || listen_one(srv, ro, LISTEN_RO) < 0 ||
            listen_one(srv, admin, LISTEN_ADMIN) < 0)
            return -1;
    }
    log_info("listening in '%s'", dir);
    return 0;
}

listen_auth listen_auth_parse(const char *value, const char *dflt)
{
    return g_str_equal(value ? value : dflt, "sasl") ? LISTEN_AUTH_SASL : LISTEN_AUTH_NONE;
}

int listen_auth_setup(daemon_server *srv)
{
    g_autofree char *dir = NULL;
    g_autofree char *conf = NULL;

    for (guint i = 0; srv->listeners && i < srv->listeners->len; i++) {
        daemon_listener *l = srv->listeners->pdata[i];

        if (l->auth != LISTEN_AUTH_SASL)
            continue;
        /* Cyrus reads libvirt.conf (mech_list, sasldb_path) from here */
        dir = g_build_filename(srv->root ? srv->root : "/", "etc", "sasl2", NULL);
        conf = g_build_filename(dir, "libvirt.conf", NULL);
        if (!g_file_test(conf, G_FILE_TEST_EXISTS))
            log_warn("'%s' is missing: SASL runs with Cyrus' defaults (every mechanism, "
                     "/etc/sasldb2)", conf);
        if (sasl_server_setup(dir) < 0)
            return -1;
        log_info("SASL authentication configured from '%s'", conf);
        return 0;
    }
    return 0;
}

void listen_stop(daemon_server *srv)
{
    g_clear_pointer(&srv->listeners, g_ptr_array_unref);
}
