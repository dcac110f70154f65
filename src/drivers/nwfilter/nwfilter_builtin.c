/*
 * nwfilter_builtin.c: the filters vireo defines on a node's first start
 * (config_base/nwfilter/NAME.xml, where users see and may redefine
 * them).  Names and meaning are libvirt's, so guest XML written for
 * libvirt works; the text is vireo's own.
 *
 * $MAC is the interface's MAC, $IP the guest's address (a <parameter>
 * or learnt from the network's DHCP), $DHCPSERVER a <parameter>.
 * Directions are the guest's view: out = sent by the guest.
 */
#include <stddef.h>

#include "drivers/nwfilter/nwfilter_priv.h"

#define F(name, chain, body) name, "<filter name='" name "' chain='" chain "'>\n" body "</filter>\n"
#define FP(name, chain, prio, body)                                                      \
    name, "<filter name='" name "' chain='" chain "' priority='" prio "'>\n" body "</filter>\n"
#define R(action, dir, prio, elem)                                                        \
    "  <rule action='" action "' direction='" dir "' priority='" prio "'>" elem "</rule>\n"
#define REF(name) "  <filterref filter='" name "'/>\n"

/* DHCP discover/request: from no address yet to everybody */
#define DHCP_REQUEST                                                                       \
    "<ip srcmacaddr='$MAC' srcipaddr='0.0.0.0' dstipaddr='255.255.255.255' protocol='udp' " \
    "srcportstart='68' dstportstart='67'/>"

const char *const nwfilter_builtins[] = {
    /* The guest sends only with its own MAC, IP and ARP identity and
     * takes IPv4 and ARP; other layer 2 traffic is dropped. */
    F("clean-traffic", "root",
      REF("no-mac-spoofing")
      REF("no-ip-spoofing")
      R("accept", "out", "-650", "<mac protocolid='ipv4'/>")
      REF("allow-incoming-ipv4")
      REF("no-arp-spoofing")
      R("accept", "inout", "-500", "<mac protocolid='arp'/>")
      REF("no-other-l2-traffic")
      REF("qemu-announce-self")),
    FP("no-mac-spoofing", "mac", "-800",
       R("return", "out", "500", "<mac srcmacaddr='$MAC'/>")
       R("drop", "out", "1000", "")),
    FP("no-ip-spoofing", "ipv4-ip", "-710",
       R("return", "out", "100",
         "<ip srcipaddr='0.0.0.0' protocol='udp' srcportstart='68' dstportstart='67'/>")
       R("return", "out", "500", "<ip srcipaddr='$IP'/>")
       R("drop", "out", "1000", "")),
    F("no-arp-spoofing", "root",
      REF("no-arp-mac-spoofing")
      REF("no-arp-ip-spoofing")),
    FP("no-arp-mac-spoofing", "arp-mac", "-520",
       R("return", "out", "350", "<arp srcmacaddr='$MAC' arpsrcmacaddr='$MAC'/>")
       R("drop", "out", "1000", "")),
    /* a probe (sender 0.0.0.0) checks an address before taking it */
    FP("no-arp-ip-spoofing", "arp-ip", "-510",
       R("return", "out", "400", "<arp arpsrcipaddr='$IP'/>")
       R("return", "out", "410", "<arp arpsrcipaddr='0.0.0.0'/>")
       R("drop", "out", "1000", "")),
    F("allow-incoming-ipv4", "ipv4",
      R("accept", "in", "500", "")),
    F("allow-ipv4", "ipv4",
      R("accept", "inout", "500", "")),
    F("allow-arp", "arp",
      R("accept", "inout", "500", "")),
    F("no-other-l2-traffic", "root",
      R("drop", "inout", "1000", "")),
    F("no-other-rarp-traffic", "rarp",
      R("drop", "inout", "1000", "")),
    /* QEMU's announcement after migration: RARP from the guest's MAC
     * (and the 0x0835 frames of older QEMUs) */
    F("qemu-announce-self", "root",
      R("accept", "out", "500", "<mac protocolid='0x835'/>")
      REF("qemu-announce-self-rarp")),
    FP("qemu-announce-self-rarp", "rarp", "-400",
       R("accept", "out", "500",
         "<rarp srcmacaddr='$MAC' dstmacaddr='ff:ff:ff:ff:ff:ff' opcode='Request_Reverse' "
         "arpsrcmacaddr='$MAC' arpdstmacaddr='$MAC' arpsrcipaddr='0.0.0.0' "
         "arpdstipaddr='0.0.0.0'/>")
       R("drop", "out", "1000", "")),
    F("allow-dhcp", "ipv4",
      R("accept", "out", "100", DHCP_REQUEST)
      R("accept", "in", "100", "<ip protocol='udp' srcportstart='67' dstportstart='68'/>")),
    F("allow-dhcp-server", "ipv4",
      R("accept", "out", "100", DHCP_REQUEST)
      R("accept", "in", "100",
        "<ip srcipaddr='$DHCPSERVER' protocol='udp' srcportstart='67' dstportstart='68'/>")),
    F("no-ip-multicast", "ipv4",
      R("drop", "out", "500", "<ip dstipaddr='224.0.0.0' dstipmask='4'/>")),
    F("no-mac-broadcast", "ipv4",
      R("drop", "out", "500", "<mac dstmacaddr='ff:ff:ff:ff:ff:ff'/>")),
    F("allow-incoming-ipv6", "ipv6",
      R("accept", "in", "500", "")),
    F("allow-ipv6", "ipv6",
      R("accept", "inout", "500", "")),
    F("allow-dhcpv6", "ipv6",
      R("accept", "out", "100",
        "<ipv6 srcmacaddr='$MAC' dstipaddr='ff02::1:2' protocol='udp' srcportstart='546' "
        "dstportstart='547'/>")
      R("accept", "in", "100", "<ipv6 protocol='udp' srcportstart='547' dstportstart='546'/>")),
    F("allow-dhcpv6-server", "ipv6",
      R("accept", "out", "100",
        "<ipv6 srcmacaddr='$MAC' dstipaddr='ff02::1:2' protocol='udp' srcportstart='546' "
        "dstportstart='547'/>")
      R("accept", "in", "100",
        "<ipv6 srcipaddr='$DHCPSERVER' protocol='udp' srcportstart='547' "
        "dstportstart='546'/>")),
    NULL,
};
