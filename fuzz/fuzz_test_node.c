/*
 * fuzz_test_node: the test driver's node file (test:///PATH.xml,
 * drivers/test/test_node_file.c): node info, domains with their
 * test: namespace extras, objects kept for later.  The input is written
 * to a file in a private folder, as the driver reads a path.
 *
 * <domain file='...'/> makes the driver read another file: inputs that
 * name a device or kernel file system are skipped (reading /dev/zero or
 * a FIFO would never end; a node file is the local user's own input).
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include "drivers/test/test_node.h"

FUZZ_QUIET_INITIALIZE

static bool fuzz_names_special_files(const uint8_t *data, size_t size)
{
    static const char *const bad[] = { "/dev", "/proc", "/sys", "/run", "&#" };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        if (memmem(data, size, bad[i], strlen(bad[i])))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *path = NULL;
    g_autoptr(test_node) node = NULL;

    if (fuzz_names_special_files(data, size))
        return 0;
    path = fuzz_write_file("node.xml", data, size);
    node = test_node_load_file(path, "test:///fuzz/node.xml");
    error_reset();
    return 0;
}
