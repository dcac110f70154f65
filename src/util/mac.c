/* mac.c: Ethernet MAC addresses. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "util/mac.h"

void mac_generate(unsigned char mac[MAC_BUFLEN])
{
    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    for (int i = 3; i < MAC_BUFLEN; i++)
        mac[i] = (unsigned char)g_random_int_range(0, 256);
}

int mac_parse(const char *text, unsigned char mac[MAC_BUFLEN])
{
    const char *p = text;

    if (!text)
        return -1;
    for (int i = 0; i < MAC_BUFLEN; i++) {
        if (i > 0) {
            if (*p != ':' && *p != '-')
                return -1;
            p++;
        }
        if (!g_ascii_isxdigit(p[0]))
            return -1;
        int v = g_ascii_xdigit_value(*p++);
        if (g_ascii_isxdigit(*p))
            v = v << 4 | g_ascii_xdigit_value(*p++);
        mac[i] = (unsigned char)v;
    }
    return *p ? -1 : 0;
}

void mac_format(const unsigned char m[MAC_BUFLEN], char buf[MAC_STRING_BUFLEN])
{
    snprintf(buf, MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
             m[5]);
}

int mac_is_multicast(const unsigned char mac[MAC_BUFLEN])
{
    return mac[0] & 1;
}

void mac_host_side(const unsigned char guest[MAC_BUFLEN], unsigned char host[MAC_BUFLEN])
{
    memcpy(host, guest, MAC_BUFLEN);
    host[0] = 0xfe;
}
