/*
 * dispatch.c: route one whole packet from a client (main thread).
 *
 * Keepalive packets are answered here; CALLs of the remote program go to
 * the worker pool; stream packets to their stream; a CALL of a program or
 * version we do not serve gets libvirt's error reply and the client
 * stays.  Anything else a client may not send is logged and dropped.
 */
#include <string.h>

#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "rpc/lxc_protocol.h"
#include "daemon/stream.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.dispatch"

static void dispatch_unknown_program(daemon_client *c, const rpc_header *hdr)
{
    g_autoptr(vireo_error) saved = error_save();
    const vireo_error *err;

    error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Cannot find program %u version %u", hdr->prog,
                 hdr->vers);
    err = error_last();
    client_queue(c, wire_error_reply(hdr, err));
    error_reset();
    if (saved)
        error_restore(g_steal_pointer(&saved));
}

static bool dispatch_serves(daemon_client *c, const rpc_header *hdr)
{
    /* the admin socket serves the admin program only, which vireod
     * does not implement yet; the others the remote program */
    if (c->kind == LISTEN_ADMIN)
        return false;
    return (hdr->prog == RPC_REMOTE_PROGRAM || hdr->prog == RPC_LXC_PROGRAM) &&
           hdr->vers == RPC_PROTOCOL_VERSION;
}

const dispatch_proc *dispatch_lookup(const rpc_header *hdr)
{
    if (hdr->prog == RPC_LXC_PROGRAM)
        return dispatch_lxc_lookup(hdr->proc);
    return dispatch_remote_lookup(hdr->proc);
}

void dispatch_packet(daemon_client *c, GByteArray *pkt)
{
    g_autoptr(GByteArray) owned = pkt;
    rpc_header hdr;

    if (rpc_header_decode(pkt->data, pkt->len, &hdr) < 0) {
        client_disconnect(c, "undecodable header");
        return;
    }
    log_debug("client %d: packet prog=0x%x vers=%u proc=%d type=%d serial=%u status=%d",
              c->id, hdr.prog, hdr.vers, hdr.proc, hdr.type, hdr.serial, hdr.status);
    if (hdr.prog == RPC_KEEPALIVE_PROGRAM && hdr.vers == RPC_PROTOCOL_VERSION) {
        keepalive_packet(c, &hdr);
        return;
    }
    if (!dispatch_serves(c, &hdr)) {
        if (hdr.type == RPC_CALL || hdr.type == RPC_CALL_WITH_FDS)
            dispatch_unknown_program(c, &hdr);
        else
            log_debug("client %d: dropped a packet of unknown program 0x%x", c->id, hdr.prog);
        return;
    }
    switch (hdr.type) {
    case RPC_CALL:
        worker_submit(c, &hdr, g_steal_pointer(&owned));
        return;
    case RPC_CALL_WITH_FDS: {
        g_autoptr(vireo_error) saved = error_save();

        error_report(VIREO_FROM_RPC, VIREO_ERR_NO_SUPPORT,
                     "passing file descriptors (procedure %d)", hdr.proc);
        client_queue(c, wire_error_reply(&hdr, error_last()));
        error_reset();
        if (saved)
            error_restore(g_steal_pointer(&saved));
        return;
    }
    case RPC_STREAM:
    case RPC_STREAM_HOLE:
        stream_dispatch(c, &hdr, g_steal_pointer(&owned));
        return;
    default:
        log_debug("client %d: dropped a packet of type %d", c->id, hdr.type);
        return;
    }
}

/* Words libvirt keeps in capitals in its API names. */
static const char *const api_acronyms[] = { "XML", "UUID", "ID", "OS", "CPU", "PCI", "USB",
                                            "SCSI", "FS", "NUMA", "IO", "MAC", NULL };

char *dispatch_api_name(const char *proc_name)
{
    g_auto(GStrv) words = g_strsplit(proc_name, "_", -1);
    GString *out = g_string_new("vir");

    for (char **w = words; *w; w++) {
        if (g_strv_contains(api_acronyms, *w)) {
            g_string_append(out, *w);
            continue;
        }
        g_autofree char *lower = g_ascii_strdown(*w, -1);

        if (*lower)
            lower[0] = g_ascii_toupper(lower[0]);
        g_string_append(out, lower);
    }
    return g_string_free(out, FALSE);
}
