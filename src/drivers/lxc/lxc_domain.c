/*
 * lxc_domain.c: the LXC driver's defaults and checks applied to every
 * definition (post-parse), for defines, creates and the config files.
 *
 * A container runs a program of the host's kind (os type 'exe', domain
 * type 'lxc') from a root folder; its console is the controller's pty;
 * its interfaces are veth pairs whose container end gets a stable MAC
 * and a name inside (ethN).
 */
#include <string.h>
#include <sys/utsname.h>

#include "drivers/lxc/lxc_priv.h"
#include "util/error.h"

#define LXC_INIT_DEFAULT "/sbin/init"

static int lxc_def_check_type(lxc_drv *drv, domain_def *def)
{
    struct utsname u;
    const char *host_arch = uname(&u) == 0 ? u.machine : "x86_64";

    if (def->virt != DOMAIN_VIRT_LXC) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "domain type '%s' of domain '%s' is not supported by the LXC driver "
                     "(use 'lxc')", domain_virt_names[def->virt], def->name);
        return -1;
    }
    if (!def->os.type || strcmp(def->os.type, "exe") != 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OS_TYPE,
                     "OS type '%s' of domain '%s' is not supported by the LXC driver (use 'exe')",
                     def->os.type ? def->os.type : "", def->name);
        return -1;
    }
    if (!def->os.arch)
        def->os.arch = g_strdup(host_arch);
    if (strcmp(def->os.arch, host_arch) != 0) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "architecture '%s' of domain '%s' is not supported: containers run "
                     "the host's (%s)", def->os.arch, def->name, host_arch);
        return -1;
    }
    if (!def->devices.emulator)
        def->devices.emulator = g_strdup(drv->controller);
    return 0;
}

static int lxc_def_check_root(domain_def *def)
{
    for (guint i = 0; i < def->devices.filesystems->len; i++) {
        const device_filesystem *fs = def->devices.filesystems->pdata[i];

        if (g_strcmp0(fs->target, "/") == 0)
            return 0;
    }
    error_report(VIREO_FROM_LXC, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "domain '%s' has no root filesystem: add a <filesystem> with "
                 "<target dir='/'/>", def->name);
    return -1;
}

/* A container's console is the controller's pty (target type 'lxc').
 * The generic parse treats a console as an hvm guest's serial port: a
 * console target 'serial' becomes 'lxc' and the serial ports it added
 * go, as containers have none. */
static void lxc_def_consoles(domain_def *def)
{
    GPtrArray *cons = def->devices.consoles;

    for (guint i = 0; i < cons->len; i++) {
        device_chr *c = cons->pdata[i];

        if (!c->target_type || strcmp(c->target_type, "serial") == 0) {
            g_free(c->target_type);
            c->target_type = g_strdup("lxc");
        }
    }
    g_ptr_array_set_size(def->devices.serials, 0);
    if (cons->len == 0) {
        device_chr *c = g_new0(device_chr, 1);

        c->type = g_strdup("pty");
        c->target_type = g_strdup("lxc");
        c->target_port = 0;
        g_ptr_array_add(cons, c);
    }
}

/* Interfaces inside are named as given, else eth0, eth1... in order,
 * skipping names already given. */
static void lxc_def_guest_devs(domain_def *def)
{
    GPtrArray *nets = def->devices.interfaces;
    guint next = 0;

    for (guint i = 0; i < nets->len; i++) {
        device_interface *net = nets->pdata[i];
        bool taken = true;

        if (net->guest_dev)
            continue;
        while (taken) {
            g_autofree char *name = g_strdup_printf("eth%u", next++);

            taken = false;
            for (guint j = 0; j < nets->len && !taken; j++)
                taken = g_strcmp0(((device_interface *)nets->pdata[j])->guest_dev, name) == 0;
            if (!taken)
                net->guest_dev = g_steal_pointer(&name);
        }
    }
}

domain_def *lxc_def_parse(void *opaque, const char *xml)
{
    lxc_drv *drv = opaque;
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);

    if (!def || lxc_def_check_type(drv, def) < 0 || lxc_def_check_root(def) < 0)
        return NULL;
    if (!def->os.init)
        def->os.init = g_strdup(LXC_INIT_DEFAULT);
    lxc_def_consoles(def);
    /* stable: given once and kept in the file */
    devices_assign_macs(&def->devices);
    lxc_def_guest_devs(def);
    return g_steal_pointer(&def);
}
