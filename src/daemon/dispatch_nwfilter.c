/*
 * dispatch_nwfilter.c: the network filter handlers gen_rpc.py does not
 * write, and the filter handles of the generated ones.
 *
 * CONNECT_LIST_ALL_NWFILTERS carries an array of handles; the older
 * count and name-list procedures (every filter: filters are neither
 * active nor inactive) are answered from the same list entry.
 * Prototypes come from the generated rpc/dispatch_gen.h; each runs on a
 * worker thread and fills ret (freed by the daemon with xdr_free).
 */
#include <string.h>

#include "daemon/acl_list.h"
#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "util/error.h"

/* ---- handles (dispatch.h) ---- */

vireo_nwfilter *dispatch_nwfilter_get(vireo_conn *conn, const struct remote_nonnull_nwfilter *f)
{
    return nwfilter_handle_new(conn, f->name, (const unsigned char *)f->uuid);
}

void dispatch_nwfilter_put(vireo_nwfilter *filter, struct remote_nonnull_nwfilter *f)
{
    f->name = g_strdup(filter->name);
    memcpy(f->uuid, filter->uuid, sizeof(f->uuid));
}

/* ---- lists ---- */

static void dispatch_nwfilters_free(vireo_nwfilter **filters)
{
    for (size_t i = 0; filters && filters[i]; i++)
        nwfilter_handle_unref(filters[i]);
    g_free(filters);
}

/* Every filter (new handles, NULL-terminated) and their count, refusing
 * more than one reply can carry. */
static int dispatch_nwfilter_list(daemon_client *client, unsigned int flags,
                                  vireo_nwfilter ***filters)
{
    vireo_conn *conn = daemon_client_conn(client);
    int n;

    *filters = NULL;
    if (!conn->driver->nwfilter || !conn->driver->nwfilter->list_all) {
        dispatch_no_support("virConnectListAllNWFilters");
        return -1;
    }
    n = conn->driver->nwfilter->list_all(conn, filters, flags);
    if (n > 0)
        n = acl_list_nwfilters(client, *filters, n);
    if (n >= 0)
        n = dispatch_list_check(n, REMOTE_NWFILTER_LIST_MAX, "network filters");
    if (n < 0)
        g_clear_pointer(filters, dispatch_nwfilters_free);
    return n;
}

int dispatch_connect_list_all_nwfilters(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                        void *args_, void *ret_)
{
    remote_connect_list_all_nwfilters_args *args = args_;
    remote_connect_list_all_nwfilters_ret *ret = ret_;
    vireo_nwfilter **filters;
    int n = dispatch_nwfilter_list(client, args->flags, &filters);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->filters.filters_len = (u_int)n;
        ret->filters.filters_val = g_new0(remote_nonnull_nwfilter, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_nwfilter_put(filters[i], &ret->filters.filters_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_nwfilters_free(filters);
    return 0;
}

int dispatch_connect_num_of_nwfilters(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                      void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_nwfilters_ret *ret = ret_;
    vireo_nwfilter **filters;
    int n = dispatch_nwfilter_list(client, 0, &filters);

    if (n < 0)
        return -1;
    ret->num = n;
    dispatch_nwfilters_free(filters);
    return 0;
}

int dispatch_connect_list_nwfilters(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                    void *args_, void *ret_)
{
    remote_connect_list_nwfilters_args *args = args_;
    remote_connect_list_nwfilters_ret *ret = ret_;
    vireo_nwfilter **filters;
    int n;

    if (dispatch_maxnames_check(args->maxnames, REMOTE_NWFILTER_LIST_MAX) < 0)
        return -1;
    if ((n = dispatch_nwfilter_list(client, 0, &filters)) < 0)
        return -1;
    n = MIN(n, args->maxnames);
    ret->names.names_len = (u_int)n;
    ret->names.names_val = g_new0(char *, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        ret->names.names_val[i] = g_strdup(filters[i]->name);
    dispatch_nwfilters_free(filters);
    return 0;
}
