/* mac.h: Ethernet MAC addresses. */
#ifndef VIREO_UTIL_MAC_H
#define VIREO_UTIL_MAC_H

#define MAC_BUFLEN 6
#define MAC_STRING_BUFLEN 18

/* A random address in libvirt's 52:54:00 (QEMU/KVM) range. */
void mac_generate(unsigned char mac[MAC_BUFLEN]);
/* "aa:bb:cc:dd:ee:ff" (also '-' separators); 0 on success, -1 if malformed. */
int mac_parse(const char *text, unsigned char mac[MAC_BUFLEN]);
void mac_format(const unsigned char mac[MAC_BUFLEN], char buf[MAC_STRING_BUFLEN]);
/* The address of the host end of a guest's interface whose address is
 * guest: libvirt's, the guest's with the first byte 0xfe, so a bridge
 * never takes the guest's address as its own. */
void mac_host_side(const unsigned char guest[MAC_BUFLEN], unsigned char host[MAC_BUFLEN]);
/* Multicast addresses (low bit of the first byte) cannot be a NIC's. */
int mac_is_multicast(const unsigned char mac[MAC_BUFLEN]);

#endif
