/*
 * qemu_hotplug.c: changing devices of a domain, live (QMP) and in its
 * persistent definition: attach, detach, update (change media); the
 * skeleton every change shares; device removal and its DEVICE_DELETED.
 *
 * Skeleton (hp_begin .. hp_end): check flags, find the domain, begin its
 * job, resolve AFFECT_CURRENT (live when running, else config), act on
 * QEMU without drv->lock, then record: the live definition swapped under
 * drv->lock and the status file saved; the persistent one written to its
 * config file and swapped.  A failed live step undoes what it added in
 * QEMU and changes no definition.
 *
 * Removal: device_del is only a request; QEMU says DEVICE_DELETED when
 * the guest let go.  Each pending removal is an hp_pending in one list
 * (hp_lock; taken inside drv->lock by the event, never the other way).
 * The detaching job waits QEMU_UNPLUG_WAIT_MS for it and finishes the
 * removal itself; after that the event finishes it on a thread of its
 * own that takes the job, as libvirt's "removal in progress".
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_hotplug.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.hotplug"

#define HP_AFFECT (VIREO_DOMAIN_AFFECT_LIVE | VIREO_DOMAIN_AFFECT_CONFIG)
#define HP_MODIFY_FORCE (1u << 2)   /* VIR_DOMAIN_DEVICE_MODIFY_FORCE */

/* ---- the skeleton ---- */

