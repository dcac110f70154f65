/*
 * dispatch_console.c: DOMAIN_OPEN_CONSOLE, a call that opens a stream.
 *
 * The call's wire stream carries the vireo_stream the driver produces
 * into through a stream_link (daemon/stream.h), which relays both ways.
 */
#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "daemon/stream.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "rpc/remote_protocol.h"

int dispatch_domain_open_console(daemon_client *client, const rpc_header *hdr, void *args_,
                                 void *ret G_GNUC_UNUSED)
{
    remote_domain_open_console_args *args = args_;
    vireo_conn *conn = daemon_client_conn(client);
    const char *dev_name = args->dev_name ? *args->dev_name : NULL;
    stream_link *link;
    vireo_domain *dom;
    int rv;

    if (!conn->driver->domain || !conn->driver->domain->open_console) {
        dispatch_no_support("virDomainOpenConsole");
        return -1;
    }
    if (!(dom = dispatch_domain_get(conn, &args->dom)))
        return -1;
    link = stream_link_new(client, hdr, conn);
    rv = conn->driver->domain->open_console(dom, dev_name, stream_link_stream(link),
                                            args->flags);
    domain_handle_unref(dom);
    stream_link_opened(link, rv);
    return rv;
}
