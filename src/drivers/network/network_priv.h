/*
 * network_priv.h: the network objects of one node, shared by the files
 * of src/drivers/network (objects: network_obj.c, files and open:
 * network_state.c, host side: network_start.c, entries:
 * network_driver*.c, ports: network_port.c).
 *
 * Locking.  One short state lock per node guards the table and every
 * object's fields below; it is never held across a device, nftables,
 * tc or dnsmasq call.  Each network has a job: whoever changes it
 * (define over it, start, destroy, undefine, update, autostart) holds
 * the job, at most one holder per network; waiters give up after
 * NETWORK_JOB_TIMEOUT_MS with OPERATION_TIMEOUT naming the network and
 * the holder.  Lookups, lists, XML, leases and ports never wait for a
 * job: they read under the state lock.  Starting one network never
 * blocks calls on another.
 *
 * Lock order: job, then state lock.  Never begin a job with the state
 * lock held.
 */
#ifndef VIREO_DRIVERS_NETWORK_PRIV_H
#define VIREO_DRIVERS_NETWORK_PRIV_H

#include <glib.h>
#include <stdbool.h>
#include <sys/types.h>

#include "conf/network_def.h"
#include "drivers/def_files.h"
#include "drivers/driver.h"
#include "drivers/handles.h"
#include "drivers/network/network_state.h"
#include "drivers/node.h"

#define NETWORK_JOB_TIMEOUT_MS 60000

typedef struct network_state network_state;
typedef struct network_obj network_obj;

struct network_state {
    node_state *node;       /* borrowed: the node owns this state */
    def_files files;        /* config_base/qemu/networks, run_base/network
                             * (whose run_dir also holds dnsmasq's files) */
    GMutex lock;            /* the state lock (above) */
    GHashTable *nets;       /* name -> network_obj * (a reference), lock */
    GMutex add_lock;        /* held from the duplicate and bridge checks to
                             * the listing of a new network, so two defines
                             * cannot both pass; readers never take it */
};

struct network_obj {
    gint refs;                  /* atomic */
    network_state *state;       /* borrowed: outlives every call */
    char *name;                 /* owned, constant */
    unsigned char uuid[VIREO_UUID_BUFLEN]; /* constant */
    /* the rest guarded by state->lock */
    network_def *config;        /* owned: the persistent definition, NULL
                                 * when transient */
    network_def *live;          /* owned: the running definition, NULL when
                                 * inactive; replaced whole by job holders */
    bool active;
    const network_def *starting; /* a start past its collision checks: its
                                 * definition (the starter's), whose subnets
                                 * count as taken; NULL otherwise */
    bool autostart;
    bool listed;                /* in state->nets */
    pid_t dnsmasq_pid;          /* 0 none */
    GHashTable *ports;          /* port uuid (16 bytes, owned) -> owned
                                 * forward device name or NULL */
    bool job;                   /* the job is held ... */
    const char *job_what;       /* ... for this (static string) */
    GCond job_cond;             /* signalled when the job ends */
};

/* --- objects (network_obj.c) --- */

network_obj *network_obj_new(network_state *state, const char *name,
                             const unsigned char uuid[VIREO_UUID_BUFLEN]);
network_obj *network_obj_ref(network_obj *obj);
void network_obj_unref(network_obj *obj);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_obj, network_obj_unref)
/* List obj (takes a reference) / unlist it.  Both take the lock. */
void network_obj_list_add(network_obj *obj);
void network_obj_list_remove(network_obj *obj);
/* New references or NULL with NO_NETWORK "no network with matching
 * name 'x'" / "... uuid 'u' (name)". */
network_obj *network_obj_find(network_state *state, const char *name);
network_obj *network_obj_find_uuid(network_state *state, const unsigned char *uuid,
                                   const char *name_hint);
/* The same without an error when absent */
network_obj *network_obj_lookup(network_state *state, const char *name);
network_obj *network_obj_lookup_uuid(network_state *state, const unsigned char *uuid);
/* Every listed network, new references, sorted by name */
GPtrArray *network_obj_list_all(network_state *state);
/* The network of a handle, its job taken and still listed.  NULL with
 * the error set. */
network_obj *network_obj_begin(vireo_network *net, const char *what);
/* Take obj's job (and check it is still listed); 0 / -1 with the error */
int network_obj_job_begin(network_obj *obj, const char *what);
void network_obj_job_end(network_obj *obj);
/* End the job and drop the reference */
void network_obj_end(network_obj *obj);
vireo_network *network_obj_handle(vireo_conn *conn, network_obj *obj);
void network_obj_emit(network_obj *obj, int event);
/* A copy of the definition to show: live when active (unless
 * inactive_wanted), else the configuration.  Caller frees. */
network_def *network_obj_def_copy(network_obj *obj, bool inactive_wanted);
bool network_obj_is_active(network_obj *obj);

/* Whether the forward mode makes its own bridge (none, nat, route, open) */
bool network_mode_has_bridge(network_forward_mode mode);
const char *network_mode_name(network_forward_mode mode);

/* --- files (network_state.c) --- */

int network_state_save_config(network_state *state, const network_def *def);
int network_state_remove_config(network_state *state, const char *name);
int network_state_save_run(network_state *state, const network_def *def);
void network_state_remove_run(network_state *state, const char *name);
int network_state_set_autostart(network_state *state, const char *name, bool on);

/* --- definitions a client sends (network_define.c) --- */

/* Fill what define fills (UUID, bridge name, bridge MAC) and refuse a
 * bridge another network uses.  Called with state->add_lock held. */
int network_define_prepare(network_state *state, network_def *def);
/* Whether def clashes with another listed network (libvirt's texts);
 * *existing: the network of the same name and UUID (new reference) or
 * NULL.  Called with state->add_lock held. */
int network_define_check_duplicate(network_state *state, const network_def *def,
                                   network_obj **existing);

/* --- the host side (network_start.c), with the job held --- */

/* Start obj's configuration (or transient live def): every step undone
 * on failure.  Marks obj active and writes the run file. */
int network_start(network_obj *obj);
/* Stop it: dnsmasq, tc, rules, bridge, run file; obj inactive */
void network_stop(network_obj *obj);
/* Make a re-adopted network whole again (dnsmasq, rules); false when
 * its bridge is gone (the caller forgets it) */
bool network_readopt(network_obj *obj);
/* The host's routes: whether subnet/prefix (family) is routed through a
 * device other than skip_dev; *dev the device (new string) */
bool network_route_in_use(int family, const char *subnet, unsigned int prefix,
                          const char *skip_dev, char **dev);

/* --- the 'default' network (network_default.c) --- */

/* Define 'default' on a privileged instance's first start */
void network_default_setup(network_state *state, bool first_start);

/* --- entries (network_driver*.c) --- */

/* The active network's leases of mac (NULL: all, lower case) into out
 * (vireo_network_dhcp_lease *); none when inactive or without DHCP */
int network_obj_leases(network_obj *obj, const char *mac, GPtrArray *out);

vireo_network *network_driver_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
vireo_network *network_driver_create_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int network_driver_undefine(vireo_network *net);
int network_driver_create(vireo_network *net);
int network_driver_destroy(vireo_network *net);
int network_driver_set_autostart(vireo_network *net, int autostart);
int network_driver_update(vireo_network *net, unsigned int command, unsigned int section,
                          int parent_index, const char *xml, unsigned int flags);

#endif
