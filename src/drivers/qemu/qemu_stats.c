/*
 * qemu_stats.c: statistics of running domains.
 *
 * Reading calls: they never take a domain's job and never wait on
 * another domain's monitor.  What a domain's definition and state say is
 * copied under drv->lock (a qstats_dom); CPU, vCPU and RSS figures come
 * from /proc (qemu_stats_proc.c: QEMU names its vCPU threads "CPU N/TCG"
 * with debug-threads=on); only the balloon and the block counters need
 * QMP.  The bulk call asks every running domain's monitor at once, one
 * worker thread per domain, each within a short deadline: a QEMU that
 * does not answer (SIGSTOPped, wedged) costs the call that deadline once
 * and its record keeps every figure that needs no monitor.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/driver_common.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/mac.h"

#define QEMU_STATS_BULK_MS 1500     /* one domain's monitor budget in the bulk call */
#define QEMU_STATS_CALL_MS 5000     /* the single-domain calls */
#define QEMU_STATS_THREADS 16       /* monitors asked at once */
/* libvirt's VIR_TYPED_PARAM_STRING_OKAY: says nothing to us */
#define QEMU_TYPED_PARAM_STRING_OKAY (1u << 2)

#define QEMU_STATS_GROUPS                                                          \
    (VIREO_DOMAIN_STATS_STATE | VIREO_DOMAIN_STATS_CPU_TOTAL | VIREO_DOMAIN_STATS_BALLOON | \
     VIREO_DOMAIN_STATS_VCPU | VIREO_DOMAIN_STATS_INTERFACE | VIREO_DOMAIN_STATS_BLOCK)
#define QEMU_STATS_FILTERS 0xffu    /* VIREO_LIST_DOMAINS_ACTIVE .. OTHER */
#define QEMU_STATS_FLAGS                                                           \
    (QEMU_STATS_FILTERS | VIREO_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT |                \
     VIREO_CONNECT_GET_ALL_DOMAINS_STATS_BACKING |                                  \
     VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)

/* One disk as the statistics see it (copied from the definition). */
typedef struct qstats_disk {
    char *target;           /* "vda" */
    char *path;             /* source file or device, NULL when empty */
    char *alias;            /* the -device id: "virtio-disk0" */
    bool qcow2;
} qstats_disk;

/* One interface as the statistics see it. */
typedef struct qstats_net {
    char *type;             /* "user", "network", "bridge", ... */
    char *ifname;           /* host device (tap), NULL when none */
    char *alias;            /* the -device id: "net0" */
    unsigned char mac[6];
} qstats_net;

/* What one domain's statistics need, copied under drv->lock, and what its
 * monitor answered.  Owned by one call; its worker thread alone touches
 * it while the monitor is asked. */
typedef struct qstats_dom {
    dom_obj *dom;          /* a reference */
    vireo_domain *handle;   /* a new reference, handed to the record */
    char *name;
    int state, reason;
    bool active;
    bool balloon;           /* a memballoon device is there */
    pid_t pid;
    qmp *mon;               /* a reference (qstats_snapshot); NULL: do not ask */
    guint64 max_kib, cur_kib;
    unsigned int vcpu_max, vcpu_cur;
    GPtrArray *disks;       /* qstats_disk * */
    GPtrArray *nets;        /* qstats_net * */
    gint64 deadline;        /* monotonic us: the monitor's budget ends */
    bool hung;              /* a command failed or timed out: ask no more */
    json_t *balloon_info;   /* query-balloon (owned) or NULL */
    json_t *guest_stats;    /* qom-get guest-stats (owned) or NULL */
    json_t *blockstats;     /* query-blockstats (owned) or NULL */
    json_t *blockinfo;      /* query-block (owned) or NULL */
} qstats_dom;

static void qstats_dom_free(qstats_dom *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qstats_dom, qstats_dom_free)

/* ---- /proc: figures that need no monitor ---- */

