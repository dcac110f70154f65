/*
 * domain_def.h: a domain's definition, parsed from and formatted to
 * libvirt's domain XML.
 *
 * A domain_def is a plain tree of owned values: whoever holds the pointer
 * owns everything under it and frees it with domain_def_free().  Drivers
 * keep one per domain (the persistent one) plus one while it runs (the
 * live one).  Sizes are in KiB.  Strings are g_malloc'd; NULL = absent.
 */
#ifndef VIREO_CONF_DOMAIN_DEF_H
#define VIREO_CONF_DOMAIN_DEF_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "vireo/vireo.h"
#include "conf/device_def.h"

/* <domain type=...>; names in domain_virt_names */
typedef enum {
    DOMAIN_VIRT_QEMU,
    DOMAIN_VIRT_KQEMU,
    DOMAIN_VIRT_KVM,
    DOMAIN_VIRT_XEN,
    DOMAIN_VIRT_LXC,
    DOMAIN_VIRT_TEST,
    DOMAIN_VIRT_LAST
} domain_virt;
extern const char *const domain_virt_names[];

/* on_poweroff / on_reboot / on_crash; names in domain_lifecycle_action_names */
typedef enum {
    DOMAIN_ACTION_DESTROY,
    DOMAIN_ACTION_RESTART,
    DOMAIN_ACTION_RENAME_RESTART,
    DOMAIN_ACTION_PRESERVE,
    DOMAIN_ACTION_COREDUMP_DESTROY,
    DOMAIN_ACTION_COREDUMP_RESTART,
    DOMAIN_ACTION_LAST
} domain_action;
extern const char *const domain_action_names[];

/* a tri-state for optional yes/no settings: unset is not written */
typedef enum { TRISTATE_ABSENT = 0, TRISTATE_YES, TRISTATE_NO } tristate;

typedef struct domain_vcpu {
    unsigned int max;       /* <vcpu>N</vcpu> */
    unsigned int current;   /* current='' (0: same as max) */
    char *placement;        /* "static" | "auto" */
    char *cpuset;           /* cpuset='' */
} domain_vcpu;

typedef struct domain_os {
    char *type;             /* "hvm", "linux", "xen", "exe" (required) */
    char *arch;             /* arch='' */
    char *machine;          /* machine='' */
    char *firmware;         /* <os firmware='efi'> */
    char **boot_devs;       /* <boot dev=''/> in order, NULL-terminated */
    tristate bootmenu;      /* <bootmenu enable=''/> */
    unsigned int bootmenu_timeout; /* timeout='' ms, 0 absent */
    char *kernel;
    char *initrd;
    char *cmdline;
    char *dtb;
    char *loader;           /* <loader>path</loader> */
    char *loader_readonly;  /* readonly='yes|no' */
    char *loader_type;      /* type='rom|pflash' */
    char *loader_secure;    /* secure='yes|no' */
    char *nvram;            /* <nvram>path</nvram> */
    char *nvram_template;   /* template='' */
    char *init;             /* <init> for exe (containers) */
    char **init_args;       /* <initarg> in order, NULL-terminated */
    GPtrArray *init_env;    /* domain_init_env *: <initenv name=''>; NULL none */
    char *init_dir;         /* <initdir> */
    char *init_user;        /* <inituser>: a name or number, as given */
    char *init_group;       /* <initgroup> */
    tristate bios_useserial;/* <bios useserial=''/> */
    char *smbios_mode;      /* <smbios mode=''/>: emulate, host, sysinfo */
    unsigned int bios_reboot_timeout; /* <bios rebootTimeout=''/> */
    bool bios_reboot_timeout_set;
    GPtrArray *firmware_features; /* domain_feature_state *: <firmware><feature/>; NULL absent */
    bool loader_present;    /* <loader> given (its path may be absent) */
    bool nvram_present;
    bool bootmenu_timeout_set;
} domain_os;

/* <os><initenv name='NAME'>value</initenv> (containers) */
typedef struct domain_init_env {
    char *name;
    char *value;            /* "" when empty */
} domain_init_env;

/* <idmap><uid|gid start='' target='' count=''/>: container ids
 * start..start+count-1 are host ids target..; kept sorted by start. */
typedef struct domain_idmap_entry {
    unsigned int start, target, count;
} domain_idmap_entry;

