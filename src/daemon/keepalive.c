/*
 * keepalive.c: libvirt's keepalive program, both ways (main thread).
 *
 * A client's PING gets a PONG.  Once a client has shown it speaks
 * keepalive (it sent a keepalive packet, or asked for the feature), the
 * daemon PINGs it after keepalive_interval seconds of silence, and drops
 * it when keepalive_count PINGs in a row went unanswered.  Anything the
 * client sends counts as an answer.
 */
#include "daemon/daemon_priv.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.keepalive"

static GByteArray *keepalive_packet_new(int proc)
{
    rpc_header h = {
        .prog = RPC_KEEPALIVE_PROGRAM, .vers = RPC_PROTOCOL_VERSION, .proc = proc,
        .type = RPC_MESSAGE, .serial = 0, .status = RPC_OK,
    };
    GByteArray *pkt = rpc_packet_new(&h);

    rpc_packet_finish(pkt, &h);
    return pkt;
}

static gboolean keepalive_tick(gpointer opaque)
{
    daemon_client *c = opaque;
    const daemon_config *cfg = c->srv->cfg;
    gint64 silent = g_get_monotonic_time() - c->last_rx;

    if (silent < (gint64)cfg->keepalive_interval * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;
    if (c->ka_unanswered >= cfg->keepalive_count) {
        c->ka_timer = 0;    /* the source goes with this return */
        client_disconnect(c, "no answer to keepalive");
        return G_SOURCE_REMOVE;
    }
    c->ka_unanswered++;
    log_debug("client %d: PING %d after %" G_GINT64_FORMAT " s of silence", c->id,
              c->ka_unanswered, silent / G_USEC_PER_SEC);
    client_queue(c, keepalive_packet_new(RPC_KEEPALIVE_PING));
    return G_SOURCE_CONTINUE;
}

void keepalive_start(daemon_client *c)
{
    const daemon_config *cfg = c->srv->cfg;

    if (c->ka_enabled || cfg->keepalive_interval <= 0 || c->fd < 0)
        return;
    c->ka_enabled = true;
    c->ka_timer = g_timeout_add_seconds(cfg->keepalive_interval, keepalive_tick, c);
}

void keepalive_stop(daemon_client *c)
{
    g_clear_handle_id(&c->ka_timer, g_source_remove);
    c->ka_enabled = false;
}

void keepalive_heard(daemon_client *c)
{
    c->ka_unanswered = 0;
}

void keepalive_packet(daemon_client *c, const rpc_header *hdr)
{
    if (hdr->type != RPC_MESSAGE) {
        log_debug("client %d: dropped a keepalive packet of type %d", c->id, hdr->type);
        return;
    }
    if (hdr->proc == RPC_KEEPALIVE_PING) {
        client_queue(c, keepalive_packet_new(RPC_KEEPALIVE_PONG));
        keepalive_start(c);
    } else if (hdr->proc == RPC_KEEPALIVE_PONG) {
        keepalive_start(c);
    } else {
        log_debug("client %d: dropped keepalive procedure %d", c->id, hdr->proc);
    }
}

static gboolean keepalive_start_cb(gpointer opaque)
{
    keepalive_start(opaque);
    return G_SOURCE_REMOVE;
}

void daemon_client_start_keepalive(daemon_client *c)
{
    /* timers belong to the main loop */
    g_main_context_invoke_full(NULL, G_PRIORITY_DEFAULT, keepalive_start_cb, client_ref(c),
                               (GDestroyNotify)client_unref);
}
