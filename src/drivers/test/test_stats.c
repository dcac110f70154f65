/*
 * test_stats.c: statistics of the test hypervisor, made up as libvirt's
 * test driver makes them up: counters that grow with the wall clock, so
 * clients see plausible, increasing figures without any guest.  They let
 * the wire and the clients be tested without QEMU.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/test/test_node.h"
#include "drivers/test/test_stats.h"
#include "util/error.h"

/* Groups the test driver fills. */
#define TEST_STATS_GROUPS                                                         \
    (VIREO_DOMAIN_STATS_STATE | VIREO_DOMAIN_STATS_CPU_TOTAL | VIREO_DOMAIN_STATS_BALLOON | \
     VIREO_DOMAIN_STATS_VCPU)
#define TEST_STATS_FLAGS                                                          \
    (0xffu | VIREO_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |                          \
     VIREO_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |                                \
     VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)
#define TEST_TYPED_PARAM_STRING_OKAY (1u << 2)

/* Wall-clock microseconds: the growing base of every counter. */
static unsigned long long test_stats_now(void)
{
    return (unsigned long long)g_get_real_time();
}

/* The running domain a handle names (node->lock held), or NULL with
 * NO_DOMAIN or OPERATION_INVALID. */
static test_dom *test_stats_active(test_node *node, vireo_domain *handle)
{
    test_dom *dom = test_node_find_handle(node, handle);

    if (dom && !test_dom_is_active(dom)) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     test_dom_current(dom)->name);
        return NULL;
    }
    return dom;
}

static void test_stats_fill(const test_dom *dom, unsigned int groups, GArray *a)
{
    const domain_def *def = test_dom_current(dom);
    unsigned int cur = def->vcpu.current ? def->vcpu.current : def->vcpu.max;
    bool active = test_dom_is_active(dom);
    unsigned long long now = test_stats_now() * 1000ULL;

    if (groups & VIREO_DOMAIN_STATS_STATE)
        stats_add_state(a, dom->state, dom->reason);
    if ((groups & VIREO_DOMAIN_STATS_CPU_TOTAL) && active) {
        typed_params_add_ullong(a, now, "cpu.time");
        typed_params_add_ullong(a, now / 2, "cpu.user");
        typed_params_add_ullong(a, now / 4, "cpu.system");
    }
    if (groups & VIREO_DOMAIN_STATS_BALLOON)
        stats_add_balloon(a, def->current_memory_kib ? def->current_memory_kib : def->memory_kib,
                          def->memory_kib);
    if (groups & VIREO_DOMAIN_STATS_VCPU) {
        typed_params_add_uint(a, cur, "vcpu.current");
        typed_params_add_uint(a, def->vcpu.max, "vcpu.maximum");
        for (unsigned int i = 0; active && i < cur; i++) {
            typed_params_add_int(a, 1 /* running */, "vcpu.%u.state", i);
            typed_params_add_ullong(a, now / cur, "vcpu.%u.time", i);
        }
    }
}

static gint test_stats_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(test_dom_current(*(test_dom *const *)a)->name,
                  test_dom_current(*(test_dom *const *)b)->name);
}

