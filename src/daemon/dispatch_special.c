/*
 * dispatch_special.c: the server handlers gen_rpc.py does not write.
 *
 * These are the procedures marked "@generate: none" or "client" in
 * src/rpc/remote_protocol.x: the connection prologue (open, close,
 * feature probes, close callbacks), the calls whose replies do not map
 * onto one driver entry (lists, info structs), the answers vireo gives
 * without a driver entry (security model and label, snapshots,
 * messages), and event registration.  Their prototypes come from the
 * generated rpc/dispatch_gen.h; each runs on a worker thread, borrows
 * the client, fills ret (freed by the daemon with xdr_free) and returns
 * 0, or -1 with the thread's error set.
 */
#include <string.h>

#include "daemon/acl_list.h"
#include "daemon/dispatch.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "rpc/dispatch_gen.h"
#include "util/error.h"

/* libvirt's feature numbers for CONNECT_SUPPORTS_FEATURE */
enum {
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
};

/* What CONNECT_GET_LIB_VERSION reports: vireod stands in for libvirtd
 * 9.0.0, and clients gate features on this number (OpenStack Nova
 * refuses to start below its minimum libvirt version). */
#define DISPATCH_COMPAT_LIB_VERSION 9000000

/* ---- helpers for the generated handlers (dispatch.h) ---- */

vireo_domain *dispatch_domain_get(vireo_conn *conn, const struct remote_nonnull_domain *d)
{
    return domain_handle_new(conn, d->name, (const unsigned char *)d->uuid, d->id);
}

void dispatch_domain_put(vireo_domain *dom, struct remote_nonnull_domain *d)
{
    d->name = g_strdup(dom->name);
    memcpy(d->uuid, dom->uuid, sizeof(d->uuid));
    d->id = dom->id;
}

void dispatch_no_support(const char *api)
{
    error_report(VIREO_FROM_NONE, VIREO_ERR_NO_SUPPORT, "%s", api);
}

/* A nul-terminated copy of s as an XDR char array whose length counts
 * the NUL, as libvirt sends security strings. */
static void dispatch_char_array(const char *s, u_int *len, char **val)
{
    *len = (u_int)strlen(s) + 1;
    *val = g_strdup(s);
}

/* ---- the connection ---- */

int dispatch_connect_open(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                          void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_connect_open_args *args = args_;

    return daemon_client_open(client, args->name ? *args->name : NULL, args->flags);
}

int dispatch_connect_close(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                           void *args_ G_GNUC_UNUSED, void *ret_ G_GNUC_UNUSED)
{
    return daemon_client_close(client);
}

int dispatch_connect_supports_feature(daemon_client *client,
                                      const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                      void *ret_)
{
    remote_connect_supports_feature_args *args = args_;
    remote_connect_supports_feature_ret *ret = ret_;

    switch (args->feature) {
    case FEATURE_PROGRAM_KEEPALIVE:
        /* a client asks this only when it will answer our PINGs (libvirt's
         * rule): from now on an idle client is pinged, a dead one dropped */
        daemon_client_start_keepalive(client);
        ret->supported = 1;
        break;
    case FEATURE_TYPED_PARAM_STRING:
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
    case FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER:
        ret->supported = 1;
        break;
    default:
        ret->supported = 0;
        break;
    }
    return 0;
}

int dispatch_connect_register_close_callback(daemon_client *client,
                                             const rpc_header *hdr G_GNUC_UNUSED,
                                             void *args_ G_GNUC_UNUSED, void *ret_ G_GNUC_UNUSED)
{
    daemon_client_set_close_callback(client, true);
    return 0;
}

int dispatch_connect_unregister_close_callback(daemon_client *client,
                                               const rpc_header *hdr G_GNUC_UNUSED,
                                               void *args_ G_GNUC_UNUSED,
                                               void *ret_ G_GNUC_UNUSED)
{
    daemon_client_set_close_callback(client, false);
    return 0;
}

/* The URI the daemon opened, as the driver names it. */
int dispatch_connect_get_uri(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                             void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_get_uri_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);

    if (conn->driver->conn && conn->driver->conn->conn_get_uri) {
        ret->uri = conn->driver->conn->conn_get_uri(conn);
        return ret->uri ? 0 : -1;
    }
    ret->uri = g_strdup(conn->uri);
    return 0;
}

/* Every vireod socket is a local unix socket, which libvirt counts as
 * secure. */
int dispatch_connect_is_secure(daemon_client *client G_GNUC_UNUSED,
                               const rpc_header *hdr G_GNUC_UNUSED, void *args_ G_GNUC_UNUSED,
                               void *ret_)
{
    remote_connect_is_secure_ret *ret = ret_;

    ret->secure = 1;
    return 0;
}

