/*
 * domain_parse.c: libvirt domain XML -> domain_def.
 *
 * Everything is read through util/xml.h, and xml_doc_check_unused() runs
 * last: whatever no reader touched is refused with its name and line.
 * Defaults that libvirt's generic code fills are filled here; driver
 * defaults (arch, machine, emulator) are the drivers' job.
 */
#include <string.h>

#include <libxml/tree.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "conf/units.h"
#include "util/error.h"
#include "util/uuid.h"

char *domain_attr_enum(xml_doc *d, xmlNode *node, const char *attr, const char *const *names,
                       int *rc)
{
    char *v = NULL;

    if (xml_attr_choice(d, node, attr, names, &v) < 0)
        *rc = -1;
    return v;
}

int domain_attr_cpuset(xml_doc *d, xmlNode *node, const char *attr, char **out)
{
    g_autofree char *v = xml_attr(d, node, attr);

    if (!v)
        return 0;
    if (!(*out = cpuset_normalize(v))) {
        xml_report_invalid(d, node, attr, v);
        return -1;
    }
    return 0;
}

int domain_parse_size(xml_doc *d, xmlNode *node, const char *attr, uint64_t *kib)
{
    g_autofree char *unit = xml_attr(d, node, "unit");
    g_autofree char *text = attr ? xml_attr(d, node, attr) : xml_text(d, node);
    uint64_t n, scale;
    char *end = NULL;

    if (!text)
        return 0;
    g_strstrip(text);
    if (unit_bytes(unit, 1024, &scale) < 0) {
        error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                     "unknown unit '%s' of <%s> at line %ld", unit, node->name,
                     xmlGetLineNo(node));
        return -1;
    }
    n = g_ascii_strtoull(text, &end, 10);
    if (!*text || !g_ascii_isdigit(*text) || *end) {
        xml_report_invalid(d, node, attr, text);
        return -1;
    }
    if (n > G_MAXUINT64 / scale) {
        error_report(d->err_domain, VIREO_ERR_OVERFLOW, "%s%s in <%s>", text,
                     unit ? unit : "", node->name);
        return -1;
    }
    *kib = (n * scale + 1023) / 1024;
    return 1;
}

static int parse_genid(xml_doc *d, xmlNode *root, domain_def *def)
{
    xmlNode *node = xml_child(d, root, "genid");
    g_autofree char *text = node ? xml_text(d, node) : NULL;
    unsigned char id[VIREO_UUID_BUFLEN];
    char buf[VIREO_UUID_STRING_BUFLEN];

    if (!node)
        return 0;
    if (!text) {
        uuid_generate(id);  /* <genid/> asks for a generated one */
    } else if (uuid_parse(g_strstrip(text), id) < 0) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_INTERNAL_ERROR,
                     "malformed genid element '%s' at line %ld", text, xmlGetLineNo(node));
        return -1;
    }
    uuid_format(id, buf);
    def->genid = g_strdup(buf);
    return 0;
}

/* Remove blank text between elements, so the dump is indented the same
 * whatever the input's layout was (libvirt parses with NOBLANKS). */
