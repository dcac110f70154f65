/*
 * vireo.h: the public C API of vireo.
 *
 * One header for every client: the vireo CLI, embedders, language
 * bindings.  Every number a client may see (error codes and domains,
 * domain states and reasons, event ids and details, flag bits) has the
 * value libvirt gives it, because the same numbers cross libvirt's wire.
 *
 * Conventions:
 *  - Functions returning int return 0 (or a non-negative count) on
 *    success and -1 on failure; functions returning a pointer return NULL
 *    on failure.  After a failure vireo_error_last() describes it.
 *  - A returned char * is owned by the caller and freed with free().
 *  - A returned vireo_conn * or vireo_domain * holds a reference the
 *    caller drops with vireo_conn_close() / vireo_domain_free().
 *  - All functions are safe to call from several threads on one
 *    connection.
 *  - Every call clears the thread's error when it starts, except those
 *    that cannot fail on a valid handle: vireo_domain_get_name/_uuid/
 *    _uuid_string/_id/_conn, vireo_domain_ref/_free,
 *    vireo_domain_list_free, vireo_conn_ref/_close.  So after a failed
 *    call a caller can still name the domain, or clean up, and then read
 *    vireo_error_last().
 */
#ifndef VIREO_VIREO_H
#define VIREO_VIREO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIREO_VERSION_MAJOR 0
#define VIREO_VERSION_MINOR 1
#define VIREO_VERSION_MICRO 0
/* major * 1,000,000 + minor * 1,000 + micro, as libvirt encodes versions */
#define VIREO_VERSION_NUMBER 1000

#define VIREO_UUID_BUFLEN 16
#define VIREO_UUID_STRING_BUFLEN 37

typedef struct vireo_conn vireo_conn;
typedef struct vireo_domain vireo_domain;
typedef struct vireo_storage_pool vireo_storage_pool;
typedef struct vireo_storage_vol vireo_storage_vol;
typedef struct vireo_secret vireo_secret;
typedef struct vireo_network vireo_network;
typedef struct vireo_nwfilter vireo_nwfilter;
typedef struct vireo_interface vireo_interface;

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

/* libvirt's virErrorNumber values, unchanged (a subset is named here;
 * any libvirt number may appear). */
enum {
    VIREO_ERR_OK = 0,
    VIREO_ERR_INTERNAL_ERROR = 1,
    VIREO_ERR_NO_MEMORY = 2,
    VIREO_ERR_NO_SUPPORT = 3,
    VIREO_ERR_NO_CONNECT = 5,
    VIREO_ERR_INVALID_CONN = 6,
    VIREO_ERR_INVALID_DOMAIN = 7,
    VIREO_ERR_INVALID_ARG = 8,
    VIREO_ERR_OPERATION_FAILED = 9,
    VIREO_ERR_OS_TYPE = 16,
    VIREO_ERR_NO_SOURCE = 19,
    VIREO_ERR_NO_TARGET = 20,
    VIREO_ERR_NO_NAME = 21,
    VIREO_ERR_NO_OS = 22,
    VIREO_ERR_XML_ERROR = 27,
    VIREO_ERR_DOM_EXIST = 28,
    VIREO_ERR_OPERATION_DENIED = 29,
    VIREO_ERR_OPEN_FAILED = 30,
    VIREO_ERR_READ_FAILED = 31,
    VIREO_ERR_PARSE_FAILED = 32,
    VIREO_ERR_WRITE_FAILED = 34,
    VIREO_ERR_XML_DETAIL = 35,
    VIREO_ERR_INVALID_NETWORK = 36,
    VIREO_ERR_NETWORK_EXIST = 37,
    VIREO_ERR_SYSTEM_ERROR = 38,
    VIREO_ERR_RPC = 39,
    VIREO_ERR_NO_DOMAIN = 42,
    VIREO_ERR_NO_NETWORK = 43,
    VIREO_ERR_INVALID_MAC = 44,
    VIREO_ERR_AUTH_FAILED = 45,
    VIREO_ERR_INVALID_STORAGE_POOL = 46,
    VIREO_ERR_INVALID_STORAGE_VOL = 47,
    VIREO_ERR_NO_STORAGE_POOL = 49,
    VIREO_ERR_NO_STORAGE_VOL = 50,
    VIREO_ERR_OPERATION_INVALID = 55,
    VIREO_ERR_NO_INTERFACE = 57,
    VIREO_ERR_INVALID_INTERFACE = 58,
    VIREO_ERR_INVALID_NWFILTER = 61,
    VIREO_ERR_NO_NWFILTER = 62,
    VIREO_ERR_BUILD_FIREWALL = 63,
    VIREO_ERR_INVALID_SECRET = 65,
    VIREO_ERR_NO_SECRET = 66,
    VIREO_ERR_CONFIG_UNSUPPORTED = 67,
    VIREO_ERR_OPERATION_TIMEOUT = 68,
    VIREO_ERR_INVALID_STREAM = 73,
    VIREO_ERR_ARGUMENT_UNSUPPORTED = 74,
    VIREO_ERR_STORAGE_PROBE_FAILED = 75,
    VIREO_ERR_STORAGE_POOL_BUILT = 76,
    VIREO_ERR_OVERFLOW = 82,
    VIREO_ERR_OPERATION_UNSUPPORTED = 84,
    VIREO_ERR_MULTIPLE_INTERFACES = 86,
    VIREO_ERR_RESOURCE_BUSY = 87,
    VIREO_ERR_ACCESS_DENIED = 88,
    VIREO_ERR_STORAGE_VOL_EXIST = 90,
    VIREO_ERR_XML_INVALID_SCHEMA = 92,
    VIREO_ERR_DEVICE_MISSING = 99,
    VIREO_ERR_MULTIPLE_DOMAINS = 110,
};

