/* uuid.c: 16-byte UUIDs and their text form. */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "util/uuid.h"

void uuid_generate(unsigned char uuid[VIREO_UUID_BUFLEN])
{
    for (int i = 0; i < VIREO_UUID_BUFLEN; i += 4) {
        guint32 r = g_random_int();
        memcpy(uuid + i, &r, 4);
    }
    uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
    uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

int uuid_parse(const char *text, unsigned char uuid[VIREO_UUID_BUFLEN])
{
    const char *p = text;
    int i = 0;

    if (!text)
        return -1;
    while (g_ascii_isspace(*p))
        p++;
    while (i < VIREO_UUID_BUFLEN) {
        if (*p == '-') {
            p++;
            continue;
        }
        if (!g_ascii_isxdigit(p[0]) || !g_ascii_isxdigit(p[1]))
            return -1;
        uuid[i++] = (unsigned char)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
        p += 2;
    }
    while (g_ascii_isspace(*p))
        p++;
    return *p ? -1 : 0;
}

void uuid_format(const unsigned char u[VIREO_UUID_BUFLEN], char buf[VIREO_UUID_STRING_BUFLEN])
{
    snprintf(buf, VIREO_UUID_STRING_BUFLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
}

bool uuid_is_null(const unsigned char uuid[VIREO_UUID_BUFLEN])
{
    for (int i = 0; i < VIREO_UUID_BUFLEN; i++)
        if (uuid[i])
            return false;
    return true;
}
