/*
 * dispatch_stats.c: the statistics procedures, whose typed parameters
 * and arrays the generator does not map (DOMAIN_MEMORY_STATS,
 * DOMAIN_BLOCK_STATS(_FLAGS), DOMAIN_INTERFACE_STATS,
 * CONNECT_GET_ALL_DOMAIN_STATS).
 *
 * Each runs on a worker thread, borrows the client, fills ret (freed by
 * the daemon with xdr_free) and returns 0, or -1 with the thread's error.
 */
#include <string.h>

#include "daemon/acl.h"
#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/driver_common.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "rpc/typed_param.h"
#include "util/error.h"

/* libvirt's VIR_TYPED_PARAM_STRING_OKAY: libvirt's library adds it to
 * the flags of calls returning typed parameters when the peer supports
 * strings; it says nothing to a driver. */
#define DISPATCH_TYPED_PARAM_STRING_OKAY (1u << 2)

/* The domain table entry of the client's connection, or NULL with
 * NO_SUPPORT naming api. */
#define DISPATCH_ENTRY(conn, entry, api)                                    \
    ((conn)->driver->domain && (conn)->driver->domain->entry                \
         ? (conn)->driver->domain->entry                                    \
         : (dispatch_no_support(api), (__typeof__((conn)->driver->domain->entry))NULL))

int dispatch_domain_memory_stats(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                 void *args_, void *ret_)
{
    remote_domain_memory_stats_args *args = args_;
    remote_domain_memory_stats_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    int (*fn)(vireo_domain *, vireo_domain_memory_stat *, unsigned int, unsigned int);
    g_autofree vireo_domain_memory_stat *stats = NULL;
    vireo_domain *dom;
    int n;

    if (!(fn = DISPATCH_ENTRY(conn, memory_stats, "virDomainMemoryStats")))
        return -1;
    if (args->maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "maxStats > REMOTE_DOMAIN_MEMORY_STATS_MAX");
        return -1;
    }
    if (!(dom = dispatch_domain_get(conn, &args->dom)))
        return -1;
    stats = g_new0(vireo_domain_memory_stat, args->maxStats + 1);
    n = args->maxStats ? fn(dom, stats, args->maxStats, args->flags) : 0;
    domain_handle_unref(dom);
    if (n < 0)
        return -1;
    ret->stats.stats_len = (u_int)n;
    ret->stats.stats_val = g_new0(remote_domain_memory_stat, n + 1);
    for (int i = 0; i < n; i++) {
        ret->stats.stats_val[i].tag = stats[i].tag;
        ret->stats.stats_val[i].val = stats[i].val;
    }
    return 0;
}

/* The block statistics of one disk as typed parameters (*params owned by
 * the caller). */
static int dispatch_block_params(vireo_conn *conn, remote_nonnull_domain *wire,
                                 const char *path, unsigned int flags, const char *api,
                                 vireo_typed_param **params, int *n)
{
    int (*fn)(vireo_domain *, const char *, vireo_typed_param **, int *, unsigned int);
    vireo_domain *dom;
    int rv;

    *params = NULL;
    *n = 0;
    if (!(fn = DISPATCH_ENTRY(conn, block_stats, api)) ||
        !(dom = dispatch_domain_get(conn, wire)))
        return -1;
    rv = fn(dom, path, params, n, flags);
    domain_handle_unref(dom);
    return rv < 0 ? -1 : 0;
}

static long long dispatch_param_ll(const vireo_typed_param *params, int n, const char *field)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(params[i].field, field) != 0)
            continue;
        switch (params[i].type) {
        case VIREO_TYPED_PARAM_LLONG: return params[i].value.l;
        case VIREO_TYPED_PARAM_ULLONG: return (long long)params[i].value.ul;
        case VIREO_TYPED_PARAM_INT: return params[i].value.i;
        case VIREO_TYPED_PARAM_UINT: return params[i].value.ui;
        default: return -1;
        }
    }
    return -1; /* libvirt's legacy call: -1 for a counter not kept */
}

int dispatch_domain_block_stats(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                void *args_, void *ret_)
{
    remote_domain_block_stats_args *args = args_;
    remote_domain_block_stats_ret *ret = ret_;
    vireo_typed_param *params;
    int n;

    if (dispatch_block_params(daemon_client_conn(client), &args->dom, args->path, 0,
                              "virDomainBlockStats", &params, &n) < 0)
        return -1;
    ret->rd_req = dispatch_param_ll(params, n, "rd_operations");
    ret->rd_bytes = dispatch_param_ll(params, n, "rd_bytes");
    ret->wr_req = dispatch_param_ll(params, n, "wr_operations");
    ret->wr_bytes = dispatch_param_ll(params, n, "wr_bytes");
    ret->errs = dispatch_param_ll(params, n, "errs");
    typed_param_free(params, n);
    return 0;
}

/* nparams 0 asks how many there are (libvirt's two-step protocol);
 * otherwise at most nparams come back. */