typedef struct domain_idmap {
    domain_idmap_entry *uid, *gid;  /* NULL: no <idmap> */
    size_t nuid, ngid;
} domain_idmap;

/* <features>, in libvirt's order.  A state feature (hap, pvspinlock, pmu,
 * vmport, smm, vmcoreinfo) given without state='' is written state='on'. */
typedef struct domain_features {
    bool acpi, apic, pae, viridian, privnet;
    char *apic_eoi;         /* <apic eoi=''/>: "on"/"off" */
    tristate hap, pvspinlock, pmu, vmport, smm, vmcoreinfo; /* state='' */
    bool hyperv_present;    /* <hyperv> given */
    char *hyperv_mode;      /* <hyperv mode=''>, "custom" when absent */
    GPtrArray *hyperv;      /* domain_feature_state *, libvirt's order */
    GPtrArray *kvm;         /* domain_feature_state *: <kvm> children; NULL absent */
    char *gic_version;      /* <gic version=''/> (arm) */
    bool gic_present;
    char *ioapic_driver;    /* <ioapic driver=''/> */
    char *caps_policy;      /* <capabilities policy=''>: default, allow, deny; NULL absent */
    GPtrArray *caps;        /* domain_feature_state *: its <mknod state='on'/>... in
                             * libvirt's order; NULL with caps_policy */
} domain_features;

/* a child of <hyperv>, <kvm> or <os><firmware> */
typedef struct domain_feature_state {
    char *name;             /* "relaxed", "vapic", "spinlocks", ... */
    char *state;            /* "on" / "off" (firmware: enabled='yes|no') */
    char *value;            /* retries='' (spinlocks), value='' (vendor_id), size='' (dirty-ring) */
    char *direct;           /* stimer <direct state=''/> */
} domain_feature_state;

typedef struct domain_cpu_feature {
    char *policy;           /* force, require, optional, disable, forbid */
    char *name;
} domain_cpu_feature;

typedef struct domain_cpu {
    char *mode;             /* custom, host-model, host-passthrough, maximum */
    char *match;            /* exact, minimum, strict */
    char *check;            /* none, partial, full */
    char *migratable;       /* on / off */
    char *model;            /* <model>name</model> */
    char *model_fallback;   /* fallback='' */
    char *model_vendor_id;  /* vendor_id='' */
    char *vendor;           /* <vendor> */
    unsigned int sockets, dies, cores, threads; /* <topology>, 0 absent */
    GPtrArray *features;    /* domain_cpu_feature * */
    GPtrArray *numa_cells;  /* domain_numa_cell * */
} domain_cpu;

typedef struct domain_numa_cell {
    int id;                 /* -1: not given */
    char *cpus;
    uint64_t memory_kib;
    char *memaccess;
    char *discard;
} domain_numa_cell;

typedef struct domain_timer {
    char *name;             /* rtc, pit, hpet, kvmclock, hypervclock, tsc, platform, armvtimer */
    char *present;          /* yes / no */
    char *tickpolicy;       /* delay, catchup, merge, discard */
    char *track;            /* boot, guest, wall, realtime */
    char *frequency;        /* tsc frequency='' */
    char *mode;             /* tsc mode='' */
} domain_timer;

typedef struct domain_clock {
    char *offset;           /* utc, localtime, timezone, variable */
    char *timezone;
    char *adjustment;
    char *basis;
    GPtrArray *timers;      /* domain_timer * */
} domain_clock;

typedef struct domain_pm {
    tristate suspend_to_mem;
    tristate suspend_to_disk;
} domain_pm;

/* <sysinfo type='smbios'>: one block (bios, system, baseBoard, chassis...)
 * with its <entry name=''>value</entry> list. */
typedef struct domain_sysinfo_block {
    char *name;             /* "bios", "system", "baseBoard", "chassis", "oemStrings" */
    GPtrArray *entries;     /* domain_sysinfo_entry * */
} domain_sysinfo_block;

typedef struct domain_sysinfo_entry {
    char *name;             /* name='' (NULL for oemStrings <entry>) */
    char *value;
} domain_sysinfo_entry;

/* <blkiotune><device>: one block device's I/O weight and throttles;
 * 0 = not set. */
typedef struct domain_blkio_device {
    char *path;
    unsigned int weight;
    unsigned int read_iops, write_iops;     /* <read_iops_sec>, <write_iops_sec> */
    uint64_t read_bytes, write_bytes;       /* <read_bytes_sec>, <write_bytes_sec> */
} domain_blkio_device;

