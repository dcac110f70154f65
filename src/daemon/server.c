/*
 * server.c: the main loop and its start and end (see server.h).
 */
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/acl.h"
#include "daemon/audit.h"
#include "daemon/daemon_priv.h"
#include "daemon/server.h"
#include "libvireo-priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.server"
/* refusals by a limit, so a filter can pick them alone */
#define LIMITS_CATEGORY "daemon.limits"

static gboolean server_on_signal(gpointer opaque)
{
    daemon_server *srv = opaque;

    log_info("signal received: shutting down");
    g_main_loop_quit(srv->loop);
    return G_SOURCE_CONTINUE;
}

static gboolean server_on_idle_timeout(gpointer opaque)
{
    daemon_server *srv = opaque;

    log_info("no client for %d s: shutting down", srv->idle_timeout);
    srv->idle_timer = 0;
    g_main_loop_quit(srv->loop);
    return G_SOURCE_REMOVE;
}

void server_clients_changed(daemon_server *srv)
{
    bool idle = g_hash_table_size(srv->clients) == 0;

    if (srv->idle_timeout <= 0 || srv->quitting)
        return;
    if (idle && !srv->idle_timer)
        srv->idle_timer = g_timeout_add_seconds(srv->idle_timeout, server_on_idle_timeout, srv);
    else if (!idle && srv->idle_timer)
        g_clear_handle_id(&srv->idle_timer, g_source_remove);
}

static const char *const limit_names[LIMIT_COUNT] = {
    [LIMIT_MAX_CLIENTS] = "max_clients",
    [LIMIT_CLIENT_QUEUE] = "max_client_queue",
    [LIMIT_PACKET_SIZE] = "packet size",
    [LIMIT_STRING_SIZE] = "string size",
    [LIMIT_OPEN_FILES] = "open files",
};

void server_limit_refused(daemon_server *srv, daemon_limit limit, const char *fmt, ...)
{
    limit_log *l = &srv->limits[limit];
    gint64 now = g_get_monotonic_time();
    guint64 refused, suppressed;
    g_autofree char *what = NULL;
    va_list ap;

    g_mutex_lock(&srv->limits_lock);
    refused = ++l->refused;
    /* a flood of refusals must not flood the log: one line a second */
    if (l->last_us && now - l->last_us < G_USEC_PER_SEC) {
        l->suppressed++;
        g_mutex_unlock(&srv->limits_lock);
        return;
    }
    suppressed = l->suppressed;
    l->suppressed = 0;
    l->last_us = now;
    g_mutex_unlock(&srv->limits_lock);

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (suppressed)
        log_message(VIREO_LOG_WARN, LIMITS_CATEGORY,
                    "%s (%" G_GUINT64_FORMAT " refused so far; %" G_GUINT64_FORMAT
                    " more since the last line not logged)", what, refused, suppressed);
    else
        log_message(VIREO_LOG_WARN, LIMITS_CATEGORY, "%s (%" G_GUINT64_FORMAT " refused so far)",
                    what, refused);
}

guint64 server_limit_count(daemon_server *srv, daemon_limit limit)
{
    guint64 n;

    g_mutex_lock(&srv->limits_lock);
    n = srv->limits[limit].refused;
    g_mutex_unlock(&srv->limits_lock);
    return n;
}

/* At exit, the totals of the limits that refused anything. */
static void server_log_limits(daemon_server *srv)
{
    for (int i = 0; i < LIMIT_COUNT; i++) {
        guint64 n = server_limit_count(srv, i);

        if (n)
            log_message(VIREO_LOG_WARN, LIMITS_CATEGORY, "%s: %" G_GUINT64_FORMAT " refused in all",
                        limit_names[i], n);
    }
}

/* Drop every client of one table (clients or over_limit). */
static void server_disconnect_all(GHashTable *table)
{
    GHashTableIter it;
    gpointer c;

    for (;;) {
        g_hash_table_iter_init(&it, table);
        if (!g_hash_table_iter_next(&it, &c, NULL))
            break;
        client_disconnect(c, "daemon shutting down");
    }
}

