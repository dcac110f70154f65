/*
 * libvireo-stats.c: the public API for statistics (typed parameters,
 * memory, block and interface counters, bulk records).
 *
 * The bulk calls answer for many domains in one driver call (one RPC
 * over the wire): the N+1 pattern of polling each domain is what makes
 * monitoring slow at scale.
 */
#include "libvireo-priv.h"
#include "drivers/driver_common.h"
#include "drivers/handles.h"

void vireo_typed_params_free(vireo_typed_param *params, int nparams)
{
    typed_params_free(params, nparams);
}

void vireo_domain_stats_record_list_free(vireo_domain_stats_record **records)
{
    stats_record_list_free(records);
}

int vireo_domain_memory_stats(vireo_domain *dom, vireo_domain_memory_stat *stats,
                              unsigned int nr_stats, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, memory_stats, false, -1);
    /* as libvirt: no room asks for nothing */
    if (!stats || nr_stats == 0)
        return 0;
    if (nr_stats > VIREO_DOMAIN_MEMORY_STAT_NR)
        nr_stats = VIREO_DOMAIN_MEMORY_STAT_NR;
    return dom->conn->driver->domain->memory_stats(dom, stats, nr_stats, flags);
}

int vireo_domain_block_stats(vireo_domain *dom, const char *disk, vireo_typed_param **params,
                             int *nparams, unsigned int flags)
{
    API_DOMAIN_ENTRY(dom, block_stats, false, -1);
    if (!disk || !params || !nparams) {
        api_invalid_arg(__func__, !disk ? "disk" : !params ? "params" : "nparams");
        return -1;
    }
    *params = NULL;
    *nparams = 0;
    return dom->conn->driver->domain->block_stats(dom, disk, params, nparams, flags);
}

int vireo_domain_interface_stats(vireo_domain *dom, const char *device,
                                 vireo_interface_stats *stats)
{
    API_DOMAIN_ENTRY(dom, interface_stats, false, -1);
    if (!device || !stats) {
        api_invalid_arg(__func__, !device ? "device" : "stats");
        return -1;
    }
    return dom->conn->driver->domain->interface_stats(dom, device, stats);
}

int vireo_conn_get_all_domain_stats(vireo_conn *conn, unsigned int stats,
                                    vireo_domain_stats_record ***records, unsigned int flags)
{
    API_CONN_DOMAIN_ENTRY(conn, get_all_stats, false, -1);
    if (!records) {
        api_invalid_arg(__func__, "records");
        return -1;
    }
    *records = NULL;
    return conn->driver->domain->get_all_stats(conn, NULL, 0, stats, records, flags);
}

int vireo_domain_list_get_stats(vireo_domain **doms, unsigned int stats,
                                vireo_domain_stats_record ***records, unsigned int flags)
{
    vireo_conn *conn;
    unsigned int n = 0;

    error_reset();
    if (!doms || !doms[0]) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                     "doms in %s must not be empty", __func__);
        return -1;
    }
    if (!records) {
        api_invalid_arg(__func__, "records");
        return -1;
    }
    *records = NULL;
    API_DOMAIN_ENTRY(doms[0], get_all_stats, false, -1);
    conn = doms[0]->conn;
    for (; doms[n]; n++) {
        if (!api_domain_ok(doms[n], __func__))
            return -1;
        if (doms[n]->conn != conn) {
            error_report(VIREO_FROM_NONE, VIREO_ERR_INVALID_ARG,
                         "domains from different connections in %s", __func__);
            return -1;
        }
    }
    return conn->driver->domain->get_all_stats(conn, doms, n, stats, records, flags);
}
