/*
 * lxc_stats.c: statistics of containers, from their cgroup and the host
 * ends of their veths.
 *
 * Reading calls: they take the lock only, never a job.  What the
 * definition and state say is copied under the lock (an lstats_dom);
 * the counters are read after it.  lxc_dom.cgroup belongs to the job
 * holder, so the statistics find the container's cgroup again by name
 * (domain_cgroup_open with the instance's options): reading its files
 * races nothing, and a container that stops meanwhile just reads as
 * having no cgroup.
 *
 * libvirt's figures (lxcDomainGetInfo): running, CPU time is the cgroup's
 * cpuacct usage and memory its memory usage; shut off, CPU time 0 and
 * memory the definition's current memory.  Maximum memory is the
 * definition's, vCPUs its <vcpu>.
 */
#include <string.h>

#include "drivers/domain_cgroup.h"
#include "drivers/driver_common.h"
#include "drivers/lxc/lxc_priv.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"

#define LOG_CATEGORY "lxc.stats"

#define LXC_STATS_GROUPS                                                              \
    (VIREO_DOMAIN_STATS_STATE | VIREO_DOMAIN_STATS_CPU_TOTAL | VIREO_DOMAIN_STATS_BALLOON | \
     VIREO_DOMAIN_STATS_VCPU | VIREO_DOMAIN_STATS_INTERFACE)
#define LXC_STATS_FILTERS 0xffu     /* VIREO_LIST_DOMAINS_ACTIVE .. OTHER */
#define LXC_STATS_FLAGS                                                               \
    (LXC_STATS_FILTERS | VIREO_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |                  \
     VIREO_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |                                     \
     VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)

/* One interface as the statistics see it. */
typedef struct lstats_net {
    char *host;             /* the veth's host end (target dev), NULL when none */
    char *alias;
    unsigned char mac[6];
} lstats_net;

/* What one container's statistics need, copied under the lock.  Owned by
 * one call. */
typedef struct lstats_dom {
    vireo_domain *handle;   /* a new reference, handed to the record */
    char *name;
    int state, reason;
    bool active;
    guint64 max_kib, cur_kib;
    unsigned int vcpus;
    GPtrArray *nets;        /* lstats_net * */
    cgroup *cg;             /* opened by name while active; NULL none */
} lstats_dom;

static void lstats_net_free(gpointer p)
{
    lstats_net *n = p;

    g_free(n->host);
    g_free(n->alias);
    g_free(n);
}

static void lstats_dom_free(lstats_dom *s)
{
    if (!s)
        return;
    if (s->handle)
        domain_handle_unref(s->handle);
    g_free(s->name);
    g_ptr_array_unref(s->nets);
    cgroup_free(s->cg);
    g_free(s);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lstats_dom, lstats_dom_free)

/* Copy what the statistics need from dom (the lock held). */
static lstats_dom *lstats_copy(vireo_conn *conn, const dom_obj *dom)
{
    const domain_def *def = dom_obj_current(dom);
    GPtrArray *ifs = def->devices.interfaces;
    lstats_dom *s = g_new0(lstats_dom, 1);

    s->handle = dom_obj_handle(conn, dom);
    s->name = g_strdup(def->name);
    s->state = dom->state;
    s->reason = dom->reason;
    s->active = dom_obj_active(dom);
    s->max_kib = def->memory_kib;
    s->cur_kib = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    s->vcpus = def->vcpu.current ? def->vcpu.current : def->vcpu.max;
    s->nets = g_ptr_array_new_with_free_func(lstats_net_free);
    for (guint i = 0; ifs && i < ifs->len; i++) {
        const device_interface *d = ifs->pdata[i];
        lstats_net *n = g_new0(lstats_net, 1);

        n->host = s->active ? g_strdup(d->target_dev) : NULL;
        n->alias = g_strdup(d->info.alias);
        memcpy(n->mac, d->mac, sizeof(n->mac));
        g_ptr_array_add(s->nets, n);
    }
    return s;
}

/* The counters' cgroup of a running container (after the lock). */
static void lstats_open_cgroup(lxc_drv *drv, lstats_dom *s)
{
    domain_cgroup_opts o;

    if (!s->active)
        return;
    o = lxc_cgroup_opts(drv);
    s->cg = domain_cgroup_open(&o, s->name);
    if (!s->cg)
        log_debug("%s: no cgroup: no CPU time or memory figures", s->name);
}

/* A snapshot of the domain a handle names; NULL with NO_DOMAIN. */
static lstats_dom *lstats_get(vireo_domain *handle)
{
    lxc_drv *drv = lxc_conn_drv(handle->conn);
    g_autoptr(dom_obj) dom = dom_obj_from_handle(&drv->doms, handle);
    lstats_dom *s;

    if (!dom)
        return NULL;
    g_mutex_lock(&drv->doms.lock);
    s = lstats_copy(handle->conn, dom);
    g_mutex_unlock(&drv->doms.lock);
    lstats_open_cgroup(drv, s);
    return s;
}

