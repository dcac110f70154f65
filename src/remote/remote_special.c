/*
 * remote_special.c: the client stubs gen_rpc.py does not write.
 *
 * The mirror images of src/daemon/dispatch_special.c: the typed stubs
 * of the open prologue and epilogue (called by remote_driver.c), the
 * driver entries whose replies do not map onto one field (lists, info
 * structs, create returning the new id), and the decoding of event
 * MESSAGEs.  The event registration entries live in remote_events.c.
 * Every stub is one remote_call(); -1 / NULL with the thread's error.
 */
#include <string.h>

#include "drivers/event.h"
#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* ---- the prologue and epilogue ---- */

int remote_proc_auth_list(vireo_conn *conn, int **types, size_t *ntypes)
{
    remote_auth_list_ret ret;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_AUTH_LIST, RPC_XDR_VOID, NULL,
                    (xdrproc_t)xdr_remote_auth_list_ret, &ret) < 0)
        return -1;
    *ntypes = ret.types.types_len;
    *types = g_new0(int, ret.types.types_len + 1);
    for (u_int i = 0; i < ret.types.types_len; i++)
        (*types)[i] = (int)ret.types.types_val[i];
    xdr_free((xdrproc_t)xdr_remote_auth_list_ret, &ret);
    return 0;
}

int remote_proc_connect_supports_feature(vireo_conn *conn, int feature)
{
    remote_connect_supports_feature_args args = { .feature = feature };
    remote_connect_supports_feature_ret ret = { 0 };

    if (remote_call(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                    (xdrproc_t)xdr_remote_connect_supports_feature_args, &args,
                    (xdrproc_t)xdr_remote_connect_supports_feature_ret, &ret) < 0)
        return -1;
    return ret.supported ? 1 : 0;
}

int remote_proc_connect_open(vireo_conn *conn, const char *name, unsigned int flags)
{
    char *wire_name = (char *)name;
    remote_connect_open_args args = { .name = name ? &wire_name : NULL, .flags = flags };

    return remote_call(conn, REMOTE_PROC_CONNECT_OPEN, (xdrproc_t)xdr_remote_connect_open_args,
                       &args, RPC_XDR_VOID, NULL);
}

int remote_proc_connect_close(vireo_conn *conn)
{
    return remote_call(conn, REMOTE_PROC_CONNECT_CLOSE, RPC_XDR_VOID, NULL, RPC_XDR_VOID, NULL);
}

int remote_proc_connect_register_close_callback(vireo_conn *conn)
{
    return remote_call(conn, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, RPC_XDR_VOID, NULL,
                       RPC_XDR_VOID, NULL);
}

int remote_proc_connect_unregister_close_callback(vireo_conn *conn)
{
    return remote_call(conn, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, RPC_XDR_VOID, NULL,
                       RPC_XDR_VOID, NULL);
}

/* ---- driver entries ---- */

int remote_proc_node_get_info(vireo_conn *conn, vireo_node_info *info)
{
    remote_node_get_info_ret ret;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_NODE_GET_INFO, RPC_XDR_VOID, NULL,
                    (xdrproc_t)xdr_remote_node_get_info_ret, &ret) < 0)
        return -1;
    G_STATIC_ASSERT(sizeof(info->model) == sizeof(ret.model));
    memcpy(info->model, ret.model, sizeof(info->model));
    info->model[sizeof(info->model) - 1] = '\0'; /* the peer need not end it */
    info->memory = ret.memory;
    info->cpus = (unsigned int)ret.cpus;
    info->mhz = (unsigned int)ret.mhz;
    info->nodes = (unsigned int)ret.nodes;
    info->sockets = (unsigned int)ret.sockets;
    info->cores = (unsigned int)ret.cores;
    info->threads = (unsigned int)ret.threads;
    xdr_free((xdrproc_t)xdr_remote_node_get_info_ret, &ret);
    return 0;
}

int remote_proc_domain_get_info(vireo_domain *dom, vireo_domain_info *info)
{
    remote_domain_get_info_args args;
    remote_domain_get_info_ret ret;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_GET_INFO,
                    (xdrproc_t)xdr_remote_domain_get_info_args, &args,
                    (xdrproc_t)xdr_remote_domain_get_info_ret, &ret) < 0)
        return -1;
    info->state = ret.state;
    info->max_mem = ret.maxMem;
    info->memory = ret.memory;
    info->nr_virt_cpu = ret.nrVirtCpu;
    info->cpu_time = ret.cpuTime;
    return 0;
}

/* Start, and take the id the daemon reports (as libvirt's client does:
 * the handle's id changes in place). */
