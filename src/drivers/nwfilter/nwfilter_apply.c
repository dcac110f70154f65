/*
 * nwfilter_apply.c: filters on guest interfaces (nwfilter_apply.h).
 *
 * Each interface gets one nftables table, replaced whole in one
 * transaction whenever its rules change (nwfilter_rules.h).  When the
 * filter tree uses $IP and <filterref> gives none, the guest's address
 * is learnt from its network's DHCP leases: until it is known the
 * interface passes only DHCP and ARP probes (as libvirt's learning
 * does), and a timer on the default main context looks again, every
 * second for five minutes, then every ten.  Only the network's leases
 * teach: an interface on a plain bridge needs <parameter name='IP'>.
 */
#include <string.h>

#include "conf/device_def.h"
#include "drivers/network/network_port.h"
#include "drivers/handles.h"
#include "drivers/nwfilter/nwfilter_apply.h"
#include "drivers/nwfilter/nwfilter_priv.h"
#include "drivers/nwfilter/nwfilter_rules.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mac.h"
#include "util/netdev.h"
#include "util/nft.h"

#define LOG_CATEGORY "nwfilter.apply"

void nwfilter_binding_free(nwfilter_binding *b)
{
    if (!b)
        return;
    if (b->learn_source)
        g_source_remove(b->learn_source);
    g_free(b->ifname);
    g_free(b->network);
    g_free(b->filter);
    g_ptr_array_unref(b->params);
    g_free(b->learnt_ip);
    g_free(b);
}

static bool params_have(GPtrArray *params, const char *name)
{
    for (guint i = 0; i < params->len; i++)
        if (strcmp(((nwfilter_param *)params->pdata[i])->name, name) == 0)
            return true;
    return false;
}

char *nwfilter_binding_script(nwfilter_state *state, nwfilter_binding *b, bool *learning)
{
    g_autoptr(GHashTable) base = nwfilter_vars_new();
    g_autoptr(GHashTable) vars = NULL;
    g_autofree char *missing = NULL;
    char mac[MAC_STRING_BUFLEN];
    char *script;

    *learning = false;
    mac_format(b->mac, mac);
    nwfilter_vars_add(base, "MAC", mac);
    if (b->learnt_ip && !params_have(b->params, "IP"))
        nwfilter_vars_add(base, "IP", b->learnt_ip);
    vars = nwfilter_vars_overlay(base, b->params);
    script = nwfilter_rules_build(nwfilter_state_lookup, state, b->filter, vars, b->ifname,
                                  &missing);
    if (script || g_strcmp0(missing, "IP") != 0 || params_have(b->params, "IP"))
        return script;
    error_reset();
    *learning = true;
    return nwfilter_rules_learning(b->ifname, b->mac);
}

static int binding_apply(nwfilter_state *state, nwfilter_binding *b, bool *learning)
{
    g_autofree char *script = nwfilter_binding_script(state, b, learning);
    g_autofree char *what = g_strdup_printf("filter '%s' on interface '%s'", b->filter,
                                            b->ifname);

    if (!script)
        return -1;
    if (nft_run(VIREO_FROM_NWFILTER, what, script) == 0)
        return 0;
    /* the kernel's "Protocol error" does not say it */
    if (strstr(script, " ct "))
        nwfilter_error_amend("", " (state= and connlimit-above= need connection tracking "
                                 "for bridges: nf_conntrack_bridge)");
    return -1;
}

/* The guest's IPv4 address from its network's leases (new string), NULL */
static char *lease_ip(nwfilter_state *state, nwfilter_binding *b)
{
    g_autoptr(GPtrArray) leases = g_ptr_array_new_with_free_func(dhcp_lease_free);
    char *ip = NULL;

    if (!b->network)
        return NULL;
    if (network_leases_for_mac(state->node, b->network, b->mac, leases) < 0)
        error_reset();
    for (guint i = 0; i < leases->len; i++) {
        vireo_network_dhcp_lease *l = leases->pdata[i];

        if (!ip && l->type == VIREO_IP_ADDR_TYPE_IPV4 && l->ipaddr)
            ip = g_strdup(l->ipaddr);
    }
    return ip;
}

/* After this many seconds without a lease, look every 10 s only */
#define LEARN_FAST_TICKS 300

typedef struct learn_ctx {
    nwfilter_state *state;   /* borrowed: the state removes the timers before it goes */
    char *ifname;            /* owned */
    guint ticks;             /* seconds learnt so far */
} learn_ctx;

static void learn_ctx_free(gpointer p)
{
    learn_ctx *ctx = p;

    g_free(ctx->ifname);
    g_free(ctx);
}

