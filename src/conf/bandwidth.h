/*
 * bandwidth.h: libvirt's <bandwidth> element (<inbound>/<outbound> with
 * average, peak, burst, floor), shared by <network>, <portgroup> and a
 * guest's <interface>.  Rates in KiB/s, burst in KiB, as libvirt.
 */
#ifndef VIREO_CONF_BANDWIDTH_H
#define VIREO_CONF_BANDWIDTH_H

#include <stdbool.h>

#include "util/xml.h"

typedef struct vireo_rate {
    bool set;                     /* the element was there */
    unsigned long long average, peak, burst, floor;
} vireo_rate;

typedef struct vireo_bandwidth {
    vireo_rate in;                /* <inbound>: traffic to the guest */
    vireo_rate out;               /* <outbound>: traffic from the guest */
} vireo_bandwidth;

/* The <bandwidth> child of node, or *out NULL when there is none.
 * Errors name the element and line (XML_ERROR).  0 / -1. */
int bandwidth_parse(xml_doc *d, xmlNode *node, vireo_bandwidth **out);
/* The same, refusing floor='' when allow_floor is false (CONFIG_UNSUPPORTED,
 * as libvirt: only a guest <interface type='network'> may have a floor;
 * bandwidth_parse allows it). */
int bandwidth_parse_floor(xml_doc *d, xmlNode *node, bool allow_floor, vireo_bandwidth **out);
/* Append <bandwidth> at indent (spaces) to buf; nothing when bw is NULL */
void bandwidth_format(GString *buf, const vireo_bandwidth *bw, int indent);
vireo_bandwidth *bandwidth_copy(const vireo_bandwidth *bw);
void bandwidth_free(vireo_bandwidth *bw);

#endif