int dispatch_connect_get_lib_version(daemon_client *client G_GNUC_UNUSED,
                                     const rpc_header *hdr G_GNUC_UNUSED,
                                     void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_get_lib_version_ret *ret = ret_;

    ret->lib_ver = DISPATCH_COMPAT_LIB_VERSION;
    return 0;
}

/* ---- the node ---- */

int dispatch_node_get_info(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                           void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_node_get_info_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_node_info info;

    if (!conn->driver->conn || !conn->driver->conn->node_get_info) {
        dispatch_no_support("virNodeGetInfo");
        return -1;
    }
    memset(&info, 0, sizeof(info));
    if (conn->driver->conn->node_get_info(conn, &info) < 0)
        return -1;
    G_STATIC_ASSERT(sizeof(ret->model) == sizeof(info.model));
    memcpy(ret->model, info.model, sizeof(ret->model));
    ret->model[sizeof(ret->model) - 1] = '\0';
    ret->memory = info.memory;
    ret->cpus = (int)info.cpus;
    ret->mhz = (int)info.mhz;
    ret->nodes = (int)info.nodes;
    ret->sockets = (int)info.sockets;
    ret->cores = (int)info.cores;
    ret->threads = (int)info.threads;
    return 0;
}

/* Security: no driver entry exists yet.  The test hypervisor answers as
 * libvirt's test driver does (its capabilities advertise the model
 * "testSecurity"), every other one as a host without a security driver:
 * empty strings. */
static bool dispatch_is_test(daemon_client *client)
{
    vireo_conn *conn = daemon_client_conn(client);

    return g_strcmp0(conn->driver->name, "test") == 0;
}

int dispatch_node_get_security_model(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                     void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_node_get_security_model_ret *ret = ret_;

    vireo_conn *conn = daemon_client_conn(client);
    /* libvirt's LXC driver always names its security driver, "none" (DOI
     * "0") when it has none: virsh lxc-enter-namespace without
     * --noseclabel then enters that model, which libvirt accepts */
    bool lxc = g_ascii_strcasecmp(conn->driver->name, "lxc") == 0;

    dispatch_char_array(dispatch_is_test(client) ? "testSecurity" : lxc ? "none" : "",
                        &ret->model.model_len, &ret->model.model_val);
    dispatch_char_array(lxc ? "0" : "", &ret->doi.doi_len, &ret->doi.doi_val);
    return 0;
}

/* One label: the test driver's, or an empty one. */
static void dispatch_security_label(daemon_client *client,
                                    remote_domain_get_security_label_ret *label)
{
    bool test = dispatch_is_test(client);

    dispatch_char_array(test ? "libvirt-test" : "", &label->label.label_len,
                        &label->label.label_val);
    label->enforcing = test ? 1 : 0;
}

/* The domain must exist: the label of a missing domain is an error. */
static int dispatch_domain_check(daemon_client *client, const remote_nonnull_domain *d)
{
    vireo_conn *conn = daemon_client_conn(client);
    vireo_domain *dom;
    int rv;

    if (!conn->driver->domain || !conn->driver->domain->is_active)
        return 0;
    dom = dispatch_domain_get(conn, d);
    rv = conn->driver->domain->is_active(dom);
    domain_handle_unref(dom);
    return rv < 0 ? -1 : 0;
}

int dispatch_domain_get_security_label(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                       void *args_, void *ret_)
{
    remote_domain_get_security_label_args *args = args_;

    if (dispatch_domain_check(client, &args->dom) < 0)
        return -1;
    dispatch_security_label(client, ret_);
    return 0;
}

int dispatch_domain_get_security_label_list(daemon_client *client,
                                            const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                            void *ret_)
{
    remote_domain_get_security_label_list_args *args = args_;
    remote_domain_get_security_label_list_ret *ret = ret_;

    if (dispatch_domain_check(client, &args->dom) < 0)
        return -1;
    ret->labels.labels_len = 1;
    ret->labels.labels_val = g_new0(remote_domain_get_security_label_ret, 1);
    dispatch_security_label(client, &ret->labels.labels_val[0]);
    ret->ret = 1;
    return 0;
}

/* vireo has no snapshots yet: every domain has none. */
int dispatch_domain_snapshot_num(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                 void *args_, void *ret_)
{
    remote_domain_snapshot_num_args *args = args_;
    remote_domain_snapshot_num_ret *ret = ret_;

    if (dispatch_domain_check(client, &args->dom) < 0)
        return -1;
    ret->num = 0;
    return 0;
}

