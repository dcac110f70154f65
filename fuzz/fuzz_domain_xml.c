/*
 * fuzz_domain_xml: domain XML (src/conf), parse -> format -> parse ->
 * format, both as a definition (inactive form) and as a running domain's
 * (live form, as status files and live XML are read back).  What vireo
 * writes it must read back to the same thing: two different formats
 * abort (a bug in src/conf), and so does output it refuses to parse.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <stdio.h>

#include "conf/domain_def.h"
#include "vireo/vireo.h"

FUZZ_QUIET_INITIALIZE

static void fuzz_roundtrip(const char *text, unsigned int parse_flags, unsigned int format_flags)
{
    g_autoptr(domain_def) def = domain_def_parse(text, parse_flags);
    g_autoptr(domain_def) again = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (!def)
        return;
    first = domain_def_format(def, format_flags);
    if (first)
        again = domain_def_parse(first, parse_flags);
    second = again ? domain_def_format(again, format_flags) : NULL;
    fuzz_check_roundtrip(first, again != NULL, second, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);

    fuzz_roundtrip(text, 0, VIREO_DOMAIN_XML_INACTIVE | VIREO_DOMAIN_XML_SECURE);
    fuzz_roundtrip(text, DOMAIN_PARSE_LIVE, VIREO_DOMAIN_XML_SECURE);
    error_reset();
    return 0;
}