/* The single-domain counters need a running container. */
static lstats_dom *lstats_get_active(vireo_domain *handle)
{
    lstats_dom *s = lstats_get(handle);

    if (s && !s->active) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     s->name);
        g_clear_pointer(&s, lstats_dom_free);
    }
    return s;
}

/* CPU time (ns); false without a cgroup or a counter (the error set). */
static bool lstats_cpu(const lstats_dom *s, guint64 *ns)
{
    uint64_t v;

    if (!s->cg) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_FAILED,
                     "Cannot read cputime for domain '%s': it has no cgroup", s->name);
        return false;
    }
    if (cgroup_cpu_usage_ns(s->cg, &v) < 0)
        return false;
    *ns = v;
    return true;
}

/* Memory in use (KiB); 0 when the cgroup has no memory counter. */
static guint64 lstats_memory_used(const lstats_dom *s)
{
    uint64_t kib = 0;

    if (s->cg && cgroup_memory_usage_kib(s->cg, &kib) < 0) {
        log_debug("%s: %s", s->name, error_last()->message);
        error_reset();
        kib = 0;
    }
    return kib;
}

int lxc_domain_get_info(vireo_domain *handle, vireo_domain_info *info)
{
    g_autoptr(lstats_dom) s = lstats_get(handle);
    guint64 ns = 0;

    if (!s)
        return -1;
    memset(info, 0, sizeof(*info));
    info->state = (unsigned char)s->state;
    info->max_mem = (unsigned long)s->max_kib;
    info->nr_virt_cpu = (unsigned short)s->vcpus;
    if (!s->active) {
        info->memory = (unsigned long)s->cur_kib;
        return 0;
    }
    if (!lstats_cpu(s, &ns))
        return -1;
    info->cpu_time = ns;
    info->memory = (unsigned long)lstats_memory_used(s);
    return 0;
}

/* libvirt's LXC memory figures: the balloon (the definition's current
 * memory) and what the cgroup has in use as the resident set. */
static int lstats_memory(const lstats_dom *s, vireo_domain_memory_stat *stats, unsigned int max)
{
    unsigned int n = 0;

    if (n < max) {
        stats[n].tag = VIREO_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON;
        stats[n++].val = s->cur_kib;
    }
    if (n < max && s->cg) {
        stats[n].tag = VIREO_DOMAIN_MEMORY_STAT_RSS;
        stats[n++].val = lstats_memory_used(s);
    }
    return (int)n;
}

int lxc_domain_memory_stats(vireo_domain *handle, vireo_domain_memory_stat *stats,
                            unsigned int nr_stats, unsigned int flags)
{
    g_autoptr(lstats_dom) s = NULL;

    if (!lxc_flags_ok(flags, 0, __func__) || !(s = lstats_get_active(handle)))
        return -1;
    return lstats_memory(s, stats, nr_stats);
}

/* The interface device names (host end, alias or MAC address). */
static const lstats_net *lstats_find_net(const lstats_dom *s, const char *device)
{
    unsigned char mac[MAC_BUFLEN];
    bool is_mac = mac_parse(device, mac) == 0;

    for (guint i = 0; i < s->nets->len; i++) {
        const lstats_net *n = g_ptr_array_index(s->nets, i);

        if (is_mac ? memcmp(mac, n->mac, 6) == 0
                   : g_strcmp0(device, n->host) == 0 || g_strcmp0(device, n->alias) == 0)
            return n;
    }
    error_report(VIREO_FROM_LXC, VIREO_ERR_INVALID_ARG, "'%s' is not a known interface",
                 device);
    return NULL;
}

int lxc_domain_interface_stats(vireo_domain *handle, const char *device,
                               vireo_interface_stats *stats)
{
    g_autoptr(lstats_dom) s = NULL;
    const lstats_net *n;

    if (!(s = lstats_get_active(handle)) || !(n = lstats_find_net(s, device)))
        return -1;
    if (!n->host) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID,
                     "interface '%s' of domain '%s' has no host device to count", device,
                     s->name);
        return -1;
    }
    return domain_net_host_stats(VIREO_FROM_LXC, n->host, stats);
}

/* ---- the bulk call ---- */

static void lstats_fill_cpu(const lstats_dom *s, GArray *a)
{
    guint64 ns;

    if (!s->active)
        return;
    if (!lstats_cpu(s, &ns)) {
        error_reset();
        return;
    }
    typed_params_add_ullong(a, ns, "cpu.time");
}