/* utime and stime (ns) of a /proc stat file; false when unreadable. */
static bool qstats_proc_times(const char *path, guint64 *user, guint64 *sys)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) fields = NULL;
    const char *rest;
    long tick = sysconf(_SC_CLK_TCK);

    if (!g_file_get_contents(path, &text, NULL, NULL) || tick <= 0)
        return false;
    /* the command name may hold spaces: count fields after its ')' */
    if (!(rest = strrchr(text, ')')) || !rest[1])
        return false;
    fields = g_strsplit(rest + 2, " ", 16);
    if (g_strv_length(fields) < 14)
        return false;
    /* fields from state (3): utime is 14, stime 15 */
    *user = g_ascii_strtoull(fields[11], NULL, 10) * (1000000000ULL / (guint64)tick);
    *sys = g_ascii_strtoull(fields[12], NULL, 10) * (1000000000ULL / (guint64)tick);
    return true;
}

/* The vCPU threads of QEMU pid (named "CPU N/TCG" or "CPU N/KVM" with
 * debug-threads=on): tids[N] for N < max, 0 where none. */
static void qstats_proc_vcpus(pid_t pid, pid_t *tids, unsigned int max)
{
    g_autofree char *dir = g_strdup_printf("/proc/%d/task", (int)pid);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;

    while (d && (ent = g_dir_read_name(d))) {
        g_autofree char *path = g_strdup_printf("%s/%s/comm", dir, ent);
        g_autofree char *comm = NULL;
        unsigned int n;
        char kind[8];

        if (!g_file_get_contents(path, &comm, NULL, NULL) ||
            sscanf(comm, "CPU %u/%7s", &n, kind) != 2 || n >= max)
            continue;
        tids[n] = (pid_t)g_ascii_strtoll(ent, NULL, 10);
    }
}

/* VmRSS of pid in KiB, 0 when unknown. */
static guint64 qstats_proc_rss(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strstr(text, "\nVmRSS:")))
        return 0;
    return g_ascii_strtoull(p + strlen("\nVmRSS:"), NULL, 10);
}

static int qstats_proc_net(const qstats_net *n, vireo_interface_stats *st)
{
    return domain_net_host_stats(VIREO_FROM_QEMU, n->ifname, st);
}

/* Size figures of a disk's source that need no monitor (libvirt's
 * fallback): allocation (blocks on disk), capacity (a qcow2's virtual
 * size, else the size), physical (the size).  false when unreadable. */
static bool qstats_file_sizes(const qstats_disk *d, guint64 *alloc, guint64 *cap, guint64 *phys)
{
    struct stat st;

    if (!d->path || stat(d->path, &st) < 0 || !S_ISREG(st.st_mode))
        return false;
    *alloc = (guint64)st.st_blocks * 512;
    *phys = (guint64)st.st_size;
    *cap = *phys;
    if (d->qcow2) {
        FILE *f = fopen(d->path, "rb");
        unsigned char hdr[32];

        /* the virtual size is the big-endian 64-bit word at offset 24 */
        if (f && fread(hdr, 1, sizeof(hdr), f) == sizeof(hdr) && memcmp(hdr, "QFI\xfb", 4) == 0) {
            *cap = 0;
            for (int i = 24; i < 32; i++)
                *cap = (*cap << 8) | hdr[i];
        }
        if (f)
            fclose(f);
    }
    return true;
}

/* ---- snapshots ---- */

static void qstats_disk_free(gpointer p)
{
    qstats_disk *d = p;

    g_free(d->target);
    g_free(d->path);
    g_free(d->alias);
    g_free(d);
}

static void qstats_net_free(gpointer p)
{
    qstats_net *n = p;

    g_free(n->type);
    g_free(n->ifname);
    g_free(n->alias);
    g_free(n);
}

