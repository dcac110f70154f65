/*
 * driver_common.c: rules every driver applies the same way.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/handles.h"
#include "util/error.h"

static bool list_group(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
}

bool domain_list_match(const domain_list_facts *f, unsigned int flags)
{
    const unsigned int states = VIREO_LIST_DOMAINS_RUNNING | VIREO_LIST_DOMAINS_PAUSED |
                                VIREO_LIST_DOMAINS_SHUTOFF | VIREO_LIST_DOMAINS_OTHER;
    int st = f->state;

    if (!list_group(flags, VIREO_LIST_DOMAINS_ACTIVE, VIREO_LIST_DOMAINS_INACTIVE, f->active) ||
        !list_group(flags, VIREO_LIST_DOMAINS_PERSISTENT, VIREO_LIST_DOMAINS_TRANSIENT,
                    f->persistent) ||
        !list_group(flags, VIREO_LIST_DOMAINS_AUTOSTART, VIREO_LIST_DOMAINS_NO_AUTOSTART,
                    f->autostart) ||
        !list_group(flags, VIREO_LIST_DOMAINS_MANAGEDSAVE, VIREO_LIST_DOMAINS_NO_MANAGEDSAVE,
                    f->managed_save) ||
        !list_group(flags, VIREO_LIST_DOMAINS_HAS_SNAPSHOT, VIREO_LIST_DOMAINS_NO_SNAPSHOT,
                    f->has_snapshot) ||
        !list_group(flags, VIREO_LIST_DOMAINS_HAS_CHECKPOINT, VIREO_LIST_DOMAINS_NO_CHECKPOINT,
                    f->has_checkpoint))
        return false;
    if (!(flags & states))
        return true;
    return ((flags & VIREO_LIST_DOMAINS_RUNNING) && st == VIREO_DOMAIN_RUNNING) ||
           ((flags & VIREO_LIST_DOMAINS_PAUSED) && st == VIREO_DOMAIN_PAUSED) ||
           ((flags & VIREO_LIST_DOMAINS_SHUTOFF) && st == VIREO_DOMAIN_SHUTOFF) ||
           ((flags & VIREO_LIST_DOMAINS_OTHER) && st != VIREO_DOMAIN_RUNNING &&
            st != VIREO_DOMAIN_PAUSED && st != VIREO_DOMAIN_SHUTOFF);
}

bool driver_flags_ok(int err_domain, unsigned int flags, unsigned int allowed, const char *func)
{
    if (!(flags & ~allowed))
        return true;
    error_report(err_domain, VIREO_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                 flags & ~allowed, func);
    return false;
}

/* ---- typed parameters ---- */

static void typed_param_clear(gpointer p)
{
    vireo_typed_param *tp = p;

    if (tp->type == VIREO_TYPED_PARAM_STRING)
        g_clear_pointer(&tp->value.s, g_free);
}

GArray *typed_params_new(void)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(vireo_typed_param));

    g_array_set_clear_func(a, typed_param_clear);
    return a;
}

/* Append one parameter of type with its field formatted from fmt. */
static vireo_typed_param *typed_params_append(GArray *a, int type, const char *fmt, va_list ap)
    G_GNUC_PRINTF(3, 0);
static vireo_typed_param *typed_params_append(GArray *a, int type, const char *fmt, va_list ap)
{
    vireo_typed_param tp;

    memset(&tp, 0, sizeof(tp));
    g_vsnprintf(tp.field, sizeof(tp.field), fmt, ap);
    tp.type = type;
    g_array_append_val(a, tp);
    return &g_array_index(a, vireo_typed_param, a->len - 1);
}

#define TYPED_PARAMS_ADD(a, type, member, v, fmt)                        \
    do {                                                                \
        va_list ap;                                                     \
        va_start(ap, fmt);                                              \
        typed_params_append(a, type, fmt, ap)->value.member = (v);       \
        va_end(ap);                                                     \
    } while (0)

void typed_params_add_int(GArray *a, int v, const char *fmt, ...)
{
    TYPED_PARAMS_ADD(a, VIREO_TYPED_PARAM_INT, i, v, fmt);
}

void typed_params_add_uint(GArray *a, unsigned int v, const char *fmt, ...)
{
    TYPED_PARAMS_ADD(a, VIREO_TYPED_PARAM_UINT, ui, v, fmt);
}

void typed_params_add_llong(GArray *a, long long v, const char *fmt, ...)
{
    TYPED_PARAMS_ADD(a, VIREO_TYPED_PARAM_LLONG, l, v, fmt);
}

void typed_params_add_ullong(GArray *a, unsigned long long v, const char *fmt, ...)
{
    TYPED_PARAMS_ADD(a, VIREO_TYPED_PARAM_ULLONG, ul, v, fmt);
}

