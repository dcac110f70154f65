/*
 * fuzz_storage_vol: storage volume XML (src/conf/storage_vol.c), parse ->
 * format -> parse -> format.  What vireo writes it must read back to the
 * same thing: two different formats abort (a bug in src/conf), and so does
 * output it refuses to parse.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <stdio.h>

#include "conf/storage_vol.h"
#include "vireo/vireo.h"

FUZZ_QUIET_INITIALIZE

static void fuzz_roundtrip(const char *text, unsigned int flags)
{
    g_autoptr(storage_vol_def) def = storage_vol_parse(text, flags);
    g_autoptr(storage_vol_def) again = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!def)
        return;
    first = storage_vol_format(def, 0);
    if (first)
        again = storage_vol_parse(first, flags);
    second = again ? storage_vol_format(again, 0) : NULL;
    fuzz_check_roundtrip(first, again != NULL, second, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);

    fuzz_roundtrip(text, 0);
    fuzz_roundtrip(text, STORAGE_VOL_PARSE_NO_CAPACITY);
    error_reset();
    return 0;
}