/* Copy what the statistics need from dom (drv->lock held). */
static void qstats_copy_def(qstats_dom *s, const dom_obj *dom)
{
    const domain_def *def = dom_obj_current(dom);
    GPtrArray *disks = def->devices.disks, *nets = def->devices.interfaces;

    s->max_kib = def->memory_kib;
    s->cur_kib = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    s->vcpu_max = def->vcpu.max;
    s->vcpu_cur = def->vcpu.current ? def->vcpu.current : def->vcpu.max;
    s->balloon = def->devices.memballoon &&
                 g_strcmp0(def->devices.memballoon->model, "none") != 0;
    s->disks = g_ptr_array_new_with_free_func(qstats_disk_free);
    for (guint i = 0; disks && i < disks->len; i++) {
        const device_disk *d = g_ptr_array_index(disks, i);
        qstats_disk *c = g_new0(qstats_disk, 1);

        c->target = g_strdup(d->target_dev);
        c->path = g_strdup(d->source_file ? d->source_file : d->source_dev);
        c->alias = qemu_command_disk_alias(d);
        c->qcow2 = g_strcmp0(d->driver_type, "qcow2") == 0;
        g_ptr_array_add(s->disks, c);
    }
    s->nets = g_ptr_array_new_with_free_func(qstats_net_free);
    for (guint i = 0; nets && i < nets->len; i++) {
        const device_interface *n = g_ptr_array_index(nets, i);
        qstats_net *c = g_new0(qstats_net, 1);

        c->type = g_strdup(n->type);
        /* a user interface has no host device, whatever the XML says */
        c->ifname = g_strcmp0(n->type, "user") == 0 ? NULL : g_strdup(n->target_dev);
        c->alias = g_strdup_printf("net%u", i);
        memcpy(c->mac, n->mac, sizeof(c->mac));
        g_ptr_array_add(s->nets, c);
    }
}

/* A snapshot of dom for conn (drv->lock held).  It holds a reference on
 * the monitor: the process may close and free its own meanwhile, and a
 * closed monitor fails our calls. */
static qstats_dom *qstats_snapshot(vireo_conn *conn, dom_obj *dom, bool nowait)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qstats_dom *s = g_new0(qstats_dom, 1);

    s->dom = dom_obj_ref(dom);
    s->handle = dom_obj_handle(conn, dom);
    s->state = dom->state;
    s->reason = dom->reason;
    s->active = dom_obj_active(dom);
    s->pid = priv->pid;
    s->name = g_strdup(dom_obj_current(dom)->name);
    if (s->active && priv->proc && !priv->exited && !(nowait && dom->job))
        s->mon = qmp_ref(priv->proc->mon);
    qstats_copy_def(s, dom);
    return s;
}

static void qstats_dom_free(qstats_dom *s)
{
    if (!s)
        return;
    dom_obj_unref(s->dom);
    if (s->mon)
        qmp_unref(s->mon);
    if (s->handle)
        domain_handle_unref(s->handle);
    g_free(s->name);
    g_clear_pointer(&s->disks, g_ptr_array_unref);
    g_clear_pointer(&s->nets, g_ptr_array_unref);
    json_decref(s->balloon_info);
    json_decref(s->guest_stats);
    json_decref(s->blockstats);
    json_decref(s->blockinfo);
    g_free(s);
}

/* The snapshot of the domain a handle names, or NULL with NO_DOMAIN. */
static qstats_dom *qstats_get(vireo_domain *handle)
{
    g_autoptr(dom_obj) dom = qemu_dom_from_handle(handle);
    qstats_dom *s;

    if (!dom)
        return NULL;
    g_mutex_lock(&dom->table->lock);
    s = qstats_snapshot(handle->conn, dom, false);
    g_mutex_unlock(&dom->table->lock);
    return s;
}

static gint qstats_cmp_name(gconstpointer a, gconstpointer b)
{
    const dom_obj *da = *(dom_obj *const *)a;
    const dom_obj *db = *(dom_obj *const *)b;

    return strcmp(dom_obj_current(da)->name, dom_obj_current(db)->name);
}


/* The snapshots of the domains asked for (doms, or every domain that
 * passes the filters), sorted by name (drv->lock held).  Domains gone
 * meanwhile are skipped, as libvirt does. */
