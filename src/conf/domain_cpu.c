/*
 * domain_cpu.c: the guest platform: <features>, <cpu> and <clock>, parsed
 * and formatted in libvirt's layout and order.
 */
#include <string.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "util/error.h"

static const char *const onoff[] = { "on", "off", NULL };
static const char *const yesno[] = { "yes", "no", NULL };

/* <hyperv> and <kvm> children, in the order libvirt writes them */
static const char *const hyperv_names[] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset",
    "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic", NULL,
};
static const char *const kvm_names[] = {
    "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring", NULL,
};

static int sort_by_table(gconstpointer a, gconstpointer b, gpointer table)
{
    const domain_feature_state *fa = *(domain_feature_state *const *)a;
    const domain_feature_state *fb = *(domain_feature_state *const *)b;

    return str_enum_index(table, fa->name) - str_enum_index(table, fb->name);
}

/* The children of <hyperv> or <kvm>: each named in names, each with a
 * state, each once. */
static int parse_state_list(xml_doc *d, xmlNode *node, const char *const *names, GPtrArray **out)
{
    g_autoptr(GPtrArray) kids = xml_children(d, node, NULL);
    int rc = 0;

    *out = g_ptr_array_new_with_free_func(domain_feature_state_free);
    for (guint i = 0; i < kids->len; i++) {
        xmlNode *k = kids->pdata[i];
        domain_feature_state *f;
        const char *name = (const char *)k->name;

        if (str_enum_index(names, name) < 0) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "unsupported element <%s> in <%s> at line %ld", name, node->name,
                         xmlGetLineNo(k));
            return -1;
        }
        for (guint j = 0; j < (*out)->len; j++) {
            if (strcmp(((domain_feature_state *)(*out)->pdata[j])->name, name) == 0) {
                error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                             "duplicate <%s> in <%s> at line %ld", name, node->name,
                             xmlGetLineNo(k));
                return -1;
            }
        }
        f = g_new0(domain_feature_state, 1);
        g_ptr_array_add(*out, f);
        f->name = g_strdup(name);
        f->state = domain_attr_enum(d, k, "state", onoff, &rc);
        if (strcmp(name, "spinlocks") == 0)
            f->value = xml_attr(d, k, "retries");
        else if (strcmp(name, "vendor_id") == 0)
            f->value = xml_attr(d, k, "value");
        else if (strcmp(name, "dirty-ring") == 0)
            f->value = xml_attr(d, k, "size");
        else if (strcmp(name, "stimer") == 0 && xml_has_child(k, "direct"))
            f->direct = domain_attr_enum(d, xml_child(d, k, "direct"), "state", onoff, &rc);
        if (rc < 0)
            return -1;
        if (!f->state) {
            xml_report_missing(d, k, "attribute 'state'");
            return -1;
        }
    }
    g_ptr_array_sort_with_data(*out, sort_by_table, (gpointer)names);
    return 0;
}

/* <NAME state='on|off'/>, state defaulting to on */
static int parse_state_feature(xml_doc *d, xmlNode *features, const char *name, tristate *out)
{
    xmlNode *node = xml_child(d, features, name);
    int i = 0;

    if (!node)
        return 0;
    if (xml_attr_enum(d, node, "state", onoff, &i) < 0)
        return -1;
    *out = i == 0 ? TRISTATE_YES : TRISTATE_NO;
    return 0;
}

