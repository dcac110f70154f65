/*
 * remote_nwfilter.c: the network filter list, the one filter stub
 * gen_rpc.py does not write, and the filter handles of the generated
 * ones.  The mirror image of src/daemon/dispatch_nwfilter.c.
 */
#include <string.h>

#include "remote/remote_priv.h"
#include "rpc/remote_gen.h"
#include "util/error.h"

/* ---- handles (remote_priv.h) ---- */

vireo_nwfilter *remote_nwfilter_from_wire(vireo_conn *conn, const remote_nonnull_nwfilter *f)
{
    return nwfilter_handle_new(conn, f->name, (const unsigned char *)f->uuid);
}

void remote_nwfilter_to_wire(vireo_nwfilter *filter, remote_nonnull_nwfilter *f)
{
    f->name = filter->name;
    memcpy(f->uuid, filter->uuid, VIREO_UUID_BUFLEN);
}

int remote_proc_connect_list_all_nwfilters(vireo_conn *conn, vireo_nwfilter ***filters,
                                           unsigned int flags)
{
    remote_connect_list_all_nwfilters_args args = { .need_results = filters != NULL,
                                                    .flags = flags };
    remote_connect_list_all_nwfilters_ret ret;
    int n;

    memset(&ret, 0, sizeof(ret));
    if (remote_call(conn, REMOTE_PROC_CONNECT_LIST_ALL_NWFILTERS,
                    (xdrproc_t)xdr_remote_connect_list_all_nwfilters_args, &args,
                    (xdrproc_t)xdr_remote_connect_list_all_nwfilters_ret, &ret) < 0)
        return -1;
    n = (int)ret.ret;
    if (filters) {
        n = (int)ret.filters.filters_len;
        *filters = g_new0(vireo_nwfilter *, ret.filters.filters_len + 1);
        for (u_int i = 0; i < ret.filters.filters_len; i++)
            (*filters)[i] = remote_nwfilter_from_wire(conn, &ret.filters.filters_val[i]);
    }
    xdr_free((xdrproc_t)xdr_remote_connect_list_all_nwfilters_ret, &ret);
    return n;
}
