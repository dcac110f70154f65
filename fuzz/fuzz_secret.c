/*
 * fuzz_secret: secret XML (src/conf/secret_def.c), parse -> format ->
 * parse -> format.  What vireo writes it must read back to the same
 * thing: two different formats abort, and so does output it refuses.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <stdio.h>

#include "conf/secret_def.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);
    g_autoptr(secret_def) def = secret_def_parse(text);
    g_autoptr(secret_def) again = NULL;
    g_autofree char *first = NULL, *second = NULL;

    if (def) {
        first = secret_def_format(def);
        if (!first || !(again = secret_def_parse(first))) {
            const vireo_error *e = error_last();

            fprintf(stderr, "vireo's own output does not parse (%s):\n%s\n",
                    e ? e->message : "no error", first ? first : "(no output)");
            abort();
        }
        second = secret_def_format(again);
        if (!second || strcmp(first, second) != 0 ||
            memcmp(def->uuid, again->uuid, sizeof(def->uuid)) != 0) {
            fprintf(stderr, "format -> parse -> format differs:\n--- first\n%s\n--- second\n%s\n",
                    first, second ? second : "(no output)");
            abort();
        }
    }
    error_reset();
    return 0;
}