int domain_features_parse(xml_doc *d, xmlNode *node, domain_features *f)
{
    static const char *const hv_modes[] = { "custom", "passthrough", NULL };
    static const char *const ioapic_drivers[] = { "qemu", "kvm", NULL };
    xmlNode *c;
    int rc = 0;

    f->acpi = xml_child(d, node, "acpi") != NULL;
    f->pae = xml_child(d, node, "pae") != NULL;
    f->viridian = xml_child(d, node, "viridian") != NULL;
    f->privnet = xml_child(d, node, "privnet") != NULL;
    if ((c = xml_child(d, node, "apic"))) {
        f->apic = true;
        f->apic_eoi = domain_attr_enum(d, c, "eoi", onoff, &rc);
    }
    if ((c = xml_child(d, node, "gic"))) {
        f->gic_present = true;
        f->gic_version = xml_attr(d, c, "version");
    }
    if ((c = xml_child(d, node, "ioapic")))
        f->ioapic_driver = domain_attr_enum(d, c, "driver", ioapic_drivers, &rc);
    if ((c = xml_child(d, node, "hyperv"))) {
        f->hyperv_present = true;
        f->hyperv_mode = domain_attr_enum(d, c, "mode", hv_modes, &rc);
        if (!f->hyperv_mode)
            f->hyperv_mode = g_strdup("custom");
        if (rc < 0 || parse_state_list(d, c, hyperv_names, &f->hyperv) < 0)
            return -1;
    }
    if ((c = xml_child(d, node, "kvm")) && parse_state_list(d, c, kvm_names, &f->kvm) < 0)
        return -1;
    if (rc < 0 || parse_state_feature(d, node, "hap", &f->hap) < 0 ||
        parse_state_feature(d, node, "pvspinlock", &f->pvspinlock) < 0 ||
        parse_state_feature(d, node, "pmu", &f->pmu) < 0 ||
        parse_state_feature(d, node, "vmport", &f->vmport) < 0 ||
        parse_state_feature(d, node, "smm", &f->smm) < 0 ||
        parse_state_feature(d, node, "vmcoreinfo", &f->vmcoreinfo) < 0 ||
        domain_caps_parse(d, node, f) < 0)
        return -1;
    return 0;
}

static void format_state(xml_buf *b, const char *name, tristate t)
{
    if (t)
        xbuf_add(b, "<%s state='%s'/>\n", name, t == TRISTATE_YES ? "on" : "off");
}

static void format_state_list(xml_buf *b, const GPtrArray *list)
{
    for (guint i = 0; i < list->len; i++) {
        const domain_feature_state *f = list->pdata[i];
        const char *attr = strcmp(f->name, "spinlocks") == 0   ? "retries"
                           : strcmp(f->name, "vendor_id") == 0 ? "value"
                                                               : "size";

        xbuf_add(b, "  <%s state='%s'", f->name, f->state);
        if (f->value && strcmp(f->state, "on") == 0) {
            xbuf_add(b, " %s", attr);
            xbuf_escape(b, "='%s'", f->value);
        }
        if (f->direct)
            xbuf_add(b, ">\n    <direct state='%s'/>\n  </%s>\n", f->direct, f->name);
        else
            xbuf_add(b, "/>\n");
    }
}

static void format_features_body(xml_buf *b, const domain_features *f)
{
    if (f->acpi)
        xbuf_add(b, "<acpi/>\n");
    if (f->apic && f->apic_eoi)
        xbuf_add(b, "<apic eoi='%s'/>\n", f->apic_eoi);
    else if (f->apic)
        xbuf_add(b, "<apic/>\n");
    if (f->pae)
        xbuf_add(b, "<pae/>\n");
    format_state(b, "hap", f->hap);
    if (f->viridian)
        xbuf_add(b, "<viridian/>\n");
    if (f->privnet)
        xbuf_add(b, "<privnet/>\n");
    if (f->hyperv_present) {
        xbuf_escape(b, "<hyperv mode='%s'>\n", f->hyperv_mode);
        format_state_list(b, f->hyperv);
        xbuf_add(b, "</hyperv>\n");
    }
    if (f->kvm) {
        xbuf_add(b, "<kvm>\n");
        format_state_list(b, f->kvm);
        xbuf_add(b, "</kvm>\n");
    }
    format_state(b, "pvspinlock", f->pvspinlock);
    domain_caps_format(b, f);
    format_state(b, "pmu", f->pmu);
    format_state(b, "vmport", f->vmport);
    if (f->gic_present && f->gic_version)
        xbuf_escape(b, "<gic version='%s'/>\n", f->gic_version);
    else if (f->gic_present)
        xbuf_add(b, "<gic/>\n");
    format_state(b, "smm", f->smm);
    xbuf_escape(b, "<ioapic driver='%s'/>\n", f->ioapic_driver);
    format_state(b, "vmcoreinfo", f->vmcoreinfo);
}

