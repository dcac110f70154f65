/*
 * nwfilter_priv.h: what the files of drivers/nwfilter share.
 */
#ifndef VIREO_DRIVERS_NWFILTER_PRIV_H
#define VIREO_DRIVERS_NWFILTER_PRIV_H

#include <glib.h>

#include "conf/nwfilter_def.h"
#include "drivers/node.h"
#include "vireo/vireo.h"

/* One interface a filter is instantiated on.  Owned by state->bindings;
 * every field guarded by state->lock. */
typedef struct nwfilter_binding {
    char *ifname;               /* owned; the key */
    unsigned char mac[6];
    char *network;              /* owned; NULL when not on a network */
    char *filter;               /* owned */
    GPtrArray *params;          /* owned: nwfilter_param * from <filterref> */
    char *learnt_ip;            /* owned: from the network's leases, NULL while unknown */
    guint learn_source;         /* the 1 s timer while the IP is unknown, 0 none */
} nwfilter_binding;

/*
 * The node's filters.  lock guards the table and the bindings and is
 * held across the nft transactions that apply them (each a few
 * milliseconds), so a redefinition and an instantiation never interleave.
 */
struct nwfilter_state {
    node_state *node;           /* borrowed: the node owns the state */
    char *dir;                  /* owned: config_base/nwfilter */
    GMutex lock;
    GHashTable *filters;        /* lock: name -> nwfilter_def * (owned) */
    GHashTable *bindings;       /* lock: ifname -> nwfilter_binding * (owned) */
};
typedef struct nwfilter_state nwfilter_state;

/* ---- nwfilter_match.c ---- */

/* Append rule's match expressions (values: its attributes with the
 * variables resolved) to out, each after a space.  -1 with the error
 * (BUILD_FIREWALL, INVALID_NWFILTER) naming filter. */
int nwfilter_match_build(GString *out, const nwfilter_rule *rule, char **values,
                         const char *filter);
/* values' entry for attribute name of rule (NULL when absent) */
const char *nwfilter_rule_value(const nwfilter_rule *rule, char **values, const char *name);

/* ---- nwfilter_state.c ---- */

/* The state of conn's node, or NULL with an error */
nwfilter_state *nwfilter_state_of_conn(vireo_conn *conn);
/* nwfilter_lookup_fn over state->filters (lock held) */
const nwfilter_def *nwfilter_state_lookup(const char *name, void *state);
/* Write / remove config_base/nwfilter/NAME.xml.  0 or -1 with the error */
int nwfilter_state_save(nwfilter_state *state, const nwfilter_def *def);
int nwfilter_state_remove_file(nwfilter_state *state, const char *name);

/* ---- nwfilter_apply.c (lock held by the caller) ---- */

/* The script for binding with the current filters (*learning: the
 * guest's IP is not known yet and the script is the learning one);
 * NULL with the error */
char *nwfilter_binding_script(nwfilter_state *state, nwfilter_binding *b, bool *learning);
/* Whether an instantiated interface uses name (directly or below) */
bool nwfilter_in_use(nwfilter_state *state, const char *name);
/* Rebuild and apply the rules of every interface using name.  -1 with
 * the error when one cannot be built or applied (those already applied
 * are left with the new rules: the caller re-applies the old filter). */
int nwfilter_reapply(nwfilter_state *state, const char *name);
void nwfilter_binding_free(nwfilter_binding *b);

/* ---- nwfilter_builtin.c ---- */

/* vireo's built-in filters: NULL-terminated pairs of name and XML */
extern const char *const nwfilter_builtins[];

#endif