static void qstats_select(vireo_conn *conn, qemu_drv *drv, vireo_domain **doms, unsigned int ndoms,
                   unsigned int filters, bool nowait, GPtrArray *snaps)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new();

    if (doms) {
        for (unsigned int i = 0; i < ndoms; i++) {
            dom_obj *d = dom_table_find_uuid(&drv->doms, doms[i]->uuid);

            if (d && !g_ptr_array_find(found, d, NULL))
                g_ptr_array_add(found, d);
        }
    } else {
        GHashTableIter it;
        gpointer value;

        g_hash_table_iter_init(&it, drv->doms.by_name);
        while (g_hash_table_iter_next(&it, NULL, &value))
            g_ptr_array_add(found, value);
        g_ptr_array_sort(found, qstats_cmp_name);
    }
    for (guint i = 0; i < found->len; i++) {
        dom_obj *d = g_ptr_array_index(found, i);
        domain_list_facts f = {
            .state = d->state, .active = dom_obj_active(d), .persistent = d->def != NULL,
            .autostart = d->autostart,
        };

        if (domain_list_match(&f, filters))
            g_ptr_array_add(snaps, qstats_snapshot(conn, d, nowait));
    }
}

/* ---- the monitor ---- */

/* One QMP command within s's deadline.  NULL with the thread's error when
 * it failed or the time is up (then the monitor is left alone). */
static json_t *qstats_qmp(qstats_dom *s, const char *cmd, json_t *args)
{
    gint64 left = (s->deadline - g_get_monotonic_time()) / 1000;

    if (!s->mon || s->hung || left <= 0) {
        json_decref(args);
        if (!s->hung && s->mon)
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_TIMEOUT,
                         "domain '%s': no time left for QEMU command '%s'", s->name, cmd);
        s->hung = true;
        return NULL;
    }
    json_t *ret = qmp_call(s->mon, cmd, args, (int)left);
    const vireo_error *err;

    /* QEMU refusing one command is no reason to stop asking; silence is */
    if (!ret && (err = error_last()) && err->code != VIREO_ERR_INTERNAL_ERROR)
        s->hung = true;
    return ret;
}

/* Ask s's monitor what groups need, within budget_ms.  0, or -1 with the
 * error of the first command that failed. */
static int qstats_query(qstats_dom *s, unsigned int groups, int budget_ms)
{
    s->deadline = g_get_monotonic_time() + (gint64)budget_ms * 1000;
    if (!s->active || !s->mon)
        return 0;
    if ((groups & VIREO_DOMAIN_STATS_BALLOON) && s->balloon) {
        if (!(s->balloon_info = qstats_qmp(s, "query-balloon", NULL)))
            return -1;
        s->guest_stats = qstats_qmp(s, "qom-get",
                                    json_pack("{s:s,s:s}", "path", "/machine/peripheral/balloon0",
                                              "property", "guest-stats"));
        if (!s->guest_stats && s->hung)
            return -1;
        if (!s->guest_stats)
            error_reset(); /* a balloon without guest stats is no failure */
    }
    if (groups & VIREO_DOMAIN_STATS_BLOCK) {
        if (!(s->blockstats = qstats_qmp(s, "query-blockstats", NULL)) ||
            !(s->blockinfo = qstats_qmp(s, "query-block", NULL)))
            return -1;
    }
    return 0;
}

static void qstats_query_thread(gpointer data, gpointer user_data)
{
    qstats_dom *s = data;

    qstats_query(s, GPOINTER_TO_UINT(user_data), QEMU_STATS_BULK_MS);
    error_reset(); /* a monitor that failed only loses its own figures */
}

/* Ask every monitor at once; returns when each answered or ran out of time. */
static void qstats_query_all(GPtrArray *snaps, unsigned int groups)
{
    GThreadPool *pool;

    if (!(groups & (VIREO_DOMAIN_STATS_BALLOON | VIREO_DOMAIN_STATS_BLOCK)))
        return;
    pool = g_thread_pool_new(qstats_query_thread, GUINT_TO_POINTER(groups),
                             MIN(QEMU_STATS_THREADS, (gint)snaps->len + 1), FALSE, NULL);
    for (guint i = 0; i < snaps->len; i++) {
        qstats_dom *s = g_ptr_array_index(snaps, i);

        if (s->active && s->mon)
            g_thread_pool_push(pool, s, NULL);
    }
    g_thread_pool_free(pool, FALSE, TRUE);
}

/* ---- finding devices ---- */

static qstats_disk *qstats_find_disk(qstats_dom *s, const char *path)
{
    for (guint i = 0; i < s->disks->len; i++) {
        qstats_disk *d = g_ptr_array_index(s->disks, i);

        if (g_strcmp0(d->target, path) == 0 || g_strcmp0(d->path, path) == 0)
            return d;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG, "invalid path: %s", path);
    return NULL;
}