static void strip_blanks(xmlNode *node)
{
    xmlNode *c = node->children, *next;
    bool has_elements = false;

    for (xmlNode *x = node->children; x; x = x->next)
        if (x->type == XML_ELEMENT_NODE)
            has_elements = true;
    for (; c; c = next) {
        next = c->next;
        if (c->type == XML_ELEMENT_NODE)
            strip_blanks(c);
        else if (has_elements && c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
}

/* Keep <metadata> verbatim: copy it into a document of its own, so the
 * namespaces it uses from <domain> are declared on it, and serialize. */
static int parse_metadata(xml_doc *d, xmlNode *root, domain_def *def)
{
    xmlNode *node = xml_child(d, root, "metadata");
    xmlDocPtr doc;
    xmlNode *copy;
    xmlBufferPtr buf;

    if (!node)
        return 0;
    xml_mark_subtree(d, node);
    doc = xmlNewDoc((const xmlChar *)"1.0");
    copy = xmlDocCopyNode(node, doc, 1);
    if (!copy)
        g_error("out of memory");
    /* the copy declares on itself the namespaces it used from outside */
    xmlDocSetRootElement(doc, copy);
    strip_blanks(copy);
    buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, copy, 0, 1);
    def->metadata = g_strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return 0;
}

static int parse_names(xml_doc *d, xmlNode *root, domain_def *def)
{
    xmlNode *title;

    def->name = xml_child_text(d, root, "name");
    if (domain_name_check(def->name) < 0)
        return -1;
    title = xml_child(d, root, "title");
    if (title) {
        def->title = xml_text(d, title);
        if (def->title && strchr(def->title, '\n')) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "title of domain '%s' can't contain newlines (line %ld)", def->name,
                         xmlGetLineNo(title));
            return -1;
        }
    }
    def->description = xml_child_text(d, root, "description");
    if (xml_child_uuid(d, root, VIREO_ERR_INTERNAL_ERROR, def->uuid) < 0 || parse_genid(d, root, def) < 0)
        return -1;
    return parse_metadata(d, root, def);
}

static int parse_memory(xml_doc *d, xmlNode *root, domain_def *def)
{
    xmlNode *mem = xml_child(d, root, "memory");
    xmlNode *cur = xml_child(d, root, "currentMemory");
    xmlNode *max = xml_child(d, root, "maxMemory");
    int rc = 0;

    if (max) {
        if (domain_parse_size(d, max, NULL, &def->max_memory_kib) < 0 ||
            xml_attr_uint(d, max, "slots", &def->max_memory_slots) < 0)
            return -1;
    }
    if (mem)
        rc = domain_parse_size(d, mem, NULL, &def->memory_kib);
    if (rc < 0)
        return -1;
    if (rc == 0 || def->memory_kib == 0) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "Memory size must be specified via <memory> or in the <numa> "
                     "configuration");
        return -1;
    }
    if (cur && domain_parse_size(d, cur, NULL, &def->current_memory_kib) < 0)
        return -1;
    if (def->current_memory_kib == 0 || def->current_memory_kib > def->memory_kib)
        def->current_memory_kib = def->memory_kib;
    return 0;
}

static int parse_vcpu(xml_doc *d, xmlNode *root, domain_def *def)
{
    static const char *const placements[] = { "static", "auto", NULL };
    xmlNode *node = xml_child(d, root, "vcpu");
    uint64_t n = 1;
    int rc = 0;

    def->vcpu.max = 1;
    if (!node) {
        def->vcpu.placement = g_strdup("static");
        return 0;
    }
    if (xml_text_u64(d, node, &n) < 0)
        return -1;
    if (n == 0 || n > 16384) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "invalid vcpu count %" G_GUINT64_FORMAT " at line %ld", n,
                     xmlGetLineNo(node));
        return -1;
    }
    def->vcpu.max = (unsigned int)n;
    def->vcpu.placement = domain_attr_enum(d, node, "placement", placements, &rc);
    if (rc < 0 || domain_attr_cpuset(d, node, "cpuset", &def->vcpu.cpuset) < 0 || xml_attr_uint(d, node, "current", &def->vcpu.current) < 0)
        return -1;
    if (!def->vcpu.placement)
        def->vcpu.placement = g_strdup("static");
    if (def->vcpu.current > def->vcpu.max) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "maximum vCPU count must not be less than current vCPU count");
        return -1;
    }
    if (def->vcpu.current == def->vcpu.max)
        def->vcpu.current = 0;
    return 0;
}

static int parse_action(xml_doc *d, xmlNode *root, const char *name, domain_action dflt,
                        domain_action *out)
{
    xmlNode *node = xml_child(d, root, name);
    g_autofree char *text = node ? xml_text(d, node) : NULL;
    int i;

    *out = dflt;
    if (!text)
        return 0;
    g_strstrip(text);
    i = str_enum_index(domain_action_names, text);
    /* the coredump actions only make sense on a crash */
    if (i < 0 || (i >= DOMAIN_ACTION_COREDUMP_DESTROY && strcmp(name, "on_crash") != 0)) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown %s action: %s (line %ld)", name, text, xmlGetLineNo(node));
        return -1;
    }
    *out = (domain_action)i;
    return 0;
}