int dispatch_domain_get_messages(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                 void *args_, void *ret_)
{
    remote_domain_get_messages_args *args = args_;
    remote_domain_get_messages_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_domain *dom;
    char **msgs = NULL;
    int n;

    if (!conn->driver->domain->get_messages) {
        /* a driver that records none answers with none, as libvirt's do */
        if (dispatch_domain_check(client, &args->dom) < 0)
            return -1;
        return 0;
    }
    dom = dispatch_domain_get(conn, &args->dom);
    if (!dom)
        return -1;
    n = conn->driver->domain->get_messages(dom, &msgs, args->flags);
    domain_handle_unref(dom);
    if (n < 0)
        return -1;
    if (n > REMOTE_DOMAIN_MESSAGES_MAX) {
        g_strfreev(msgs);
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "too many messages: %d > %d", n,
                     REMOTE_DOMAIN_MESSAGES_MAX);
        return -1;
    }
    ret->msgs.msgs_len = (u_int)n;
    ret->msgs.msgs_val = msgs;  /* xdr_free frees it: GLib allocates with malloc */
    return 0;
}

/* ---- domains ---- */

/* Every domain matching flags (new handles, NULL-terminated) and their
 * count, refusing more than one reply can carry. */
static int dispatch_list(daemon_client *client, unsigned int flags, vireo_domain ***doms)
{
    vireo_conn *conn = daemon_client_conn(client);
    int n;

    if (!conn->driver->domain || !conn->driver->domain->list_all) {
        dispatch_no_support("virConnectListAllDomains");
        return -1;
    }
    *doms = NULL;
    n = conn->driver->domain->list_all(conn, doms, flags);
    if (n > 0)
        n = acl_list_domains(client, *doms, n);
    if (n < 0)
        return -1;
    if (n > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "too many domains '%d' for limit '%d'", n,
                     REMOTE_DOMAIN_LIST_MAX);
        n = -1;
    }
    if (n < 0) {
        for (size_t i = 0; *doms && (*doms)[i]; i++)
            domain_handle_unref((*doms)[i]);
        g_clear_pointer(doms, g_free);
    }
    return n;
}

static void dispatch_list_free(vireo_domain **doms)
{
    for (size_t i = 0; doms && doms[i]; i++)
        domain_handle_unref(doms[i]);
    g_free(doms);
}

int dispatch_connect_list_all_domains(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                      void *args_, void *ret_)
{
    remote_connect_list_all_domains_args *args = args_;
    remote_connect_list_all_domains_ret *ret = ret_;
    vireo_domain **doms;
    int n = dispatch_list(client, args->flags, &doms);

    if (n < 0)
        return -1;
    if (args->need_results) {
        ret->domains.domains_len = (u_int)n;
        ret->domains.domains_val = g_new0(remote_nonnull_domain, n > 0 ? n : 1);
        for (int i = 0; i < n; i++)
            dispatch_domain_put(doms[i], &ret->domains.domains_val[i]);
    }
    ret->ret = (unsigned int)n;
    dispatch_list_free(doms);
    return 0;
}

int dispatch_connect_num_of_domains(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                    void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_domains_ret *ret = ret_;
    vireo_domain **doms;
    int n = dispatch_list(client, VIREO_LIST_DOMAINS_ACTIVE, &doms);

    if (n < 0)
        return -1;
    ret->num = n;
    dispatch_list_free(doms);
    return 0;
}

int dispatch_connect_num_of_defined_domains(daemon_client *client,
                                            const rpc_header *hdr G_GNUC_UNUSED,
                                            void *args_ G_GNUC_UNUSED, void *ret_)
{
    remote_connect_num_of_defined_domains_ret *ret = ret_;
    vireo_domain **doms;
    int n = dispatch_list(client, VIREO_LIST_DOMAINS_INACTIVE, &doms);

    if (n < 0)
        return -1;
    ret->num = n;
    dispatch_list_free(doms);
    return 0;
}

static int dispatch_check_max(int max, const char *what)
{
    if (max < 0 || max > REMOTE_DOMAIN_LIST_MAX) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "%s '%d' must be 0 .. %d", what, max,
                     REMOTE_DOMAIN_LIST_MAX);
        return -1;
    }
    return 0;
}

