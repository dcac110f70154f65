/*
 * fuzz_qemu_status: the QEMU driver's status file (<domstatus> around the
 * live domain XML, drivers/qemu/qemu_status.c), which vireod reads at
 * start to re-attach to running guests.
 */
#include <stdlib.h>

#include "drivers/qemu/qemu_priv.h"
#include "fuzz_common.h"
#include "util/error.h"

FUZZ_QUIET_INITIALIZE

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fuzz_string(data, size);
    qemu_status st = { 0 };

    if (qemu_status_parse(text, &st) == 0 && (!st.live || !st.monitor || st.pid <= 0))
        abort();
    qemu_status_clear(&st);
    error_reset();
    return 0;
}
