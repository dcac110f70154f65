/*
 * units.c: libvirt's scaled units (see units.h).
 */
#include <glib.h>

#include "conf/units.h"

/* powers of 1024 for k/KiB..., of 1000 for KB/MB... */
static const struct {
    const char *name;
    uint64_t bytes;
} units[] = {
    { "b", 1 }, { "bytes", 1 },
    { "k", 1ULL << 10 }, { "KiB", 1ULL << 10 }, { "KB", 1000ULL },
    { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 }, { "MB", 1000000ULL },
    { "G", 1ULL << 30 }, { "GiB", 1ULL << 30 }, { "GB", 1000000000ULL },
    { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 }, { "TB", 1000000000000ULL },
    { "P", 1ULL << 50 }, { "PiB", 1ULL << 50 }, { "PB", 1000000000000000ULL },
    { "E", 1ULL << 60 }, { "EiB", 1ULL << 60 }, { "EB", 1000000000000000000ULL },
};

int unit_bytes(const char *unit, uint64_t absent, uint64_t *bytes)
{
    if (!unit) {
        *bytes = absent;
        return 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        if (g_ascii_strcasecmp(unit, units[i].name) == 0) {
            *bytes = units[i].bytes;
            return 0;
        }
    }
    return -1;
}