int dispatch_domain_block_stats_flags(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                      void *args_, void *ret_)
{
    remote_domain_block_stats_flags_args *args = args_;
    remote_domain_block_stats_flags_ret *ret = ret_;
    vireo_typed_param *params;
    int total, n;

    if (args->nparams < 0 || args->nparams > REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "nparams too large");
        return -1;
    }
    if (dispatch_block_params(daemon_client_conn(client), &args->dom, args->path,
                              args->flags & ~DISPATCH_TYPED_PARAM_STRING_OKAY,
                              "virDomainBlockStatsFlags", &params, &total) < 0)
        return -1;
    n = total;
    if (args->nparams == 0) {
        ret->nparams = n;
    } else {
        if (n > args->nparams)
            n = args->nparams;
        typed_param_to_wire(params, n, &ret->params.params_val, &ret->params.params_len);
        ret->nparams = n;
    }
    typed_param_free(params, total);
    return 0;
}

int dispatch_domain_interface_stats(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                    void *args_, void *ret_)
{
    remote_domain_interface_stats_args *args = args_;
    remote_domain_interface_stats_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    int (*fn)(vireo_domain *, const char *, vireo_interface_stats *);
    vireo_interface_stats st;
    vireo_domain *dom;
    int rv;

    if (!(fn = DISPATCH_ENTRY(conn, interface_stats, "virDomainInterfaceStats")) ||
        !(dom = dispatch_domain_get(conn, &args->dom)))
        return -1;
    memset(&st, 0, sizeof(st));
    rv = fn(dom, args->path, &st);
    domain_handle_unref(dom);
    if (rv < 0)
        return -1;
    ret->rx_bytes = st.rx_bytes;
    ret->rx_packets = st.rx_packets;
    ret->rx_errs = st.rx_errs;
    ret->rx_drop = st.rx_drop;
    ret->tx_bytes = st.tx_bytes;
    ret->tx_packets = st.tx_packets;
    ret->tx_errs = st.tx_errs;
    ret->tx_drop = st.tx_drop;
    return 0;
}

/* Handles for the domains the call names (NULL-terminated), or NULL. */
static vireo_domain **dispatch_domain_list(vireo_conn *conn, const remote_nonnull_domain *wire,
                                           u_int n)
{
    vireo_domain **doms = g_new0(vireo_domain *, n + 1);

    for (u_int i = 0; i < n; i++) {
        if (!(doms[i] = dispatch_domain_get(conn, &wire[i]))) {
            for (u_int j = 0; j < i; j++)
                domain_handle_unref(doms[j]);
            g_free(doms);
            return NULL;
        }
    }
    return doms;
}

/* The records as the wire carries them (ret owns the copies). */
static int dispatch_records_put(daemon_client *client, vireo_domain_stats_record **all, int n,
                                remote_connect_get_all_domain_stats_ret *ret)
{
    /* only the domains the access rules let the caller read (acl.h);
     * all keeps owning every record */
    g_autofree vireo_domain_stats_record **records = g_new0(vireo_domain_stats_record *, n + 1);
    int kept = 0;

    for (int i = 0; i < n; i++) {
        if (acl_client_may_list(client, acl_call_current(), all[i]->dom->name))
            records[kept++] = all[i];
    }
    n = kept;
    if (n > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                     "too many records for the wire: %d (at most %d)", n, REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    ret->retStats.retStats_val = g_new0(remote_domain_stats_record, n + 1);
    ret->retStats.retStats_len = (u_int)n;
    for (int i = 0; i < n; i++) {
        remote_domain_stats_record *w = &ret->retStats.retStats_val[i];

        dispatch_domain_put(records[i]->dom, &w->dom);
        if (records[i]->nparams > REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX) {
            error_report(VIREO_FROM_RPC, VIREO_ERR_RPC,
                         "too many statistics for domain '%s': %d (at most %d)",
                         records[i]->dom->name, records[i]->nparams,
                         REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX);
            return -1;
        }
        typed_param_to_wire(records[i]->params, records[i]->nparams, &w->params.params_val,
                            &w->params.params_len);
    }
    return 0;
}

/* doms empty: every domain the flags select (virConnectGetAllDomainStats);
 * otherwise those domains (virDomainListGetStats). */
int dispatch_connect_get_all_domain_stats(daemon_client *client,
                                          const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                          void *ret_)
{
    remote_connect_get_all_domain_stats_args *args = args_;
    remote_connect_get_all_domain_stats_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    int (*fn)(vireo_conn *, vireo_domain **, unsigned int, unsigned int,
              vireo_domain_stats_record ***, unsigned int);
    vireo_domain_stats_record **records = NULL;
    vireo_domain **doms = NULL;
    u_int ndoms = args->doms.doms_len;
    int n, rv = -1;

    if (!(fn = DISPATCH_ENTRY(conn, get_all_stats, ndoms ? "virDomainListGetStats"
                                                         : "virConnectGetAllDomainStats")))
        return -1;
    if (ndoms && !(doms = dispatch_domain_list(conn, args->doms.doms_val, ndoms)))
        return -1;
    n = fn(conn, doms, ndoms, args->stats, &records, args->flags);
    if (n >= 0)
        rv = dispatch_records_put(client, records, n, ret);
    stats_record_list_free(records);
    for (u_int i = 0; doms && doms[i]; i++)
        domain_handle_unref(doms[i]);
    g_free(doms);
    return rv;
}
