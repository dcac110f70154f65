/*
 * fuzz_network: network XML (src/conf/network_def.c and the files beside
 * it), parse -> format -> parse -> format.  What vireo writes it must
 * read back to the same thing: two different formats abort (a bug in
 * src/conf), and so does output it refuses to parse.  network_def_copy
 * (a format/parse cycle) must give the same text too.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <stdio.h>

#include "conf/network_def.h"
#include "vireo/vireo.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);
    g_autoptr(network_def) def = network_def_parse(text);
    g_autoptr(network_def) again = NULL;
    g_autoptr(network_def) copy = NULL;
    g_autofree char *first = NULL, *second = NULL, *third = NULL;

    if (def) {
        first = network_def_format(def);
        again = first ? network_def_parse(first) : NULL;
        second = again ? network_def_format(again) : NULL;
        copy = network_def_copy(def);
        third = copy ? network_def_format(copy) : NULL;
        fuzz_check_roundtrip(first, again != NULL, second, g_strcmp0(first, third) == 0);
    }
    error_reset();
    return 0;
}
