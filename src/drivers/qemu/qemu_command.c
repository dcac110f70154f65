/*
 * qemu_command.c: a domain definition as a QEMU command line.
 *
 * The arguments come in libvirt's order: name, -S, machine, CPU, memory,
 * vCPUs, UUID, -no-user-config -nodefaults, the monitor, clock, power
 * management, boot, kernel, then devices (qemu_command_disk.c and
 * qemu_command_devices.c), -sandbox last.  Addresses come from the
 * definition (domain_def_assign_addresses) and are never renumbered, so
 * the guest sees the same hardware on every start.  Whatever cannot be
 * expressed is refused with VIREO_ERR_CONFIG_UNSUPPORTED naming it.
 */
#include <inttypes.h>
#include <string.h>

#include "drivers/qemu/qemu_command_priv.h"
#include "util/uuid.h"

/* ---- helpers shared by the builder's files ---- */

void qcmd_add(qcmd *q, const char *arg)
{
    g_ptr_array_add(q->argv, g_strdup(arg));
}

void qcmd_addf(qcmd *q, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    g_ptr_array_add(q->argv, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

void qcmd_add_json(qcmd *q, const char *opt, json_t *obj)
{
    qcmd_add(q, opt);
    g_ptr_array_add(q->argv, json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER));
    json_decref(obj);
}

char *qcmd_escape(const char *value)
{
    GString *s = g_string_new(NULL);

    for (const char *p = value; *p; p++) {
        if (*p == ',')
            g_string_append_c(s, ',');
        g_string_append_c(s, *p);
    }
    return g_string_free(s, FALSE);
}

int qcmd_unsupported(const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED, "%s", msg);
    return -1;
}

char *qcmd_pci_bus_name(const qcmd *q, unsigned int bus)
{
    if (bus == 0)
        return g_strdup(q->kind == QCMD_Q35 ? "pcie.0" : "pci.0");
    return g_strdup_printf("pci.%u", bus);
}

int qcmd_pci_place(qcmd *q, json_t *obj, const device_info *info, const char *what)
{
    const device_address *a = &info->addr;
    g_autofree char *bus = NULL;

    if (q->kind == QCMD_MICROVM)
        return 0;
    if (a->type != ADDR_PCI || a->domain != 0)
        return qcmd_unsupported("%s needs a PCI address on domain 0", what);
    bus = qcmd_pci_bus_name(q, a->bus);
    json_object_set_new(obj, "bus", json_string(bus));
    if (g_strcmp0(a->multifunction, "on") == 0)
        json_object_set_new(obj, "multifunction", json_true());
    if (a->function)
        json_object_set_new(obj, "addr", json_sprintf("0x%x.0x%x", a->slot, a->function));
    else
        json_object_set_new(obj, "addr", json_sprintf("0x%x", a->slot));
    return 0;
}

void qcmd_bootindex(qcmd *q, json_t *obj, const device_info *info)
{
    unsigned int order = info->boot_order;

    if (!order)
        order = GPOINTER_TO_UINT(g_hash_table_lookup(q->boot, info));
    if (order)
        json_object_set_new(obj, "bootindex", json_integer(order));
}

const device_controller *qcmd_controller(const qcmd *q, const char *type, int index)
{
    for (guint i = 0; i < q->def->devices.controllers->len; i++) {
        const device_controller *c = q->def->devices.controllers->pdata[i];

        if (strcmp(c->type, type) == 0 && c->index == index)
            return c;
    }
    return NULL;
}

/* ---- machine ---- */

static int machine_features(qcmd *q, GString *m)
{
    const domain_features *f = &q->def->features;

    if (f->hyperv_present || f->kvm || f->gic_present || f->viridian || f->privnet ||
        f->hap != TRISTATE_ABSENT || f->apic_eoi)
        return qcmd_unsupported("domain '%s': <features> other than acpi, apic, pae, pmu, "
                                "vmport, smm, vmcoreinfo, pvspinlock and ioapic are not "
                                "supported by the QEMU driver", q->def->name);
    if (q->kind == QCMD_MICROVM)
        return 0;
    if (!f->acpi)
        g_string_append(m, ",acpi=off");
    if (f->smm != TRISTATE_ABSENT)
        g_string_append_printf(m, ",smm=%s", f->smm == TRISTATE_YES ? "on" : "off");
    if (f->vmport != TRISTATE_ABSENT)
        g_string_append_printf(m, ",vmport=%s", f->vmport == TRISTATE_YES ? "on" : "off");
    if (f->ioapic_driver && q->opts->kvm)
        g_string_append(m, strcmp(f->ioapic_driver, "qemu") == 0 ? ",kernel-irqchip=split"
                                                                  : ",kernel-irqchip=on");
    return 0;
}

