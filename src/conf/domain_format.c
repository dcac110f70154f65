/*
 * domain_format.c: domain_def -> libvirt domain XML, in libvirt's element
 * order and layout (two-space indent, single-quoted attributes).
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "util/uuid.h"

/* The stored <metadata> element, dumped again at this depth so its
 * children line up and text inside stays byte for byte. */
static void format_metadata(xml_buf *b, const char *metadata)
{
    xmlDocPtr doc;
    xmlBufferPtr buf;

    if (!metadata)
        return;
    doc = xmlReadMemory(metadata, (int)strlen(metadata), "metadata", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOWARNING |
                            XML_PARSE_NOERROR);
    if (!doc)
        return;  /* cannot happen: written by domain_parse.c */
    buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), b->indent / 2, 1);
    for (int i = 0; i < b->indent; i++)
        g_string_append_c(b->str, ' ');
    g_string_append(b->str, (const char *)xmlBufferContent(buf));
    g_string_append_c(b->str, '\n');
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
}

static void format_names(xml_buf *b, const domain_def *def)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];

    uuid_format(def->uuid, uuid);
    xbuf_escape(b, "<name>%s</name>\n", def->name);
    xbuf_add(b, "<uuid>%s</uuid>\n", uuid);
    xbuf_escape(b, "<genid>%s</genid>\n", def->genid);
    xbuf_escape(b, "<title>%s</title>\n", def->title);
    xbuf_escape(b, "<description>%s</description>\n", def->description);
    format_metadata(b, def->metadata);
}

static void format_memory(xml_buf *b, const domain_def *def)
{
    if (def->max_memory_kib) {
        xbuf_add(b, "<maxMemory");
        if (def->max_memory_slots)
            xbuf_add(b, " slots='%u'", def->max_memory_slots);
        xbuf_add(b, " unit='KiB'>%" G_GUINT64_FORMAT "</maxMemory>\n", def->max_memory_kib);
    }
    xbuf_add(b, "<memory unit='KiB'>%" G_GUINT64_FORMAT "</memory>\n", def->memory_kib);
    xbuf_add(b, "<currentMemory unit='KiB'>%" G_GUINT64_FORMAT "</currentMemory>\n",
             def->current_memory_kib);
    domain_blkiotune_format(b, &def->tune);
    domain_memtune_format(b, &def->tune);
}

static void format_vcpu(xml_buf *b, const domain_def *def)
{
    xbuf_add(b, "<vcpu");
    xbuf_escape(b, " placement='%s'", def->vcpu.placement);
    xbuf_escape(b, " cpuset='%s'", def->vcpu.cpuset);
    if (def->vcpu.current && def->vcpu.current != def->vcpu.max)
        xbuf_add(b, " current='%u'", def->vcpu.current);
    xbuf_add(b, ">%u</vcpu>\n", def->vcpu.max);
    if (def->iothreads)
        xbuf_add(b, "<iothreads>%u</iothreads>\n", def->iothreads);
    domain_cputune_format(b, &def->tune);
    domain_numatune_format(b, &def->tune);
}

static void format_lifecycle(xml_buf *b, const domain_def *def)
{
    xbuf_add(b, "<on_poweroff>%s</on_poweroff>\n", domain_action_names[def->on_poweroff]);
    xbuf_add(b, "<on_reboot>%s</on_reboot>\n", domain_action_names[def->on_reboot]);
    xbuf_add(b, "<on_crash>%s</on_crash>\n", domain_action_names[def->on_crash]);
    if (def->pm.suspend_to_mem || def->pm.suspend_to_disk) {
        xbuf_add(b, "<pm>\n");
        if (def->pm.suspend_to_mem)
            xbuf_add(b, "  <suspend-to-mem enabled='%s'/>\n",
                     def->pm.suspend_to_mem == TRISTATE_YES ? "yes" : "no");
        if (def->pm.suspend_to_disk)
            xbuf_add(b, "  <suspend-to-disk enabled='%s'/>\n",
                     def->pm.suspend_to_disk == TRISTATE_YES ? "yes" : "no");
        xbuf_add(b, "</pm>\n");
    }
}

static void format_seclabels(xml_buf *b, const domain_def *def, unsigned int flags)
{
    xml_buf attrs, kids;

    if (!def->seclabels)
        return;
    xbuf_init(&attrs, 0);
    xbuf_init_child(&kids, b);
    for (guint i = 0; i < def->seclabels->len; i++) {
        const domain_seclabel *s = def->seclabels->pdata[i];
        bool dynamic = strcmp(s->type, "dynamic") == 0;

        xbuf_attr(&attrs, "type", s->type);
        xbuf_attr(&attrs, "model", s->model);
        xbuf_attr(&attrs, "relabel", s->relabel);
        if (!(dynamic && (flags & VIREO_DOMAIN_XML_INACTIVE))) {
            xbuf_escape(&kids, "<label>%s</label>\n", s->label);
            xbuf_escape(&kids, "<imagelabel>%s</imagelabel>\n", s->imagelabel);
        }
        xbuf_escape(&kids, "<baselabel>%s</baselabel>\n", s->baselabel);
        xbuf_element(b, "seclabel", &attrs, &kids);
    }
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}

char *domain_def_format(const domain_def *def, unsigned int flags)
{
    xml_buf b, in;

    xbuf_init(&b, 0);
    xbuf_init_child(&in, &b);
    xbuf_add(&b, "<domain type='%s'", domain_virt_names[def->virt]);
    if (def->id >= 0 && !(flags & VIREO_DOMAIN_XML_INACTIVE))
        xbuf_add(&b, " id='%d'", def->id);
    xbuf_add(&b, ">\n");
    format_names(&in, def);
    format_memory(&in, def);
    format_vcpu(&in, def);
    domain_resource_format(&in, def->resource_partition);
    domain_sysinfo_format(&in, def->sysinfo);
    domain_os_format(&in, def);
    domain_idmap_format(&in, &def->idmap);
    domain_features_format(&in, &def->features);
    domain_cpu_format(&in, def->cpu);
    domain_clock_format(&in, &def->clock);
    format_lifecycle(&in, def);
    devices_format(&in, &def->devices, flags);
    format_seclabels(&in, def, flags);
    g_string_append(b.str, in.str->str);
    xbuf_clear(&in);
    xbuf_add(&b, "</domain>\n");
    return xbuf_steal(&b);
}
