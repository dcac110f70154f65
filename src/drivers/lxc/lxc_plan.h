/*
 * lxc_plan.h: a container's domain definition turned into the plan
 * lxc_container_start runs (filesystems, id maps, init, environment).
 * Linked into the controller, which plans from the live XML, and into
 * the driver, which checks a definition before it spawns anything so the
 * common mistakes come back at once with the path named.
 */
#ifndef VIREO_DRIVERS_LXC_PLAN_H
#define VIREO_DRIVERS_LXC_PLAN_H

#include "conf/domain_def.h"
#include "drivers/lxc/lxc_container.h"

/* The plan for def: filesystems with the one on "/" first (<filesystem
 * type='mount'> as bind, type='ram' as tmpfs, readonly kept), idmap,
 * init (os.init, "/sbin/init" when absent) with <initarg>s, <initenv>s
 * plus container=vireo-lxc and PATH when not given, <initdir>;
 * console_pty and net_devs copied.  NULL with the error (CONFIG_UNSUPPORTED
 * naming the filesystem type it cannot mount). */
lxc_plan *lxc_plan_from_def(const domain_def *def, const char *console_pty,
                            const char *const *net_devs);

/* Before a start: the root filesystem's folder exists and is a folder
 * (NO_SOURCE... naming it otherwise: "root folder '/srv/x' of container
 * 'web': No such file or directory", error code VIREO_ERR_NO_SOURCE), and
 * init resolves inside it to an executable file (OPERATION_FAILED naming
 * init and the container).  0 or -1 with the error. */
int lxc_plan_check(const domain_def *def);

#endif