/* libvirt's virErrorDomain values: which part of the system reported. */
enum {
    VIREO_FROM_NONE = 0,
    VIREO_FROM_XML = 5,
    VIREO_FROM_DOM = 6,
    VIREO_FROM_RPC = 7,
    VIREO_FROM_CONF = 9,
    VIREO_FROM_QEMU = 10,
    VIREO_FROM_TEST = 12,
    VIREO_FROM_REMOTE = 13,
    VIREO_FROM_LXC = 17,
    VIREO_FROM_STORAGE = 18,
    VIREO_FROM_NETWORK = 19,
    VIREO_FROM_DOMAIN = 20,
    VIREO_FROM_INTERFACE = 26,
    VIREO_FROM_SECRET = 30,
    VIREO_FROM_NWFILTER = 33,
    VIREO_FROM_CAPABILITIES = 44,
    VIREO_FROM_URI = 45,
    VIREO_FROM_AUTH = 46,
    VIREO_FROM_CGROUP = 54,
    VIREO_FROM_ACCESS = 55,      /* access control (vireod's rules) */
};

enum { VIREO_ERR_LEVEL_NONE = 0, VIREO_ERR_LEVEL_WARNING = 1, VIREO_ERR_LEVEL_ERROR = 2 };

/* The last error of the calling thread.  Owned by vireo; valid until the
 * thread's next vireo call. */
typedef struct vireo_error {
    int code;       /* VIREO_ERR_* (libvirt's virErrorNumber) */
    int domain;     /* VIREO_FROM_* (libvirt's virErrorDomain) */
    int level;      /* VIREO_ERR_LEVEL_* */
    char *message;  /* full text, e.g. "Domain not found: no domain with matching name 'web'" */
    char *str1;     /* extra strings and ints, as libvirt fills them */
    char *str2;
    char *str3;
    int int1;
    int int2;
} vireo_error;

/* NULL when the thread's last call succeeded. */
const vireo_error *vireo_error_last(void);
void vireo_error_reset(void);

/* ------------------------------------------------------------------ */
/* Connections                                                         */
/* ------------------------------------------------------------------ */

/* Open a connection to the hypervisor named by uri ("test:///default",
 * "test:///path/to/node.xml", ...).  NULL uri means $VIREO_DEFAULT_URI,
 * then $LIBVIRT_DEFAULT_URI, then "test:///default".  An unknown scheme
 * fails with VIREO_ERR_NO_CONNECT. */
vireo_conn *vireo_conn_open(const char *uri);
/* Read-only: every call that would change something fails with
 * VIREO_ERR_OPERATION_DENIED. */
vireo_conn *vireo_conn_open_read_only(const char *uri);
/* Drop the caller's reference; returns the number still held, -1 on error. */
int vireo_conn_close(vireo_conn *conn);
/* Take one more reference, dropped by vireo_conn_close(). */
int vireo_conn_ref(vireo_conn *conn);

/* The canonical URI of the connection (caller frees). */
char *vireo_conn_get_uri(vireo_conn *conn);
/* The driver's name: "TEST", "QEMU", ... (owned by vireo). */
const char *vireo_conn_get_type(vireo_conn *conn);
/* Hypervisor version, major * 1,000,000 + minor * 1,000 + micro. */
int vireo_conn_get_version(vireo_conn *conn, unsigned long *hv_ver);
/* Library version, same encoding. */
int vireo_get_lib_version(unsigned long *lib_ver);
/* Host name of the node (caller frees). */
char *vireo_conn_get_hostname(vireo_conn *conn);
/* Capabilities XML, libvirt's format (caller frees). */
char *vireo_conn_get_capabilities(vireo_conn *conn);
/* Whether the connection is still usable: 1 yes, 0 no, -1 error. */
int vireo_conn_is_alive(vireo_conn *conn);

