/*
 * units.h: libvirt's scaled units (unit='KiB', 'MB', ...), shared by the
 * domain (memory) and storage (sizes) XML.
 */
#ifndef VIREO_CONF_UNITS_H
#define VIREO_CONF_UNITS_H

#include <stdint.h>

/* The bytes of one unit (case-insensitive); absent: the bytes when no
 * unit is given (memory: KiB, storage: bytes).  -1 for an unknown unit. */
int unit_bytes(const char *unit, uint64_t absent, uint64_t *bytes);

#endif
