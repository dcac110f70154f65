/*
 * storage_backend_iscsi.c: libvirt's iscsi pool, which logs in with the
 * kernel's initiator (open-iscsi's iscsiadm and iscsid) and uses the
 * block devices the kernel makes for the LUNs.
 *
 * Only what a host without the kernel initiator can do honestly is here:
 * check() says which part is missing, and find-storage-pool-sources asks
 * `iscsiadm -m discovery` when iscsiadm is installed.  start, refresh and
 * stop (iscsiadm --login, reading /dev/disk/by-path) are not implemented:
 * no machine this was written on has the kernel side, so none of it could
 * be run; an iscsi-direct pool reaches the same targets from userspace.
 */
#include <string.h>
#include <unistd.h>

#include "drivers/storage/storage_backend.h"
#include "drivers/storage/storage_iscsi_sources.h"
#include "drivers/storage/storage_run.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.iscsi"

static int iscsiadm_present(void)
{
    g_autofree char *path = g_find_program_in_path("iscsiadm");

    if (!path) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "iscsi pools need iscsiadm, which is not installed (Debian: open-iscsi); "
                     "an iscsi-direct pool needs no kernel initiator");
        return -1;
    }
    return 0;
}

/* The kernel's iSCSI-over-TCP initiator is loaded (a module shows in
 * /sys/module, its transport in /sys/class/iscsi_transport). */
static bool kernel_initiator_present(void)
{
    return access("/sys/class/iscsi_transport/tcp", F_OK) == 0 ||
           access("/sys/module/iscsi_tcp", F_OK) == 0;
}

static int iscsi_check(void)
{
    if (!kernel_initiator_present()) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                     "iscsi pools need the kernel iSCSI initiator (iscsi_tcp), which this "
                     "kernel does not have; an iscsi-direct pool uses libiscsi instead");
        return -1;
    }
    if (iscsiadm_present() < 0)
        return -1;
    /* the kernel side is there but vireo cannot drive it yet */
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_NO_SUPPORT,
                 "iscsi pools (kernel initiator) are not implemented yet; use an "
                 "iscsi-direct pool");
    return -1;
}

/* "127.0.0.1:3260,1 iqn.2026-11.org.example:t1" lines -> target names */
static char **discovery_targets(const char *out)
{
    g_auto(GStrv) lines = g_strsplit(out ? out : "", "\n", -1);
    GPtrArray *names = g_ptr_array_new();

    for (char **l = lines; *l; l++) {
        const char *sp = strchr(*l, ' ');

        if (sp && sp[1])
            g_ptr_array_add(names, g_strdup(g_strstrip((char *)sp + 1)));
    }
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

static char *iscsi_find_sources(const char *src_spec, unsigned int flags)
{
    iscsi_source_spec spec = { 0 };
    g_autofree char *portal = NULL;
    g_autofree char *out = NULL;
    g_auto(GStrv) targets = NULL;
    char *xml = NULL;

    if (flags) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INVALID_ARG,
                     "unsupported flags (0x%x) for iscsi pool sources", flags);
        return NULL;
    }
    if (iscsiadm_present() < 0 || iscsi_source_spec_parse(src_spec, "iscsi", &spec) < 0)
        goto out;
    portal = iscsi_portal(&spec.host);
    {
        const char *argv[] = { "iscsiadm", "--mode", "discovery", "--type", "sendtargets",
                               "--portal", portal, NULL };

        if (storage_run(argv, storage_run_timeout_ms(), &out, NULL) < 0)
            goto out;
    }
    targets = discovery_targets(out);
    xml = iscsi_sources_format(&spec, targets);
out:
    iscsi_source_spec_clear(&spec);
    return xml;
}

const storage_backend storage_backend_iscsi = {
    .type = STORAGE_POOL_ISCSI,
    .check = iscsi_check,
    .find_sources = iscsi_find_sources,
};