void typed_params_add_bool(GArray *a, bool v, const char *fmt, ...)
{
    TYPED_PARAMS_ADD(a, VIREO_TYPED_PARAM_BOOLEAN, b, v ? 1 : 0, fmt);
}

void typed_params_add_string(GArray *a, const char *v, const char *fmt, ...)
{
    TYPED_PARAMS_ADD(a, VIREO_TYPED_PARAM_STRING, s, g_strdup(v ? v : ""), fmt);
}

vireo_typed_param *typed_params_steal(GArray *a, int *n)
{
    *n = (int)a->len;
    if (a->len == 0) {
        g_array_unref(a);
        return NULL;
    }
    /* without freeing the segment the clear function does not run */
    return (vireo_typed_param *)g_array_free(a, FALSE);
}

void typed_params_free(vireo_typed_param *params, int n)
{
    if (!params)
        return;
    for (int i = 0; i < n; i++)
        typed_param_clear(&params[i]);
    g_free(params);
}

vireo_domain_stats_record *stats_record_new(vireo_domain *dom, GArray *a)
{
    vireo_domain_stats_record *r = g_new0(vireo_domain_stats_record, 1);

    r->dom = dom;
    r->params = typed_params_steal(a, &r->nparams);
    return r;
}

void stats_record_list_free(vireo_domain_stats_record **records)
{
    if (!records)
        return;
    for (size_t i = 0; records[i]; i++) {
        if (records[i]->dom)
            domain_handle_unref(records[i]->dom);
        typed_params_free(records[i]->params, records[i]->nparams);
        g_free(records[i]);
    }
    g_free(records);
}

int domain_net_host_stats(int err_domain, const char *ifname, vireo_interface_stats *st)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    guint64 v[16];

    if (!g_file_get_contents("/proc/net/dev", &text, NULL, NULL))
        goto missing;
    lines = g_strsplit(text, "\n", -1);
    for (size_t i = 0; lines[i]; i++) {
        char *colon = strchr(lines[i], ':');
        g_autofree char *name = NULL;
        char *p;

        /* the two header lines have no ':' */
        if (!colon)
            continue;
        name = g_strstrip(g_strndup(lines[i], (gsize)(colon - lines[i])));
        if (strcmp(name, ifname) != 0)
            continue;
        p = colon + 1;
        for (int k = 0; k < 16; k++)
            v[k] = g_ascii_strtoull(p, &p, 10);
        /* rx: bytes packets errs drop (0-3); tx: bytes packets errs drop (8-11) */
        st->rx_bytes = (long long)v[8];
        st->rx_packets = (long long)v[9];
        st->rx_errs = (long long)v[10];
        st->rx_drop = (long long)v[11];
        st->tx_bytes = (long long)v[0];
        st->tx_packets = (long long)v[1];
        st->tx_errs = (long long)v[2];
        st->tx_drop = (long long)v[3];
        return 0;
    }
missing:
    error_report(err_domain, VIREO_ERR_INTERNAL_ERROR, "/proc/net/dev: Interface not found: '%s'",
                 ifname);
    return -1;
}

bool stats_groups_pick(int err_domain, unsigned int flags, unsigned int supported,
                       unsigned int *stats)
{
    if ((flags & VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) && (*stats & ~supported)) {
        error_report(err_domain, VIREO_ERR_ARGUMENT_UNSUPPORTED,
                     "Stats types bits 0x%x are not supported by this daemon",
                     *stats & ~supported);
        return false;
    }
    *stats = *stats ? *stats & supported : supported;
    return true;
}

void stats_add_state(GArray *a, int state, int reason)
{
    typed_params_add_int(a, state, "state.state");
    typed_params_add_int(a, reason, "state.reason");
}

void stats_add_balloon(GArray *a, guint64 cur_kib, guint64 max_kib)
{
    typed_params_add_ullong(a, cur_kib, "balloon.current");
    typed_params_add_ullong(a, max_kib, "balloon.maximum");
}

void stats_add_net_counters(GArray *a, unsigned int i, const vireo_interface_stats *st)
{
    typed_params_add_ullong(a, (guint64)st->rx_bytes, "net.%u.rx.bytes", i);
    typed_params_add_ullong(a, (guint64)st->rx_packets, "net.%u.rx.pkts", i);
    typed_params_add_ullong(a, (guint64)st->rx_errs, "net.%u.rx.errs", i);
    typed_params_add_ullong(a, (guint64)st->rx_drop, "net.%u.rx.drop", i);
    typed_params_add_ullong(a, (guint64)st->tx_bytes, "net.%u.tx.bytes", i);
    typed_params_add_ullong(a, (guint64)st->tx_packets, "net.%u.tx.pkts", i);
    typed_params_add_ullong(a, (guint64)st->tx_errs, "net.%u.tx.errs", i);
    typed_params_add_ullong(a, (guint64)st->tx_drop, "net.%u.tx.drop", i);
}