static int parse_pm_one(xml_doc *d, xmlNode *pm, const char *name, tristate *out)
{
    xmlNode *node = xml_child(d, pm, name);
    bool yes;
    int rc;

    if (!node)
        return 0;
    rc = xml_attr_bool(d, node, "enabled", &yes);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        xml_report_missing(d, node, "attribute 'enabled'");
        return -1;
    }
    *out = yes ? TRISTATE_YES : TRISTATE_NO;
    return 0;
}

static int parse_lifecycle(xml_doc *d, xmlNode *root, domain_def *def)
{
    xmlNode *pm = xml_child(d, root, "pm");

    if (parse_action(d, root, "on_poweroff", DOMAIN_ACTION_DESTROY, &def->on_poweroff) < 0 ||
        parse_action(d, root, "on_reboot", DOMAIN_ACTION_RESTART, &def->on_reboot) < 0 ||
        parse_action(d, root, "on_crash", DOMAIN_ACTION_DESTROY, &def->on_crash) < 0)
        return -1;
    if (pm && (parse_pm_one(d, pm, "suspend-to-mem", &def->pm.suspend_to_mem) < 0 ||
               parse_pm_one(d, pm, "suspend-to-disk", &def->pm.suspend_to_disk) < 0))
        return -1;
    return 0;
}

static int parse_seclabel(xml_doc *d, xmlNode *node, bool live, domain_seclabel *s)
{
    static const char *const types[] = { "none", "dynamic", "static", NULL };
    static const char *const yesno[] = { "yes", "no", NULL };
    int rc = 0;

    s->type = domain_attr_enum(d, node, "type", types, &rc);
    s->model = xml_attr(d, node, "model");
    s->relabel = domain_attr_enum(d, node, "relabel", yesno, &rc);
    s->label = xml_child_text(d, node, "label");
    s->imagelabel = xml_child_text(d, node, "imagelabel");
    s->baselabel = xml_child_text(d, node, "baselabel");
    if (rc < 0)
        return -1;
    if (!s->type)
        s->type = g_strdup(s->model || s->label ? "dynamic" : "none");
    if (strcmp(s->type, "dynamic") == 0) {
        if (!s->relabel)
            s->relabel = g_strdup("yes");
        if (!live) {
            /* generated when the domain starts: not part of its config */
            g_clear_pointer(&s->label, g_free);
            g_clear_pointer(&s->imagelabel, g_free);
        }
    } else if (strcmp(s->type, "none") == 0) {
        g_clear_pointer(&s->relabel, g_free);
    }
    return 0;
}

static int parse_seclabels(xml_doc *d, xmlNode *root, unsigned int flags, domain_def *def)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, root, "seclabel");

    def->seclabels = g_ptr_array_new_with_free_func(domain_seclabel_free);
    for (guint i = 0; i < nodes->len; i++) {
        domain_seclabel *s = g_new0(domain_seclabel, 1);

        g_ptr_array_add(def->seclabels, s);
        if (parse_seclabel(d, nodes->pdata[i], flags & DOMAIN_PARSE_LIVE, s) < 0)
            return -1;
    }
    return 0;
}

static bool devices_have_boot_order(const domain_devices *devs)
{
    for (guint i = 0; devs->disks && i < devs->disks->len; i++)
        if (((device_disk *)devs->disks->pdata[i])->info.boot_order)
            return true;
    for (guint i = 0; devs->interfaces && i < devs->interfaces->len; i++)
        if (((device_interface *)devs->interfaces->pdata[i])->info.boot_order)
            return true;
    for (guint i = 0; devs->hostdevs && i < devs->hostdevs->len; i++)
        if (((device_hostdev *)devs->hostdevs->pdata[i])->info.boot_order)
            return true;
    for (guint i = 0; devs->redirdevs && i < devs->redirdevs->len; i++)
        if (((device_redirdev *)devs->redirdevs->pdata[i])->chr->info.boot_order)
            return true;
    return false;
}