int hp_begin(vireo_domain *handle, const char *job, unsigned int flags, unsigned int extra,
             hp_op *op)
{
    g_autoptr(dom_obj) dom = NULL;
    g_autofree char *emulator = NULL;
    bool active, persistent;

    memset(op, 0, sizeof(*op));
    if (!qemu_flags_ok(flags, HP_AFFECT | extra, job) || !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (dom_job_begin(dom, job, qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    active = qemu_dom_of(dom)->proc && dom_obj_active(dom);
    persistent = dom->def != NULL;
    op->live = (flags & VIREO_DOMAIN_AFFECT_LIVE) || (!(flags & HP_AFFECT) && active);
    op->config = (flags & VIREO_DOMAIN_AFFECT_CONFIG) || (!(flags & HP_AFFECT) && !active);
    if (op->live && !active)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     handle->name);
    else if (op->config && !persistent)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "transient domains do not have any persistent config");
    else if (op->config && !(op->conf = domain_def_copy(dom->def)))
        persistent = false;
    if (active)
        emulator = g_strdup(dom->live->devices.emulator);
    g_mutex_unlock(&dom->table->lock);
    op->dom = g_steal_pointer(&dom);
    if ((op->live && !active) || (op->config && !op->conf)) {
        hp_end(op);
        return -1;
    }
    if (op->live &&
        !(op->caps = qemu_caps_get(emulator ? emulator : QEMU_EMULATOR_DEFAULT,
                                   qemu_dom_drv(op->dom)->cache_dir))) {
        hp_end(op);
        return -1;
    }
    return 0;
}

int hp_commit_config(hp_op *op)
{
    qemu_drv *drv = qemu_dom_drv(op->dom);

    if (domain_def_assign_addresses(op->conf) < 0)
        return -1;
    g_mutex_lock(&drv->doms.files_lock);
    if (dom_config_save(&drv->doms, op->conf) < 0) {
        g_mutex_unlock(&drv->doms.files_lock);
        return -1;
    }
    g_mutex_lock(&drv->doms.lock);
    domain_def_free(op->dom->def);
    op->dom->def = g_steal_pointer(&op->conf);
    g_mutex_unlock(&drv->doms.lock);
    g_mutex_unlock(&drv->doms.files_lock);
    return 0;
}

void hp_commit_live(hp_op *op, domain_def *live)
{
    qemu_drv *drv = qemu_dom_drv(op->dom);

    g_mutex_lock(&drv->doms.lock);
    domain_def_free(op->dom->live);
    op->dom->live = live;
    g_mutex_unlock(&drv->doms.lock);
    if (qemu_status_save(op->dom) < 0)
        log_warn("%s: status file not updated after a live change", live->name);
}

void hp_end(hp_op *op)
{
    if (op->dom) {
        dom_job_end(op->dom);
        g_clear_pointer(&op->dom, dom_obj_unref);
    }
    g_clear_pointer(&op->conf, domain_def_free);
    g_clear_pointer(&op->caps, qemu_caps_unref);
}

domain_def *hp_live_copy(hp_op *op)
{
    domain_def *copy;

    g_mutex_lock(&op->dom->table->lock);
    copy = domain_def_copy(op->dom->live);
    g_mutex_unlock(&op->dom->table->lock);
    if (!copy)
        return NULL;
    for (guint i = 0; i < copy->devices.disks->len; i++) {
        device_disk *d = copy->devices.disks->pdata[i];

        if (!d->info.alias)
            d->info.alias = qemu_command_disk_alias(d);
    }
    for (guint i = 0; i < copy->devices.interfaces->len; i++) {
        device_interface *n = copy->devices.interfaces->pdata[i];

        if (!n->info.alias)
            n->info.alias = g_strdup_printf("net%u", i);
    }
    return copy;
}

json_t *hp_qmp(hp_op *op, const char *cmd, json_t *args)
{
    /* the job holder owns proc: it cannot go while the job is held */
    return qmp_call(qemu_dom_of(op->dom)->proc->mon, cmd, args, QEMU_MONITOR_TIMEOUT_MS);
}

void hp_qmp_undo(hp_op *op, const char *cmd, json_t *args)
{
    g_autoptr(vireo_error) saved = error_save();
    json_t *r = hp_qmp(op, cmd, args);

    json_decref(r);
    error_restore(g_steal_pointer(&saved));
}

unsigned int hp_next_node_number(hp_op *op)
{
    json_t *nodes = hp_qmp(op, "query-named-block-nodes", json_pack("{s:b}", "flat", 1));
    unsigned int next = 1;
    size_t i;
    json_t *n;

    if (!nodes) {
        error_reset();
        return 1000;    /* past anything a command line names */
    }
    json_array_foreach(nodes, i, n) {
        const char *name = json_string_value(json_object_get(n, "node-name"));
        unsigned int num;

        if (name && sscanf(name, "libvirt-%u-", &num) == 1 && num >= next)
            next = num + 1;
    }
    json_decref(nodes);
    return next;
}

char *hp_format_node(hp_op *op, const char *alias)
{
    json_t *list = hp_qmp(op, "query-block", NULL);
    g_autofree char *suffix = g_strdup_printf("/%s/virtio-backend", alias);
    char *node = NULL;
    size_t i;
    json_t *b;

    if (!list) {
        error_reset();
        return NULL;
    }
    json_array_foreach(list, i, b) {
        const char *qdev = json_string_value(json_object_get(b, "qdev"));
        json_t *ins = json_object_get(b, "inserted");

        if (!qdev || !ins || (strcmp(qdev, alias) != 0 && !g_str_has_suffix(qdev, suffix)))
            continue;
        node = g_strdup(json_string_value(json_object_get(ins, "node-name")));
        break;
    }
    json_decref(list);
    return node;
}

/* ---- removal ---- */

typedef struct hp_pending {
    dom_obj *dom;          /* a reference */
    char *alias;
    bool net;               /* backend[0] is a netdev; else blockdev nodes (may be NULL) */
    char *backend[2];
    bool deleted;           /* DEVICE_DELETED seen */
    bool waiting;           /* a detach job waits for it */
} hp_pending;

static GMutex hp_lock;
static GCond hp_cond;
static GPtrArray *hp_pendings;  /* hp_lock: hp_pending * */

static void hp_pending_free(hp_pending *p)
{
    dom_obj_unref(p->dom);
    g_free(p->alias);
    g_free(p->backend[0]);
    g_free(p->backend[1]);
    g_free(p);
}

/* The interface of live with alias, or NULL. */
static const device_interface *hp_live_interface(const domain_def *live, const char *alias)
{
    for (guint i = 0; live && i < live->devices.interfaces->len; i++) {
        const device_interface *n = live->devices.interfaces->pdata[i];

        if (g_strcmp0(n->info.alias, alias) == 0)
            return n;
    }
    return NULL;
}

/* Drop the device with alias from live (a disk or an interface). */
static bool hp_live_remove(domain_def *live, const char *alias)
{
    GPtrArray *arrays[] = { live->devices.disks, live->devices.interfaces };

    for (size_t k = 0; k < G_N_ELEMENTS(arrays); k++) {
        for (guint i = 0; i < arrays[k]->len; i++) {
            const device_info *info = k == 0 ? &((device_disk *)arrays[k]->pdata[i])->info
                                             : &((device_interface *)arrays[k]->pdata[i])->info;

            if (g_strcmp0(info->alias, alias) == 0) {
                g_ptr_array_remove_index(arrays[k], i);
                return true;
            }
        }
    }
    return false;
}

/* The guest let go of p's device (job held): delete its backends, drop
 * it from the live definition, tell the clients. */
static void hp_finish_removal(dom_obj *dom, const hp_pending *p)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);
    json_t *r;

    for (int i = 0; i < 2 && priv->proc; i++) {
        if (!p->backend[i])
            continue;
        r = qmp_call(priv->proc->mon, p->net ? "netdev_del" : "blockdev-del",
                     p->net ? json_pack("{s:s}", "id", p->backend[i])
                            : json_pack("{s:s}", "node-name", p->backend[i]),
                     QEMU_MONITOR_TIMEOUT_MS);
        if (!r)
            log_warn("%s: cannot delete the backend '%s' of '%s': %s",
                     dom_obj_current(dom)->name, p->backend[i], p->alias,
                     error_last() ? error_last()->message : "?");
        error_reset();
        json_decref(r);
    }
    /* QEMU let go of the tap: its host side goes (the job holder alone
     * changes live, so it is read without the lock) */
    if (p->net && hp_live_interface(dom->live, p->alias))
        qemu_net_unplug(dom, hp_live_interface(dom->live, p->alias));
    g_mutex_lock(&drv->doms.lock);
    if (dom->live && hp_live_remove(dom->live, p->alias)) {
        const domain_def *def = dom->live;

        event_emit_device_removed(drv, def->name, def->uuid, def->id, p->alias);
    }
    g_mutex_unlock(&drv->doms.lock);
    if (priv->proc)
        qemu_status_save(dom);
}

