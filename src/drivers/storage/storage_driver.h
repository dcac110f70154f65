/*
 * storage_driver.h: the node's storage table, for hypervisor drivers'
 * `struct driver` (drivers/driver.h).  Entries find their state through
 * conn->node.
 */
#ifndef VIREO_DRIVERS_STORAGE_DRIVER_H
#define VIREO_DRIVERS_STORAGE_DRIVER_H

#include "drivers/driver.h"

extern const storage_driver storage_node_driver;

#endif