/* The domains asked for: doms (those gone are skipped) or every one. */
static GPtrArray *test_stats_select(test_node *node, vireo_domain **doms, unsigned int ndoms)
{
    GPtrArray *found = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;

    if (doms) {
        for (unsigned int i = 0; i < ndoms; i++) {
            test_dom *d = test_node_find_uuid(node, doms[i]->uuid);

            if (d && !g_ptr_array_find(found, d, NULL))
                g_ptr_array_add(found, d);
        }
        return found;
    }
    g_hash_table_iter_init(&it, node->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(found, value);
    g_ptr_array_sort(found, test_stats_cmp);
    return found;
}

int test_domain_get_all_stats(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                              unsigned int stats, vireo_domain_stats_record ***records,
                              unsigned int flags)
{
    test_node *node = test_conn_node(conn);
    g_autoptr(GPtrArray) found = NULL;
    g_autoptr(GPtrArray) out = g_ptr_array_new();
    int n;

    if (!test_flags_ok(flags, TEST_STATS_FLAGS, __func__) ||
        !stats_groups_pick(VIREO_FROM_TEST, flags, TEST_STATS_GROUPS, &stats))
        return -1;
    g_mutex_lock(&node->lock);
    found = test_stats_select(node, doms, ndoms);
    for (guint i = 0; i < found->len; i++) {
        test_dom *d = g_ptr_array_index(found, i);
        domain_list_facts f = {
            .state = d->state, .active = test_dom_is_active(d), .persistent = d->def != NULL,
            .autostart = d->autostart,
        };
        GArray *a;

        if (!domain_list_match(&f, flags & 0xffu))
            continue;
        a = typed_params_new();
        test_stats_fill(d, stats, a);
        g_ptr_array_add(out, stats_record_new(test_dom_handle(conn, d), a));
    }
    g_mutex_unlock(&node->lock);
    n = (int)out->len;
    g_ptr_array_add(out, NULL);
    *records = (vireo_domain_stats_record **)g_ptr_array_steal(out, NULL);
    return n;
}

int test_domain_memory_stats(vireo_domain *handle, vireo_domain_memory_stat *stats,
                             unsigned int nr_stats, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    unsigned long long cur = 0;
    unsigned int n = 0;
    test_dom *dom;

    if (!test_flags_ok(flags, 0, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    if ((dom = test_stats_active(node, handle))) {
        const domain_def *def = test_dom_current(dom);

        cur = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    }
    g_mutex_unlock(&node->lock);
    if (!dom)
        return -1;
    /* libvirt's test driver's figures, in its order */
    const struct { int tag; unsigned long long v; } all[] = {
        { VIREO_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, cur },
        { VIREO_DOMAIN_MEMORY_STAT_SWAP_IN, 0 }, { VIREO_DOMAIN_MEMORY_STAT_SWAP_OUT, 0 },
        { VIREO_DOMAIN_MEMORY_STAT_MAJOR_FAULT, 0 }, { VIREO_DOMAIN_MEMORY_STAT_MINOR_FAULT, 0 },
        { VIREO_DOMAIN_MEMORY_STAT_UNUSED, cur / 2 }, { VIREO_DOMAIN_MEMORY_STAT_AVAILABLE, cur },
        { VIREO_DOMAIN_MEMORY_STAT_USABLE, cur / 2 },
        { VIREO_DOMAIN_MEMORY_STAT_LAST_UPDATE, test_stats_now() / 1000000ULL },
        { VIREO_DOMAIN_MEMORY_STAT_DISK_CACHES, cur / 8 },
        { VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, 0 },
        { VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, 0 },
        { VIREO_DOMAIN_MEMORY_STAT_RSS, cur / 2 },
    };
    for (; n < nr_stats && n < G_N_ELEMENTS(all); n++) {
        stats[n].tag = all[n].tag;
        stats[n].val = all[n].v;
    }
    return (int)n;
}

int test_domain_block_stats(vireo_domain *handle, const char *disk, vireo_typed_param **params,
                            int *nparams, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    unsigned long long now = test_stats_now();
    bool known = false;
    test_dom *dom;
    GArray *a;

    if (!test_flags_ok(flags, TEST_TYPED_PARAM_STRING_OKAY, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    if ((dom = test_stats_active(node, handle))) {
        GPtrArray *disks = test_dom_current(dom)->devices.disks;

        for (guint i = 0; disks && i < disks->len && !known; i++) {
            const device_disk *d = g_ptr_array_index(disks, i);

            known = g_strcmp0(d->target_dev, disk) == 0 || g_strcmp0(d->source_file, disk) == 0;
        }
    }
    g_mutex_unlock(&node->lock);
    if (!dom)
        return -1;
    if (!known) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_INVALID_ARG, "invalid path: %s", disk);
        return -1;
    }
    a = typed_params_new();
    typed_params_add_llong(a, (long long)(now / 10), "rd_operations");
    typed_params_add_llong(a, (long long)(now / 20), "rd_bytes");
    typed_params_add_llong(a, (long long)(now / 30), "wr_operations");
    typed_params_add_llong(a, (long long)(now / 40), "wr_bytes");
    typed_params_add_llong(a, (long long)(now / 2000000), "errs");
    *params = typed_params_steal(a, nparams);
    return 0;
}

/* Whether interface n is the one device names (target dev or MAC). */
static bool test_stats_net_is(const device_interface *n, const char *device)
{
    g_autofree char *mac = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0],
                                           n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);

    return g_strcmp0(n->target_dev, device) == 0 ||
           (n->has_mac && g_ascii_strcasecmp(mac, device) == 0);
}

int test_domain_interface_stats(vireo_domain *handle, const char *device,
                                vireo_interface_stats *stats)
{
    test_node *node = test_conn_node(handle->conn);
    unsigned long long now = test_stats_now();
    bool known = false;
    test_dom *dom;

    g_mutex_lock(&node->lock);
    if ((dom = test_stats_active(node, handle))) {
        GPtrArray *nets = test_dom_current(dom)->devices.interfaces;

        for (guint i = 0; nets && i < nets->len && !known; i++)
            known = test_stats_net_is(g_ptr_array_index(nets, i), device);
    }
    g_mutex_unlock(&node->lock);
    if (!dom)
        return -1;
    if (!known) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_INVALID_ARG, "'%s' is not a known interface",
                     device);
        return -1;
    }
    stats->rx_bytes = (long long)(now / 10);
    stats->rx_packets = (long long)(now / 100);
    stats->rx_errs = (long long)(now / 1000000);
    stats->rx_drop = (long long)(now / 2000000);
    stats->tx_bytes = (long long)(now / 20);
    stats->tx_packets = (long long)(now / 110);
    stats->tx_errs = (long long)(now / 3000000);
    stats->tx_drop = (long long)(now / 4000000);
    return 0;
}