/* The simple forms of the tuning elements; 0 / NULL = absent. */
typedef struct domain_tune {
    bool has_shares, has_period, has_quota;
    uint64_t shares, period;    /* <cputune><shares>, <period> */
    int64_t quota;              /* <cputune><quota> (may be -1) */
    uint64_t hard_limit_kib, soft_limit_kib, swap_hard_limit_kib; /* <memtune> */
    unsigned int blkio_weight;  /* <blkiotune><weight> */
    GPtrArray *blkio_devices;   /* domain_blkio_device *: <blkiotune><device>; NULL none */
    bool hugepages;             /* <memoryBacking><hugepages/> */
    GPtrArray *hugepage_sizes;  /* uint64_t KiB as pointers: <page size=''/>; NULL none */
    bool nosharepages, locked;  /* <memoryBacking> flags */
    char *source_type;          /* <memoryBacking><source type=''/> */
    char *access_mode;          /* <memoryBacking><access mode=''/> */
    char *numa_mode;            /* <numatune><memory mode='' nodeset='' placement=''/> */
    char *numa_nodeset;
    char *numa_placement;
} domain_tune;

typedef struct domain_seclabel {
    char *type;             /* none, dynamic, static */
    char *model;
    char *relabel;          /* yes / no */
    char *label;
    char *imagelabel;
    char *baselabel;
} domain_seclabel;

typedef struct domain_def {
    domain_virt virt;
    int id;                 /* live id; -1 when not running */
    char *name;
    unsigned char uuid[VIREO_UUID_BUFLEN];
    char *genid;            /* <genid> */
    char *title;
    char *description;
    char *metadata;         /* the whole <metadata> element as XML text (its
                             * children verbatim, namespaces declared on it) */
    uint64_t max_memory_kib;    /* <maxMemory>, 0 absent */
    unsigned int max_memory_slots;
    uint64_t memory_kib;        /* <memory> */
    uint64_t current_memory_kib;/* <currentMemory> */
    domain_vcpu vcpu;
    unsigned int iothreads; /* <iothreads>N</iothreads>, 0 absent */
    char *resource_partition; /* <resource><partition> */
    domain_os os;
    domain_idmap idmap;     /* user namespace of a container */
    domain_features features;
    domain_cpu *cpu;        /* NULL when no <cpu> */
    domain_clock clock;
    domain_action on_poweroff, on_reboot, on_crash;
    domain_pm pm;
    domain_tune tune;       /* cputune, memtune, blkiotune, memoryBacking, numatune */
    GPtrArray *sysinfo;     /* domain_sysinfo_block *: <sysinfo type='smbios'>; NULL absent */
    GPtrArray *seclabels;   /* domain_seclabel * */
    domain_devices devices;
} domain_def;

/* Flags for domain_def_parse. */
enum {
    /* The XML describes a running domain (status file, live XML): keep
     * id='' and live-only values.  Without it, id is ignored. */
    DOMAIN_PARSE_LIVE = 1 << 0,
};

/* Parse libvirt domain XML.  Fills what libvirt fills when absent (a UUID,
 * currentMemory = memory, vcpu placement, lifecycle actions, clock offset)
 * and refuses anything it does not understand, naming the element or
 * attribute and its line.  Errors use libvirt's codes (XML_DETAIL for
 * malformed XML, XML_ERROR / NO_NAME / OS_TYPE for bad content).
 * Caller frees. */
domain_def *domain_def_parse(const char *xml, unsigned int flags);

/* Format as libvirt does (VIREO_DOMAIN_XML_* flags: INACTIVE drops id and
 * live-only values).  Caller g_free()s. */
char *domain_def_format(const domain_def *def, unsigned int flags);

/* Assign what a definition must carry before it is stored: MAC addresses
 * (52:54:00 range) for interfaces without one, PCI addresses for devices
 * without one, implicit controllers.  Addresses already present are kept,
 * so the guest ABI is stable across redefines.  0, or -1 with an error. */
int domain_def_assign_addresses(domain_def *def);

/* Deep copy (through format + parse of the live form). Caller frees. */
domain_def *domain_def_copy(const domain_def *def);

void domain_def_free(domain_def *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(domain_def, domain_def_free)

/* A domain name must be non-empty and hold no '/' (it names files). */
int domain_name_check(const char *name);

#endif
