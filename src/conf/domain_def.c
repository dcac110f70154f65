/*
 * domain_def.c: the domain definition's name tables, memory, copy and checks.
 * Parsing is in domain_parse.c, formatting in domain_format.c, the guest
 * platform (features, cpu, clock) in domain_cpu.c.
 */
#include <string.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "util/error.h"

const char *const domain_virt_names[] = {
    [DOMAIN_VIRT_QEMU] = "qemu",
    [DOMAIN_VIRT_KQEMU] = "kqemu",
    [DOMAIN_VIRT_KVM] = "kvm",
    [DOMAIN_VIRT_XEN] = "xen",
    [DOMAIN_VIRT_LXC] = "lxc",
    [DOMAIN_VIRT_TEST] = "test",
    [DOMAIN_VIRT_LAST] = NULL,
};

const char *const domain_action_names[] = {
    [DOMAIN_ACTION_DESTROY] = "destroy",
    [DOMAIN_ACTION_RESTART] = "restart",
    [DOMAIN_ACTION_RENAME_RESTART] = "rename-restart",
    [DOMAIN_ACTION_PRESERVE] = "preserve",
    [DOMAIN_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [DOMAIN_ACTION_COREDUMP_RESTART] = "coredump-restart",
    [DOMAIN_ACTION_LAST] = NULL,
};

void domain_feature_state_free(gpointer p)
{
    domain_feature_state *f = p;

    g_free(f->name);
    g_free(f->state);
    g_free(f->value);
    g_free(f->direct);
    g_free(f);
}

static void cpu_feature_free(gpointer p)
{
    domain_cpu_feature *f = p;

    g_free(f->policy);
    g_free(f->name);
    g_free(f);
}

static void numa_cell_free(gpointer p)
{
    domain_numa_cell *c = p;

    g_free(c->cpus);
    g_free(c->memaccess);
    g_free(c->discard);
    g_free(c);
}

domain_cpu *domain_cpu_new(void)
{
    domain_cpu *cpu = g_new0(domain_cpu, 1);

    cpu->features = g_ptr_array_new_with_free_func(cpu_feature_free);
    cpu->numa_cells = g_ptr_array_new_with_free_func(numa_cell_free);
    return cpu;
}

void domain_cpu_free(domain_cpu *cpu)
{
    if (!cpu)
        return;
    g_free(cpu->mode);
    g_free(cpu->match);
    g_free(cpu->check);
    g_free(cpu->migratable);
    g_free(cpu->model);
    g_free(cpu->model_fallback);
    g_free(cpu->model_vendor_id);
    g_free(cpu->vendor);
    g_ptr_array_unref(cpu->features);
    g_ptr_array_unref(cpu->numa_cells);
    g_free(cpu);
}

void domain_timer_free(gpointer p)
{
    domain_timer *t = p;

    g_free(t->name);
    g_free(t->present);
    g_free(t->tickpolicy);
    g_free(t->track);
    g_free(t->frequency);
    g_free(t->mode);
    g_free(t);
}

void domain_sysinfo_entry_free(gpointer p)
{
    domain_sysinfo_entry *e = p;

    g_free(e->name);
    g_free(e->value);
    g_free(e);
}

void domain_sysinfo_block_free(gpointer p)
{
    domain_sysinfo_block *b = p;

    g_free(b->name);
    if (b->entries)
        g_ptr_array_unref(b->entries);
    g_free(b);
}

void domain_seclabel_free(gpointer p)
{
    domain_seclabel *s = p;

    g_free(s->type);
    g_free(s->model);
    g_free(s->relabel);
    g_free(s->label);
    g_free(s->imagelabel);
    g_free(s->baselabel);
    g_free(s);
}

static void os_clear(domain_os *os)
{
    g_free(os->type);
    g_free(os->arch);
    g_free(os->machine);
    g_free(os->firmware);
    g_strfreev(os->boot_devs);
    g_free(os->kernel);
    g_free(os->initrd);
    g_free(os->cmdline);
    g_free(os->dtb);
    g_free(os->loader);
    g_free(os->loader_readonly);
    g_free(os->loader_type);
    g_free(os->loader_secure);
    g_free(os->nvram);
    g_free(os->nvram_template);
    g_free(os->init);
    g_strfreev(os->init_args);
    if (os->init_env)
        g_ptr_array_unref(os->init_env);
    g_free(os->init_dir);
    g_free(os->init_user);
    g_free(os->init_group);
    g_free(os->smbios_mode);
    if (os->firmware_features)
        g_ptr_array_unref(os->firmware_features);
}

static void features_clear(domain_features *f)
{
    g_free(f->apic_eoi);
    g_free(f->hyperv_mode);
    if (f->hyperv)
        g_ptr_array_unref(f->hyperv);
    if (f->kvm)
        g_ptr_array_unref(f->kvm);
    g_free(f->gic_version);
    g_free(f->ioapic_driver);
    g_free(f->caps_policy);
    if (f->caps)
        g_ptr_array_unref(f->caps);
}

static void tune_clear(domain_tune *t)
{
    if (t->blkio_devices)
        g_ptr_array_unref(t->blkio_devices);
    if (t->hugepage_sizes)
        g_ptr_array_unref(t->hugepage_sizes);
    g_free(t->source_type);
    g_free(t->access_mode);
    g_free(t->numa_mode);
    g_free(t->numa_nodeset);
    g_free(t->numa_placement);
}

void domain_def_free(domain_def *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->genid);
    g_free(def->title);
    g_free(def->description);
    g_free(def->metadata);
    g_free(def->vcpu.placement);
    g_free(def->vcpu.cpuset);
    os_clear(&def->os);
    g_free(def->resource_partition);
    g_free(def->idmap.uid);
    g_free(def->idmap.gid);
    features_clear(&def->features);
    domain_cpu_free(def->cpu);
    g_free(def->clock.offset);
    g_free(def->clock.timezone);
    g_free(def->clock.adjustment);
    g_free(def->clock.basis);
    if (def->clock.timers)
        g_ptr_array_unref(def->clock.timers);
    tune_clear(&def->tune);
    if (def->sysinfo)
        g_ptr_array_unref(def->sysinfo);
    if (def->seclabels)
        g_ptr_array_unref(def->seclabels);
    devices_clear(&def->devices);
    g_free(def);
}

