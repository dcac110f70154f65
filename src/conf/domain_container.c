/*
 * domain_container.c: <idmap> (a container's user namespace),
 * <features><capabilities> (the capabilities its processes keep) and
 * <resource><partition> (the cgroup a domain is placed under), parsed and
 * written as libvirt does.
 */
#include <stdlib.h>
#include <string.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "util/error.h"

static int idmap_entry_cmp(const void *a, const void *b)
{
    const domain_idmap_entry *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* One <uid> or <gid> list: every entry complete, count > 0, the ranges
 * disjoint on both sides (the kernel refuses overlapping lines), and the
 * container's root mapped (libvirt's rule). */
static int idmap_list_parse(xml_doc *d, xmlNode *idmap, const char *kind,
                            domain_idmap_entry **out, size_t *n)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, idmap, kind);
    domain_idmap_entry *e;

    if (!nodes->len)
        return 0;
    e = *out = g_new0(domain_idmap_entry, nodes->len);
    *n = nodes->len;
    for (guint i = 0; i < nodes->len; i++) {
        xmlNode *x = nodes->pdata[i];
        int a = xml_attr_uint(d, x, "start", &e[i].start);
        int b = a < 0 ? -1 : xml_attr_uint(d, x, "target", &e[i].target);
        int c = b < 0 ? -1 : xml_attr_uint(d, x, "count", &e[i].count);

        if (a < 0 || b < 0 || c < 0)
            return -1;
        if (!a || !b || !c || e[i].count == 0 ||
            (uint64_t)e[i].start + e[i].count - 1 > G_MAXUINT32 ||
            (uint64_t)e[i].target + e[i].count - 1 > G_MAXUINT32) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "invalid idmap start/target/count settings in <%s> at line %ld", kind,
                         xmlGetLineNo(x));
            return -1;
        }
    }
    qsort(e, *n, sizeof(*e), idmap_entry_cmp);
    if (e[0].start != 0) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "You must map the root user of container (<idmap><%s start='0'>)", kind);
        return -1;
    }
    for (size_t i = 0; i < *n; i++) {
        for (size_t j = i + 1; j < *n; j++) {
            bool inside = (uint64_t)e[i].start + e[i].count > e[j].start;
            bool outside = e[i].target < (uint64_t)e[j].target + e[j].count &&
                           e[j].target < (uint64_t)e[i].target + e[i].count;

            if (inside || outside) {
                error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                             "overlapping <idmap><%s> ranges: start='%u' and start='%u'", kind,
                             e[i].start, e[j].start);
                return -1;
            }
        }
    }
    return 0;
}

int domain_idmap_parse(xml_doc *d, xmlNode *root, domain_idmap *idmap)
{
    xmlNode *node = xml_child(d, root, "idmap");

    if (!node)
        return 0;
    if (idmap_list_parse(d, node, "uid", &idmap->uid, &idmap->nuid) < 0 ||
        idmap_list_parse(d, node, "gid", &idmap->gid, &idmap->ngid) < 0)
        return -1;
    if (!idmap->uid != !idmap->gid) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                     "uid and gid should be mapped both in <idmap> at line %ld",
                     xmlGetLineNo(node));
        return -1;
    }
    return 0;
}

void domain_idmap_format(xml_buf *b, const domain_idmap *idmap)
{
    if (!idmap->uid)
        return;
    xbuf_add(b, "<idmap>\n");
    b->indent += 2;
    for (size_t i = 0; i < idmap->nuid; i++)
        xbuf_add(b, "<uid start='%u' target='%u' count='%u'/>\n", idmap->uid[i].start,
                 idmap->uid[i].target, idmap->uid[i].count);
    for (size_t i = 0; i < idmap->ngid; i++)
        xbuf_add(b, "<gid start='%u' target='%u' count='%u'/>\n", idmap->gid[i].start,
                 idmap->gid[i].target, idmap->gid[i].count);
    b->indent -= 2;
    xbuf_add(b, "</idmap>\n");
}