/* A removal whose detach no longer waits: finish it under the job. */
static gpointer hp_late_removal(gpointer data)
{
    hp_pending *p = data;

    if (dom_job_begin(p->dom, "device-removed", -1) == 0) {
        bool same_run;

        g_mutex_lock(&p->dom->table->lock);
        same_run = qemu_dom_of(p->dom)->proc != NULL;
        g_mutex_unlock(&p->dom->table->lock);
        if (same_run)
            hp_finish_removal(p->dom, p);
        dom_job_end(p->dom);
    }
    error_reset();
    hp_pending_free(p);
    return NULL;
}

void qemu_hotplug_device_deleted(dom_obj *dom, json_t *data)
{
    const char *alias = json_string_value(json_object_get(data, "device"));
    hp_pending *late = NULL;

    if (!alias)
        return;     /* a backend's own path (virtio-backend) */
    g_mutex_lock(&hp_lock);
    for (guint i = 0; hp_pendings && i < hp_pendings->len; i++) {
        hp_pending *p = hp_pendings->pdata[i];

        if (p->dom != dom || strcmp(p->alias, alias) != 0)
            continue;
        p->deleted = true;
        if (!p->waiting)
            late = g_ptr_array_steal_index(hp_pendings, i);
        break;
    }
    g_cond_broadcast(&hp_cond);
    g_mutex_unlock(&hp_lock);
    if (late)
        g_thread_unref(g_thread_new("vireo-unplug", hp_late_removal, late));
}

