/*
 * node_info.c: virNodeGetInfo for drivers running guests on this host.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <glib.h>

#include "drivers/node_info.h"
#include "util/error.h"

/* The CPU clock from /proc/cpuinfo, 0 when it says none. */
static unsigned int node_mhz(void)
{
    g_autofree char *text = NULL;
    const char *line;

    if (!g_file_get_contents("/proc/cpuinfo", &text, NULL, NULL))
        return 0;
    line = strstr(text, "cpu MHz");
    if (!line || !(line = strchr(line, ':')))
        return 0;
    return (unsigned int)strtod(line + 1, NULL);
}

int node_host_info(int err_domain, vireo_node_info *info)
{
    struct utsname u;
    struct sysinfo si;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (uname(&u) < 0 || sysinfo(&si) < 0) {
        error_report_system(err_domain, errno, "cannot read the node's information");
        return -1;
    }
    g_strlcpy(info->model, u.machine, sizeof(info->model));
    info->memory = (unsigned long)((unsigned long long)si.totalram * si.mem_unit / 1024);
    info->cpus = (unsigned int)(cpus > 0 ? cpus : 1);
    info->mhz = node_mhz();
    /* one NUMA node and socket: what the counts above can say */
    info->nodes = 1;
    info->sockets = 1;
    info->cores = info->cpus;
    info->threads = 1;
    return 0;
}
