/*
 * cmd_host.c: commands about the node and the connection: nodeinfo,
 * capabilities, version, hostname, uri, connect, quit.
 */
#include <stdio.h>
#include <jansson.h>

#include "cli/cli.h"

static char *
version_string(unsigned long v)
{
    return g_strdup_printf("%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

bool
cmd_nodeinfo(cli_ctl *ctl, const cli_args *args)
{
    vireo_node_info info;

    if (vireo_node_get_info(ctl->conn, &info) < 0) {
        cli_error("failed to get node information");
        return false;
    }
    if (cli_arg_bool(args, "json"))
        return cli_json_print(json_pack(
            "{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:I}",
            "cpu_model", info.model, "cpus", (int)info.cpus, "mhz", (int)info.mhz,
            "sockets", (int)info.sockets, "cores", (int)info.cores,
            "threads", (int)info.threads, "numa_cells", (int)info.nodes,
            "memory_kib", (json_int_t)info.memory));
    printf("%-20s %s\n", "CPU model:", info.model);
    printf("%-20s %u\n", "CPU(s):", info.cpus);
    if (info.mhz)
        printf("%-20s %u MHz\n", "CPU frequency:", info.mhz);
    printf("%-20s %u\n", "CPU socket(s):", info.sockets);
    printf("%-20s %u\n", "Core(s) per socket:", info.cores);
    printf("%-20s %u\n", "Thread(s) per core:", info.threads);
    printf("%-20s %u\n", "NUMA cell(s):", info.nodes);
    printf("%-20s %lu KiB\n", "Memory size:", info.memory);
    return true;
}

bool
cmd_capabilities(cli_ctl *ctl, const cli_args *args G_GNUC_UNUSED)
{
    g_autofree char *caps = vireo_conn_get_capabilities(ctl->conn);

    if (!caps) {
        cli_error("failed to get capabilities");
        return false;
    }
    printf("%s\n", caps);     /* virsh adds a line after the document */
    return true;
}

static bool
version_json(const char *type, unsigned long lib, unsigned long hv, bool hv_ok)
{
    g_autofree char *l = version_string(lib);
    g_autofree char *h = hv_ok ? version_string(hv) : NULL;

    return cli_json_print(json_pack("{s:s, s:s, s:s, s:s?}",
                                    "library", l, "api", l, "hypervisor_type", type,
                                    "hypervisor", h));
}

/* virsh prints the library it was built with, the one it runs with, the
 * API version of the driver and the hypervisor's version. */
bool
cmd_version(cli_ctl *ctl, const cli_args *args)
{
    const char *type = vireo_conn_get_type(ctl->conn);
    unsigned long lib = 0, hv = 0;
    g_autofree char *built = version_string(VIREO_VERSION_NUMBER);
    g_autofree char *libs = NULL;
    g_autofree char *hvs = NULL;
    bool hv_ok;

    if (!type) {
        cli_error("failed to get hypervisor type");
        return false;
    }
    if (vireo_get_lib_version(&lib) < 0) {
        cli_error("failed to get the library version");
        return false;
    }
    hv_ok = vireo_conn_get_version(ctl->conn, &hv) == 0;
    if (cli_arg_bool(args, "json"))
        return version_json(type, lib, hv, hv_ok);
    libs = version_string(lib);
    printf("Compiled against library: vireo %s\n", built);
    printf("Using library: vireo %s\n", libs);
    printf("Using API: %s %s\n", type, libs);
    if (!hv_ok) {
        cli_error("failed to get the hypervisor version");
        return false;
    }
    if (hv != 0) {
        hvs = version_string(hv);
        printf("Running hypervisor: %s %s\n", type, hvs);
    }
    if (cli_arg_bool(args, "daemon"))
        printf("Running against daemon: %s\n", libs);   /* in-process: the library */
    return true;
}

bool
cmd_hostname(cli_ctl *ctl, const cli_args *args)
{
    g_autofree char *name = vireo_conn_get_hostname(ctl->conn);

    if (!name) {
        cli_error("failed to get hostname");
        return false;
    }
    if (cli_arg_bool(args, "json"))
        return cli_json_print(json_pack("{s:s}", "hostname", name));
    printf("%s\n", name);
    return true;
}

bool
cmd_uri(cli_ctl *ctl, const cli_args *args)
{
    g_autofree char *uri = vireo_conn_get_uri(ctl->conn);

    if (!uri) {
        cli_error("failed to get URI");
        return false;
    }
    if (cli_arg_bool(args, "json"))
        return cli_json_print(json_pack("{s:s}", "uri", uri));
    printf("%s\n", uri);
    return true;
}

bool
cmd_connect(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "name");

    if (name) {
        g_free(ctl->uri);
        ctl->uri = g_strdup(name);
    }
    ctl->readonly = cli_arg_bool(args, "readonly");
    if (ctl->conn) {
        vireo_conn_close(ctl->conn);
        ctl->conn = NULL;
    }
    return cli_connect(ctl);
}

bool
cmd_quit(cli_ctl *ctl, const cli_args *args G_GNUC_UNUSED)
{
    ctl->want_quit = true;
    return true;
}