/* Wait for p's DEVICE_DELETED; true when it came (p is then out of the
 * list and the caller's), false when it is left to the event. */
static bool hp_wait_deleted(hp_pending *p)
{
    gint64 end = g_get_monotonic_time() + QEMU_UNPLUG_WAIT_MS * G_TIME_SPAN_MILLISECOND;
    bool deleted;

    g_mutex_lock(&hp_lock);
    while (!p->deleted && g_cond_wait_until(&hp_cond, &hp_lock, end))
        ;
    deleted = p->deleted;
    p->waiting = false;
    if (deleted)
        g_ptr_array_remove(hp_pendings, p);
    g_mutex_unlock(&hp_lock);
    return deleted;
}

int hp_unplug(hp_op *op, const char *alias, bool net, const char *backend0, const char *backend1)
{
    hp_pending *p = g_new0(hp_pending, 1);
    json_t *r;

    p->dom = dom_obj_ref(op->dom);
    p->alias = g_strdup(alias);
    p->net = net;
    p->backend[0] = g_strdup(backend0);
    p->backend[1] = g_strdup(backend1);
    p->waiting = true;
    g_mutex_lock(&hp_lock);
    if (!hp_pendings)
        hp_pendings = g_ptr_array_new();
    g_ptr_array_add(hp_pendings, p);
    g_mutex_unlock(&hp_lock);
    if (!(r = hp_qmp(op, "device_del", json_pack("{s:s}", "id", alias)))) {
        g_mutex_lock(&hp_lock);
        g_ptr_array_remove(hp_pendings, p);
        g_mutex_unlock(&hp_lock);
        hp_pending_free(p);
        return -1;
    }
    json_decref(r);
    if (!hp_wait_deleted(p)) {
        log_info("%s: '%s' not removed by the guest yet: removal in progress",
                 dom_obj_current(op->dom)->name, alias);
        return 0;
    }
    hp_finish_removal(op->dom, p);
    hp_pending_free(p);
    return 0;
}

/* ---- entries ---- */

static int hp_attach_config(hp_op *op, device_one *one)
{
    domain_devices *devs = &op->conf->devices;

    if (one->disk) {
        if (devices_find_disk(devs, one->disk->target_dev) >= 0) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                         "target %s already exists", one->disk->target_dev);
            return -1;
        }
        devices_add_disk(devs, g_steal_pointer(&one->disk));
    } else {
        if (one->net->has_mac && devices_find_interface(devs, one->net) >= 0) {
            char mac[18];

            g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", one->net->mac[0],
                       one->net->mac[1], one->net->mac[2], one->net->mac[3], one->net->mac[4],
                       one->net->mac[5]);
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                         "interface with MAC address %s already exists", mac);
            return -1;
        }
        devices_add_interface(devs, g_steal_pointer(&one->net));
    }
    return hp_commit_config(op);
}

/* Parse xml once for each definition a call changes. */
static int hp_parse_twice(const hp_op *op, const char *xml, device_one **live, device_one **conf)
{
    if (op->live && !(*live = device_one_parse(xml, 0)))
        return -1;
    if (op->config && !(*conf = device_one_parse(xml, 0)))
        return -1;
    return 0;
}

int qemu_domain_attach_device(vireo_domain *handle, const char *xml, unsigned int flags)
{
    g_autoptr(device_one) live = NULL;
    g_autoptr(device_one) conf = NULL;
    hp_op op;
    int ret = -1;

    if (hp_begin(handle, "attach-device", flags, 0, &op) < 0)
        return -1;
    if (hp_parse_twice(&op, xml, &live, &conf) < 0)
        goto out;
    /* libvirt checks the persistent side first so a refused config
     * leaves the running guest alone too */
    if (conf && conf->disk && live && devices_find_disk(&op.conf->devices,
                                                        conf->disk->target_dev) >= 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED, "target %s already exists",
                     conf->disk->target_dev);
        goto out;
    }
    if (live && (live->disk ? hp_disk_attach_live(&op, live->disk)
                            : hp_net_attach_live(&op, live->net)) < 0)
        goto out;
    if (live)
        live->disk = NULL, live->net = NULL;    /* taken by the live definition */
    ret = conf ? hp_attach_config(&op, conf) : 0;