/* libvirt boots an hvm guest from its first disk unless told otherwise
 * (even with a <kernel>: it writes <boot dev='hd'/> then too) */
static void fill_boot_default(domain_def *def)
{
    if (strcmp(def->os.type, "hvm") != 0 || def->os.boot_devs ||
        devices_have_boot_order(&def->devices))
        return;
    def->os.boot_devs = g_new0(char *, 2);
    def->os.boot_devs[0] = g_strdup("hd");
}

static int parse_type(xml_doc *d, xmlNode *root, unsigned int flags, domain_def *def)
{
    g_autofree char *type = xml_attr(d, root, "type");
    int i, id = -1;

    if (!type) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_INTERNAL_ERROR,
                     "missing domain type attribute");
        return -1;
    }
    if ((i = str_enum_index(domain_virt_names, type)) < 0) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED, "invalid domain type %s",
                     type);
        return -1;
    }
    def->virt = (domain_virt)i;
    if (xml_attr_int(d, root, "id", &id) < 0)
        return -1;
    /* an inactive definition has no id, whatever the XML says */
    def->id = (flags & DOMAIN_PARSE_LIVE) ? id : -1;
    return 0;
}

static int parse_body(xml_doc *d, xmlNode *root, unsigned int flags, domain_def *def)
{
    xmlNode *node;

    if (parse_type(d, root, flags, def) < 0 || parse_names(d, root, def) < 0 ||
        parse_memory(d, root, def) < 0 || parse_vcpu(d, root, def) < 0)
        return -1;
    node = xml_child(d, root, "iothreads");
    if (node) {
        uint64_t n = 0;

        if (xml_text_u64(d, node, &n) < 0)
            return -1;
        if (n > G_MAXUINT) {
            xml_report_invalid(d, node, NULL, "iothreads");
            return -1;
        }
        def->iothreads = (unsigned int)n;
    }
    if (domain_tune_parse(d, root, &def->tune) < 0 ||
        domain_sysinfo_parse(d, root, &def->sysinfo) < 0 || domain_os_parse(d, root, def) < 0 ||
        domain_resource_parse(d, root, &def->resource_partition) < 0 ||
        domain_idmap_parse(d, root, &def->idmap) < 0)
        return -1;
    /* libvirt lets automatic vCPU placement decide memory placement too */
    if (strcmp(def->vcpu.placement, "auto") == 0 && !def->tune.numa_mode) {
        def->tune.numa_mode = g_strdup("strict");
        def->tune.numa_placement = g_strdup("auto");
    }
    node = xml_child(d, root, "features");
    if (node && domain_features_parse(d, node, &def->features) < 0)
        return -1;
    node = xml_child(d, root, "cpu");
    if (node && domain_cpu_parse(d, node, &def->cpu) < 0)
        return -1;
    if (domain_clock_parse(d, xml_child(d, root, "clock"), &def->clock) < 0 ||
        parse_lifecycle(d, root, def) < 0)
        return -1;
    if (devices_parse(d, xml_child(d, root, "devices"), &def->devices, flags) < 0)
        return -1;
    return parse_seclabels(d, root, flags, def);
}

domain_def *domain_def_parse(const char *xml, unsigned int flags)
{
    g_autoptr(xml_doc) d = xml_doc_parse(xml, "domain_definition", VIREO_FROM_DOMAIN);
    g_autoptr(domain_def) def = NULL;
    xmlNode *root;

    if (!d || !(root = xml_doc_root(d, "domain")))
        return NULL;
    def = g_new0(domain_def, 1);
    def->id = -1;
    if (parse_body(d, root, flags, def) < 0 || xml_doc_check_unused(d) < 0)
        return NULL;
    fill_boot_default(def);
    return g_steal_pointer(&def);
}