/* libvirt's virNodeInfo: memory in KiB. */
typedef struct vireo_node_info {
    char model[32];         /* CPU model, NUL terminated */
    unsigned long memory;   /* KiB */
    unsigned int cpus;      /* active CPUs */
    unsigned int mhz;
    unsigned int nodes;     /* NUMA cells */
    unsigned int sockets;   /* per cell */
    unsigned int cores;     /* per socket */
    unsigned int threads;   /* per core */
} vireo_node_info;

int vireo_node_get_info(vireo_conn *conn, vireo_node_info *info);

/* ------------------------------------------------------------------ */
/* Domains                                                             */
/* ------------------------------------------------------------------ */

/* libvirt's virDomainState */
typedef enum {
    VIREO_DOMAIN_NOSTATE = 0,
    VIREO_DOMAIN_RUNNING = 1,
    VIREO_DOMAIN_BLOCKED = 2,
    VIREO_DOMAIN_PAUSED = 3,
    VIREO_DOMAIN_SHUTDOWN = 4,
    VIREO_DOMAIN_SHUTOFF = 5,
    VIREO_DOMAIN_CRASHED = 6,
    VIREO_DOMAIN_PMSUSPENDED = 7,
} vireo_domain_state;

/* Reasons, per state, as libvirt numbers them. */
enum {
    VIREO_DOMAIN_RUNNING_UNKNOWN = 0,
    VIREO_DOMAIN_RUNNING_BOOTED = 1,
    VIREO_DOMAIN_RUNNING_MIGRATED = 2,
    VIREO_DOMAIN_RUNNING_RESTORED = 3,
    VIREO_DOMAIN_RUNNING_FROM_SNAPSHOT = 4,
    VIREO_DOMAIN_RUNNING_UNPAUSED = 5,
    VIREO_DOMAIN_RUNNING_WAKEUP = 8,
    VIREO_DOMAIN_RUNNING_CRASHED = 9,
};
enum {
    VIREO_DOMAIN_PAUSED_UNKNOWN = 0,
    VIREO_DOMAIN_PAUSED_USER = 1,
    VIREO_DOMAIN_PAUSED_SAVE = 3,
    VIREO_DOMAIN_PAUSED_IOERROR = 5,
    VIREO_DOMAIN_PAUSED_SHUTTING_DOWN = 8,
    VIREO_DOMAIN_PAUSED_CRASHED = 10,
    VIREO_DOMAIN_PAUSED_STARTING_UP = 11,
};
enum {
    VIREO_DOMAIN_SHUTOFF_UNKNOWN = 0,
    VIREO_DOMAIN_SHUTOFF_SHUTDOWN = 1,
    VIREO_DOMAIN_SHUTOFF_DESTROYED = 2,
    VIREO_DOMAIN_SHUTOFF_CRASHED = 3,
    VIREO_DOMAIN_SHUTOFF_MIGRATED = 4,
    VIREO_DOMAIN_SHUTOFF_SAVED = 5,
    VIREO_DOMAIN_SHUTOFF_FAILED = 6,
    VIREO_DOMAIN_SHUTOFF_FROM_SNAPSHOT = 7,
    VIREO_DOMAIN_SHUTOFF_DAEMON = 8,
};
enum { VIREO_DOMAIN_SHUTDOWN_UNKNOWN = 0, VIREO_DOMAIN_SHUTDOWN_USER = 1 };
enum { VIREO_DOMAIN_CRASHED_UNKNOWN = 0, VIREO_DOMAIN_CRASHED_PANICKED = 1 };

/* libvirt's virDomainInfo: memory in KiB, cpu_time in nanoseconds. */
typedef struct vireo_domain_info {
    unsigned char state;        /* vireo_domain_state */
    unsigned long max_mem;      /* KiB */
    unsigned long memory;       /* KiB */
    unsigned short nr_virt_cpu;
    unsigned long long cpu_time;
} vireo_domain_info;

/* virConnectListAllDomainsFlags: filters; groups combine with AND, bits
 * within a group with OR; no bit of a group means no filter on it. */