/* Whether a QOM path ("/machine/peripheral/virtio-disk0/virtio-backend")
 * or a plain id names the device alias. */
static bool qstats_qdev_is(const char *qdev, const char *alias)
{
    g_autofree char *inner = g_strdup_printf("/machine/peripheral/%s/", alias);
    g_autofree char *whole = g_strdup_printf("/machine/peripheral/%s", alias);

    return qdev && (strcmp(qdev, alias) == 0 || strcmp(qdev, whole) == 0 ||
                    g_str_has_prefix(qdev, inner));
}

/* The entry of a query-blockstats or query-block answer for disk d. */
static json_t *qstats_disk_entry(json_t *list, const qstats_disk *d)
{
    size_t i;
    json_t *e;

    json_array_foreach(list, i, e) {
        if (qstats_qdev_is(json_string_value(json_object_get(e, "qdev")), d->alias))
            return e;
    }
    return NULL;
}

static qstats_net *qstats_find_net(qstats_dom *s, const char *device)
{
    unsigned char mac[MAC_BUFLEN];
    bool is_mac = mac_parse(device, mac) == 0;

    for (guint i = 0; i < s->nets->len; i++) {
        qstats_net *n = g_ptr_array_index(s->nets, i);

        if (is_mac ? memcmp(mac, n->mac, 6) == 0
                   : g_strcmp0(device, n->ifname) == 0 || g_strcmp0(device, n->alias) == 0)
            return n;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG, "'%s' is not a known interface",
                 device);
    return NULL;
}

/* ---- building the answers ---- */

static guint64 qstats_json_u64(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return json_is_integer(v) && json_integer_value(v) > 0 ? (guint64)json_integer_value(v) : 0;
}

/* The memory figures libvirt's virDomainMemoryStats gives, in its order:
 * the balloon's actual size and the guest's own figures (when the
 * balloon answered), then QEMU's RSS.  Returns how many (at most max). */
static int qstats_memory(const qstats_dom *s, vireo_domain_memory_stat *stats, unsigned int max)
{
    /* QEMU's guest-stats names, their tag and their unit (1024: bytes) */
    static const struct { const char *name; int tag; guint64 div; } guest[] = {
        { "stat-swap-in", VIREO_DOMAIN_MEMORY_STAT_SWAP_IN, 1024 },
        { "stat-swap-out", VIREO_DOMAIN_MEMORY_STAT_SWAP_OUT, 1024 },
        { "stat-major-faults", VIREO_DOMAIN_MEMORY_STAT_MAJOR_FAULT, 1 },
        { "stat-minor-faults", VIREO_DOMAIN_MEMORY_STAT_MINOR_FAULT, 1 },
        { "stat-free-memory", VIREO_DOMAIN_MEMORY_STAT_UNUSED, 1024 },
        { "stat-total-memory", VIREO_DOMAIN_MEMORY_STAT_AVAILABLE, 1024 },
        { "stat-available-memory", VIREO_DOMAIN_MEMORY_STAT_USABLE, 1024 },
        { "last-update", VIREO_DOMAIN_MEMORY_STAT_LAST_UPDATE, 1 },
        { "stat-disk-caches", VIREO_DOMAIN_MEMORY_STAT_DISK_CACHES, 1024 },
        { "stat-htlb-pgalloc", VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, 1 },
        { "stat-htlb-pgfail", VIREO_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, 1 },
    };
    json_t *gstats = json_object_get(s->guest_stats, "stats");
    unsigned int n = 0;

#define QSTATS_PUT(t, v) \
    do { if (n < max) { stats[n].tag = (t); stats[n].val = (v); n++; } } while (0)
    if (s->balloon_info)
        QSTATS_PUT(VIREO_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON,
                   qstats_json_u64(s->balloon_info, "actual") / 1024);
    for (size_t i = 0; s->guest_stats && i < G_N_ELEMENTS(guest); i++) {
        json_t *from = g_str_has_prefix(guest[i].name, "stat-") ? gstats : s->guest_stats;
        json_t *v = json_object_get(from, guest[i].name);

        /* QEMU says -1 for a figure the guest has not given */
        if (json_is_integer(v) && json_integer_value(v) >= 0)
            QSTATS_PUT(guest[i].tag, (guint64)json_integer_value(v) / guest[i].div);
    }
    if (s->pid > 0)
        QSTATS_PUT(VIREO_DOMAIN_MEMORY_STAT_RSS, qstats_proc_rss(s->pid));
#undef QSTATS_PUT
    return (int)n;
}