int domain_resource_parse(xml_doc *d, xmlNode *root, char **partition)
{
    xmlNode *node = xml_child(d, root, "resource");

    if (!node)
        return 0;
    *partition = xml_child_text(d, node, "partition");
    if (*partition && (*partition)[0] != '/') {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "Resource partition '%s' must start with '/'", *partition);
        return -1;
    }
    return 0;
}

void domain_resource_format(xml_buf *b, const char *partition)
{
    if (!partition)
        return;
    xbuf_add(b, "<resource>\n");
    b->indent += 2;
    xbuf_escape(b, "<partition>%s</partition>\n", partition);
    b->indent -= 2;
    xbuf_add(b, "</resource>\n");
}

/* libvirt's order, which is the order it writes them in */
static const char *const cap_names[] = {
    "audit_control", "audit_write", "block_suspend", "chown", "dac_override",
    "dac_read_search", "fowner", "fsetid", "ipc_lock", "ipc_owner", "kill", "lease",
    "linux_immutable", "mac_admin", "mac_override", "mknod", "net_admin",
    "net_bind_service", "net_broadcast", "net_raw", "setgid", "setfcap", "setpcap",
    "setuid", "sys_admin", "sys_boot", "sys_chroot", "sys_module", "sys_nice",
    "sys_pacct", "sys_ptrace", "sys_rawio", "sys_resource", "sys_time",
    "sys_tty_config", "syslog", "wake_alarm", NULL,
};

static int cap_cmp(gconstpointer a, gconstpointer b)
{
    const domain_feature_state *x = *(domain_feature_state *const *)a;
    const domain_feature_state *y = *(domain_feature_state *const *)b;

    return str_enum_index(cap_names, x->name) - str_enum_index(cap_names, y->name);
}

int domain_caps_parse(xml_doc *d, xmlNode *features, domain_features *f)
{
    static const char *const policies[] = { "default", "allow", "deny", NULL };
    static const char *const onoff[] = { "on", "off", NULL };
    xmlNode *node = xml_child(d, features, "capabilities");
    g_autoptr(GPtrArray) kids = NULL;

    if (!node)
        return 0;
    if (xml_attr_choice(d, node, "policy", policies, &f->caps_policy) < 0)
        return -1;
    if (!f->caps_policy)
        f->caps_policy = g_strdup("default");
    f->caps = g_ptr_array_new_with_free_func(domain_feature_state_free);
    kids = xml_children(d, node, NULL);
    for (guint i = 0; i < kids->len; i++) {
        xmlNode *x = kids->pdata[i];
        domain_feature_state *c;

        if (str_enum_index(cap_names, (const char *)x->name) < 0) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "unexpected capability feature '%s' in <capabilities> at line %ld",
                         (const char *)x->name, xmlGetLineNo(x));
            return -1;
        }
        for (guint j = 0; j < f->caps->len; j++) {
            if (strcmp(((domain_feature_state *)f->caps->pdata[j])->name,
                       (const char *)x->name) == 0) {
                error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                             "capability feature '%s' given twice in <capabilities> at line %ld",
                             (const char *)x->name, xmlGetLineNo(x));
                return -1;
            }
        }
        c = g_new0(domain_feature_state, 1);
        c->name = g_strdup((const char *)x->name);
        g_ptr_array_add(f->caps, c);
        if (xml_attr_choice(d, x, "state", onoff, &c->state) < 0)
            return -1;
        if (!c->state) {
            xml_report_missing(d, x, "attribute 'state'");
            return -1;
        }
    }
    g_ptr_array_sort(f->caps, cap_cmp);
    return 0;
}

void domain_caps_format(xml_buf *b, const domain_features *f)
{
    if (!f->caps_policy || (strcmp(f->caps_policy, "default") == 0 && !f->caps->len))
        return;
    xbuf_escape(b, "<capabilities policy='%s'>\n", f->caps_policy);
    for (guint i = 0; i < f->caps->len; i++) {
        const domain_feature_state *c = f->caps->pdata[i];

        xbuf_add(b, "  <%s state='%s'/>\n", c->name, c->state);
    }
    xbuf_add(b, "</capabilities>\n");
}