static const domain_timer *find_timer(const domain_def *def, const char *name)
{
    for (guint i = 0; def->clock.timers && i < def->clock.timers->len; i++) {
        const domain_timer *t = def->clock.timers->pdata[i];

        if (strcmp(t->name, name) == 0)
            return t;
    }
    return NULL;
}

static int build_machine(qcmd *q)
{
    g_autoptr(GString) m = g_string_new(NULL);
    g_autoptr(GString) fw = g_string_new(NULL);
    const char *accel = q->opts->kvm ? "kvm" : "tcg";
    const domain_timer *hpet = find_timer(q->def, "hpet");

    if (qcmd_firmware(q, fw) < 0)
        return -1;
    g_string_append_printf(m, "%s,accel=%s", q->machine->name, accel);
    if (q->kind == QCMD_MICROVM) {
        /* no firmware option ROMs to scan; the serial port is the console */
        g_string_append(m, ",x-option-roms=off,isa-serial=on,rtc=on");
    } else {
        g_string_append(m, ",usb=off,dump-guest-core=off");
        if (hpet && g_strcmp0(hpet->present, "no") == 0)
            g_string_append(m, ",hpet=off");
    }
    if (q->def->tune.nosharepages)
        g_string_append(m, ",mem-merge=off");
    if (machine_features(q, m) < 0)
        return -1;
    g_string_append(m, fw->str);
    qcmd_add(q, "-machine");
    qcmd_add(q, m->str);
    return 0;
}

/* ---- CPU ---- */

static bool cpu_model_known(const qemu_caps *caps, const char *model)
{
    for (guint i = 0; i < caps->cpu_models->len; i++)
        if (strcmp(caps->cpu_models->pdata[i], model) == 0)
            return true;
    for (guint i = 0; i < caps->cpu_models_other->len; i++)
        if (strcmp(caps->cpu_models_other->pdata[i], model) == 0)
            return true;
    return false;
}

/* The model part of -cpu; NULL (no -cpu) when QEMU's default will do. */
static int cpu_model(qcmd *q, char **out)
{
    const domain_cpu *cpu = q->def->cpu;
    const char *mode = cpu && cpu->mode ? cpu->mode : "custom";
    bool kvm = q->opts->kvm;

    *out = NULL;
    if (!cpu)
        return 0;
    if (strcmp(mode, "host-passthrough") == 0 || strcmp(mode, "host-model") == 0) {
        /* without KVM there is no host CPU to pass: TCG's richest model */
        if (!kvm)
            *out = g_strdup("max");
        else if (strcmp(mode, "host-passthrough") == 0)
            *out = g_strdup_printf("host,migratable=%s",
                                   g_strcmp0(cpu->migratable, "off") == 0 ? "off" : "on");
        else
            *out = g_strdup("host");
        return 0;
    }
    if (strcmp(mode, "maximum") == 0) {
        *out = g_strdup("max");
        return 0;
    }
    if (!cpu->model) {
        if (cpu->features && cpu->features->len)
            return qcmd_unsupported("domain '%s': CPU features need a CPU model", q->def->name);
        return 0;
    }
    if (!cpu_model_known(q->caps, cpu->model))
        return qcmd_unsupported("CPU model '%s' is not supported by '%s'", cpu->model,
                                q->caps->binary);
    *out = g_strdup(cpu->model);
    return 0;
}

static void cpu_extras(qcmd *q, GString *c)
{
    const domain_features *f = &q->def->features;
    const domain_timer *kvmclock = find_timer(q->def, "kvmclock");
    const domain_timer *tsc = find_timer(q->def, "tsc");

    if (f->pmu != TRISTATE_ABSENT)
        g_string_append_printf(c, ",pmu=%s", f->pmu == TRISTATE_YES ? "on" : "off");
    if (f->pvspinlock != TRISTATE_ABSENT && q->opts->kvm)
        g_string_append_printf(c, ",kvm-pv-unhalt=%s", f->pvspinlock == TRISTATE_YES ? "on" : "off");
    if (kvmclock && g_strcmp0(kvmclock->present, "no") == 0)
        g_string_append(c, ",kvmclock=off");
    if (tsc && tsc->frequency)
        g_string_append_printf(c, ",tsc-frequency=%s", tsc->frequency);
}

