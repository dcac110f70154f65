/*
 * secret_driver.h: the node's secret table, for hypervisor drivers'
 * `struct driver` (drivers/driver.h).  Entries find their state through
 * conn->node.
 */
#ifndef VIREO_DRIVERS_SECRET_DRIVER_H
#define VIREO_DRIVERS_SECRET_DRIVER_H

#include "drivers/driver.h"

extern const secret_driver secret_node_driver;

#endif