/* Stop accepting, drop every client, let running calls finish. */
static void server_shutdown(daemon_server *srv)
{
    srv->quitting = true;
    g_clear_handle_id(&srv->idle_timer, g_source_remove);
    listen_stop(srv);
    server_disconnect_all(srv->over_limit);
    server_disconnect_all(srv->clients);
    worker_pools_stop(srv);
    /* what workers queued for the loop (write kicks) holds references */
    while (g_main_context_iteration(NULL, FALSE))
        ;
}

/* The QEMU driver of this daemon's root, opened at start so it re-attaches
 * to guests that kept running and starts the autostart ones before the
 * first client asks.  A host without QEMU still serves everything else. */
static void server_open_hypervisor(daemon_server *srv)
{
    const char *uri = geteuid() == 0 ? "qemu:///system" : "qemu:///session";
    vireo_conn *lxc;

    srv->qemu_conn = api_conn_open_local(uri, false);
    if (!srv->qemu_conn)
        log_warn("%s is not available: %s", uri,
                 error_last() ? error_last()->message : "unknown error");
    /* the LXC driver's system instance stays once opened: this open takes
     * back the containers that ran on and starts the autostart ones */
    if (geteuid() != 0 && !g_getenv("VIREO_ROOT"))
        return;
    lxc = api_conn_open_local("lxc:///system", false);
    if (lxc)
        vireo_conn_close(lxc);
    else
        log_warn("lxc:///system is not available: %s",
                 error_last() ? error_last()->message : "unknown error");
}

int server_run(daemon_config *cfg, const char *sock_dir, int idle_timeout,
               void (*ready)(void *opaque), void *opaque)
{
    return server_run_listen(cfg, sock_dir, "/", false, idle_timeout, ready, opaque);
}

int server_run_listen(daemon_config *cfg, const char *sock_dir, const char *root, bool listen,
                      int idle_timeout, void (*ready)(void *opaque), void *opaque)
{
    daemon_server srv = {
        .cfg = cfg,
        .root = g_strdup(root ? root : "/"),
        .idle_timeout = idle_timeout,
        .clients = g_hash_table_new(g_direct_hash, g_direct_equal),
        .over_limit = g_hash_table_new(g_direct_hash, g_direct_equal),
        .loop = g_main_loop_new(NULL, FALSE),
    };
    guint sig_term, sig_int;
    int status = 0;

    g_mutex_init(&srv.limits_lock);
    signal(SIGPIPE, SIG_IGN);
    /* before the sockets accept: a SIGTERM from whoever saw them answer
     * must stop us cleanly, however long the drivers take to open */
    sig_term = g_unix_signal_add(SIGTERM, server_on_signal, &srv);
    sig_int = g_unix_signal_add(SIGINT, server_on_signal, &srv);
    /* the rules and the audit log are in place before the first client */
    if (acl_server_start(&srv) < 0 || audit_server_start(&srv) < 0 ||
        worker_pools_start(&srv) < 0 || listen_start(&srv, sock_dir) < 0 ||
        (listen && listen_tcp_start(&srv) < 0) ||
        listen_auth_setup(&srv) < 0 ||
        !(srv.default_conn = api_conn_open_local(cfg->uri_default, false))) {
        status = 1;
        goto out;
    }
    server_open_hypervisor(&srv);
    server_clients_changed(&srv);
    log_info("vireod ready: sockets in '%s'", sock_dir);
    if (ready)
        ready(opaque);
    g_main_loop_run(srv.loop);

out:
    g_source_remove(sig_term);
    g_source_remove(sig_int);
    if (status) {
        /* keep the cause across the cleanup */
        g_autoptr(vireo_error) saved = error_save();

        server_shutdown(&srv);
        error_restore(g_steal_pointer(&saved));
    } else {
        server_shutdown(&srv);
    }
    if (srv.qemu_conn)
        vireo_conn_close(srv.qemu_conn);
    if (srv.default_conn)
        vireo_conn_close(srv.default_conn);
    server_log_limits(&srv);
    audit_server_stop(&srv);
    acl_server_stop(&srv);
    g_hash_table_unref(srv.clients);
    g_hash_table_unref(srv.over_limit);
    g_mutex_clear(&srv.limits_lock);
    g_main_loop_unref(srv.loop);
    tls_context_free(srv.tls);
    g_free(srv.root);
    config_free(cfg);
    return status;
}
