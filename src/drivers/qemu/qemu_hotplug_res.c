/*
 * qemu_hotplug_res.c: vCPUs and memory, live and persistent.
 *
 * Live vCPUs are QEMU's hotpluggable CPU objects (query-hotpluggable-cpus:
 * QEMU runs with -smp N,maxcpus=MAX): device_add of the empty slots in
 * order, device_del of the highest plugged ones (the boot CPU stays).
 * Live memory is the balloon's target; the maximum is fixed while the
 * guest runs.
 */
#include <string.h>

#include "drivers/qemu/qemu_hotplug.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.hotplug"

static unsigned int hp_vcpus_of(const domain_def *def)
{
    return def->vcpu.current ? def->vcpu.current : def->vcpu.max;
}

static void hp_vcpus_set(domain_def *def, unsigned int n, bool maximum)
{
    if (maximum) {
        unsigned int cur = hp_vcpus_of(def);

        def->vcpu.max = n;
        def->vcpu.current = cur < n ? cur : 0;
    } else {
        def->vcpu.current = n == def->vcpu.max ? 0 : n;
    }
}

/* The hotpluggable CPU slots in QEMU's order (new reference), NULL with
 * an error. */
static json_t *hp_cpu_slots(hp_op *op)
{
    return hp_qmp(op, "query-hotpluggable-cpus", NULL);
}

/* Plug (want > have) or unplug CPUs until want are present. */
static int hp_vcpus_live(hp_op *op, unsigned int have, unsigned int want)
{
    g_autoptr(json_t) slots = hp_cpu_slots(op);
    size_t n, i;

    if (!slots)
        return -1;
    n = json_array_size(slots);
    /* QEMU lists the slots from the last to the first */
    for (i = n; i-- > 0 && have < want;) {
        json_t *s = json_array_get(slots, i);
        json_t *args, *r;

        if (json_object_get(s, "qom-path"))
            continue;
        args = json_deep_copy(json_object_get(s, "props"));
        json_object_set_new(args, "driver", json_incref(json_object_get(s, "type")));
        json_object_set_new(args, "id", json_sprintf("vcpu%zu", n - 1 - i));
        if (!(r = hp_qmp(op, "device_add", args)))
            return -1;
        json_decref(r);
        have++;
    }
    for (i = 0; i < n && have > want; i++) {
        json_t *s = json_array_get(slots, i);
        const char *path = json_string_value(json_object_get(s, "qom-path"));

        if (!path || i == n - 1)
            continue;   /* empty, or the boot CPU */
        if (hp_unplug(op, path, false, NULL, NULL) < 0)
            return -1;
        have--;
    }
    return 0;
}

int qemu_domain_set_vcpus(vireo_domain *handle, unsigned int nvcpus, unsigned int flags)
{
    bool maximum = flags & VIREO_DOMAIN_VCPU_MAXIMUM;
    g_autoptr(domain_def) live = NULL;
    hp_op op;
    int ret = -1;

    if (hp_begin(handle, "setvcpus", flags, VIREO_DOMAIN_VCPU_MAXIMUM, &op) < 0)
        return -1;
    if (nvcpus < 1) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG, "requested vcpus must be at least 1");
        goto out;
    }
    if (op.live && maximum) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "maximum vcpu count of a live domain can't be modified");
        goto out;
    }
    if (op.config && !maximum && nvcpus > op.conf->vcpu.max) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "requested vcpus is greater than max allowable vcpus for the persistent "
                     "domain: %u > %u", nvcpus, op.conf->vcpu.max);
        goto out;
    }
    if (op.live) {
        if (!(live = hp_live_copy(&op)))
            goto out;
        if (nvcpus > live->vcpu.max) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                         "requested vcpus is greater than max allowable vcpus for the live "
                         "domain: %u > %u", nvcpus, live->vcpu.max);
            goto out;
        }
        if (hp_vcpus_live(&op, hp_vcpus_of(live), nvcpus) < 0)
            goto out;
        hp_vcpus_set(live, nvcpus, false);
        hp_commit_live(&op, g_steal_pointer(&live));
    }
    if (op.config) {
        hp_vcpus_set(op.conf, nvcpus, maximum);
        if (hp_commit_config(&op) < 0)
            goto out;
    }
    ret = 0;
out:
    hp_end(&op);
    return ret;
}

int qemu_domain_get_vcpus_flags(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    const domain_def *def;
    bool live = flags & VIREO_DOMAIN_AFFECT_LIVE, config = flags & VIREO_DOMAIN_AFFECT_CONFIG;
    int ret = -1;

    if (!qemu_flags_ok(flags, VIREO_DOMAIN_AFFECT_LIVE | VIREO_DOMAIN_AFFECT_CONFIG |
                                  VIREO_DOMAIN_VCPU_MAXIMUM, __func__) ||
        !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (live && config) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "flags 'affect live' and 'affect config' are mutually exclusive");
        return -1;
    }
    /* reading: drv->lock only */
    g_mutex_lock(&dom->table->lock);
    if (!live && !config)
        live = dom_obj_active(dom);
    def = live ? dom->live : dom->def;
    if (live && !dom_obj_active(dom))
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     handle->name);
    else if (!def)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "transient domains do not have any persistent config");
    else
        ret = (int)((flags & VIREO_DOMAIN_VCPU_MAXIMUM) ? def->vcpu.max : hp_vcpus_of(def));
    g_mutex_unlock(&dom->table->lock);
    return ret;
}

/* The balloon's new target (KiB). */
static int hp_memory_live(hp_op *op, unsigned long kib)
{
    g_autoptr(domain_def) live = hp_live_copy(op);
    const device_memballoon *b;
    json_t *r;

    if (!live)
        return -1;
    b = live->devices.memballoon;
    if (!b || g_strcmp0(b->model, "virtio") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "Unable to change memory of active domain without the balloon device and "
                     "guest OS balloon driver");
        return -1;
    }
    if (kib > live->memory_kib) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "cannot set memory higher than max memory");
        return -1;
    }
    if (!(r = hp_qmp(op, "balloon", json_pack("{s:I}", "value", (json_int_t)kib * 1024))))
        return -1;
    json_decref(r);
    live->current_memory_kib = kib;
    hp_commit_live(op, g_steal_pointer(&live));
    return 0;
}

int qemu_domain_set_memory(vireo_domain *handle, unsigned long memory, unsigned int flags)
{
    bool maximum = flags & VIREO_DOMAIN_MEM_MAXIMUM;
    hp_op op;
    int ret = -1;

    if (hp_begin(handle, "setmem", flags, VIREO_DOMAIN_MEM_MAXIMUM, &op) < 0)
        return -1;
    if (op.live && maximum) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "cannot resize the maximum memory on an active domain");
        goto out;
    }
    if (op.config && !maximum && memory > op.conf->memory_kib) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "cannot set memory higher than max memory");
        goto out;
    }
    if (op.live && hp_memory_live(&op, memory) < 0)
        goto out;
    if (op.config) {
        if (maximum) {
            op.conf->memory_kib = memory;
            if (op.conf->current_memory_kib > memory)
                op.conf->current_memory_kib = memory;
        } else {
            op.conf->current_memory_kib = memory;
        }
        if (hp_commit_config(&op) < 0)
            goto out;
    }
    ret = 0;
out:
    hp_end(&op);
    return ret;
}