enum {
    VIREO_LIST_DOMAINS_ACTIVE = 1 << 0,
    VIREO_LIST_DOMAINS_INACTIVE = 1 << 1,
    VIREO_LIST_DOMAINS_PERSISTENT = 1 << 2,
    VIREO_LIST_DOMAINS_TRANSIENT = 1 << 3,
    VIREO_LIST_DOMAINS_RUNNING = 1 << 4,
    VIREO_LIST_DOMAINS_PAUSED = 1 << 5,
    VIREO_LIST_DOMAINS_SHUTOFF = 1 << 6,
    VIREO_LIST_DOMAINS_OTHER = 1 << 7,
    VIREO_LIST_DOMAINS_MANAGEDSAVE = 1 << 8,
    VIREO_LIST_DOMAINS_NO_MANAGEDSAVE = 1 << 9,
    VIREO_LIST_DOMAINS_AUTOSTART = 1 << 10,
    VIREO_LIST_DOMAINS_NO_AUTOSTART = 1 << 11,
    VIREO_LIST_DOMAINS_HAS_SNAPSHOT = 1 << 12,
    VIREO_LIST_DOMAINS_NO_SNAPSHOT = 1 << 13,
    VIREO_LIST_DOMAINS_HAS_CHECKPOINT = 1 << 14,
    VIREO_LIST_DOMAINS_NO_CHECKPOINT = 1 << 15,
};

/* virDomainXMLFlags */
enum {
    VIREO_DOMAIN_XML_SECURE = 1 << 0,
    VIREO_DOMAIN_XML_INACTIVE = 1 << 1,
    VIREO_DOMAIN_XML_UPDATE_CPU = 1 << 2,
    VIREO_DOMAIN_XML_MIGRATABLE = 1 << 3,
};

/* virDomainCreateFlags */
enum {
    VIREO_DOMAIN_START_PAUSED = 1 << 0,
    VIREO_DOMAIN_START_AUTODESTROY = 1 << 1,
    VIREO_DOMAIN_START_BYPASS_CACHE = 1 << 2,
    VIREO_DOMAIN_START_FORCE_BOOT = 1 << 3,     /* discard a managed save image */
};
/* virDomainUndefineFlagsValues */
enum { VIREO_DOMAIN_UNDEFINE_MANAGED_SAVE = 1 << 0 };
/* virDomainDefineFlags */
enum { VIREO_DOMAIN_DEFINE_VALIDATE = 1 << 0 };

/* Handle accessors.  Strings are owned by the handle. */
const char *vireo_domain_get_name(vireo_domain *dom);
int vireo_domain_get_uuid(vireo_domain *dom, unsigned char uuid[VIREO_UUID_BUFLEN]);
int vireo_domain_get_uuid_string(vireo_domain *dom, char buf[VIREO_UUID_STRING_BUFLEN]);
/* The running domain's id, or (unsigned) -1 when inactive. */
unsigned int vireo_domain_get_id(vireo_domain *dom);
/* Borrowed: the connection the handle belongs to. */
vireo_conn *vireo_domain_get_conn(vireo_domain *dom);
int vireo_domain_ref(vireo_domain *dom);
int vireo_domain_free(vireo_domain *dom);

vireo_domain *vireo_domain_lookup_by_name(vireo_conn *conn, const char *name);
vireo_domain *vireo_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char uuid[VIREO_UUID_BUFLEN]);
vireo_domain *vireo_domain_lookup_by_uuid_string(vireo_conn *conn, const char *uuid);
vireo_domain *vireo_domain_lookup_by_id(vireo_conn *conn, int id);

/* Every domain matching flags (VIREO_LIST_DOMAINS_*), sorted by name.
 * *domains gets a NULL-terminated array the caller frees with
 * vireo_domain_list_free().  Returns the count. */
int vireo_conn_list_all_domains(vireo_conn *conn, vireo_domain ***domains, unsigned int flags);
void vireo_domain_list_free(vireo_domain **domains);

/* Define (or redefine, same name and UUID) a persistent domain. */
vireo_domain *vireo_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
/* Remove the persistent configuration; a running domain becomes transient. */
int vireo_domain_undefine(vireo_domain *dom, unsigned int flags);
/* Start a defined, inactive domain (VIREO_DOMAIN_START_*). */
int vireo_domain_create(vireo_domain *dom, unsigned int flags);
/* Start a transient domain from XML; it vanishes when it stops. */
vireo_domain *vireo_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags);
/* Stop at once, as pulling the plug. */
int vireo_domain_destroy(vireo_domain *dom, unsigned int flags);
/* Ask the guest to power off. */
int vireo_domain_shutdown(vireo_domain *dom, unsigned int flags);
/* Ask the guest to reboot. */
int vireo_domain_reboot(vireo_domain *dom, unsigned int flags);
int vireo_domain_suspend(vireo_domain *dom);
int vireo_domain_resume(vireo_domain *dom);

int vireo_domain_get_info(vireo_domain *dom, vireo_domain_info *info);
int vireo_domain_get_state(vireo_domain *dom, int *state, int *reason, unsigned int flags);
/* The OS type ("hvm", "linux", "exe"), caller frees.  The test driver
 * answers "linux" for every domain, as libvirt's does. */