static void qstats_fill_balloon(const qstats_dom *s, GArray *a)
{
    static const char *const names[VIREO_DOMAIN_MEMORY_STAT_NR] = {
        "swap_in", "swap_out", "major_fault", "minor_fault", "unused", "available",
        NULL /* actual: balloon.current */, "rss", "usable", "last-update", "disk_caches",
        "hugetlb_pgalloc", "hugetlb_pgfail",
    };
    vireo_domain_memory_stat mem[VIREO_DOMAIN_MEMORY_STAT_NR];
    guint64 cur = s->cur_kib;
    int n;

    if (s->balloon_info)
        cur = qstats_json_u64(s->balloon_info, "actual") / 1024;
    stats_add_balloon(a, cur, s->max_kib);
    if (!s->active)
        return;
    n = qstats_memory(s, mem, G_N_ELEMENTS(mem));
    for (int i = 0; i < n; i++) {
        if (mem[i].tag >= 0 && mem[i].tag < VIREO_DOMAIN_MEMORY_STAT_NR && names[mem[i].tag])
            typed_params_add_ullong(a, mem[i].val, "balloon.%s", names[mem[i].tag]);
    }
}

static void qstats_fill_cpu(const qstats_dom *s, GArray *a)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)s->pid);
    guint64 user, sys;

    if (!s->active || s->pid <= 0 || !qstats_proc_times(path, &user, &sys))
        return;
    typed_params_add_ullong(a, user + sys, "cpu.time");
    typed_params_add_ullong(a, user, "cpu.user");
    typed_params_add_ullong(a, sys, "cpu.system");
}

static void qstats_fill_vcpu(const qstats_dom *s, GArray *a)
{
    g_autofree pid_t *tids = NULL;

    typed_params_add_uint(a, s->vcpu_cur, "vcpu.current");
    typed_params_add_uint(a, s->vcpu_max, "vcpu.maximum");
    if (!s->active || s->pid <= 0)
        return;
    tids = g_new0(pid_t, s->vcpu_max + 1);
    qstats_proc_vcpus(s->pid, tids, s->vcpu_max);
    for (unsigned int i = 0; i < s->vcpu_cur; i++) {
        g_autofree char *stat = g_strdup_printf("/proc/%d/task/%d/stat", (int)s->pid, (int)tids[i]);
        g_autofree char *sched = g_strdup_printf("/proc/%d/task/%d/schedstat", (int)s->pid,
                                                 (int)tids[i]);
        g_autofree char *text = NULL;
        guint64 user, sys;

        typed_params_add_int(a, 1 /* VIR_VCPU_RUNNING */, "vcpu.%u.state", i);
        if (tids[i] <= 0 || !qstats_proc_times(stat, &user, &sys))
            continue;
        typed_params_add_ullong(a, user + sys, "vcpu.%u.time", i);
        /* schedstat: run time, time waiting to run (steal), slices */
        if (g_file_get_contents(sched, &text, NULL, NULL)) {
            char *p = text;

            g_ascii_strtoull(p, &p, 10);
            typed_params_add_ullong(a, g_ascii_strtoull(p, NULL, 10), "vcpu.%u.delay", i);
        }
    }
}

static void qstats_fill_net(const qstats_dom *s, GArray *a)
{
    if (!s->active)
        return;
    typed_params_add_uint(a, s->nets->len, "net.count");
    for (guint i = 0; i < s->nets->len; i++) {
        const qstats_net *n = g_ptr_array_index(s->nets, i);
        vireo_interface_stats st;

        /* an interface without a host device (user) has nothing to count */
        if (!n->ifname)
            continue;
        if (qstats_proc_net(n, &st) < 0) {
            error_reset();
            continue;
        }
        typed_params_add_string(a, n->ifname, "net.%u.name", i);
        stats_add_net_counters(a, i, &st);
    }
}