int remote_proc_domain_create_with_flags(vireo_domain *dom, unsigned int flags)
{
    remote_domain_create_with_flags_args args;
    remote_domain_create_with_flags_ret ret;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    args.flags = flags;
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS,
                    (xdrproc_t)xdr_remote_domain_create_with_flags_args, &args,
                    (xdrproc_t)xdr_remote_domain_create_with_flags_ret, &ret) < 0)
        return -1;
    dom->id = ret.dom.id;
    xdr_free((xdrproc_t)xdr_remote_domain_create_with_flags_ret, &ret);
    return 0;
}

int remote_proc_connect_list_all_domains(vireo_conn *conn, vireo_domain ***domains,
                                         unsigned int flags)
{
    remote_connect_list_all_domains_args args = { .need_results = domains != NULL,
                                                  .flags = flags };
    remote_connect_list_all_domains_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS,
                    (xdrproc_t)xdr_remote_connect_list_all_domains_args, &args,
                    (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (domains) {
        n = (int)ret.domains.domains_len;
        *domains = g_new0(vireo_domain *, ret.domains.domains_len + 1);
        for (u_int i = 0; i < ret.domains.domains_len; i++)
            (*domains)[i] = remote_domain_from_wire(conn, &ret.domains.domains_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret);
    return n;
}

/* ---- events ---- */

/* Emit one lifecycle event to the registration source names; a NULL
 * source (no such registration any more) drops it. */
static void remote_event_lifecycle(const void *source, const remote_domain_event_lifecycle_msg *m)
{
    if (!source)
        return;
    event_emit_lifecycle(source, m->dom.name, (const unsigned char *)m->dom.uuid, m->dom.id,
                         m->event, m->detail);
}

static int remote_event_decode(const uint8_t *pkt, size_t len, xdrproc_t filter, void *msg)
{
    if (rpc_packet_decode(pkt, len, filter, msg) < 0) {
        error_reset(); /* a bad event is the transport's to log, not the caller's error */
        return -1;
    }
    return 0;
}

int remote_event_dispatch(vireo_conn *conn, const rpc_header *hdr, const uint8_t *pkt, size_t len)
{
    switch (hdr->proc) {
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
        remote_domain_event_callback_lifecycle_msg m;

        memset(&m, 0, sizeof(m));
        if (remote_event_decode(pkt, len,
                                (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &m) < 0)
            return -1;
        remote_event_lifecycle(remote_event_source(conn, m.callbackID), &m.msg);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &m);
        return 0;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT: {
        remote_domain_event_callback_reboot_msg m;
        const void *source;

        memset(&m, 0, sizeof(m));
        if (remote_event_decode(pkt, len, (xdrproc_t)xdr_remote_domain_event_callback_reboot_msg,
                                &m) < 0)
            return -1;
        source = remote_event_source(conn, m.callbackID);
        if (source)
            event_emit_reboot(source, m.msg.dom.name, (const unsigned char *)m.msg.dom.uuid,
                              m.msg.dom.id);
        xdr_free((xdrproc_t)xdr_remote_domain_event_callback_reboot_msg, &m);
        return 0;
    }
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED:
        return remote_event_device_removed(conn, pkt, len);
    case REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE:
    case REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH:
    case REMOTE_PROC_SECRET_EVENT_LIFECYCLE:
    case REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED:
        return remote_event_storage_dispatch(conn, hdr->proc, pkt, len);
    case REMOTE_PROC_NETWORK_EVENT_LIFECYCLE:
        return remote_event_network(conn, pkt, len);
    default:
        /* legacy events (DOMAIN_EVENT_LIFECYCLE without a callback id)
         * are never asked for: vireo registers with callback ids only */
        return -1;
    }
}

/* ---- messages ---- */

int remote_proc_domain_get_messages(vireo_domain *dom, char ***msgs, unsigned int flags)
{
    remote_domain_get_messages_args args = { .flags = flags };
    remote_domain_get_messages_ret ret;

    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_GET_MESSAGES,
                    (xdrproc_t)xdr_remote_domain_get_messages_args, &args,
                    (xdrproc_t)xdr_remote_domain_get_messages_ret, &ret) < 0)
        return -1;
    *msgs = g_new0(char *, ret.msgs.msgs_len + 1);
    for (u_int i = 0; i < ret.msgs.msgs_len; i++)
        (*msgs)[i] = g_strdup(ret.msgs.msgs_val[i]);
    xdr_free((xdrproc_t)xdr_remote_domain_get_messages_ret, &ret);
    return (int)ret.msgs.msgs_len;
}
