/*
 * interface_driver.h: the host's network interfaces, read-only, from
 * /sys/class/net and rtnetlink (as libvirt's udev backend: iface-list,
 * iface-dumpxml; define, start and stop are not supported).
 */
#ifndef VIREO_DRIVERS_INTERFACE_DRIVER_H
#define VIREO_DRIVERS_INTERFACE_DRIVER_H

struct interface_driver;

extern const struct interface_driver host_interface_driver;

#endif