static void qstats_fill_disk(const qstats_dom *s, guint i, const qstats_disk *d, GArray *a)
{
    json_t *entry = qstats_disk_entry(s->blockstats, d);
    json_t *info = qstats_disk_entry(s->blockinfo, d);
    json_t *st = json_object_get(entry, "stats");
    json_t *image = json_object_get(json_object_get(info, "inserted"), "image");
    guint64 alloc = 0, cap = 0, phys = 0;
    bool sized;

    typed_params_add_string(a, d->target, "block.%u.name", i);
    if (d->path)
        typed_params_add_string(a, d->path, "block.%u.path", i);
    if (st) {
        typed_params_add_ullong(a, qstats_json_u64(st, "rd_operations"), "block.%u.rd.reqs", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "rd_bytes"), "block.%u.rd.bytes", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "rd_total_time_ns"), "block.%u.rd.times", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "wr_operations"), "block.%u.wr.reqs", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "wr_bytes"), "block.%u.wr.bytes", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "wr_total_time_ns"), "block.%u.wr.times", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "flush_operations"), "block.%u.fl.reqs", i);
        typed_params_add_ullong(a, qstats_json_u64(st, "flush_total_time_ns"), "block.%u.fl.times",
                                i);
    }
    sized = qstats_file_sizes(d, &alloc, &cap, &phys);
    if (st && json_object_get(st, "wr_highest_offset"))
        alloc = qstats_json_u64(st, "wr_highest_offset");
    if (image && json_object_get(image, "virtual-size"))
        cap = qstats_json_u64(image, "virtual-size");
    if (sized || st)
        typed_params_add_ullong(a, alloc, "block.%u.allocation", i);
    if (sized || image)
        typed_params_add_ullong(a, cap, "block.%u.capacity", i);
    if (sized)
        typed_params_add_ullong(a, phys, "block.%u.physical", i);
}

static void qstats_fill_block(const qstats_dom *s, GArray *a)
{
    typed_params_add_uint(a, s->disks->len, "block.count");
    for (guint i = 0; i < s->disks->len; i++)
        qstats_fill_disk(s, i, g_ptr_array_index(s->disks, i), a);
}

/* One domain's record, in libvirt's group order. */
static void qstats_record_fill(const qstats_dom *s, unsigned int groups, GArray *a)
{
    if (groups & VIREO_DOMAIN_STATS_STATE)
        stats_add_state(a, s->state, s->reason);
    if (groups & VIREO_DOMAIN_STATS_CPU_TOTAL)
        qstats_fill_cpu(s, a);
    if (groups & VIREO_DOMAIN_STATS_BALLOON)
        qstats_fill_balloon(s, a);
    if (groups & VIREO_DOMAIN_STATS_VCPU)
        qstats_fill_vcpu(s, a);
    if (groups & VIREO_DOMAIN_STATS_INTERFACE)
        qstats_fill_net(s, a);
    if (groups & VIREO_DOMAIN_STATS_BLOCK)
        qstats_fill_block(s, a);
}

/* virDomainBlockStatsFlags' figures for disk (NULL: every disk summed),
 * in libvirt's order.  0, or -1 when QEMU has none for that disk. */
static int qstats_block_params(const qstats_dom *s, const char *disk, GArray *a)
{
    static const struct { const char *qemu, *field; } keys[] = {
        { "wr_bytes", "wr_bytes" }, { "wr_operations", "wr_operations" },
        { "rd_bytes", "rd_bytes" }, { "rd_operations", "rd_operations" },
        { "flush_operations", "flush_operations" }, { "wr_total_time_ns", "wr_total_times" },
        { "rd_total_time_ns", "rd_total_times" }, { "flush_total_time_ns", "flush_total_times" },
    };
    guint64 sum[G_N_ELEMENTS(keys)] = { 0 };

    for (guint i = 0; i < s->disks->len; i++) {
        const qstats_disk *d = g_ptr_array_index(s->disks, i);
        json_t *st;

        if (disk && g_strcmp0(d->target, disk) != 0 && g_strcmp0(d->path, disk) != 0)
            continue;
        st = json_object_get(qstats_disk_entry(s->blockstats, d), "stats");
        if (!st && disk) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                         "cannot find statistics for device '%s'", disk);
            return -1;
        }
        for (size_t k = 0; st && k < G_N_ELEMENTS(keys); k++)
            sum[k] += qstats_json_u64(st, keys[k].qemu);
        if (disk)
            break;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(keys); k++)
        typed_params_add_llong(a, (long long)sum[k], "%s", keys[k].field);
    return 0;
}

