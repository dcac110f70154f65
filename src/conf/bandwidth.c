/*
 * bandwidth.c: libvirt's <bandwidth> element <-> vireo_bandwidth.
 *
 * libvirt's rules: a rate needs average or floor; peak and burst need
 * average; floor only on <inbound> and only where the caller allows it.
 * A <bandwidth> with neither <inbound> nor <outbound> is no bandwidth at
 * all.  A rate is written only when its average or floor is non-zero,
 * attributes in libvirt's order (average, peak, floor, burst).
 */
#include <string.h>

#include "conf/bandwidth.h"
#include "util/error.h"

static int parse_rate(xml_doc *d, xmlNode *node, bool allow_floor, vireo_rate *rate)
{
    int rc_avg, rc_peak, rc_burst, rc_floor;
    uint64_t v = 0;

    rate->set = true;
    if ((rc_avg = xml_attr_u64(d, node, "average", &v)) < 0)
        return -1;
    rate->average = v;
    if ((rc_peak = xml_attr_u64(d, node, "peak", &v)) < 0)
        return -1;
    rate->peak = rc_peak ? v : 0;
    if ((rc_burst = xml_attr_u64(d, node, "burst", &v)) < 0)
        return -1;
    rate->burst = rc_burst ? v : 0;
    if ((rc_floor = xml_attr_u64(d, node, "floor", &v)) < 0)
        return -1;
    rate->floor = rc_floor ? v : 0;
    if (!rc_avg)
        rate->average = 0;
    if (!rc_avg && !rc_floor) {
        error_report(d->err_domain, VIREO_ERR_XML_DETAIL,
                     "Missing mandatory average or floor attributes (<%s> at line %ld)",
                     node->name, xmlGetLineNo(node));
        return -1;
    }
    if ((rc_peak || rc_burst) && !rc_avg) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "'peak' and 'burst' require 'average' attribute (<%s> at line %ld)",
                     node->name, xmlGetLineNo(node));
        return -1;
    }
    if (rc_floor && !allow_floor) {
        error_report(d->err_domain, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "floor attribute is not supported for this config (<%s> at line %ld)",
                     node->name, xmlGetLineNo(node));
        return -1;
    }
    return 0;
}

int bandwidth_parse_floor(xml_doc *d, xmlNode *node, bool allow_floor, vireo_bandwidth **out)
{
    xmlNode *bw = xml_child(d, node, "bandwidth");
    g_autofree vireo_bandwidth *b = NULL;
    xmlNode *in, *outb;

    *out = NULL;
    if (!bw)
        return 0;
    b = g_new0(vireo_bandwidth, 1);
    if ((in = xml_child(d, bw, "inbound")) && parse_rate(d, in, allow_floor, &b->in) < 0)
        return -1;
    /* floor is for traffic to the guest only */
    if ((outb = xml_child(d, bw, "outbound")) && parse_rate(d, outb, false, &b->out) < 0)
        return -1;
    if (b->in.set || b->out.set)
        *out = g_steal_pointer(&b);
    return 0;
}

int bandwidth_parse(xml_doc *d, xmlNode *node, vireo_bandwidth **out)
{
    return bandwidth_parse_floor(d, node, true, out);
}

static void format_rate(GString *buf, const vireo_rate *r, const char *name, int indent)
{
    if (!r->set || !(r->average || r->floor))
        return;
    g_string_append_printf(buf, "%*s<%s", indent, "", name);
    if (r->average)
        g_string_append_printf(buf, " average='%llu'", r->average);
    if (r->peak)
        g_string_append_printf(buf, " peak='%llu'", r->peak);
    if (r->floor)
        g_string_append_printf(buf, " floor='%llu'", r->floor);
    if (r->burst)
        g_string_append_printf(buf, " burst='%llu'", r->burst);
    g_string_append(buf, "/>\n");
}

void bandwidth_format(GString *buf, const vireo_bandwidth *bw, int indent)
{
    if (!bw)
        return;
    g_string_append_printf(buf, "%*s<bandwidth>\n", indent, "");
    format_rate(buf, &bw->in, "inbound", indent + 2);
    format_rate(buf, &bw->out, "outbound", indent + 2);
    g_string_append_printf(buf, "%*s</bandwidth>\n", indent, "");
}

vireo_bandwidth *bandwidth_copy(const vireo_bandwidth *bw)
{
    return bw ? g_memdup2(bw, sizeof(*bw)) : NULL;
}

void bandwidth_free(vireo_bandwidth *bw)
{
    g_free(bw);
}
