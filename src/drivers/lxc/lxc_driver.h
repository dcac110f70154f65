/* lxc_driver.h: the LXC driver (lxc:///system, lxc:///embed?root=DIR);
 * its state is in lxc_priv.h. */
#ifndef VIREO_LXC_DRIVER_H
#define VIREO_LXC_DRIVER_H

#include "drivers/driver.h"

extern const driver lxc_driver;

#endif
