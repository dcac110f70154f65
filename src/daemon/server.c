/*
 * server.c: the main loop and its start and end (see server.h).
 */
#include <signal.h>
#include <unistd.h>
#include <glib-unix.h>

#include "daemon/daemon_priv.h"
#include "daemon/server.h"
#include "libvireo-priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.server"

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

/* Stop accepting, drop every client, let running calls finish. */
static void server_shutdown(daemon_server *srv)
{
    GHashTableIter it;
    gpointer c;

    srv->quitting = true;
    g_clear_handle_id(&srv->idle_timer, g_source_remove);
    listen_stop(srv);
    for (;;) {
        g_hash_table_iter_init(&it, srv->clients);
        if (!g_hash_table_iter_next(&it, &c, NULL))
            break;
        client_disconnect(c, "daemon shutting down");
    }
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

    srv->qemu_conn = api_conn_open_local(uri, false);
    if (!srv->qemu_conn)
        log_warn("%s is not available: %s", uri,
                 error_last() ? error_last()->message : "unknown error");
}

int server_run(daemon_config *cfg, const char *sock_dir, int idle_timeout,
               void (*ready)(void *opaque), void *opaque)
{
    daemon_server srv = {
        .cfg = cfg,
        .idle_timeout = idle_timeout,
        .clients = g_hash_table_new(g_direct_hash, g_direct_equal),
        .loop = g_main_loop_new(NULL, FALSE),
    };
    guint sig_term, sig_int;
    int status = 0;

    signal(SIGPIPE, SIG_IGN);
    if (worker_pools_start(&srv) < 0 || listen_start(&srv, sock_dir) < 0 ||
        !(srv.default_conn = api_conn_open_local(cfg->uri_default, false))) {
        status = 1;
        goto out;
    }
    server_open_hypervisor(&srv);
    sig_term = g_unix_signal_add(SIGTERM, server_on_signal, &srv);
    sig_int = g_unix_signal_add(SIGINT, server_on_signal, &srv);
    server_clients_changed(&srv);
    log_info("vireod ready: sockets in '%s'", sock_dir);
    if (ready)
        ready(opaque);
    g_main_loop_run(srv.loop);
    g_source_remove(sig_term);
    g_source_remove(sig_int);

out:
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
    g_hash_table_unref(srv.clients);
    g_main_loop_unref(srv.loop);
    config_free(cfg);
    return status;
}
