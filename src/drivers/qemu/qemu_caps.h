/*
 * qemu_caps.h: what one QEMU binary can do, probed once.
 *
 * Probing runs the binary with -S -nodefaults -machine none and asks over
 * QMP (query-version, query-machines, query-cpu-definitions,
 * query-kvm...).  The result is cached on disk under the driver's cache
 * folder, keyed by the binary's path, size and mtime, so a warm daemon
 * answers capabilities at once.  KVM counts as usable only when a short
 * probe actually runs guest code through /dev/kvm (see qemu_kvm_probe):
 * some hosts have a /dev/kvm that accepts a VM and never runs it.
 */
#ifndef VIREO_QEMU_CAPS_H
#define VIREO_QEMU_CAPS_H

#include <glib.h>
#include <stdbool.h>

typedef struct qemu_machine {
    char *name;             /* "pc-q35-7.2" */
    char *alias;            /* "q35", NULL */
    bool is_default;
    unsigned int max_cpus;
} qemu_machine;

typedef struct qemu_caps {
    char *binary;           /* absolute path */
    char *arch;             /* "x86_64" */
    unsigned int version;   /* major * 1,000,000 + minor * 1,000 + micro */
    bool kvm;               /* /dev/kvm runs guest code (qemu_kvm_probe) */
    bool sandbox;           /* -sandbox (QEMU built with seccomp) */
    GPtrArray *machines;    /* qemu_machine *, owned */
    GPtrArray *cpu_models;  /* char *, owned: models usable with TCG */
    GHashTable *devices;    /* device type names (-device help / qom-list-types) -> NULL */
    GPtrArray *cpu_models_other; /* char *, owned: models known but missing TCG features */
    char *package;          /* "Debian 1:7.2+dfsg-7", may be NULL */
    gint refs;              /* atomic; the last unref frees */
} qemu_caps;

/* The capabilities of binary: from memory when this process read them
 * and the binary is unchanged (inode, size, mtime), else from cache_dir
 * when the cache is fresh, else probed (and cached).  Shared and never
 * changed once made.  New reference; NULL with an error. */
qemu_caps *qemu_caps_get(const char *binary, const char *cache_dir);
/* Read binary's capabilities into memory when cache_dir has them fresh;
 * never probes (a driver start calls it in the background). */
void qemu_caps_warm(const char *binary, const char *cache_dir);
qemu_caps *qemu_caps_ref(qemu_caps *caps);
/* An empty caps (one reference) for binary and arch, to be filled by hand
 * (tests build fixed capabilities this way, without probing). */
qemu_caps *qemu_caps_new(const char *binary, const char *arch);
void qemu_caps_add_machine(qemu_caps *caps, const char *name, const char *alias,
                           bool is_default, unsigned int max_cpus);
/* How many times this process ran a QEMU binary to probe it (the cache
 * answers the rest); for tests. */
unsigned int qemu_caps_probe_count(void);
void qemu_caps_unref(qemu_caps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_caps, qemu_caps_unref)

/* Resolve a machine alias ("q35", "pc") or NULL (the default) to the
 * versioned name; NULL with VIREO_ERR_CONFIG_UNSUPPORTED naming it when
 * the binary lacks it. */
const qemu_machine *qemu_caps_machine(const qemu_caps *caps, const char *name);

/* Whether /dev/kvm can run guest code: creates a VM with one vCPU, runs a
 * few real-mode instructions that end in an I/O exit with a known value,
 * and checks it.  Decided once per process. */
bool qemu_kvm_probe(void);
/* The same, remembered in cache_dir for this boot and this /dev/kvm, so
 * a daemon start does not fork the probe again (NULL: qemu_kvm_probe). */
bool qemu_kvm_probe_cached(const char *cache_dir);

/* Host capabilities XML (libvirt's format) for the binaries found, and
 * domain capabilities XML for one (domcapabilities).  Caller frees. */
char *qemu_caps_format_host(GPtrArray *caps_list);
char *qemu_caps_format_domain(const qemu_caps *caps, const char *machine, const char *virttype);

#endif
