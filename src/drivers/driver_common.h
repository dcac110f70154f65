/*
 * driver_common.h: rules every driver applies the same way.
 */
#ifndef VIREO_DRIVERS_DRIVER_COMMON_H
#define VIREO_DRIVERS_DRIVER_COMMON_H

#include <glib.h>
#include <stdbool.h>

#include "vireo/vireo.h"

/* What virConnectListAllDomains filters on, for one domain. */
typedef struct domain_list_facts {
    int state;              /* vireo_domain_state */
    bool active;
    bool persistent;
    bool autostart;
    bool managed_save;
    bool has_snapshot;
    bool has_checkpoint;
} domain_list_facts;

/* Whether a domain with facts f passes the VIREO_LIST_DOMAINS_* filter:
 * groups combine with AND, bits within a group with OR, a group with no
 * bit set does not filter. */
bool domain_list_match(const domain_list_facts *f, unsigned int flags);

/* Refuse flags outside allowed with VIREO_ERR_INVALID_ARG naming func,
 * reported from err_domain (the driver's VIREO_FROM_*). */
bool driver_flags_ok(int err_domain, unsigned int flags, unsigned int allowed, const char *func);

/* The counters of a guest's host-side network device ifname (a tap, a
 * veth's host end) from /proc/net/dev of the caller's namespace, as the
 * guest sees them: the host end's receive is the guest's transmit.  0,
 * or -1 with INTERNAL_ERROR from err_domain when there is no such device. */
int domain_net_host_stats(int err_domain, const char *ifname, vireo_interface_stats *st);

/* ---- typed parameters a driver fills (statistics) ----
 * A GArray of vireo_typed_param whose clear function frees the strings:
 * g_array_unref drops everything, typed_params_steal hands the array
 * over (the caller frees it with vireo_typed_params_free).  Field names
 * are printf formats ("block.%u.rd.reqs"), cut at the field's length. */
GArray *typed_params_new(void);
void typed_params_add_int(GArray *a, int v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void typed_params_add_uint(GArray *a, unsigned int v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void typed_params_add_llong(GArray *a, long long v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void typed_params_add_ullong(GArray *a, unsigned long long v, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
void typed_params_add_bool(GArray *a, bool v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* v is copied */
void typed_params_add_string(GArray *a, const char *v, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* The array (g_new'd, NULL when empty) and its length; a is freed. */
vireo_typed_param *typed_params_steal(GArray *a, int *n);
/* Free n params and their strings (what vireo_typed_params_free does,
 * for the layers below the public API). */
void typed_params_free(vireo_typed_param *params, int n);

/* A stats record for dom (its reference is taken over) with a's
 * parameters; a is freed. */
vireo_domain_stats_record *stats_record_new(vireo_domain *dom, GArray *a);
/* Free a NULL-terminated record list: handles, params, records. */
void stats_record_list_free(vireo_domain_stats_record **records);

/* ---- fields of the bulk statistics call every driver fills alike ---- */

/* The VIREO_DOMAIN_STATS_* groups to fill from what the caller asked
 * (stats; 0: every group the driver has, supported).  false with
 * ARGUMENT_UNSUPPORTED from err_domain when flags hold ENFORCE_STATS and
 * stats asks for a group outside supported. */
bool stats_groups_pick(int err_domain, unsigned int flags, unsigned int supported,
                       unsigned int *stats);
/* state.state, state.reason */
void stats_add_state(GArray *a, int state, int reason);
/* balloon.current, balloon.maximum (KiB) */
void stats_add_balloon(GArray *a, guint64 cur_kib, guint64 max_kib);
/* net.<i>.rx.bytes .. net.<i>.tx.drop: the eight counters of st in
 * libvirt's order (rx then tx: bytes, pkts, errs, drop). */
void stats_add_net_counters(GArray *a, unsigned int i, const vireo_interface_stats *st);

#endif