out:
    hp_end(&op);
    return ret;
}

static int hp_detach_config(hp_op *op, const device_one *one)
{
    domain_devices *devs = &op->conf->devices;
    int idx;

    if (one->disk) {
        if ((idx = devices_find_disk(devs, one->disk->target_dev)) < 0) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING, "no target device %s",
                         one->disk->target_dev);
            return -1;
        }
        g_ptr_array_remove_index(devs->disks, (guint)idx);
    } else {
        if ((idx = devices_find_interface(devs, one->net)) < 0) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING,
                         "device not found: no interface matching the given MAC address");
            return -1;
        }
        g_ptr_array_remove_index(devs->interfaces, (guint)idx);
    }
    return hp_commit_config(op);
}

int qemu_domain_detach_device(vireo_domain *handle, const char *xml, unsigned int flags)
{
    g_autoptr(device_one) one = NULL;
    hp_op op;
    int ret = -1;

    if (hp_begin(handle, "detach-device", flags, 0, &op) < 0)
        return -1;
    if (!(one = device_one_parse(xml, 0)))
        goto out;
    /* both sides must have it before either changes */
    if (op.config && one->disk && devices_find_disk(&op.conf->devices, one->disk->target_dev) < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING, "no target device %s",
                     one->disk->target_dev);
        goto out;
    }
    if (op.live && (one->disk ? hp_disk_detach_live(&op, one->disk)
                              : hp_net_detach_live(&op, one->net)) < 0)
        goto out;
    ret = op.config ? hp_detach_config(&op, one) : 0;
out:
    hp_end(&op);
    return ret;
}

/* Change media in the persistent definition. */
static int hp_update_config(hp_op *op, const device_disk *disk)
{
    int idx = devices_find_disk(&op->conf->devices, disk->target_dev);
    device_disk *old;

    if (idx < 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_DEVICE_MISSING, "target %s doesn't exist.",
                     disk->target_dev);
        return -1;
    }
    old = op->conf->devices.disks->pdata[idx];
    if (g_strcmp0(old->device, "cdrom") != 0 && g_strcmp0(old->device, "floppy") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_UNSUPPORTED,
                     "disk '%s': only the media of a cdrom or floppy can be changed",
                     disk->target_dev);
        return -1;
    }
    g_free(old->source_file);
    old->source_file = g_strdup(disk->source_file);
    g_free(old->driver_type);
    old->driver_type = g_strdup(disk->driver_type);
    return hp_commit_config(op);
}

int qemu_domain_update_device(vireo_domain *handle, const char *xml, unsigned int flags)
{
    g_autoptr(device_one) one = NULL;
    hp_op op;
    int ret = -1;

    if (hp_begin(handle, "update-device", flags, HP_MODIFY_FORCE, &op) < 0)
        return -1;
    if (!(one = device_one_parse(xml, 0)))
        goto out;
    if (one->net) {
        if (!one->net->has_mac) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                         "an interface to update needs its <mac address=''/>");
            goto out;
        }
        if (op.live && hp_net_update_live(&op, one->net) < 0)
            goto out;
        ret = op.config ? hp_net_update_config(&op, one->net) : 0;
        goto out;
    }
    if (one->disk->source_file && hp_disk_check_source(one->disk) < 0)
        goto out;
    if (op.live && hp_disk_change_live(&op, one->disk) < 0)
        goto out;
    ret = op.config ? hp_update_config(&op, one->disk) : 0;
out:
    hp_end(&op);
    return ret;
}
