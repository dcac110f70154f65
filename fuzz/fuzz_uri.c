/* fuzz_uri: connection URIs (util/uri.c), the first thing vireod parses
 * from a client's CONNECT_OPEN. */
#include "fuzz_common.h"
#include "util/uri.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);
    g_autoptr(vireo_uri) uri = uri_parse(text);

    /* what the drivers read of a parsed URI must be there and sane */
    if (uri && (!uri->text || uri->port < -1 || !uri->params))
        abort();
    if (uri && uri->params) {
        GHashTableIter it;
        gpointer k, v;

        g_hash_table_iter_init(&it, uri->params);
        while (g_hash_table_iter_next(&it, &k, &v))
            if (!k || strlen(k) > size || (v && strlen(v) > size))
                abort();
    }
    error_reset();
    return 0;
}