char *vireo_domain_get_os_type(vireo_domain *dom);
/* Domain XML (VIREO_DOMAIN_XML_*), caller frees. */
char *vireo_domain_get_xml_desc(vireo_domain *dom, unsigned int flags);
int vireo_domain_get_autostart(vireo_domain *dom, int *autostart);
int vireo_domain_set_autostart(vireo_domain *dom, int autostart);
/* 1 yes, 0 no, -1 error */
int vireo_domain_is_active(vireo_domain *dom);
int vireo_domain_is_persistent(vireo_domain *dom);
/* 1 when the definition changed since the domain started */
int vireo_domain_is_updated(vireo_domain *dom);
/* Whether a managed save image exists: 1, 0, -1. */
int vireo_domain_has_managed_save(vireo_domain *dom, unsigned int flags);

/* Reset the guest at once, as the reset button (no guest involvement). */
int vireo_domain_reset(vireo_domain *dom, unsigned int flags);

/* virDomainSaveRestoreFlags */
enum {
    VIREO_DOMAIN_SAVE_BYPASS_CACHE = 1 << 0,
    VIREO_DOMAIN_SAVE_RUNNING = 1 << 1,
    VIREO_DOMAIN_SAVE_PAUSED = 1 << 2,
    VIREO_DOMAIN_SAVE_RESET_NVRAM = 1 << 3,
};
/* Save the running domain's state to the file to (path on the host of
 * the hypervisor) and stop it; dxml (or NULL) replaces the definition
 * stored in the image. */
int vireo_domain_save(vireo_domain *dom, const char *to, const char *dxml, unsigned int flags);
/* Start the domain an image saved, from where it was saved. */
int vireo_domain_restore(vireo_conn *conn, const char *from, const char *dxml, unsigned int flags);
/* The domain XML stored in a save image (caller frees). */
char *vireo_domain_save_image_get_xml_desc(vireo_conn *conn, const char *file, unsigned int flags);
/* Save to a file the hypervisor manages; the next start resumes it. */
int vireo_domain_managed_save(vireo_domain *dom, unsigned int flags);
int vireo_domain_managed_save_remove(vireo_domain *dom, unsigned int flags);

/* virDomainCoreDumpFlags */
enum {
    VIREO_DUMP_CRASH = 1 << 0,
    VIREO_DUMP_LIVE = 1 << 1,
    VIREO_DUMP_BYPASS_CACHE = 1 << 2,
    VIREO_DUMP_RESET = 1 << 3,
    VIREO_DUMP_MEMORY_ONLY = 1 << 4,
};
int vireo_domain_core_dump(vireo_domain *dom, const char *to, unsigned int flags);

/* virDomainModificationImpact (and virDomainDeviceModifyFlags) */
enum {
    VIREO_DOMAIN_AFFECT_CURRENT = 0,
    VIREO_DOMAIN_AFFECT_LIVE = 1 << 0,
    VIREO_DOMAIN_AFFECT_CONFIG = 1 << 1,
    VIREO_DOMAIN_DEVICE_MODIFY_FORCE = 1 << 2,
};
/* virDomainVcpuFlags (with the AFFECT_* bits) */
enum {
    VIREO_DOMAIN_VCPU_MAXIMUM = 1 << 2,
    VIREO_DOMAIN_VCPU_GUEST = 1 << 3,
    VIREO_DOMAIN_VCPU_HOTPLUGGABLE = 1 << 4,
};
/* virDomainMemoryModFlags (with the AFFECT_* bits) */
enum { VIREO_DOMAIN_MEM_MAXIMUM = 1 << 2 };