static int build_cpu(qcmd *q)
{
    g_autofree char *model = NULL;
    g_autoptr(GString) c = g_string_new(NULL);

    if (cpu_model(q, &model) < 0)
        return -1;
    if (q->def->cpu && q->def->cpu->numa_cells && q->def->cpu->numa_cells->len)
        return qcmd_unsupported("domain '%s': guest NUMA cells are not supported yet", q->def->name);
    for (guint i = 0; model && q->def->cpu->features && i < q->def->cpu->features->len; i++) {
        const domain_cpu_feature *feat = q->def->cpu->features->pdata[i];
        bool off = g_strcmp0(feat->policy, "disable") == 0 || g_strcmp0(feat->policy, "forbid") == 0;

        g_string_append_printf(c, ",%s=%s", feat->name, off ? "off" : "on");
    }
    cpu_extras(q, c);
    if (!model && c->len == 0)
        return 0;
    qcmd_add(q, "-cpu");
    qcmd_addf(q, "%s%s", model ? model : "qemu64", c->str);
    return 0;
}

/* ---- memory and vCPUs ---- */

static void build_memory(qcmd *q)
{
    const domain_def *def = q->def;
    /* QEMU wants whole MiB on x86, as libvirt aligns it */
    uint64_t mem = (def->memory_kib + 1023) / 1024 * 1024;
    g_autoptr(GString) m = g_string_new(NULL);

    g_string_printf(m, "size=%" PRIu64 "k", mem);
    if (def->max_memory_kib)
        g_string_append_printf(m, ",slots=%u,maxmem=%" PRIu64 "k", def->max_memory_slots,
                               (def->max_memory_kib + 1023) / 1024 * 1024);
    qcmd_add(q, "-m");
    qcmd_add(q, m->str);
    if (def->tune.locked) {
        qcmd_add(q, "-overcommit");
        qcmd_add(q, "mem-lock=on");
    }
    for (unsigned int i = 1; i <= def->iothreads; i++) {
        g_autofree char *id = g_strdup_printf("iothread%u", i);

        qcmd_add_json(q, "-object", json_pack("{s:s,s:s}", "qom-type", "iothread", "id", id));
    }
}

static int build_smp(qcmd *q)
{
    const domain_def *def = q->def;
    const domain_cpu *cpu = def->cpu;
    unsigned int max = def->vcpu.max ? def->vcpu.max : 1;
    unsigned int cur = def->vcpu.current ? def->vcpu.current : max;
    unsigned int sockets = max, dies = 1, cores = 1, threads = 1;
    g_autoptr(GString) s = g_string_new(NULL);

    if (max > q->machine->max_cpus)
        return qcmd_unsupported("Maximum CPUs greater than specified machine type limit %u",
                                q->machine->max_cpus);
    if (cpu && cpu->sockets) {
        sockets = cpu->sockets;
        dies = cpu->dies ? cpu->dies : 1;
        cores = cpu->cores ? cpu->cores : 1;
        threads = cpu->threads ? cpu->threads : 1;
        if (sockets * dies * cores * threads != max) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_XML_ERROR,
                         "CPU topology doesn't match maximum vcpu count");
            return -1;
        }
    }
    g_string_printf(s, "%u", cur);
    if (cur != max)
        g_string_append_printf(s, ",maxcpus=%u", max);
    g_string_append_printf(s, ",sockets=%u", sockets);
    if (dies > 1)
        g_string_append_printf(s, ",dies=%u", dies);
    g_string_append_printf(s, ",cores=%u,threads=%u", cores, threads);
    qcmd_add(q, "-smp");
    qcmd_add(q, s->str);
    return 0;
}

/* ---- monitor, clock, power management, boot ---- */

static void build_monitor(qcmd *q)
{
    g_autofree char *path = qcmd_escape(q->opts->monitor_path);

    qcmd_add(q, "-chardev");
    qcmd_addf(q, "socket,id=charmonitor,path=%s,server=on,wait=off", path);
    qcmd_add(q, "-mon");
    qcmd_add(q, "chardev=charmonitor,id=monitor,mode=control");
}

