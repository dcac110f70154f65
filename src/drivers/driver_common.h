/*
 * driver_common.h: rules every driver applies the same way.
 */
#ifndef VIREO_DRIVERS_DRIVER_COMMON_H
#define VIREO_DRIVERS_DRIVER_COMMON_H

#include <stdbool.h>

/* What virConnectListAllDomains filters on, for one domain. */
typedef struct domain_list_facts {
    int state;              /* vireo_domain_state */
    bool active;
    bool persistent;
    bool autostart;
    bool managed_save;
    bool has_snapshot;
    bool has_checkpoint;
} domain_list_facts;

/* Whether a domain with facts f passes the VIREO_LIST_DOMAINS_* filter:
 * groups combine with AND, bits within a group with OR, a group with no
 * bit set does not filter. */
bool domain_list_match(const domain_list_facts *f, unsigned int flags);

/* Refuse flags outside allowed with VIREO_ERR_INVALID_ARG naming func,
 * reported from err_domain (the driver's VIREO_FROM_*). */
bool driver_flags_ok(int err_domain, unsigned int flags, unsigned int allowed, const char *func);

#endif
