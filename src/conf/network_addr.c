/*
 * network_addr.c: addresses of network XML as numbers, and the subnet
 * questions asked of them (contains, overlaps, network address).
 *
 * Addresses are parsed with inet_pton only: libvirt's getaddrinfo also
 * takes "10.1" or hex forms, which vireo refuses rather than guess.
 * IPv4 uses the first 4 bytes of net_addr.b, both families compare
 * byte-wise in network order.
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "conf/network_priv.h"

static unsigned int addr_len(const net_addr *a)
{
    return a->family == AF_INET ? 4 : 16;
}

int net_addr_parse(const char *text, int family, net_addr *out)
{
    memset(out, 0, sizeof(*out));
    if (!text)
        return -1;
    if ((family == AF_UNSPEC || family == AF_INET) && inet_pton(AF_INET, text, out->b) == 1) {
        out->family = AF_INET;
        return 0;
    }
    if ((family == AF_UNSPEC || family == AF_INET6) && inet_pton(AF_INET6, text, out->b) == 1) {
        out->family = AF_INET6;
        return 0;
    }
    return -1;
}

char *net_addr_format(const net_addr *a)
{
    char buf[INET6_ADDRSTRLEN];

    if (!inet_ntop(a->family, a->b, buf, sizeof(buf)))
        return NULL;
    return g_strdup(buf);
}

int net_addr_mask_bits(const net_addr *mask)
{
    unsigned int n = addr_len(mask), bits = 0, i = 0;

    for (; i < n && mask->b[i] == 0xff; i++)
        bits += 8;
    if (i < n) {
        unsigned char c = mask->b[i++];

        while (c & 0x80) {
            bits++;
            c = (unsigned char)(c << 1);
        }
        if (c)
            return -1;
    }
    for (; i < n; i++)
        if (mask->b[i])
            return -1;
    return (int)bits;
}

int net_addr_natural_prefix(const net_addr *a)
{
    static const unsigned char zero[16];

    if (memcmp(a->b, zero, addr_len(a)) == 0)
        return 0;
    if (a->family == AF_INET6)
        return 64;
    if ((a->b[0] & 0x80) == 0)
        return 8;
    if ((a->b[0] & 0xc0) == 0x80)
        return 16;
    if ((a->b[0] & 0xe0) == 0xc0)
        return 24;
    return -1;
}

/* byte i of a prefix-bit mask */
static unsigned char mask_byte(unsigned int prefix, unsigned int i)
{
    if (prefix >= (i + 1) * 8)
        return 0xff;
    if (prefix <= i * 8)
        return 0;
    return (unsigned char)(0xff << (8 - (prefix - i * 8)));
}

bool net_addr_same_subnet(const net_addr *a, const net_addr *b, unsigned int prefix)
{
    if (a->family != b->family)
        return false;
    for (unsigned int i = 0; i < addr_len(a); i++)
        if ((a->b[i] & mask_byte(prefix, i)) != (b->b[i] & mask_byte(prefix, i)))
            return false;
    return true;
}

int net_addr_cmp(const net_addr *a, const net_addr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->b, b->b, addr_len(a));
}

void net_addr_network(const net_addr *a, unsigned int prefix, net_addr *out)
{
    *out = *a;
    for (unsigned int i = 0; i < addr_len(a); i++)
        out->b[i] &= mask_byte(prefix, i);
}

void net_addr_broadcast(const net_addr *a, unsigned int prefix, net_addr *out)
{
    *out = *a;
    for (unsigned int i = 0; i < addr_len(a); i++)
        out->b[i] |= (unsigned char)~mask_byte(prefix, i);
}

bool network_ip_addr(const network_ip *ip, net_addr *out)
{
    return net_addr_parse(ip->address, ip->family, out) == 0;
}

bool network_ip_overlaps(const network_ip *a, const network_ip *b)
{
    net_addr x, y;

    if (!network_ip_addr(a, &x) || !network_ip_addr(b, &y) || x.family != y.family)
        return false;
    /* two subnets share an address exactly when the wider one holds the other */
    return net_addr_same_subnet(&x, &y, MIN(a->prefix, b->prefix));
}

bool network_ip_contains(const network_ip *ip, const char *addr)
{
    net_addr net, x;

    if (!network_ip_addr(ip, &net) || net_addr_parse(addr, net.family, &x) < 0)
        return false;
    return net_addr_same_subnet(&net, &x, ip->prefix);
}

char *network_ip_subnet(const network_ip *ip)
{
    net_addr a, n;

    if (!network_ip_addr(ip, &a))
        return NULL;
    net_addr_network(&a, ip->prefix, &n);
    return net_addr_format(&n);
}
