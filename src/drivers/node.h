/*
 * node.h: what a host root has beside its domains: storage pools and
 * volumes (drivers/storage) and secrets (drivers/secret).
 *
 * One node_state per root folder, shared by every hypervisor driver and
 * connection of the process using that root (libvirt answers storage on
 * qemu:///system as on any URI of the host).  A hypervisor driver
 * acquires it when it makes its own state (before autostarting guests:
 * autostarted pools come first, guests may use them) and puts it in each
 * connection it opens (vireo_conn.node).
 *
 * Files (from config_base, ROOT/etc/libvirt or ~/.config/libvirt, and
 * run_base, ROOT/run/libvirt or $XDG_RUNTIME_DIR/libvirt):
 *   config_base/storage/NAME.xml, storage/autostart/NAME.xml   pools
 *   run_base/storage/NAME.xml                                  active pools
 *   config_base/secrets/UUID.xml, UUID.bin, master.key          secrets
 *   config_base/nwfilter/NAME.xml                               filters
 *   config_base/qemu/networks/NAME.xml, .../autostart/NAME.xml  networks
 *   run_base/network/NAME.xml, NAME.conf, NAME.pid, ...         active networks
 */
#ifndef VIREO_DRIVERS_NODE_H
#define VIREO_DRIVERS_NODE_H

#include <glib.h>

struct secret_store;
struct storage_state;
struct network_state;
struct nwfilter_state;

typedef struct node_state {
    int refs;                       /* guarded by the registry lock (node.c) */
    char *config_base;              /* owned; the registry key */
    char *run_base;                 /* owned */
    struct secret_store *secrets;   /* owned (drivers/secret/secret_store.h) */
    struct storage_state *storage;  /* owned (drivers/storage/storage_state.h) */
    struct nwfilter_state *nwfilters; /* owned (drivers/nwfilter/nwfilter_state.h) */
    struct network_state *networks; /* owned (drivers/network/network_state.h) */
} node_state;

/* The node of these folders, made (folders, secrets, pools loaded,
 * autostart pools started) at its first acquire.  NULL with the error
 * set.  Release each acquire and each node_ref. */
node_state *node_acquire(const char *config_base, const char *run_base);
node_state *node_ref(node_state *node);
void node_release(node_state *node);

#endif
