/*
 * lxc_namespace.c: virDomainLxcOpenNamespace, the descriptors of a
 * running container's namespaces for a caller to setns(2) into (virsh
 * lxc-enter-namespace, vireo lxc-enter-namespace).
 *
 * The order is libvirt's (user, ipc, uts, net, pid, mnt): a caller enters
 * them in order, the user namespace first so that it holds the rights for
 * the others.  The user namespace is given only when the container has
 * its own: joining one's own user namespace is refused by the kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/lxc/lxc_priv.h"
#include "util/error.h"

static const char *const lxc_ns_names[] = { "user", "ipc", "uts", "net", "pid", "mnt" };

/* Whether path names the same namespace as ours (/proc/self/ns/NAME). */
static bool lxc_ns_is_ours(const char *path, const char *name)
{
    g_autofree char *self = g_strdup_printf("/proc/self/ns/%s", name);
    struct stat a, b;

    return stat(path, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* The init pid of the running domain the handle names; 0 with the error. */
static pid_t lxc_ns_init_pid(vireo_domain *handle)
{
    lxc_drv *drv = lxc_conn_drv(handle->conn);
    dom_obj *dom;
    pid_t pid = 0;

    if (!drv || !(dom = dom_obj_from_handle(&drv->doms, handle)))
        return 0;
    g_mutex_lock(&drv->doms.lock);
    if (!dom_obj_active(dom))
        dom_obj_state_error(dom, "running");
    else if (!(pid = lxc_dom_of(dom)->init_pid))
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID,
                     "the init process of domain '%s' is not yet available",
                     dom_obj_current(dom)->name);
    g_mutex_unlock(&drv->doms.lock);
    dom_obj_unref(dom);
    return pid;
}

int lxc_domain_open_namespace(vireo_domain *handle, int **fds, unsigned int flags)
{
    g_autoptr(GArray) got = g_array_new(FALSE, FALSE, sizeof(int));
    pid_t pid;

    if (!lxc_flags_ok(flags, 0, __func__))
        return -1;
    if (!(pid = lxc_ns_init_pid(handle)))
        return -1;
    for (size_t i = 0; i < G_N_ELEMENTS(lxc_ns_names); i++) {
        const char *name = lxc_ns_names[i];
        g_autofree char *path = g_strdup_printf("/proc/%d/ns/%s", (int)pid, name);
        int fd;

        if (i == 0 && lxc_ns_is_ours(path, name))
            continue;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT && access("/proc/self/ns", F_OK) == 0 &&
            kill(pid, 0) == 0)
            continue;   /* a namespace kind this kernel lacks, as libvirt */
        if (fd < 0) {
            int err = errno;

            for (guint j = 0; j < got->len; j++)
                close(g_array_index(got, int, j));
            error_report_system(VIREO_FROM_LXC, err,
                                "cannot open the %s namespace of domain '%s' (%s)", name,
                                handle->name, path);
            return -1;
        }
        g_array_append_val(got, fd);
    }
    *fds = g_new(int, got->len ? got->len : 1);
    memcpy(*fds, got->data, got->len * sizeof(int));
    return (int)got->len;
}
