/*
 * driver_common.c: rules every driver applies the same way.
 */
#include "drivers/driver_common.h"
#include "util/error.h"

static bool list_group(unsigned int flags, unsigned int yes, unsigned int no, bool value)
{
    if (!(flags & (yes | no)))
        return true;
    return ((flags & yes) && value) || ((flags & no) && !value);
}

bool domain_list_match(const domain_list_facts *f, unsigned int flags)
{
    const unsigned int states = VIREO_LIST_DOMAINS_RUNNING | VIREO_LIST_DOMAINS_PAUSED |
                                VIREO_LIST_DOMAINS_SHUTOFF | VIREO_LIST_DOMAINS_OTHER;
    int st = f->state;

    if (!list_group(flags, VIREO_LIST_DOMAINS_ACTIVE, VIREO_LIST_DOMAINS_INACTIVE, f->active) ||
        !list_group(flags, VIREO_LIST_DOMAINS_PERSISTENT, VIREO_LIST_DOMAINS_TRANSIENT,
                    f->persistent) ||
        !list_group(flags, VIREO_LIST_DOMAINS_AUTOSTART, VIREO_LIST_DOMAINS_NO_AUTOSTART,
                    f->autostart) ||
        !list_group(flags, VIREO_LIST_DOMAINS_MANAGEDSAVE, VIREO_LIST_DOMAINS_NO_MANAGEDSAVE,
                    f->managed_save) ||
        !list_group(flags, VIREO_LIST_DOMAINS_HAS_SNAPSHOT, VIREO_LIST_DOMAINS_NO_SNAPSHOT,
                    f->has_snapshot) ||
        !list_group(flags, VIREO_LIST_DOMAINS_HAS_CHECKPOINT, VIREO_LIST_DOMAINS_NO_CHECKPOINT,
                    f->has_checkpoint))
        return false;
    if (!(flags & states))
        return true;
    return ((flags & VIREO_LIST_DOMAINS_RUNNING) && st == VIREO_DOMAIN_RUNNING) ||
           ((flags & VIREO_LIST_DOMAINS_PAUSED) && st == VIREO_DOMAIN_PAUSED) ||
           ((flags & VIREO_LIST_DOMAINS_SHUTOFF) && st == VIREO_DOMAIN_SHUTOFF) ||
           ((flags & VIREO_LIST_DOMAINS_OTHER) && st != VIREO_DOMAIN_RUNNING &&
            st != VIREO_DOMAIN_PAUSED && st != VIREO_DOMAIN_SHUTOFF);
}

bool driver_flags_ok(int err_domain, unsigned int flags, unsigned int allowed, const char *func)
{
    if (!(flags & ~allowed))
        return true;
    error_report(err_domain, VIREO_ERR_INVALID_ARG, "unsupported flags (0x%x) in function %s",
                 flags & ~allowed, func);
    return false;
}
