/* qemu_driver.h: the QEMU/KVM driver (qemu:///system, qemu:///session,
 * qemu:///embed?root=DIR); its state is in qemu_priv.h. */
#ifndef VIREO_QEMU_DRIVER_H
#define VIREO_QEMU_DRIVER_H

#include "drivers/driver.h"

extern const driver qemu_driver;

#endif