/* ---- the entries ---- */

int qemu_domain_get_all_stats(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                              unsigned int stats, vireo_domain_stats_record ***records,
                              unsigned int flags)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    g_autoptr(GPtrArray) snaps = g_ptr_array_new_with_free_func((GDestroyNotify)qstats_dom_free);
    bool nowait = flags & VIREO_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT;
    vireo_domain_stats_record **out;

    if (!qemu_flags_ok(flags, QEMU_STATS_FLAGS, __func__) ||
        !stats_groups_pick(VIREO_FROM_QEMU, flags, QEMU_STATS_GROUPS, &stats))
        return -1;
    g_mutex_lock(&drv->doms.lock);
    qstats_select(conn, drv, doms, ndoms, flags & QEMU_STATS_FILTERS, nowait, snaps);
    g_mutex_unlock(&drv->doms.lock);
    qstats_query_all(snaps, stats);
    out = g_new0(vireo_domain_stats_record *, snaps->len + 1);
    for (guint i = 0; i < snaps->len; i++) {
        qstats_dom *s = g_ptr_array_index(snaps, i);
        GArray *a = typed_params_new();

        qstats_record_fill(s, stats, a);
        out[i] = stats_record_new(g_steal_pointer(&s->handle), a);
    }
    *records = out;
    return (int)snaps->len;
}

/* The single-domain calls need a running domain. */
static qstats_dom *qstats_get_active(vireo_domain *handle)
{
    qstats_dom *s = qstats_get(handle);

    if (s && !s->active) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     s->name);
        g_clear_pointer(&s, qstats_dom_free);
    }
    return s;
}

int qemu_domain_memory_stats(vireo_domain *handle, vireo_domain_memory_stat *stats,
                             unsigned int nr_stats, unsigned int flags)
{
    g_autoptr(qstats_dom) s = NULL;

    if (!qemu_flags_ok(flags, 0, __func__) || !(s = qstats_get_active(handle)))
        return -1;
    if (qstats_query(s, VIREO_DOMAIN_STATS_BALLOON, QEMU_STATS_CALL_MS) < 0)
        return -1;
    return qstats_memory(s, stats, nr_stats);
}

int qemu_domain_block_stats(vireo_domain *handle, const char *disk, vireo_typed_param **params,
                            int *nparams, unsigned int flags)
{
    g_autoptr(qstats_dom) s = NULL;
    GArray *a;

    if (!qemu_flags_ok(flags, QEMU_TYPED_PARAM_STRING_OKAY, __func__) ||
        !(s = qstats_get_active(handle)))
        return -1;
    /* "" sums every disk, as libvirt does */
    if (*disk && !qstats_find_disk(s, disk))
        return -1;
    s->deadline = g_get_monotonic_time() + (gint64)QEMU_STATS_CALL_MS * 1000;
    if (!(s->blockstats = qstats_qmp(s, "query-blockstats", NULL)))
        return -1;
    a = typed_params_new();
    if (qstats_block_params(s, *disk ? disk : NULL, a) < 0) {
        g_array_unref(a);
        return -1;
    }
    *params = typed_params_steal(a, nparams);
    return 0;
}

int qemu_domain_interface_stats(vireo_domain *handle, const char *device,
                                vireo_interface_stats *stats)
{
    g_autoptr(qstats_dom) s = NULL;
    qstats_net *n;

    if (!(s = qstats_get_active(handle)) || !(n = qstats_find_net(s, device)))
        return -1;
    if (!n->ifname) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "interface '%s' of domain '%s' (type '%s') has no host device to count",
                     device, s->name, n->type ? n->type : "");
        return -1;
    }
    return qstats_proc_net(n, stats);
}
