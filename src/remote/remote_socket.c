/*
 * remote_socket.c: libvirt's socket names and the unix transport.
 *
 * A client that is given no ?socket= dials the monolithic daemon's
 * socket (libvirt-sock, or libvirt-sock-ro for read-only connections) in
 * the system folder (/run/libvirt) or, for session URIs, in
 * $XDG_RUNTIME_DIR/libvirt.  Like libvirt's client in its "auto" mode it
 * falls back to the modular daemon of the URI's driver (virtqemud-sock
 * for qemu://) when only that daemon's socket is there.  vireod answers
 * on every one of these names.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "remote/remote_socket.h"
#include "util/unix_socket.h"
#include "util/error.h"

/* URI driver -> the modular daemon serving it */
static const char *socket_modular_daemon(const char *driver)
{
    static const char *const map[][2] = {
        { "qemu", "virtqemud" }, { "lxc", "virtlxcd" }, { "xen", "virtxend" },
        { "ch", "virtchd" },     { "vbox", "virtvboxd" }, { "bhyve", "virtbhyved" },
        { "network", "virtnetworkd" }, { "storage", "virtstoraged" },
    };

    for (size_t i = 0; driver && i < G_N_ELEMENTS(map); i++)
        if (strcmp(map[i][0], driver) == 0)
            return map[i][1];
    return NULL;
}

/* Session URIs (".../session"), and any URI but ".../system" of an
 * unprivileged user, reach the per-user daemon. */
static bool socket_is_session(const vireo_uri *uri)
{
    const char *path = uri->path ? uri->path : "";

    if (strcmp(path, "/session") == 0)
        return true;
    return geteuid() != 0 && strcmp(path, "/system") != 0;
}

char *remote_socket_path(const vireo_uri *uri, bool read_only)
{
    const char *given = uri->params ? g_hash_table_lookup(uri->params, "socket") : NULL;
    bool session = socket_is_session(uri);
    const char *suffix = read_only && !session ? "-sock-ro" : "-sock";
    const char *modular = socket_modular_daemon(uri->driver);
    g_autofree char *dir = NULL;
    g_autofree char *legacy = NULL;

    if (given && *given)
        return g_strdup(given);
    if (session)
        dir = g_build_filename(g_get_user_runtime_dir(), "libvirt", NULL);
    else
        dir = g_strdup("/run/libvirt");
    legacy = g_strdup_printf("%s/libvirt%s", dir, suffix);
    if (modular && access(legacy, F_OK) < 0) {
        g_autofree char *path = g_strdup_printf("%s/%s%s", dir, modular, suffix);

        if (access(path, F_OK) == 0)
            return g_steal_pointer(&path);
    }
    return g_steal_pointer(&legacy);
}

int remote_socket_connect(const char *path)
{
    int fd = unix_socket_connect(path);

    if (fd < 0) {
        error_report_system(VIREO_FROM_RPC, errno, "Failed to connect socket to '%s'", path);
        return -1;
    }
    return fd;
}

int remote_tcp_connect(const vireo_uri *uri, const char *default_port)
{
    g_autofree char *port = uri->port > 0 ? g_strdup_printf("%d", uri->port)
                                          : g_strdup(default_port);
    const char *host = uri->host && *uri->host ? uri->host : "localhost";
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_ADDRCONFIG };
    struct addrinfo *res = NULL;
    int rc, fd = -1, err = ECONNREFUSED;

    rc = getaddrinfo(host, port, &hints, &res);
    if (rc == EAI_NONAME) {
        /* AI_ADDRCONFIG with loopback only (a namespace) hides 127.0.0.1 */
        hints.ai_flags = 0;
        rc = getaddrinfo(host, port, &hints, &res);
    }
    if (rc != 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR,
                     "Unable to resolve address '%s' service '%s': %s", host, port,
                     gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        while ((rc = connect(fd, ai->ai_addr, ai->ai_addrlen)) < 0 && errno == EINTR)
            ;
        if (rc < 0) {
            err = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_report_system(VIREO_FROM_RPC, err, "unable to connect to server at '%s:%s'",
                            host, port);
        return -1;
    }
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return fd;
}
