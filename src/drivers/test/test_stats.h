/* test_stats.h: the test hypervisor's statistics entries (test_stats.c). */
#ifndef VIREO_DRIVERS_TEST_STATS_H
#define VIREO_DRIVERS_TEST_STATS_H

#include "drivers/driver.h"

int test_domain_get_all_stats(vireo_conn *conn, vireo_domain **doms, unsigned int ndoms,
                              unsigned int stats, vireo_domain_stats_record ***records,
                              unsigned int flags);
int test_domain_memory_stats(vireo_domain *dom, vireo_domain_memory_stat *stats,
                             unsigned int nr_stats, unsigned int flags);
int test_domain_block_stats(vireo_domain *dom, const char *disk, vireo_typed_param **params,
                            int *nparams, unsigned int flags);
int test_domain_interface_stats(vireo_domain *dom, const char *device,
                                vireo_interface_stats *stats);

#endif
