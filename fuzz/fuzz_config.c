/* fuzz_config: vireod's configuration file (daemon/config.c, libvirtd.conf
 * syntax), parsed then checked as vireod does at start. */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include "daemon/config.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);
    g_autoptr(daemon_config) cfg = config_new();

    if (config_load_string(cfg, text, "fuzz.conf") == 0)
        config_validate(cfg);
    error_reset();
    return 0;
}
