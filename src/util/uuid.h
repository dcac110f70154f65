/* uuid.h: 16-byte UUIDs and their text form. */
#ifndef VIREO_UTIL_UUID_H
#define VIREO_UTIL_UUID_H

#include <stdbool.h>
#include "vireo/vireo.h"

/* A random (version 4) UUID. */
void uuid_generate(unsigned char uuid[VIREO_UUID_BUFLEN]);
/* Parse 32 hex digits, optionally grouped by dashes as 8-4-4-4-12 (libvirt
 * also accepts dashes between any byte pairs).  0 on success, -1 if malformed
 * (no error is reported: callers name the object). */
int uuid_parse(const char *text, unsigned char uuid[VIREO_UUID_BUFLEN]);
/* Lowercase 8-4-4-4-12 form into buf (VIREO_UUID_STRING_BUFLEN bytes). */
void uuid_format(const unsigned char uuid[VIREO_UUID_BUFLEN], char buf[VIREO_UUID_STRING_BUFLEN]);
bool uuid_is_null(const unsigned char uuid[VIREO_UUID_BUFLEN]);

#endif
