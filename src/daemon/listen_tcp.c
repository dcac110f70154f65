/*
 * listen_tcp.c: vireod --listen: TLS on listen_addr:tls_port (16514) and,
 * when enabled, plain TCP on tcp_port (16509), as libvirtd's settings say
 * (main thread).
 *
 * The TLS credentials are loaded once, at start, from libvirt's file
 * layout under the daemon's root; a missing file stops the start with
 * its name.  With no listen_addr every address is served: IPv4 and IPv6
 * each on its own socket (v6-only, so both binds succeed), IPv6 skipped
 * on a host without it.
 */
#define _GNU_SOURCE     /* EAI_ADDRFAMILY */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/daemon_priv.h"
#include "daemon/server.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.listen"

static int listen_tcp_port_ok(const char *key, const char *port)
{
    char *end = NULL;
    long n;

    errno = 0;
    n = port ? strtol(port, &end, 10) : 0;
    if (!port || !*port || *end || errno || n < 1 || n > 65535) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "invalid value for %s: '%s' is not a port number (1 to 65535)", key,
                     port ? port : "");
        return -1;
    }
    return 0;
}

int listen_tcp_check_config(const daemon_config *cfg)
{
    if (cfg->tls_port && listen_tcp_port_ok("tls_port", cfg->tls_port) < 0)
        return -1;
    if (cfg->tcp_port && listen_tcp_port_ok("tcp_port", cfg->tcp_port) < 0)
        return -1;
    if (cfg->listen_tcp && cfg->auth_tcp && g_str_equal(cfg->auth_tcp, "none")) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "invalid value for auth_tcp: \"none\" with listen_tcp = 1 would let anyone "
                     "on the network in unencrypted: plain TCP only with SASL");
        return -1;
    }
    return 0;
}

/* The server's certificate, key, CA and CRL: the settings, else
 * libvirt's paths under root. */
static int listen_tcp_load_tls(daemon_server *srv)
{
    const daemon_config *cfg = srv->cfg;
    g_autofree char *ca = g_build_filename(srv->root, "etc/pki/CA/cacert.pem", NULL);
    g_autofree char *crl = g_build_filename(srv->root, "etc/pki/CA/cacrl.pem", NULL);
    g_autofree char *cert = g_build_filename(srv->root, "etc/pki/libvirt/servercert.pem", NULL);
    g_autofree char *key = g_build_filename(srv->root, "etc/pki/libvirt/private/serverkey.pem",
                                            NULL);
    tls_files files = {
        .ca_file = cfg->ca_file ? cfg->ca_file : ca,
        .crl_file = cfg->crl_file ? cfg->crl_file : crl,
        .cert_file = cfg->cert_file ? cfg->cert_file : cert,
        .key_file = cfg->key_file ? cfg->key_file : key,
    };

    srv->tls = tls_context_new_server(&files, !cfg->tls_no_verify_certificate,
                                      (const char *const *)cfg->tls_allowed_dn_list);
    if (!srv->tls)
        return -1;
    if (tls_context_set_priority(srv->tls, cfg->tls_priority) < 0)
        return -1;
    if (cfg->tls_no_verify_certificate)
        log_warn("tls_no_verify_certificate = 1: TLS clients are not asked for certificates");
    return 0;
}

/* One socket on ai; -1 with errno. */
static int listen_tcp_socket(const struct addrinfo *ai)
{
    int one = 1;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);

    if (fd < 0)
        return -1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        (ai->ai_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
        int err = errno;

        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

static void listen_tcp_add(daemon_server *srv, int fd, const struct addrinfo *ai,
                           listen_transport transport, listen_auth auth)
{
    daemon_listener *l = g_new0(daemon_listener, 1);
    char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";

    getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port, sizeof(port),
                NI_NUMERICHOST | NI_NUMERICSERV);
    l->srv = srv;
    l->path = g_strdup_printf(ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
    l->transport = transport;
    l->auth = auth;
    l->kind = LISTEN_RW;
    l->fd = fd;
    g_ptr_array_add(srv->listeners, l);     /* freed with the array */
    listen_watch(l);
    log_info("listening for %s on %s (auth %s)", transport == LISTEN_TLS ? "TLS" : "TCP",
             l->path, auth == LISTEN_AUTH_SASL ? "sasl" : "none");
}

/* Listen on every address of listen_addr (NULL: all) at port. */
static int listen_tcp_bind(daemon_server *srv, const char *port, listen_transport transport,
                           listen_auth auth)
{
    const char *addr = srv->cfg->listen_addr;
    struct addrinfo hints = {
        .ai_flags = AI_PASSIVE | AI_ADDRCONFIG,
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
    };
    struct addrinfo *res = NULL;
    int rc, bound = 0, err = 0;

    rc = getaddrinfo(addr && *addr ? addr : NULL, port, &hints, &res);
    if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY) {
        /* AI_ADDRCONFIG with loopback only: ask again without it */
        hints.ai_flags = AI_PASSIVE;
        rc = getaddrinfo(addr && *addr ? addr : NULL, port, &hints, &res);
    }
    if (rc != 0) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_SYSTEM_ERROR,
                     "Unable to resolve address '%s' service '%s': %s", addr ? addr : "*",
                     port, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = listen_tcp_socket(ai);

        if (fd < 0) {
            /* a host without IPv6 still serves IPv4 */
            if (errno != EAFNOSUPPORT && errno != EADDRNOTAVAIL)
                err = errno;
            continue;
        }
        listen_tcp_add(srv, fd, ai, transport, auth);
        bound++;
    }
    freeaddrinfo(res);
    if (err || !bound) {
        error_report_system(VIREO_FROM_RPC, err ? err : EADDRNOTAVAIL,
                            "Unable to bind to '%s' port %s", addr ? addr : "*", port);
        return -1;
    }
    return 0;
}

int listen_tcp_start(daemon_server *srv)
{
    const daemon_config *cfg = srv->cfg;

    if (listen_tcp_check_config(cfg) < 0)
        return -1;
    if (cfg->listen_tls) {
        if (listen_tcp_load_tls(srv) < 0 ||
            listen_tcp_bind(srv, cfg->tls_port ? cfg->tls_port : "16514", LISTEN_TLS,
                            listen_auth_parse(cfg->auth_tls, "none")) < 0)
            return -1;
    }
    if (cfg->listen_tcp &&
        listen_tcp_bind(srv, cfg->tcp_port ? cfg->tcp_port : "16509", LISTEN_TCP,
                        listen_auth_parse(cfg->auth_tcp, "sasl")) < 0)
        return -1;
    if (!cfg->listen_tls && !cfg->listen_tcp)
        log_warn("--listen with listen_tls = 0 and listen_tcp = 0: no TCP listener");
    return 0;
}
