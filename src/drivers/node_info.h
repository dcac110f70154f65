/*
 * node_info.h: the host's CPU and memory as virNodeGetInfo reports them,
 * for the drivers that run guests on this host (QEMU, LXC).
 */
#ifndef VIREO_DRIVERS_NODE_INFO_H
#define VIREO_DRIVERS_NODE_INFO_H

#include "vireo/vireo.h"

/* Fill info from uname, sysinfo and /proc/cpuinfo; -1 with a
 * SYSTEM_ERROR from err_domain. */
int node_host_info(int err_domain, vireo_node_info *info);

#endif