/* Add, remove or change (cdrom media) one device given as XML. */
int vireo_domain_attach_device(vireo_domain *dom, const char *xml, unsigned int flags);
int vireo_domain_detach_device(vireo_domain *dom, const char *xml, unsigned int flags);
int vireo_domain_update_device(vireo_domain *dom, const char *xml, unsigned int flags);
int vireo_domain_set_vcpus(vireo_domain *dom, unsigned int nvcpus, unsigned int flags);
/* The vCPU count the flags ask for, or -1. */
int vireo_domain_get_vcpus_flags(vireo_domain *dom, unsigned int flags);
/* memory in KiB */
int vireo_domain_set_memory(vireo_domain *dom, unsigned long memory, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Statistics                                                          */
/* ------------------------------------------------------------------ */

/* libvirt's virTypedParameter */
enum {
    VIREO_TYPED_PARAM_INT = 1,
    VIREO_TYPED_PARAM_UINT = 2,
    VIREO_TYPED_PARAM_LLONG = 3,
    VIREO_TYPED_PARAM_ULLONG = 4,
    VIREO_TYPED_PARAM_DOUBLE = 5,
    VIREO_TYPED_PARAM_BOOLEAN = 6,
    VIREO_TYPED_PARAM_STRING = 7,
};
#define VIREO_TYPED_PARAM_FIELD_LENGTH 80
typedef struct vireo_typed_param {
    char field[VIREO_TYPED_PARAM_FIELD_LENGTH];  /* NUL terminated */
    int type;                                    /* VIREO_TYPED_PARAM_* */
    union {
        int i;
        unsigned int ui;
        long long l;
        unsigned long long ul;
        double d;
        char b;
        char *s;                                 /* owned by the array */
    } value;
} vireo_typed_param;
/* Free an array of typed parameters and the strings in it. */
void vireo_typed_params_free(vireo_typed_param *params, int nparams);

/* libvirt's virDomainMemoryStatTags */
enum {
    VIREO_DOMAIN_MEMORY_STAT_SWAP_IN = 0,
    VIREO_DOMAIN_MEMORY_STAT_SWAP_OUT = 1,
    VIREO_DOMAIN_MEMORY_STAT_MAJOR_FAULT = 2,
    VIREO_DOMAIN_MEMORY_STAT_MINOR_FAULT = 3,
    VIREO_DOMAIN_MEMORY_STAT_UNUSED = 4,
    VIREO_DOMAIN_MEMORY_STAT_AVAILABLE = 5,
    VIREO_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON = 6,
    VIREO_DOMAIN_MEMORY_STAT_RSS = 7,
    VIREO_DOMAIN_MEMORY_STAT_USABLE = 8,
    VIREO_DOMAIN_MEMORY_STAT_LAST_UPDATE = 9,
    VIREO_DOMAIN_MEMORY_STAT_DISK_CACHES = 10,
    VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC = 11,
    VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL = 12,
    VIREO_DOMAIN_MEMORY_STAT_NR = 13,
};
typedef struct vireo_domain_memory_stat {
    int tag;                    /* VIREO_DOMAIN_MEMORY_STAT_* */
    unsigned long long val;     /* KiB, or a count */
} vireo_domain_memory_stat;
/* Fill at most nr_stats; returns how many. */
int vireo_domain_memory_stats(vireo_domain *dom, vireo_domain_memory_stat *stats,
                              unsigned int nr_stats, unsigned int flags);

/* Block device statistics as libvirt names them (rd_operations,
 * rd_bytes, rd_total_times, wr_operations, wr_bytes, wr_total_times,
 * flush_operations, flush_total_times, errs).  disk is a target ("vda")
 * or a source path.  *params: a new array for vireo_typed_params_free. */
int vireo_domain_block_stats(vireo_domain *dom, const char *disk, vireo_typed_param **params,
                             int *nparams, unsigned int flags);

/* libvirt's virDomainInterfaceStatsStruct; -1 for a counter not kept. */
typedef struct vireo_interface_stats {
    long long rx_bytes, rx_packets, rx_errs, rx_drop;
    long long tx_bytes, tx_packets, tx_errs, tx_drop;
} vireo_interface_stats;
/* device: the interface's target dev, alias or MAC address. */
int vireo_domain_interface_stats(vireo_domain *dom, const char *device,
                                 vireo_interface_stats *stats);

/* virDomainStatsTypes */
enum {
    VIREO_DOMAIN_STATS_STATE = 1 << 0,
    VIREO_DOMAIN_STATS_CPU_TOTAL = 1 << 1,
    VIREO_DOMAIN_STATS_BALLOON = 1 << 2,
    VIREO_DOMAIN_STATS_VCPU = 1 << 3,
    VIREO_DOMAIN_STATS_INTERFACE = 1 << 4,
    VIREO_DOMAIN_STATS_BLOCK = 1 << 5,
    VIREO_DOMAIN_STATS_PERF = 1 << 6,
    VIREO_DOMAIN_STATS_IOTHREAD = 1 << 7,
    VIREO_DOMAIN_STATS_MEMORY = 1 << 8,
    VIREO_DOMAIN_STATS_DIRTYRATE = 1 << 9,
    VIREO_DOMAIN_STATS_VM = 1 << 10,
};
/* virConnectGetAllDomainStatsFlags: the VIREO_LIST_DOMAINS_* filter
 * bits 0..7 plus these. */
enum {
    VIREO_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT = 1 << 29,
    VIREO_CONNECT_GET_ALL_DOMAINS_STATS_BACKING = 1 << 30,
    VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS = 1u << 31,
};
/* One domain's statistics: libvirt's virDomainStatsRecord. */
typedef struct vireo_domain_stats_record {
    vireo_domain *dom;
    vireo_typed_param *params;
    int nparams;
} vireo_domain_stats_record;
/* Statistics of every domain (filtered by flags) in one call; stats 0
 * means every group the driver has.  *records: NULL-terminated, freed
 * with vireo_domain_stats_record_list_free().  Returns the count. */
int vireo_conn_get_all_domain_stats(vireo_conn *conn, unsigned int stats,
                                    vireo_domain_stats_record ***records, unsigned int flags);
/* The same for the domains of doms (NULL-terminated, one connection). */
int vireo_domain_list_get_stats(vireo_domain **doms, unsigned int stats,
                                vireo_domain_stats_record ***records, unsigned int flags);
void vireo_domain_stats_record_list_free(vireo_domain_stats_record **records);

/* Messages about the domain ("tainted: ...", "deprecated configuration:
 * ..."): *msgs gets a NULL-terminated array the caller frees (each
 * string and the array with free()).  Returns the count. */
enum { VIREO_DOMAIN_MESSAGE_DEPRECATION = 1 << 0, VIREO_DOMAIN_MESSAGE_TAINTING = 1 << 1 };
int vireo_domain_get_messages(vireo_domain *dom, char ***msgs, unsigned int flags);

/* Containers (libvirt's virDomainLxcOpenNamespace, issue 11): *fdlist
 * gets the descriptors of the running container's namespaces (user when
 * it has its own, then ipc, uts, net, pid, mnt), an array the caller
 * frees with free() after closing each.  Returns their count.  Only over
 * a unix socket to vireod, or in process; a read-write connection. */
int vireo_domain_lxc_open_namespace(vireo_domain *dom, int **fdlist, unsigned int flags);

/* ------------------------------------------------------------------ */
/* Streams and consoles                                                */
/* ------------------------------------------------------------------ */

typedef struct vireo_stream vireo_stream;
enum { VIREO_STREAM_NONBLOCK = 1 << 0 };
/* A stream not yet attached to anything; a call such as
 * vireo_domain_open_console() attaches it. */
vireo_stream *vireo_stream_new(vireo_conn *conn, unsigned int flags);
/* Send bytes: returns how many were taken (all of them unless
 * NONBLOCK), -1 on error. */
int vireo_stream_send(vireo_stream *st, const char *data, size_t nbytes);
/* Receive up to nbytes: blocks until some arrive (NONBLOCK: -2 when none
 * is ready).  0 at the end of the stream, -1 on error. */
int vireo_stream_recv(vireo_stream *st, char *data, size_t nbytes);
/* Like recv but waits at most timeout_ms (-1: no limit); -2 when the
 * time ran out. */
int vireo_stream_recv_timeout(vireo_stream *st, char *data, size_t nbytes, int timeout_ms);
/* End the stream normally (finish) or with an error (abort). */
int vireo_stream_finish(vireo_stream *st);
int vireo_stream_abort(vireo_stream *st);
int vireo_stream_free(vireo_stream *st);

/* Sparse streams (volume upload/download with *_SPARSE_STREAM): a hole
 * is a run of zeros sent as its length only (libvirt's STREAM_HOLE).
 * send_hole: the sender's hole of length bytes (flags: none yet).
 * recv_flags with VIREO_STREAM_RECV_STOP_AT_HOLE returns -3 when the next
 * thing in the stream is a hole instead of data; recv_hole then takes it
 * and gives its length.  Without the flag a hole reads as zeros. */
enum { VIREO_STREAM_RECV_STOP_AT_HOLE = 1 << 0 };
int vireo_stream_send_hole(vireo_stream *st, long long length, unsigned int flags);
int vireo_stream_recv_flags(vireo_stream *st, char *data, size_t nbytes, unsigned int flags);
int vireo_stream_recv_hole(vireo_stream *st, long long *length, unsigned int flags);

/* virDomainConsoleFlags */
enum { VIREO_DOMAIN_CONSOLE_FORCE = 1 << 0, VIREO_DOMAIN_CONSOLE_SAFE = 1 << 1 };
/* Attach st to the guest's console dev_name (NULL: the first serial or
 * console).  One stream at a time per console: FORCE takes it from the
 * current one, which ends with an error. */
int vireo_domain_open_console(vireo_domain *dom, const char *dev_name, vireo_stream *st,
                              unsigned int flags);

/* ------------------------------------------------------------------ */
/* Events                                                              */
/* ------------------------------------------------------------------ */

/* libvirt's virDomainEventID; LIFECYCLE, REBOOT and DEVICE_REMOVED are produced now. */
enum { VIREO_DOMAIN_EVENT_ID_LIFECYCLE = 0, VIREO_DOMAIN_EVENT_ID_REBOOT = 1,
       VIREO_DOMAIN_EVENT_ID_DEVICE_REMOVED = 15 };

/* libvirt's virDomainEventType and details */
enum {
    VIREO_DOMAIN_EVENT_DEFINED = 0,
    VIREO_DOMAIN_EVENT_UNDEFINED = 1,
    VIREO_DOMAIN_EVENT_STARTED = 2,
    VIREO_DOMAIN_EVENT_SUSPENDED = 3,
    VIREO_DOMAIN_EVENT_RESUMED = 4,
    VIREO_DOMAIN_EVENT_STOPPED = 5,
    VIREO_DOMAIN_EVENT_SHUTDOWN = 6,
    VIREO_DOMAIN_EVENT_PMSUSPENDED = 7,
    VIREO_DOMAIN_EVENT_CRASHED = 8,
};
enum { VIREO_DOMAIN_EVENT_DEFINED_ADDED = 0, VIREO_DOMAIN_EVENT_DEFINED_UPDATED = 1,
       VIREO_DOMAIN_EVENT_DEFINED_RENAMED = 2, VIREO_DOMAIN_EVENT_DEFINED_FROM_SNAPSHOT = 3 };
enum { VIREO_DOMAIN_EVENT_UNDEFINED_REMOVED = 0, VIREO_DOMAIN_EVENT_UNDEFINED_RENAMED = 1 };
enum { VIREO_DOMAIN_EVENT_STARTED_BOOTED = 0, VIREO_DOMAIN_EVENT_STARTED_MIGRATED = 1,
       VIREO_DOMAIN_EVENT_STARTED_RESTORED = 2, VIREO_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT = 3,
       VIREO_DOMAIN_EVENT_STARTED_WAKEUP = 4 };
enum { VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED = 0, VIREO_DOMAIN_EVENT_SUSPENDED_MIGRATED = 1,
       VIREO_DOMAIN_EVENT_SUSPENDED_IOERROR = 2, VIREO_DOMAIN_EVENT_SUSPENDED_WATCHDOG = 3,
       VIREO_DOMAIN_EVENT_SUSPENDED_RESTORED = 4, VIREO_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT = 5,
       VIREO_DOMAIN_EVENT_SUSPENDED_API_ERROR = 6 };
enum { VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED = 0, VIREO_DOMAIN_EVENT_RESUMED_MIGRATED = 1,
       VIREO_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT = 2 };
enum { VIREO_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0, VIREO_DOMAIN_EVENT_STOPPED_DESTROYED = 1,
       VIREO_DOMAIN_EVENT_STOPPED_CRASHED = 2, VIREO_DOMAIN_EVENT_STOPPED_MIGRATED = 3,
       VIREO_DOMAIN_EVENT_STOPPED_SAVED = 4, VIREO_DOMAIN_EVENT_STOPPED_FAILED = 5,
       VIREO_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT = 6 };
enum { VIREO_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0, VIREO_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
       VIREO_DOMAIN_EVENT_SHUTDOWN_HOST = 2 };
enum { VIREO_DOMAIN_EVENT_CRASHED_PANICKED = 0 };

/* Lifecycle callback: event is VIREO_DOMAIN_EVENT_*, detail the matching
 * *_DETAIL value.  dom is borrowed for the duration of the call. */
typedef void (*vireo_domain_event_lifecycle_cb)(vireo_conn *conn, vireo_domain *dom,
                                                int event, int detail, void *opaque);
/* Reboot callback (VIREO_DOMAIN_EVENT_ID_REBOOT). */
typedef void (*vireo_domain_event_generic_cb)(vireo_conn *conn, vireo_domain *dom, void *opaque);
/* Device removed callback (VIREO_DOMAIN_EVENT_ID_DEVICE_REMOVED): dev_alias
 * is the device's alias (virtio-disk1, net1), borrowed for the call. */
typedef void (*vireo_domain_event_device_removed_cb)(vireo_conn *conn, vireo_domain *dom,
                                                     const char *dev_alias, void *opaque);
typedef void (*vireo_free_cb)(void *opaque);

/* Register cb for event_id on dom (NULL: every domain of conn).  cb is
 * cast to the type event_id names.  Callbacks run later, never inside the
 * call that caused the event, from the GLib main context that was the
 * calling thread's default when registering (g_main_context_default()
 * when none): the caller must iterate that context, e.g. with
 * vireo_event_run_once().  Returns a callback id >= 0. */
int vireo_conn_domain_event_register_any(vireo_conn *conn, vireo_domain *dom, int event_id,
                                         void (*cb)(void), void *opaque, vireo_free_cb freecb);
int vireo_conn_domain_event_deregister_any(vireo_conn *conn, int callback_id);

/* Wait for and dispatch one batch of events on the default main context,
 * at most timeout_ms milliseconds (-1: no limit).  Returns 0. */
int vireo_event_run_once(int timeout_ms);

/* Storage pools, volumes and secrets */
#include "vireo/vireo-storage.h"
/* Networks, network filters, host interfaces */
#include "vireo/vireo-network.h"

#ifdef __cplusplus
}
#endif

#endif /* VIREO_VIREO_H */
