/*
 * fuzz_nwfilter: network filter XML (src/conf/nwfilter_def.c, _attrs.c),
 * parse -> format -> parse -> format.  What vireo writes it must read
 * back to the same thing: two different formats abort, and so does
 * output it refuses.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <stdio.h>

#include "conf/nwfilter_def.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);
    g_autoptr(nwfilter_def) def = nwfilter_def_parse(text);
    g_autoptr(nwfilter_def) again = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (def) {
        first = nwfilter_def_format(def);
        if (first)
            again = nwfilter_def_parse(first);
        second = again ? nwfilter_def_format(again) : NULL;
        fuzz_check_roundtrip(first, again != NULL, second,
                             again && memcmp(def->uuid, again->uuid, sizeof(def->uuid)) == 0);
    }
    error_reset();
    return 0;
}