void domain_features_format(xml_buf *b, const domain_features *f)
{
    xml_buf kids;

    xbuf_init_child(&kids, b);
    format_features_body(&kids, f);
    xbuf_element(b, "features", NULL, &kids);
    xbuf_clear(&kids);
}

static int parse_cpu_model(xml_doc *d, xmlNode *node, domain_cpu *cpu)
{
    static const char *const fallbacks[] = { "allow", "forbid", NULL };
    xmlNode *model = xml_child(d, node, "model");
    int rc = 0;

    cpu->vendor = xml_child_text(d, node, "vendor");
    if (!model)
        return 0;
    cpu->model = xml_text(d, model);
    cpu->model_fallback = domain_attr_enum(d, model, "fallback", fallbacks, &rc);
    cpu->model_vendor_id = xml_attr(d, model, "vendor_id");
    return rc;
}

static int parse_cpu_topology(xml_doc *d, xmlNode *node, domain_cpu *cpu)
{
    xmlNode *topo = xml_child(d, node, "topology");
    const char *missing = NULL;

    if (!topo)
        return 0;
    if (xml_attr_uint(d, topo, "sockets", &cpu->sockets) < 0 ||
        xml_attr_uint(d, topo, "dies", &cpu->dies) < 0 ||
        xml_attr_uint(d, topo, "cores", &cpu->cores) < 0 ||
        xml_attr_uint(d, topo, "threads", &cpu->threads) < 0)
        return -1;
    if (!cpu->sockets)
        missing = "sockets";
    else if (!cpu->cores)
        missing = "cores";
    else if (!cpu->threads)
        missing = "threads";
    if (missing) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "Missing or zero '%s' attribute in CPU topology at line %ld", missing,
                     xmlGetLineNo(topo));
        return -1;
    }
    if (!cpu->dies)
        cpu->dies = 1;
    return 0;
}

static int parse_cpu_features(xml_doc *d, xmlNode *node, domain_cpu *cpu)
{
    static const char *const policies[] = { "force", "require", "optional", "disable", "forbid",
                                            NULL };
    g_autoptr(GPtrArray) nodes = xml_children(d, node, "feature");
    int rc = 0;

    for (guint i = 0; i < nodes->len; i++) {
        domain_cpu_feature *f = g_new0(domain_cpu_feature, 1);

        g_ptr_array_add(cpu->features, f);
        f->policy = domain_attr_enum(d, nodes->pdata[i], "policy", policies, &rc);
        f->name = xml_attr(d, nodes->pdata[i], "name");
        if (rc < 0)
            return -1;
        if (!f->name) {
            xml_report_missing(d, nodes->pdata[i], "attribute 'name'");
            return -1;
        }
        if (!f->policy)
            f->policy = g_strdup("require");
    }
    return 0;
}

static int parse_numa(xml_doc *d, xmlNode *node, domain_cpu *cpu)
{
    static const char *const access[] = { "shared", "private", NULL };
    xmlNode *numa = xml_child(d, node, "numa");
    g_autoptr(GPtrArray) cells = NULL;
    int rc = 0;

    if (!numa)
        return 0;
    cells = xml_children(d, numa, "cell");
    for (guint i = 0; i < cells->len; i++) {
        xmlNode *c = cells->pdata[i];
        domain_numa_cell *cell = g_new0(domain_numa_cell, 1);
        unsigned int id = i;

        g_ptr_array_add(cpu->numa_cells, cell);
        if (xml_attr_uint(d, c, "id", &id) < 0 ||
            domain_parse_size(d, c, "memory", &cell->memory_kib) < 0)
            return -1;
        cell->id = (int)id;
        if (domain_attr_cpuset(d, c, "cpus", &cell->cpus) < 0)
            return -1;
        cell->memaccess = domain_attr_enum(d, c, "memAccess", access, &rc);
        cell->discard = domain_attr_enum(d, c, "discard", yesno, &rc);
        if (rc < 0)
            return -1;
        if (!cell->memory_kib) {
            xml_report_missing(d, c, "attribute 'memory'");
            return -1;
        }
    }
    return 0;
}