domain_def *domain_def_copy(const domain_def *def)
{
    g_autofree char *xml = domain_def_format(def, 0);
    domain_def *copy;

    if (!xml)
        return NULL;
    copy = domain_def_parse(xml, DOMAIN_PARSE_LIVE);
    if (copy)
        copy->id = def->id;
    return copy;
}

int domain_def_assign_addresses(domain_def *def)
{
    return devices_assign_addresses(&def->devices, def->os.machine);
}

int domain_name_check(const char *name)
{
    if (!name || !*name) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_NO_NAME, NULL);
        return -1;
    }
    if (strchr(name, '/')) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR, "name %s cannot contain '/'", name);
        return -1;
    }
    return 0;
}

/* Parse a CPU/node list ("0-3,^2,8") into a bitmap; NULL if malformed. */
static GArray *cpuset_parse(const char *s)
{
    g_autoptr(GArray) bits = g_array_new(FALSE, TRUE, sizeof(gboolean));
    g_auto(GStrv) parts = g_strsplit(s, ",", -1);

    for (char **p = parts; *p; p++) {
        const char *t = g_strstrip(*p);
        bool neg = *t == '^';
        guint64 lo, hi;
        char *end;

        t += neg;
        if (!g_ascii_isdigit(*t))
            return NULL;
        lo = hi = g_ascii_strtoull(t, &end, 10);
        if (*end == '-' && !neg) {
            if (!g_ascii_isdigit(end[1]))
                return NULL;
            hi = g_ascii_strtoull(end + 1, &end, 10);
        }
        if (*end || hi < lo || hi >= 65536)
            return NULL;
        if (bits->len <= hi)
            g_array_set_size(bits, (guint)hi + 1);
        for (guint64 i = lo; i <= hi; i++)
            g_array_index(bits, gboolean, i) = !neg;
    }
    return g_steal_pointer(&bits);
}

char *cpuset_normalize(const char *s)
{
    g_autoptr(GArray) bits = s ? cpuset_parse(s) : NULL;
    GString *out;

    if (!bits)
        return NULL;
    out = g_string_new(NULL);
    for (guint i = 0; i < bits->len; i++) {
        guint j = i;

        if (!g_array_index(bits, gboolean, i))
            continue;
        while (j + 1 < bits->len && g_array_index(bits, gboolean, j + 1))
            j++;
        g_string_append_printf(out, "%s%u", out->len ? "," : "", i);
        if (j > i)
            g_string_append_printf(out, "-%u", j);
        i = j;
    }
    if (!out->len) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}
