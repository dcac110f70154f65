/*
 * dnsmasq_tool.c: the network driver's dnsmasq calls from the command
 * line, for tests/network/test-dnsmasq.sh (not a test by itself).
 *
 *   dnsmasq-tool start XML BRIDGE RUNDIR       prints the pid
 *   dnsmasq-tool reload XML RUNDIR PID
 *   dnsmasq-tool find NAME RUNDIR              prints the pid (0: none)
 *   dnsmasq-tool stop NAME RUNDIR PID
 *   dnsmasq-tool leases NAME RUNDIR BRIDGE [MAC]
 *                one line a lease: TYPE MAC|IAID IP/PREFIX HOSTNAME|- EXPIRY
 *
 * Exit status 1 with the error on stderr when a call fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/handles.h"
#include "drivers/network/network_dnsmasq.h"
#include "util/error.h"

static int fail(void)
{
    const vireo_error *e = error_last();

    fprintf(stderr, "%s\n", e && e->message ? e->message : "failed without an error");
    return 1;
}

static network_def *load(const char *path)
{
    g_autofree char *xml = NULL;

    if (!g_file_get_contents(path, &xml, NULL, NULL)) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    return network_def_parse(xml);
}

static int leases(int argc, char **argv)
{
    g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(dhcp_lease_free);

    if (dnsmasq_leases_read(argv[2], argv[3], argv[4], argc > 5 ? argv[5] : NULL, out) < 0)
        return fail();
    for (guint i = 0; i < out->len; i++) {
        vireo_network_dhcp_lease *l = g_ptr_array_index(out, i);

        printf("%s %s %s/%u %s %lld\n", l->type == VIREO_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4",
               l->mac ? l->mac : l->iaid, l->ipaddr, l->prefix, l->hostname ? l->hostname : "-",
               l->expirytime);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";

    if (!strcmp(cmd, "start") && argc == 5) {
        g_autoptr(network_def) def = load(argv[2]);
        pid_t pid;

        if (!def || (pid = dnsmasq_start(def, argv[3], argv[4])) < 0)
            return fail();
        printf("%d\n", (int)pid);
        return 0;
    }
    if (!strcmp(cmd, "reload") && argc == 5) {
        g_autoptr(network_def) def = load(argv[2]);

        if (!def || dnsmasq_reload(def, argv[3], (pid_t)atoi(argv[4])) < 0)
            return fail();
        return 0;
    }
    if (!strcmp(cmd, "find") && argc == 4) {
        printf("%d\n", (int)dnsmasq_find(argv[2], argv[3]));
        return 0;
    }
    if (!strcmp(cmd, "stop") && argc == 5) {
        dnsmasq_stop(argv[2], argv[3], (pid_t)atoi(argv[4]));
        return 0;
    }
    if (!strcmp(cmd, "leases") && (argc == 5 || argc == 6))
        return leases(argc, argv);
    fprintf(stderr, "usage: see tests/network/dnsmasq_tool.c\n");
    return 2;
}
