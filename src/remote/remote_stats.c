/*
 * remote_stats.c: client ends of the statistics procedures (typed
 * parameters and arrays the generator does not map).  Each is one
 * remote_call(); -1 with the thread's error.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "rpc/typed_param.h"
#include "util/error.h"

/* libvirt's VIR_TYPED_PARAM_STRING_OKAY, which libvirt's own library
 * adds for a peer that takes strings (every vireod and libvirtd does). */
#define REMOTE_TYPED_PARAM_STRING_OKAY (1u << 2)

int remote_proc_domain_memory_stats(vireo_domain *dom, vireo_domain_memory_stat *stats,
                                    unsigned int nr_stats, unsigned int flags)
{
    remote_domain_memory_stats_args args;
    remote_domain_memory_stats_ret ret;
    u_int n;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    args.maxStats = nr_stats;
    args.flags = flags;
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_MEMORY_STATS,
                    (xdrproc_t)xdr_remote_domain_memory_stats_args, &args,
                    (xdrproc_t)xdr_remote_domain_memory_stats_ret, &ret) < 0)
        return -1;
    /* a peer may not send more than asked; never write past the array */
    n = MIN(ret.stats.stats_len, nr_stats);
    for (u_int i = 0; i < n; i++) {
        stats[i].tag = ret.stats.stats_val[i].tag;
        stats[i].val = ret.stats.stats_val[i].val;
    }
    xdr_free((xdrproc_t)xdr_remote_domain_memory_stats_ret, &ret);
    return (int)n;
}

/* One call asking for as many as the wire allows: the server sends what
 * it has (libvirt's servers answer so too), no counting round trip. */
int remote_proc_domain_block_stats_flags(vireo_domain *dom, const char *disk,
                                         vireo_typed_param **params, int *nparams,
                                         unsigned int flags)
{
    remote_domain_block_stats_flags_args args;
    remote_domain_block_stats_flags_ret ret;
    int rv;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    args.path = (char *)disk;
    args.nparams = REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX;
    args.flags = flags | REMOTE_TYPED_PARAM_STRING_OKAY;
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_BLOCK_STATS_FLAGS,
                    (xdrproc_t)xdr_remote_domain_block_stats_flags_args, &args,
                    (xdrproc_t)xdr_remote_domain_block_stats_flags_ret, &ret) < 0)
        return -1;
    rv = typed_param_from_wire(ret.params.params_val, ret.params.params_len, params, nparams);
    xdr_free((xdrproc_t)xdr_remote_domain_block_stats_flags_ret, &ret);
    return rv;
}

int remote_proc_domain_interface_stats(vireo_domain *dom, const char *device,
                                       vireo_interface_stats *stats)
{
    remote_domain_interface_stats_args args;
    remote_domain_interface_stats_ret ret;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    remote_domain_to_wire(dom, &args.dom);
    args.path = (char *)device;
    if (remote_call(dom->conn, REMOTE_PROC_DOMAIN_INTERFACE_STATS,
                    (xdrproc_t)xdr_remote_domain_interface_stats_args, &args,
                    (xdrproc_t)xdr_remote_domain_interface_stats_ret, &ret) < 0)
        return -1;
    stats->rx_bytes = ret.rx_bytes;
    stats->rx_packets = ret.rx_packets;
    stats->rx_errs = ret.rx_errs;
    stats->rx_drop = ret.rx_drop;
    stats->tx_bytes = ret.tx_bytes;
    stats->tx_packets = ret.tx_packets;
    stats->tx_errs = ret.tx_errs;
    stats->tx_drop = ret.tx_drop;
    return 0;
}

/* The wire's records as a NULL-terminated list of new records. */
static int remote_records_get(vireo_conn *conn, const remote_connect_get_all_domain_stats_ret *ret,
                              vireo_domain_stats_record ***records)
{
    u_int n = ret->retStats.retStats_len;
    vireo_domain_stats_record **out = g_new0(vireo_domain_stats_record *, n + 1);

    for (u_int i = 0; i < n; i++) {
        const remote_domain_stats_record *w = &ret->retStats.retStats_val[i];
        vireo_domain_stats_record *r = g_new0(vireo_domain_stats_record, 1);

        out[i] = r;
        if (typed_param_from_wire(w->params.params_val, w->params.params_len, &r->params,
                                  &r->nparams) < 0 ||
            !(r->dom = remote_domain_from_wire(conn, &w->dom))) {
            stats_record_list_free(out);
            return -1;
        }
    }
    *records = out;
    return (int)n;
}

int remote_proc_connect_get_all_domain_stats(vireo_conn *conn, vireo_domain **doms,
                                             unsigned int ndoms, unsigned int stats,
                                             vireo_domain_stats_record ***records,
                                             unsigned int flags)
{
    remote_connect_get_all_domain_stats_args args;
    remote_connect_get_all_domain_stats_ret ret;
    g_autofree remote_nonnull_domain *wire = NULL;
    int rv;

    memset(&args, 0, sizeof(args));
    memset(&ret, 0, sizeof(ret));
    if (ndoms > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_RPC,
                     "too many domains for the wire: %u (at most %d)", ndoms,
                     REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    wire = g_new0(remote_nonnull_domain, ndoms + 1);
    for (unsigned int i = 0; i < ndoms; i++)
        remote_domain_to_wire(doms[i], &wire[i]);
    args.doms.doms_len = ndoms;
    args.doms.doms_val = wire;
    args.stats = stats;
    args.flags = flags;
    if (remote_call(conn, REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS,
                    (xdrproc_t)xdr_remote_connect_get_all_domain_stats_args, &args,
                    (xdrproc_t)xdr_remote_connect_get_all_domain_stats_ret, &ret) < 0)
        return -1;
    rv = remote_records_get(conn, &ret, records);
    xdr_free((xdrproc_t)xdr_remote_connect_get_all_domain_stats_ret, &ret);
    return rv;
}
