/*
 * storage_driver_priv.h: the pool entries of storage_node_driver, by file
 * (storage_driver_pool.c changes pools, storage_caps.c describes types);
 * the table and the read-only entries are in storage_driver.c.
 */
#ifndef VIREO_DRIVERS_STORAGE_DRIVER_PRIV_H
#define VIREO_DRIVERS_STORAGE_DRIVER_PRIV_H

#include "drivers/driver.h"

vireo_storage_pool *storage_driver_pool_define_xml(vireo_conn *conn, const char *xml,
                                                   unsigned int flags);
vireo_storage_pool *storage_driver_pool_create_xml(vireo_conn *conn, const char *xml,
                                                   unsigned int flags);
int storage_driver_pool_undefine(vireo_storage_pool *pool);
int storage_driver_pool_create(vireo_storage_pool *pool, unsigned int flags);
int storage_driver_pool_build(vireo_storage_pool *pool, unsigned int flags);
int storage_driver_pool_destroy(vireo_storage_pool *pool);
int storage_driver_pool_delete(vireo_storage_pool *pool, unsigned int flags);
int storage_driver_pool_refresh(vireo_storage_pool *pool, unsigned int flags);
int storage_driver_pool_set_autostart(vireo_storage_pool *pool, int autostart);

char *storage_caps_format(vireo_conn *conn, unsigned int flags);
char *storage_caps_find_sources(vireo_conn *conn, const char *type, const char *src_spec,
                                unsigned int flags);

#endif