static void lstats_fill_balloon(const lstats_dom *s, GArray *a)
{
    stats_add_balloon(a, s->cur_kib, s->max_kib);
    if (s->active && s->cg)
        typed_params_add_ullong(a, lstats_memory_used(s), "balloon.rss");
}

static void lstats_fill_net(const lstats_dom *s, GArray *a)
{
    if (!s->active)
        return;
    typed_params_add_uint(a, s->nets->len, "net.count");
    for (guint i = 0; i < s->nets->len; i++) {
        const lstats_net *n = g_ptr_array_index(s->nets, i);
        vireo_interface_stats st;

        if (!n->host)
            continue;
        typed_params_add_string(a, n->host, "net.%u.name", i);
        if (domain_net_host_stats(VIREO_FROM_LXC, n->host, &st) < 0) {
            error_reset();
            continue;
        }
        stats_add_net_counters(a, i, &st);
    }
}

static void lstats_record_fill(const lstats_dom *s, unsigned int groups, GArray *a)
{
    if (groups & VIREO_DOMAIN_STATS_STATE)
        stats_add_state(a, s->state, s->reason);
    if (groups & VIREO_DOMAIN_STATS_CPU_TOTAL)
        lstats_fill_cpu(s, a);
    if (groups & VIREO_DOMAIN_STATS_BALLOON)
        lstats_fill_balloon(s, a);
    /* VIREO_DOMAIN_STATS_VCPU: a container has no vCPU threads to count */
    if (groups & VIREO_DOMAIN_STATS_INTERFACE)
        lstats_fill_net(s, a);
}

static gint lstats_cmp_name(gconstpointer a, gconstpointer b)
{
    const dom_obj *da = *(dom_obj *const *)a;
    const dom_obj *db = *(dom_obj *const *)b;

    return strcmp(dom_obj_current(da)->name, dom_obj_current(db)->name);
}

/* The snapshots of the domains asked for (doms, or every domain that
 * passes the filters), sorted by name (the lock held).  Domains gone
 * meanwhile are skipped, as libvirt does. */
static void lstats_select(vireo_conn *conn, lxc_drv *drv, vireo_domain **doms,
                          unsigned int ndoms, unsigned int filters, GPtrArray *snaps)
{
    g_autoptr(GPtrArray) found = NULL;

    if (doms) {
        found = g_ptr_array_new_with_free_func((GDestroyNotify)dom_obj_unref);
        for (unsigned int i = 0; i < ndoms; i++) {
            dom_obj *d = dom_table_find_uuid(&drv->doms, doms[i]->uuid);

            if (d && !g_ptr_array_find(found, d, NULL))
                g_ptr_array_add(found, dom_obj_ref(d));
        }
    } else {
        found = dom_table_all(&drv->doms, true);
        g_ptr_array_sort(found, lstats_cmp_name);
    }
    for (guint i = 0; i < found->len; i++) {
        dom_obj *d = g_ptr_array_index(found, i);
        domain_list_facts f = {
            .state = d->state, .active = dom_obj_active(d), .persistent = d->def != NULL,
            .autostart = d->autostart,
        };

        if (domain_list_match(&f, filters))
            g_ptr_array_add(snaps, lstats_copy(conn, d));
    }
}

int lxc_domain_get_all_stats(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                             unsigned int stats, vireo_domain_stats_record ***records,
                             unsigned int flags)
{
    lxc_drv *drv = lxc_conn_drv(conn);
    g_autoptr(GPtrArray) snaps = g_ptr_array_new_with_free_func((GDestroyNotify)lstats_dom_free);
    vireo_domain_stats_record **out;

    if (!lxc_flags_ok(flags, LXC_STATS_FLAGS, __func__) ||
        !stats_groups_pick(VIREO_FROM_LXC, flags, LXC_STATS_GROUPS, &stats))
        return -1;
    g_mutex_lock(&drv->doms.lock);
    lstats_select(conn, drv, doms, ndoms, flags & LXC_STATS_FILTERS, snaps);
    g_mutex_unlock(&drv->doms.lock);
    out = g_new0(vireo_domain_stats_record *, snaps->len + 1);
    for (guint i = 0; i < snaps->len; i++) {
        lstats_dom *s = g_ptr_array_index(snaps, i);
        GArray *a = typed_params_new();

        if (stats & (VIREO_DOMAIN_STATS_CPU_TOTAL | VIREO_DOMAIN_STATS_BALLOON))
            lstats_open_cgroup(drv, s);
        lstats_record_fill(s, stats, a);
        out[i] = stats_record_new(g_steal_pointer(&s->handle), a);
    }
    *records = out;
    return (int)snaps->len;
}