int domain_cpu_parse(xml_doc *d, xmlNode *node, domain_cpu **out)
{
    static const char *const modes[] = { "custom", "host-model", "host-passthrough", "maximum",
                                         NULL };
    static const char *const matches[] = { "minimum", "exact", "strict", NULL };
    static const char *const checks[] = { "none", "partial", "full", NULL };
    domain_cpu *cpu = domain_cpu_new();
    int rc = 0;

    *out = cpu;
    cpu->mode = domain_attr_enum(d, node, "mode", modes, &rc);
    cpu->match = domain_attr_enum(d, node, "match", matches, &rc);
    cpu->check = domain_attr_enum(d, node, "check", checks, &rc);
    cpu->migratable = domain_attr_enum(d, node, "migratable", onoff, &rc);
    if (rc < 0 || parse_cpu_model(d, node, cpu) < 0 || parse_cpu_topology(d, node, cpu) < 0 ||
        parse_cpu_features(d, node, cpu) < 0 || parse_numa(d, node, cpu) < 0)
        return -1;
    if (!cpu->mode)
        cpu->mode = g_strdup("custom");
    if (strcmp(cpu->mode, "custom") != 0) {
        /* the host decides the model: libvirt keeps no model here */
        g_clear_pointer(&cpu->model, g_free);
        g_clear_pointer(&cpu->model_fallback, g_free);
        g_clear_pointer(&cpu->match, g_free);
    } else if (cpu->model) {
        if (!cpu->match)
            cpu->match = g_strdup("exact");
        if (!cpu->model_fallback)
            cpu->model_fallback = g_strdup("allow");
    } else if (cpu->features->len) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "Non-empty feature list specified without CPU model");
        return -1;
    }
    return 0;
}

static void format_cpu_body(xml_buf *b, const domain_cpu *cpu)
{
    if (cpu->model) {
        xbuf_escape(b, "<model fallback='%s'", cpu->model_fallback);
        xbuf_escape(b, " vendor_id='%s'", cpu->model_vendor_id);
        xbuf_escape(b, ">%s</model>\n", cpu->model);
    }
    xbuf_escape(b, "<vendor>%s</vendor>\n", cpu->vendor);
    if (cpu->sockets)
        xbuf_add(b, "<topology sockets='%u' dies='%u' cores='%u' threads='%u'/>\n",
                 cpu->sockets, cpu->dies, cpu->cores, cpu->threads);
    for (guint i = 0; i < cpu->features->len; i++) {
        const domain_cpu_feature *f = cpu->features->pdata[i];

        xbuf_escape(b, "<feature policy='%s'", f->policy);
        xbuf_escape(b, " name='%s'/>\n", f->name);
    }
    if (!cpu->numa_cells->len)
        return;
    xbuf_add(b, "<numa>\n");
    for (guint i = 0; i < cpu->numa_cells->len; i++) {
        const domain_numa_cell *c = cpu->numa_cells->pdata[i];

        xbuf_add(b, "  <cell id='%d'", c->id);
        xbuf_escape(b, " cpus='%s'", c->cpus);
        xbuf_add(b, " memory='%" G_GUINT64_FORMAT "' unit='KiB'", c->memory_kib);
        xbuf_escape(b, " memAccess='%s'", c->memaccess);
        xbuf_escape(b, " discard='%s'", c->discard);
        xbuf_add(b, "/>\n");
    }
    xbuf_add(b, "</numa>\n");
}

void domain_cpu_format(xml_buf *b, const domain_cpu *cpu)
{
    xml_buf attrs, kids;
    bool custom;

    if (!cpu)
        return;
    custom = strcmp(cpu->mode, "custom") == 0;
    xbuf_init(&attrs, 0);
    xbuf_init_child(&kids, b);
    if (!custom || cpu->model)
        xbuf_attr(&attrs, "mode", cpu->mode);
    if (custom)
        xbuf_attr(&attrs, "match", cpu->match);
    xbuf_attr(&attrs, "check", cpu->check);
    xbuf_attr(&attrs, "migratable", cpu->migratable);
    format_cpu_body(&kids, cpu);
    xbuf_element(b, "cpu", &attrs, &kids);
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}

