/*
 * storage_iscsi_sources.c: portals and find-storage-pool-sources XML for
 * the iSCSI pool types (see storage_iscsi_sources.h).
 */
#include <string.h>

#include "drivers/storage/storage_iscsi_sources.h"
#include "util/error.h"
#include "util/xml.h"

char *iscsi_portal(const storage_pool_host *host)
{
    unsigned int port = host->port ? host->port : ISCSI_DEFAULT_PORT;

    if (strchr(host->name, ':'))
        return g_strdup_printf("[%s]:%u", host->name, port);
    return g_strdup_printf("%s:%u", host->name, port);
}

void iscsi_source_spec_clear(iscsi_source_spec *spec)
{
    g_clear_pointer(&spec->host.name, g_free);
    g_clear_pointer(&spec->initiator, g_free);
}

static int spec_parse_host(xml_doc *d, xmlNode *root, const char *type_name,
                           iscsi_source_spec *spec)
{
    g_autoptr(GPtrArray) hosts = xml_children(d, root, "host");
    xmlNode *node;

    if (hosts->len != 1) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "finding %s pool sources needs exactly one <host>, not %u", type_name,
                     hosts->len);
        return -1;
    }
    node = hosts->pdata[0];
    if (!(spec->host.name = xml_attr(d, node, "name"))) {
        xml_report_missing(d, node, "attribute 'name'");
        return -1;
    }
    if (xml_attr_uint(d, node, "port", &spec->host.port) < 0)
        return -1;
    if (spec->host.port > 65535) {
        g_autofree char *port = g_strdup_printf("%u", spec->host.port);

        xml_report_invalid(d, node, "port", port);
        return -1;
    }
    return 0;
}

int iscsi_source_spec_parse(const char *text, const char *type_name, iscsi_source_spec *spec)
{
    g_autoptr(xml_doc) d = NULL;
    xmlNode *root, *node, *iqn;

    memset(spec, 0, sizeof(*spec));
    if (!text) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "a host name must be given to find %s pool sources", type_name);
        return -1;
    }
    if (!(d = xml_doc_parse(text, "storage_source_specification", VIREO_FROM_STORAGE)) ||
        !(root = xml_doc_root(d, "source")) || spec_parse_host(d, root, type_name, spec) < 0)
        return -1;
    if ((node = xml_child(d, root, "initiator"))) {
        if (!(iqn = xml_child(d, node, "iqn")) || !(spec->initiator = xml_attr(d, iqn, "name"))) {
            xml_report_missing(d, node, "<iqn name=''/>");
            return -1;
        }
    }
    return xml_doc_check_unused(d);
}

char *iscsi_sources_format(const iscsi_source_spec *spec, char *const *targets)
{
    xml_buf b, c;

    xbuf_init(&b, 0);
    xbuf_init_child(&c, &b);
    for (char *const *t = targets; *t; t++) {
        xml_buf src;

        xbuf_init_child(&src, &c);
        xbuf_escape(&src, "<host name='%s'", spec->host.name);
        if (spec->host.port)
            xbuf_add(&src, " port='%u'", spec->host.port);
        xbuf_add(&src, "/>\n");
        xbuf_escape(&src, "<device path='%s'/>\n", *t);
        if (spec->initiator) {
            xbuf_add(&src, "<initiator>\n");
            xbuf_escape(&src, "  <iqn name='%s'/>\n", spec->initiator);
            xbuf_add(&src, "</initiator>\n");
        }
        xbuf_element(&c, "source", NULL, &src);
        xbuf_clear(&src);
    }
    xbuf_add(&b, "<sources>\n");
    if (!xbuf_empty(&c))
        g_string_append(b.str, c.str->str);
    xbuf_add(&b, "</sources>\n");
    xbuf_clear(&c);
    return xbuf_steal(&b);
}
