/*
 * network_tc_floor.c: a port's floor (guaranteed share of the network's
 * <inbound>) on the network's bridge, as libvirt: the bridge's egress is
 * a tree (network_tc_set on a bridge): class 1:1 caps the whole network,
 * 1:2 takes what no floor claims, and each port with a floor gets a
 * class 1:N beside 1:2 with its floor as rate and the network's peak as
 * ceil, and a u32 filter sending frames to the port's MAC into it.
 * htb serves every class its rate first, then shares what 1:1 has left
 * in proportion to the rates.
 */
#include <string.h>

#include <glib.h>

#include "drivers/network/network_tc.h"
#include "drivers/network/network_tc_priv.h"
#include "util/error.h"
#include "util/netdev.h"

/* The network's egress rate on its bridge: <inbound> (not swapped) */
static const vireo_rate *net_rate(const vireo_bandwidth *net_bw)
{
    return net_bw && net_bw->in.set && net_bw->in.average ? &net_bw->in : NULL;
}

/* Quietly undo what plug made for id (each piece may be missing) */
static void floor_remove(const char *bridge, unsigned int id)
{
    g_autofree char *classid = g_strdup_printf("1:%x", id);
    g_autofree char *qdisc = g_strdup_printf("%x:", id);
    g_autofree char *handle = g_strdup_printf("800::%x", id);
    const char *filter[] = { "filter", "del", "dev", bridge, "parent", "1:", "protocol", "all",
                             "prio", "2", "handle", handle, "u32", NULL };
    const char *sfq[] = { "qdisc", "del", "dev", bridge, "parent", classid, "handle", qdisc,
                          NULL };
    const char *class[] = { "class", "del", "dev", bridge, "classid", classid, NULL };
    g_autofree char *e1 = NULL, *e2 = NULL, *e3 = NULL;

    network_tc_run(filter, &e1);
    network_tc_run(sfq, &e2);
    network_tc_run(class, &e3);
}

static bool id_valid(const char *bridge, unsigned int id)
{
    /* 1:1 and 1:2 are the network's; u32 node ids end at 0xfff */
    if (id > 2 && id <= 0xfff)
        return true;
    error_report(VIREO_FROM_NONE, VIREO_ERR_INTERNAL_ERROR,
                 "bridge '%s': invalid bandwidth class id %u", bridge, id);
    return false;
}

int network_tc_plug(const char *bridge, const vireo_bandwidth *net_bw, const unsigned char mac[6],
                    unsigned long long floor, unsigned int id)
{
    const vireo_rate *rate = net_rate(net_bw);
    g_autofree char *classid = g_strdup_printf("1:%x", id);
    g_autofree char *qdisc = g_strdup_printf("%x:", id);
    g_autofree char *handle = g_strdup_printf("800::%x", id);
    g_autofree char *mac_hi = g_strdup_printf("0x%02x%02x", mac[0], mac[1]);
    g_autofree char *mac_lo = g_strdup_printf("0x%02x%02x%02x%02x", mac[2], mac[3], mac[4], mac[5]);
    /* u32 offsets count from the network header: the Ethernet
     * destination is the 6 bytes from -14, matched as a 16-bit and an
     * aligned 32-bit key */
    const char *filter[] = { "filter", "add", "dev", bridge, "parent", "1:", "protocol", "all",
                             "prio", "2", "handle", handle, "u32",
                             "match", "u16", mac_hi, "0xffff", "at", "-14",
                             "match", "u32", mac_lo, "0xffffffff", "at", "-12",
                             "flowid", classid, NULL };
    g_autofree char *err = NULL;

    if (!id_valid(bridge, id))
        return -1;
    if (!rate) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "bridge '%s' has no inbound QoS set, therefore unable to set 'floor' on "
                     "'%02x:%02x:%02x:%02x:%02x:%02x'",
                     bridge, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        return -1;
    }
    if (network_tc_class(bridge, "add", "1:1", classid, floor,
                         rate->peak ? rate->peak : rate->average, 0, &err) < 0 ||
        network_tc_run(filter, &err) < 0) {
        network_tc_report(bridge, "guarantee a floor", err);
        floor_remove(bridge, id);
        return -1;
    }
    network_tc_sfq(bridge, classid, qdisc);
    return 0;
}

int network_tc_unplug(const char *bridge, unsigned int id)
{
    if (!id_valid(bridge, id))
        return -1;
    if (netdev_exists(bridge))
        floor_remove(bridge, id);
    return 0;
}

int network_tc_floor_update(const char *bridge, const vireo_bandwidth *net_bw,
                            unsigned long long floor_sum)
{
    const vireo_rate *rate = net_rate(net_bw);
    g_autofree char *err = NULL;

    if (!rate)
        return 0;  /* no tree: nothing shares */
    if (floor_sum >= rate->average) {
        error_report(VIREO_FROM_NONE, VIREO_ERR_OPERATION_INVALID,
                     "bridge '%s': the floors (%llu KiB/s) leave nothing of the network's "
                     "inbound average (%llu KiB/s)", bridge, floor_sum, rate->average);
        return -1;
    }
    if (network_tc_class(bridge, "change", "1:1", "1:2", rate->average - floor_sum,
                         rate->peak ? rate->peak : rate->average, rate->burst, &err) < 0) {
        network_tc_report(bridge, "change the unguaranteed share", err);
        return -1;
    }
    return 0;
}
