/*
 * instances.h: a driver's instances, one per root (qemu:///system,
 * lxc:///embed?root=DIR...), shared by the process's connections to that
 * root.  An instance made by a lasting URI (system, session) lives as
 * long as the process, as libvirtd's driver state does (vireod's
 * clients come and go), and autostarts its domains once per process; an
 * embed instance ends with its last connection.  Also what every
 * instance has: an I/O thread and a job timeout.
 */
#ifndef VIREO_DRIVERS_INSTANCES_H
#define VIREO_DRIVERS_INSTANCES_H

#include <glib.h>
#include <stdbool.h>

#include "util/uri.h"

/* A static one per driver (zero is ready). */
typedef struct instance_registry {
    GMutex lock;
    GHashTable *entries;        /* lock: key -> instance_entry * (owned) */
    GHashTable *autostarted;    /* lock: keys autostarted in this process (set) */
} instance_registry;

/* What a driver does with its instances. */
typedef struct instance_ops {
    /* A new instance from arg (with the registry lock held: one creation
     * at a time); NULL with the error. */
    void *(*create)(void *arg);
    /* The last user went (without the registry lock: detaching may wait
     * on the instance's threads). */
    void (*destroy)(void *inst);
    /* Once per key and process, for a lasting instance (registry lock
     * held; it queues the starts, never waits for them).  May be NULL. */
    void (*autostart)(void *inst);
} instance_ops;

/* The instance for key, made by ops->create(arg) at its first acquire;
 * one reference for the caller.  NULL with create's error. */
void *instance_acquire(instance_registry *r, const instance_ops *ops, const char *key,
                       bool lasting, void *arg);
/* Drop a reference to the instance of key; the last one destroys it. */
void instance_release(instance_registry *r, const instance_ops *ops, const char *key);

/* The instance's I/O thread: runs loop with its context as the thread's
 * default until instance_io_stop. */
GThread *instance_io_start(const char *name, GMainLoop *loop);
/* Quit loop from its own thread (a quit sent from elsewhere before the
 * loop ran would be lost) and join thread. */
void instance_io_stop(GMainLoop *loop, GThread *thread);
/* The default wait for a job (ms): ?job_timeout_ms= of uri, else the
 * environment variable env, else dflt. */
int instance_job_timeout(const vireo_uri *uri, const char *env, int dflt);

#endif
