/*
 * network_default.c: the 'default' network, as libvirt's packaging
 * makes it: NAT on virbr0, 192.168.122.1/24, DHCP .2-.254.
 *
 * Defined once, on the first start of a privileged (system) instance:
 * when config_base/qemu/networks did not exist yet, vireod runs as root
 * and the node is the system one (/etc/libvirt, or ROOT/etc/libvirt
 * under vireod --root, which exports VIREO_ROOT).  Session and embed
 * instances get none, as with libvirt.  When 192.168.122.0/24 is
 * already routed on the host, the next free 192.168.N.0/24 is used (as
 * libvirt's packaging scripts do).
 *
 * Marked autostart only for the real system instance (/etc/libvirt,
 * no --root): an instance under --root (the tests, `make run`) gets it
 * defined but not started, so it never makes a virbr0 in the host's
 * network namespace behind the user's back.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers/network/network_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "network.default"

/* The third byte of a free 192.168.N.0/24, from 122 on; -1 none */
static int free_subnet(void)
{
    for (int n = 122; n < 255; n++) {
        g_autofree char *subnet = g_strdup_printf("192.168.%d.0", n);
        g_autofree char *dev = NULL;

        if (!network_route_in_use(AF_INET, subnet, 24, NULL, &dev))
            return n;
    }
    return -1;
}

/* Whether state is the system instance's; *rooted when under --root */
static bool is_system(network_state *state, bool *rooted)
{
    const char *root = g_getenv("VIREO_ROOT");
    g_autofree char *rooted_base = NULL;

    *rooted = false;
    if (geteuid() != 0)
        return false;
    if (root && *root) {
        rooted_base = g_build_filename(root, "etc", "libvirt", NULL);
        *rooted = true;
        return strcmp(state->node->config_base, rooted_base) == 0;
    }
    return strcmp(state->node->config_base, "/etc/libvirt") == 0;
}

void network_default_setup(network_state *state, bool first_start)
{
    g_autofree char *xml = NULL;
    g_autoptr(network_def) def = NULL;
    g_autoptr(network_obj) existing = NULL;
    network_obj *obj;
    bool rooted;
    int n;

    if (!first_start || !is_system(state, &rooted))
        return;
    if ((existing = network_obj_lookup(state, "default")))
        return;
    if ((n = free_subnet()) < 0) {
        log_warn("no free 192.168.N.0/24 for the 'default' network: not defining it");
        return;
    }
    xml = g_strdup_printf("<network>\n"
                          "  <name>default</name>\n"
                          "  <forward mode='nat'/>\n"
                          "  <bridge name='virbr%%d' stp='on' delay='0'/>\n"
                          "  <ip address='192.168.%d.1' netmask='255.255.255.0'>\n"
                          "    <dhcp>\n"
                          "      <range start='192.168.%d.2' end='192.168.%d.254'/>\n"
                          "    </dhcp>\n"
                          "  </ip>\n"
                          "</network>\n",
                          n, n, n);
    g_mutex_lock(&state->add_lock);
    def = network_def_parse(xml);
    if (!def || network_define_prepare(state, def) < 0 ||
        network_state_save_config(state, def) < 0) {
        g_mutex_unlock(&state->add_lock);
        log_warn("cannot define the 'default' network: %s",
                 error_last() ? error_last()->message : "?");
        error_reset();
        return;
    }
    if (!rooted && network_state_set_autostart(state, def->name, true) < 0)
        rooted = true; /* logged below as not autostarted */
    log_info("defined the 'default' network (%s, 192.168.%d.0/24)%s", def->bridge, n,
             rooted ? ", not autostarted" : "");
    obj = network_obj_new(state, def->name, def->uuid);
    obj->autostart = !rooted;
    obj->config = g_steal_pointer(&def);
    network_obj_list_add(obj);
    g_mutex_unlock(&state->add_lock);
    network_obj_unref(obj);
    error_reset();
}
