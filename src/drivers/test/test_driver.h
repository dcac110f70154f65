/* test_driver.h: the test hypervisor ("test:///default", "test:///PATH.xml"). */
#ifndef VIREO_DRIVERS_TEST_DRIVER_H
#define VIREO_DRIVERS_TEST_DRIVER_H

#include "drivers/driver.h"

extern const driver test_driver;

#endif