static int rtc_options(qcmd *q, GString *r)
{
    const domain_clock *clk = &q->def->clock;
    const char *offset = clk->offset ? clk->offset : "utc";
    const domain_timer *rtc = find_timer(q->def, "rtc");

    if (strcmp(offset, "variable") == 0 && (!clk->adjustment || strcmp(clk->adjustment, "0") == 0))
        offset = g_strcmp0(clk->basis, "localtime") == 0 ? "localtime" : "utc";
    if (strcmp(offset, "utc") != 0 && strcmp(offset, "localtime") != 0)
        return qcmd_unsupported("domain '%s': clock offset '%s' is not supported yet",
                                q->def->name, clk->offset);
    g_string_append_printf(r, "base=%s", offset);
    if (!rtc)
        return 0;
    if (g_strcmp0(rtc->track, "guest") == 0)
        g_string_append(r, ",clock=vm");
    else if (rtc->track && strcmp(rtc->track, "boot") != 0)
        g_string_append(r, ",clock=host");
    if (g_strcmp0(rtc->tickpolicy, "catchup") == 0)
        g_string_append(r, ",driftfix=slew");
    else if (rtc->tickpolicy && strcmp(rtc->tickpolicy, "delay") != 0)
        return qcmd_unsupported("unsupported rtc timer tickpolicy '%s'", rtc->tickpolicy);
    return 0;
}

static int build_clock(qcmd *q)
{
    g_autoptr(GString) r = g_string_new(NULL);
    const domain_timer *pit = find_timer(q->def, "pit");

    for (guint i = 0; q->def->clock.timers && i < q->def->clock.timers->len; i++) {
        const domain_timer *t = q->def->clock.timers->pdata[i];

        if (!g_strv_contains((const char *const[]){ "rtc", "pit", "hpet", "kvmclock", "tsc", NULL },
                             t->name))
            return qcmd_unsupported("domain '%s': timer '%s' is not supported", q->def->name,
                                    t->name);
    }
    if (rtc_options(q, r) < 0)
        return -1;
    qcmd_add(q, "-rtc");
    qcmd_add(q, r->str);
    /* the in-kernel PIT exists only with KVM */
    if (pit && pit->tickpolicy && q->opts->kvm && q->kind != QCMD_MICROVM) {
        const char *policy = strcmp(pit->tickpolicy, "catchup") == 0 ? "slew" : pit->tickpolicy;

        qcmd_add(q, "-global");
        qcmd_addf(q, "kvm-pit.lost_tick_policy=%s", policy);
    }
    return 0;
}

/* The lifecycle actions the driver can apply (qemu_events.c). */
static int check_actions(const qcmd *q)
{
    const domain_def *def = q->def;
    const struct { const char *what; domain_action action; bool crash; } acts[] = {
        { "on_poweroff", def->on_poweroff, false },
        { "on_reboot", def->on_reboot, false },
        { "on_crash", def->on_crash, true },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(acts); i++) {
        domain_action a = acts[i].action;

        if (a == DOMAIN_ACTION_DESTROY || a == DOMAIN_ACTION_RESTART ||
            (acts[i].crash && a != DOMAIN_ACTION_RENAME_RESTART))
            continue;
        return qcmd_unsupported("domain '%s': %s action '%s' is not supported", def->name,
                                acts[i].what, domain_action_names[a]);
    }
    return 0;
}

static int build_pm(qcmd *q)
{
    const char *dev = q->kind == QCMD_Q35 ? "ICH9-LPC" : "PIIX4_PM";
    const domain_pm *pm = &q->def->pm;

    if (check_actions(q) < 0)
        return -1;

    /* with -no-shutdown a guest poweroff stops QEMU's vCPUs but leaves the
     * process: the driver sees SHUTDOWN and applies on_poweroff itself */
    qcmd_add(q, "-no-shutdown");
    if (q->def->on_reboot == DOMAIN_ACTION_DESTROY) {
        qcmd_add(q, "-action");
        qcmd_add(q, "reboot=shutdown");
    }
    if (q->kind == QCMD_MICROVM)
        return 0;
    if (pm->suspend_to_mem != TRISTATE_ABSENT) {
        qcmd_add(q, "-global");
        qcmd_addf(q, "%s.disable_s3=%d", dev, pm->suspend_to_mem == TRISTATE_NO);
    }
    if (pm->suspend_to_disk != TRISTATE_ABSENT) {
        qcmd_add(q, "-global");
        qcmd_addf(q, "%s.disable_s4=%d", dev, pm->suspend_to_disk == TRISTATE_NO);
    }
    return 0;
}

/* <os><boot dev=''/> becomes a bootindex on the first device of each
 * kind, as libvirt does since QEMU boots by bootindex. */
