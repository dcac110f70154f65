/*
 * interface_sysfs.c: reading a host network device from /sys/class/net
 * (and /proc/net/vlan for a VLAN's tag), as libvirt's udev backend does.
 */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/interface/interface_priv.h"

#define SYS_NET "/sys/class/net"

bool host_iface_name_ok(const char *name)
{
    return name && *name && strlen(name) < IFNAMSIZ && !strchr(name, '/') &&
           strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* /sys/class/net/NAME/ATTR stripped, NULL when unreadable */
static char *sys_read(const char *name, const char *attr)
{
    g_autofree char *path = g_build_filename(SYS_NET, name, attr, NULL);
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strstrip(text);
}

static unsigned long sys_read_ulong(const char *name, const char *attr, unsigned long fallback)
{
    g_autofree char *text = sys_read(name, attr);
    char *end = NULL;
    long long v;

    if (!text || !*text)
        return fallback;
    v = g_ascii_strtoll(text, &end, 10);
    return end && end != text && v >= 0 ? (unsigned long)v : fallback;
}

static bool sys_exists(const char *name, const char *attr)
{
    g_autofree char *path = g_build_filename(SYS_NET, name, attr, NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

char *host_iface_mac(const char *name)
{
    g_autofree char *mac = NULL;

    if (!host_iface_name_ok(name) || !sys_exists(name, NULL))
        return NULL;
    mac = sys_read(name, "address");
    /* devices without a link-layer address (tun, ip tunnels) */
    if (!mac || strlen(mac) != 17)
        return g_strdup("00:00:00:00:00:00");
    return g_ascii_strdown(mac, -1);
}

/* The DEVTYPE line of the device's uevent (new string), NULL none */
static char *sys_devtype(const char *name)
{
    g_autofree char *uevent = sys_read(name, "uevent");
    g_auto(GStrv) lines = NULL;

    if (!uevent)
        return NULL;
    lines = g_strsplit(uevent, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "DEVTYPE="))
            return g_strdup(lines[i] + strlen("DEVTYPE="));
    }
    return NULL;
}

static int name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **sys_list_dir(const char *name, const char *sub)
{
    g_autofree char *path = g_build_filename(SYS_NET, name, sub, NULL);
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    GPtrArray *names = g_ptr_array_new();
    const char *entry;

    while (dir && (entry = g_dir_read_name(dir)))
        g_ptr_array_add(names, g_strdup(entry));
    g_ptr_array_sort(names, name_cmp);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

char **host_iface_names(void)
{
    return sys_list_dir("", NULL);
}

/* A VLAN's tag and parent from /proc/net/vlan/NAME ("VID: 5", "Device: eth0") */
static void read_vlan(host_iface *iface)
{
    g_autofree char *path = g_build_filename("/proc/net/vlan", iface->name, NULL);
    g_autofree char *text = NULL;
    const char *p;

    if (g_file_get_contents(path, &text, NULL, NULL)) {
        if ((p = strstr(text, "VID: ")))
            iface->vlan_tag = (unsigned int)strtoul(p + 5, NULL, 10);
        if ((p = strstr(text, "Device: "))) {
            p += strlen("Device: ");
            iface->vlan_parent = g_strndup(p, strcspn(p, " \t\n"));
        }
    }
    /* without 8021q's proc file, the lower device's link names the parent */
    if (!iface->vlan_parent) {
        g_auto(GStrv) entries = sys_list_dir(iface->name, NULL);

        for (int i = 0; entries[i]; i++) {
            if (g_str_has_prefix(entries[i], "lower_"))
                iface->vlan_parent = g_strdup(entries[i] + strlen("lower_"));
        }
    }
}

static void read_bond(host_iface *iface)
{
    g_autofree char *mode = sys_read(iface->name, "bonding/mode");
    g_autofree char *slaves = sys_read(iface->name, "bonding/slaves");
    g_autofree char *targets = sys_read(iface->name, "bonding/arp_ip_target");
    g_autofree char *validate = sys_read(iface->name, "bonding/arp_validate");
    g_auto(GStrv) names = NULL;

    /* "balance-rr 0": the name, then the number */
    if (mode && *mode)
        iface->bond_mode = g_strndup(mode, strcspn(mode, " "));
    iface->miimon = (unsigned int)sys_read_ulong(iface->name, "bonding/miimon", 0);
    iface->updelay = (unsigned int)sys_read_ulong(iface->name, "bonding/updelay", 0);
    iface->downdelay = (unsigned int)sys_read_ulong(iface->name, "bonding/downdelay", 0);
    iface->use_carrier = sys_read_ulong(iface->name, "bonding/use_carrier", 1) != 0;
    iface->arp_interval = (unsigned int)sys_read_ulong(iface->name, "bonding/arp_interval", 0);
    if (targets && *targets)
        iface->arp_target = g_strndup(targets, strcspn(targets, " ,"));
    if (validate && *validate)
        iface->arp_validate = g_strndup(validate, strcspn(validate, " "));
    names = g_strsplit(slaves ? slaves : "", " ", -1);
    for (int i = 0; names[i]; i++) {
        host_iface *port = *names[i] ? host_iface_read(names[i]) : NULL;

        if (port)
            g_ptr_array_add(iface->ports, port);
    }
}

static void read_bridge(host_iface *iface)
{
    g_auto(GStrv) ports = sys_list_dir(iface->name, "brif");

    iface->stp = sys_read_ulong(iface->name, "bridge/stp_state", 0) != 0;
    iface->delay = sys_read_ulong(iface->name, "bridge/forward_delay", 0);
    for (int i = 0; ports[i]; i++) {
        host_iface *port = host_iface_read(ports[i]);

        if (port)
            g_ptr_array_add(iface->ports, port);
    }
}

host_iface *host_iface_read(const char *name)
{
    g_autoptr(host_iface) iface = NULL;
    g_autofree char *devtype = NULL;
    long speed;

    if (!host_iface_name_ok(name) || !sys_exists(name, NULL))
        return NULL;
    iface = g_new0(host_iface, 1);
    iface->name = g_strdup(name);
    iface->ports = g_ptr_array_new_with_free_func((GDestroyNotify)host_iface_free);
    iface->mac = host_iface_mac(name);
    iface->operstate = sys_read(name, "operstate");
    if (!iface->operstate || !*iface->operstate)
        g_free(iface->operstate), iface->operstate = g_strdup("unknown");
    /* reading speed fails (EINVAL) while the link is down */
    speed = (long)sys_read_ulong(name, "speed", 0);
    iface->speed = speed > 0 && speed < G_MAXINT ? (unsigned int)speed : 0;
    iface->mtu = (unsigned int)sys_read_ulong(name, "mtu", 0);
    iface->is_port = sys_exists(name, "master");
    devtype = sys_devtype(name);
    if (sys_exists(name, "bridge"))
        iface->type = HOST_IFACE_BRIDGE;
    else if (sys_exists(name, "bonding"))
        iface->type = HOST_IFACE_BOND;
    else if (g_strcmp0(devtype, "vlan") == 0)
        iface->type = HOST_IFACE_VLAN;
    if (iface->type == HOST_IFACE_BRIDGE)
        read_bridge(iface);
    else if (iface->type == HOST_IFACE_BOND)
        read_bond(iface);
    else if (iface->type == HOST_IFACE_VLAN)
        read_vlan(iface);
    return g_steal_pointer(&iface);
}

void host_iface_free(host_iface *iface)
{
    if (!iface)
        return;
    g_free(iface->name);
    g_free(iface->mac);
    g_free(iface->operstate);
    g_free(iface->bond_mode);
    g_free(iface->arp_target);
    g_free(iface->arp_validate);
    g_free(iface->vlan_parent);
    if (iface->ports)
        g_ptr_array_free(iface->ports, TRUE);
    g_free(iface);
}

bool host_iface_is_up(const host_iface *iface)
{
    return g_strcmp0(iface->operstate, "up") == 0;
}