static gboolean learn_tick(gpointer opaque)
{
    learn_ctx *ctx = opaque;
    nwfilter_state *state = ctx->state;
    guint self = g_source_get_id(g_main_current_source());
    nwfilter_binding *b;
    gboolean again = G_SOURCE_CONTINUE;
    bool learning;

    if (++ctx->ticks > LEARN_FAST_TICKS && ctx->ticks % 10 != 0)
        return G_SOURCE_CONTINUE;   /* a guest without DHCP: keep the cost low */
    g_mutex_lock(&state->lock);
    b = g_hash_table_lookup(state->bindings, ctx->ifname);
    if (!b || b->learn_source != self) {
        again = G_SOURCE_REMOVE;   /* torn down or replaced meanwhile */
    } else if ((b->learnt_ip = lease_ip(state, b))) {
        if (binding_apply(state, b, &learning) < 0) {
            log_warn("%s: %s", ctx->ifname, error_last()->message);
            error_reset();
            g_clear_pointer(&b->learnt_ip, g_free);   /* try again in a second */
        } else {
            log_info("%s: learnt IP %s, filter '%s' applied", ctx->ifname, b->learnt_ip,
                     b->filter);
            b->learn_source = 0;
            again = G_SOURCE_REMOVE;
        }
    }
    g_mutex_unlock(&state->lock);
    return again;
}

static void learn_start(nwfilter_state *state, nwfilter_binding *b)
{
    learn_ctx *ctx = g_new0(learn_ctx, 1);

    ctx->state = state;
    ctx->ifname = g_strdup(b->ifname);
    b->learn_source = g_timeout_add_seconds_full(G_PRIORITY_DEFAULT, 1, learn_tick, ctx,
                                                 learn_ctx_free);
}

static nwfilter_binding *binding_new(const char *ifname, const unsigned char mac[6],
                                     const char *network, const char *filter,
                                     GPtrArray *params)
{
    nwfilter_binding *b = g_new0(nwfilter_binding, 1);

    b->ifname = g_strdup(ifname);
    memcpy(b->mac, mac, 6);
    b->network = g_strdup(network);
    b->filter = g_strdup(filter);
    b->params = g_ptr_array_new_with_free_func((GDestroyNotify)nwfilter_param_free);
    for (guint i = 0; params && i < params->len; i++) {
        const device_param *dp = params->pdata[i];
        nwfilter_param *p = g_new0(nwfilter_param, 1);

        p->name = g_strdup(dp->name);
        p->value = g_strdup(dp->value);
        g_ptr_array_add(b->params, p);
    }
    return b;
}

int nwfilter_instantiate(node_state *node, const char *ifname, const unsigned char mac[6],
                         const char *network, const char *filter, GPtrArray *params)
{
    nwfilter_state *state = node ? node->nwfilters : NULL;
    g_autofree char *bridge = NULL;
    nwfilter_binding *b;
    bool learning;

    if (!state) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_NO_SUPPORT, "the node has no network filters");
        return -1;
    }
    if (!(bridge = netdev_bridge_of(ifname))) {
        error_reset();
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_BUILD_FIREWALL,
                     "filter '%s' on interface '%s': the interface is not a port of a bridge "
                     "(vireo filters the taps of bridges and networks only, not macvtap)",
                     filter, ifname);
        return -1;
    }
    b = binding_new(ifname, mac, network, filter, params);
    g_mutex_lock(&state->lock);
    if (!g_hash_table_contains(state->filters, filter)) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_NO_NWFILTER,
                     "referenced filter '%s' is missing", filter);
        goto fail;
    }
    if (!params_have(b->params, "IP"))
        b->learnt_ip = lease_ip(state, b);
    if (binding_apply(state, b, &learning) < 0)
        goto fail;
    if (learning)
        learn_start(state, b);
    g_hash_table_replace(state->bindings, b->ifname, b);
    g_mutex_unlock(&state->lock);
    log_info("%s: filter '%s'%s", ifname, filter,
             learning ? " (learning the guest's IP: DHCP and ARP probes only)" : "");
    return 0;
fail:
    g_mutex_unlock(&state->lock);
    nwfilter_binding_free(b);
    return -1;
}

void nwfilter_teardown(node_state *node, const char *ifname)
{
    nwfilter_state *state = node ? node->nwfilters : NULL;
    g_autofree char *script = NULL;
    g_autoptr(vireo_error) saved = error_save();

    if (!state)
        return;
    g_mutex_lock(&state->lock);
    g_hash_table_remove(state->bindings, ifname);
    /* also after a restart of vireod, which forgot the binding but not the table */
    script = nwfilter_rules_delete(ifname);
    if (script && nft_run(VIREO_FROM_NWFILTER, ifname, script) < 0)
        log_warn("%s: %s", ifname, error_last()->message);
    g_mutex_unlock(&state->lock);
    error_restore(g_steal_pointer(&saved));
}

static bool binding_uses(nwfilter_state *state, nwfilter_binding *b, const char *name)
{
    return nwfilter_tree_references(nwfilter_state_lookup, state, b->filter, name);
}

bool nwfilter_in_use(nwfilter_state *state, const char *name)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, state->bindings);
    while (g_hash_table_iter_next(&it, NULL, &v))
        if (binding_uses(state, v, name))
            return true;
    return false;
}

int nwfilter_reapply(nwfilter_state *state, const char *name)
{
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, state->bindings);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        nwfilter_binding *b = v;
        bool learning;

        if (!binding_uses(state, b, name))
            continue;
        if (binding_apply(state, b, &learning) < 0)
            return -1;
        if (learning && !b->learn_source)
            learn_start(state, b);
    }
    return 0;
}