static void boot_map(qcmd *q)
{
    const domain_devices *devs = &q->def->devices;
    unsigned int order = 0;

    for (char **dev = q->def->os.boot_devs; dev && *dev; dev++) {
        const char *want = strcmp(*dev, "hd") == 0 ? "disk" : strcmp(*dev, "fd") == 0 ? "floppy" : *dev;
        const device_info *info = NULL;

        order++;
        if (strcmp(*dev, "network") == 0) {
            if (devs->interfaces->len)
                info = &((device_interface *)devs->interfaces->pdata[0])->info;
        } else {
            for (guint i = 0; !info && i < devs->disks->len; i++) {
                const device_disk *d = devs->disks->pdata[i];

                if (strcmp(d->device ? d->device : "disk", want) == 0)
                    info = &d->info;
            }
        }
        if (info && !g_hash_table_contains(q->boot, info))
            g_hash_table_insert(q->boot, (gpointer)info, GUINT_TO_POINTER(order));
    }
}

static int build_boot(qcmd *q)
{
    const domain_os *os = &q->def->os;
    g_autoptr(GString) b = g_string_new("strict=on");

    if (os->bios_useserial == TRISTATE_YES)
        return qcmd_unsupported("domain '%s': <bios useserial='yes'/> is not supported",
                                q->def->name);
    boot_map(q);
    if (os->bootmenu == TRISTATE_YES) {
        g_string_append(b, ",menu=on");
        if (os->bootmenu_timeout_set)
            g_string_append_printf(b, ",splash-time=%u", os->bootmenu_timeout);
    } else if (os->bootmenu == TRISTATE_NO) {
        g_string_append(b, ",menu=off");
    }
    if (os->bios_reboot_timeout_set)
        g_string_append_printf(b, ",reboot-timeout=%u", os->bios_reboot_timeout);
    qcmd_add(q, "-boot");
    qcmd_add(q, b->str);
    if (os->kernel) {
        qcmd_add(q, "-kernel");
        qcmd_add(q, os->kernel);
    }
    if (os->initrd) {
        qcmd_add(q, "-initrd");
        qcmd_add(q, os->initrd);
    }
    if (os->cmdline) {
        qcmd_add(q, "-append");
        qcmd_add(q, os->cmdline);
    }
    if (os->dtb) {
        qcmd_add(q, "-dtb");
        qcmd_add(q, os->dtb);
    }
    return 0;
}

/* ---- SMBIOS from <sysinfo> (only with <smbios mode='sysinfo'/>) ---- */

static int build_smbios(qcmd *q)
{
    static const char *const blocks[] = { "bios", "system", "baseBoard", "chassis", NULL };
    static const int types[] = { 0, 1, 2, 3 };
    const char *mode = q->def->os.smbios_mode;

    if (!mode || strcmp(mode, "emulate") == 0)
        return 0;
    if (strcmp(mode, "sysinfo") != 0)
        return qcmd_unsupported("domain '%s': smbios mode '%s' is not supported", q->def->name, mode);
    for (guint i = 0; q->def->sysinfo && i < q->def->sysinfo->len; i++) {
        const domain_sysinfo_block *blk = q->def->sysinfo->pdata[i];
        int idx = str_enum_index(blocks, blk->name);
        bool oem = strcmp(blk->name, "oemStrings") == 0;
        g_autoptr(GString) s = g_string_new(NULL);

        if (idx < 0 && !oem)
            return qcmd_unsupported("sysinfo block '%s' is not supported", blk->name);
        g_string_printf(s, "type=%d", oem ? 11 : types[idx]);
        for (guint j = 0; j < blk->entries->len; j++) {
            const domain_sysinfo_entry *e = blk->entries->pdata[j];
            g_autofree char *v = qcmd_escape(e->value ? e->value : "");

            g_string_append_printf(s, ",%s=%s", oem ? "value" : e->name, v);
        }
        qcmd_add(q, "-smbios");
        qcmd_add(q, s->str);
    }
    return 0;
}

/* ---- the whole line ---- */

static int build_head(qcmd *q)
{
    const domain_def *def = q->def;
    g_autofree char *name = qcmd_escape(def->name);
    char uuid[VIREO_UUID_STRING_BUFLEN];

    qcmd_add(q, q->caps->binary);
    qcmd_add(q, "-name");
    qcmd_addf(q, "guest=%s,debug-threads=on", name);
    if (q->opts->start_paused)
        qcmd_add(q, "-S");
    if (build_machine(q) < 0 || build_cpu(q) < 0)
        return -1;
    build_memory(q);
    if (build_smp(q) < 0)
        return -1;
    uuid_format(def->uuid, uuid);
    qcmd_add(q, "-uuid");
    qcmd_add(q, uuid);
    qcmd_add(q, "-no-user-config");
    qcmd_add(q, "-nodefaults");
    if (q->opts->pid_path) {
        qcmd_add(q, "-pidfile");
        qcmd_add(q, q->opts->pid_path);
    }
    build_monitor(q);
    if (build_clock(q) < 0)
        return -1;
    if (build_pm(q) < 0)
        return -1;
    return build_boot(q);
}