static int parse_timer(xml_doc *d, xmlNode *node, domain_timer *t)
{
    static const char *const names[] = { "platform", "pit", "rtc", "hpet", "tsc", "kvmclock",
                                         "hypervclock", "armvtimer", NULL };
    static const char *const ticks[] = { "delay", "catchup", "merge", "discard", NULL };
    static const char *const tracks[] = { "boot", "guest", "wall", "realtime", NULL };
    static const char *const modes[] = { "auto", "native", "emulate", "paravirt", "smpsafe",
                                         NULL };
    uint64_t freq;
    int rc = 0;

    t->name = domain_attr_enum(d, node, "name", names, &rc);
    t->present = domain_attr_enum(d, node, "present", yesno, &rc);
    t->tickpolicy = domain_attr_enum(d, node, "tickpolicy", ticks, &rc);
    t->track = domain_attr_enum(d, node, "track", tracks, &rc);
    t->mode = domain_attr_enum(d, node, "mode", modes, &rc);
    if (rc < 0 || xml_attr_u64(d, node, "frequency", &freq) < 0)
        return -1;
    if (xmlHasProp(node, (const xmlChar *)"frequency"))
        t->frequency = g_strdup_printf("%" G_GUINT64_FORMAT, freq);
    if (!t->name) {
        xml_report_missing(d, node, "attribute 'name'");
        return -1;
    }
    return 0;
}

int domain_clock_parse(xml_doc *d, xmlNode *node, domain_clock *clock)
{
    static const char *const offsets[] = { "utc", "localtime", "timezone", "variable",
                                           "absolute", NULL };
    g_autoptr(GPtrArray) timers = NULL;
    static const char *const bases[] = { "utc", "localtime", NULL };
    int rc = 0;

    clock->timers = g_ptr_array_new_with_free_func(domain_timer_free);
    if (!node) {
        clock->offset = g_strdup("utc");
        return 0;
    }
    clock->offset = xml_attr(d, node, "offset");
    if (clock->offset && str_enum_index(offsets, clock->offset) < 0) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown clock offset '%s' at line %ld", clock->offset, xmlGetLineNo(node));
        return -1;
    }
    if (!clock->offset)
        clock->offset = g_strdup("utc");
    clock->timezone = xml_attr(d, node, "timezone");
    clock->adjustment = xml_attr(d, node, "adjustment");
    clock->basis = domain_attr_enum(d, node, "basis", bases, &rc);
    if (rc < 0)
        return -1;
    if (strcmp(clock->offset, "variable") == 0) {
        if (!clock->basis)
            clock->basis = g_strdup("utc");
        if (!clock->adjustment)
            clock->adjustment = g_strdup("0");
    }
    timers = xml_children(d, node, "timer");
    for (guint i = 0; i < timers->len; i++) {
        domain_timer *t = g_new0(domain_timer, 1);

        g_ptr_array_add(clock->timers, t);
        if (parse_timer(d, timers->pdata[i], t) < 0)
            return -1;
    }
    return 0;
}

void domain_clock_format(xml_buf *b, const domain_clock *clock)
{
    xml_buf attrs, kids;

    xbuf_init(&attrs, 0);
    xbuf_init_child(&kids, b);
    xbuf_attr(&attrs, "offset", clock->offset);
    xbuf_attr(&attrs, "timezone", clock->timezone);
    xbuf_attr(&attrs, "adjustment", clock->adjustment);
    xbuf_attr(&attrs, "basis", clock->basis);
    for (guint i = 0; clock->timers && i < clock->timers->len; i++) {
        const domain_timer *t = clock->timers->pdata[i];

        xbuf_escape(&kids, "<timer name='%s'", t->name);
        xbuf_escape(&kids, " present='%s'", t->present);
        xbuf_escape(&kids, " tickpolicy='%s'", t->tickpolicy);
        xbuf_escape(&kids, " track='%s'", t->track);
        xbuf_escape(&kids, " frequency='%s'", t->frequency);
        xbuf_escape(&kids, " mode='%s'", t->mode);
        xbuf_add(&kids, "/>\n");
    }
    xbuf_element(b, "clock", &attrs, &kids);
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}