/* The ids of the running domains, at most maxids of them. */
int dispatch_connect_list_domains(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                  void *args_, void *ret_)
{
    remote_connect_list_domains_args *args = args_;
    remote_connect_list_domains_ret *ret = ret_;
    vireo_domain **doms;
    int n;

    if (dispatch_check_max(args->maxids, "maxids") < 0)
        return -1;
    n = dispatch_list(client, VIREO_LIST_DOMAINS_ACTIVE, &doms);
    if (n < 0)
        return -1;
    n = MIN(n, args->maxids);
    ret->ids.ids_len = (u_int)n;
    ret->ids.ids_val = g_new0(int, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        ret->ids.ids_val[i] = doms[i]->id;
    dispatch_list_free(doms);
    return 0;
}

/* The names of the defined, inactive domains, at most maxnames. */
int dispatch_connect_list_defined_domains(daemon_client *client,
                                          const rpc_header *hdr G_GNUC_UNUSED, void *args_,
                                          void *ret_)
{
    remote_connect_list_defined_domains_args *args = args_;
    remote_connect_list_defined_domains_ret *ret = ret_;
    vireo_domain **doms;
    int n;

    if (dispatch_check_max(args->maxnames, "maxnames") < 0)
        return -1;
    n = dispatch_list(client, VIREO_LIST_DOMAINS_INACTIVE, &doms);
    if (n < 0)
        return -1;
    n = MIN(n, args->maxnames);
    ret->names.names_len = (u_int)n;
    ret->names.names_val = g_new0(remote_nonnull_string, n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        ret->names.names_val[i] = g_strdup(doms[i]->name);
    dispatch_list_free(doms);
    return 0;
}

int dispatch_domain_get_info(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                             void *args_, void *ret_)
{
    remote_domain_get_info_args *args = args_;
    remote_domain_get_info_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    vireo_domain_info info;
    vireo_domain *dom;
    int rv;

    if (!conn->driver->domain || !conn->driver->domain->get_info) {
        dispatch_no_support("virDomainGetInfo");
        return -1;
    }
    memset(&info, 0, sizeof(info));
    dom = dispatch_domain_get(conn, &args->dom);
    rv = conn->driver->domain->get_info(dom, &info);
    domain_handle_unref(dom);
    if (rv < 0)
        return -1;
    ret->state = info.state;
    ret->maxMem = info.max_mem;
    ret->memory = info.memory;
    ret->nrVirtCpu = info.nr_virt_cpu;
    ret->cpuTime = info.cpu_time;
    return 0;
}

/* Start, then answer the domain as it is now: the client learns its new
 * id from the reply. */
int dispatch_domain_create_with_flags(daemon_client *client, const rpc_header *hdr G_GNUC_UNUSED,
                                      void *args_, void *ret_)
{
    remote_domain_create_with_flags_args *args = args_;
    remote_domain_create_with_flags_ret *ret = ret_;
    vireo_conn *conn = daemon_client_conn(client);
    const domain_driver *dd = conn->driver->domain;
    vireo_domain *dom;
    vireo_domain *now = NULL;
    int rv;

    if (!dd || !dd->create) {
        dispatch_no_support("virDomainCreateWithFlags");
        return -1;
    }
    dom = dispatch_domain_get(conn, &args->dom);
    rv = dd->create(dom, args->flags);
    if (rv == 0 && dd->lookup_by_uuid)
        now = dd->lookup_by_uuid(conn, dom->uuid);
    error_reset(); /* a domain gone again at once is still a started one */
    if (rv == 0)
        dispatch_domain_put(now ? now : dom, &ret->dom);
    if (now)
        domain_handle_unref(now);
    domain_handle_unref(dom);
    return rv < 0 ? -1 : 0;
}

/* ---- events ---- */

int dispatch_connect_domain_event_callback_register_any(daemon_client *client,
                                                        const rpc_header *hdr G_GNUC_UNUSED,
                                                        void *args_, void *ret_)
{
    remote_connect_domain_event_callback_register_any_args *args = args_;
    remote_connect_domain_event_callback_register_any_ret *ret = ret_;
    vireo_domain *dom = NULL;
    int callback_id = -1;
    int rv;

    if (args->dom)
        dom = dispatch_domain_get(daemon_client_conn(client), args->dom);
    rv = daemon_client_event_register(client, args->eventID, dom, &callback_id);
    if (dom)
        domain_handle_unref(dom);
    if (rv < 0)
        return -1;
    ret->callbackID = callback_id;
    return 0;
}

int dispatch_connect_domain_event_callback_deregister_any(daemon_client *client,
                                                          const rpc_header *hdr G_GNUC_UNUSED,
                                                          void *args_, void *ret_ G_GNUC_UNUSED)
{
    remote_connect_domain_event_callback_deregister_any_args *args = args_;

    return daemon_client_event_deregister(client, args->callbackID);
}