static int build_devices(qcmd *q)
{
    if (qcmd_refuse_unsupported(q) < 0 || qcmd_controllers(q) < 0 || qcmd_disks(q) < 0 ||
        qcmd_interfaces(q) < 0 || qcmd_chardevs(q) < 0 || qcmd_inputs(q) < 0 ||
        qcmd_graphics(q) < 0 || qcmd_videos(q) < 0 || qcmd_sounds(q) < 0 ||
        qcmd_watchdogs(q) < 0 || qcmd_memballoon(q) < 0 || qcmd_rngs(q) < 0 ||
        qcmd_panics(q) < 0)
        return -1;
    if (q->def->genid && *q->def->genid)
        qcmd_add_json(q, "-device", json_pack("{s:s,s:s,s:s}", "driver", "vmgenid", "guid",
                                              q->def->genid, "id", "vmgenid0"));
    if (q->def->features.vmcoreinfo == TRISTATE_YES)
        qcmd_add_json(q, "-device", json_pack("{s:s}", "driver", "vmcoreinfo"));
    return build_smbios(q);
}

static int check_os(qcmd *q)
{
    const domain_def *def = q->def;

    if (def->virt != DOMAIN_VIRT_QEMU && def->virt != DOMAIN_VIRT_KVM)
        return qcmd_unsupported("domain '%s': domain type '%s' is not supported by the QEMU driver",
                                def->name, domain_virt_names[def->virt]);
    if (g_strcmp0(def->os.type, "hvm") != 0)
        return qcmd_unsupported("domain '%s': os type '%s' is not supported by the QEMU driver",
                                def->name, def->os.type);
    if (def->os.arch && strcmp(def->os.arch, q->caps->arch) != 0 &&
        !(strcmp(q->caps->arch, "x86_64") == 0 && strcmp(def->os.arch, "i686") == 0))
        return qcmd_unsupported("Emulator '%s' does not support arch '%s'", q->caps->binary,
                                def->os.arch);
    if (def->tune.hugepages || def->tune.source_type || def->tune.access_mode)
        return qcmd_unsupported("domain '%s': <memoryBacking> hugepages, source and access are "
                                "not supported yet", def->name);
    if (!(q->machine = qemu_caps_machine(q->caps, def->os.machine)))
        return -1;
    if (strstr(q->machine->name, "q35"))
        q->kind = QCMD_Q35;
    else if (strstr(q->machine->name, "microvm"))
        q->kind = QCMD_MICROVM;
    else if (strstr(q->machine->name, "pc") || strstr(q->machine->name, "i440fx"))
        q->kind = QCMD_PC;
    else
        return qcmd_unsupported("machine type '%s' is not supported by the QEMU driver",
                                q->machine->name);
    return 0;
}

GStrv qemu_command_build(const domain_def *def, const qemu_caps *caps,
                         const qemu_command_opts *opts)
{
    qcmd q = { .def = def, .caps = caps, .opts = opts };
    int rc;

    q.argv = g_ptr_array_new_with_free_func(g_free);
    q.boot = g_hash_table_new(g_direct_hash, g_direct_equal);
    rc = check_os(&q);
    if (rc == 0)
        rc = build_head(&q);
    if (rc == 0)
        rc = build_devices(&q);
    if (rc == 0) {
        if (!opts->no_sandbox) {
            qcmd_add(&q, "-sandbox");
            qcmd_add(&q, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                         "resourcecontrol=deny");
        }
        qcmd_add(&q, "-msg");
        qcmd_add(&q, "timestamp=on");
        if (opts->incoming) {
            qcmd_add(&q, "-incoming");
            qcmd_add(&q, opts->incoming);
        }
    }
    g_hash_table_unref(q.boot);
    if (rc < 0) {
        g_ptr_array_unref(q.argv);
        return NULL;
    }
    g_ptr_array_add(q.argv, NULL);
    return (GStrv)g_ptr_array_free(q.argv, FALSE);
}
