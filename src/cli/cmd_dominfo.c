/*
 * cmd_dominfo.c: commands that read one domain: dominfo, domstate,
 * dumpxml, domid, domname, domuuid; and virsh's words for states.
 */
#include <stdio.h>
#include <jansson.h>

#include "cli/cli.h"

const char *
cli_state_string(int state)
{
    static const char *const names[] = {
        "no state", "running", "idle", "paused", "in shutdown", "shut off", "crashed",
        "pmsuspended",
    };

    if (state < 0 || state >= (int)G_N_ELEMENTS(names))
        return "no state";
    return names[state];
}

const char *
cli_reason_string(int state, int reason)
{
    static const char *const running[] = {
        "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
        "migration canceled", "save canceled", "event wakeup", "crashed", "post-copy",
    };
    static const char *const paused[] = {
        "unknown", "user", "migrating", "saving", "dumping", "I/O error", "watchdog",
        "from snapshot", "shutting down", "doing snapshot", "crashed", "starting up",
        "post-copy", "post-copy failed",
    };
    static const char *const shutdown[] = { "unknown", "user" };
    static const char *const shutoff[] = {
        "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved", "failed",
        "from snapshot", "daemon",
    };
    static const char *const crashed[] = { "unknown", "panicked" };
    const char *const *names = NULL;
    gsize n = 0;

#define PICK(arr) do { names = arr; n = G_N_ELEMENTS(arr); } while (0)
    switch (state) {
    case VIREO_DOMAIN_RUNNING: PICK(running); break;
    case VIREO_DOMAIN_PAUSED: PICK(paused); break;
    case VIREO_DOMAIN_SHUTDOWN: PICK(shutdown); break;
    case VIREO_DOMAIN_SHUTOFF: PICK(shutoff); break;
    case VIREO_DOMAIN_CRASHED: PICK(crashed); break;
    default: break;
    }
#undef PICK
    if (!names || reason < 0 || (gsize)reason >= n)
        return "unknown";
    return names[reason];
}

static json_t *
json_id(vireo_domain *dom)
{
    unsigned int id = vireo_domain_get_id(dom);

    return id == (unsigned int)-1 ? json_null() : json_integer(id);
}

static bool
dominfo_json(vireo_domain *dom, const vireo_domain_info *info)
{
    char uuid[VIREO_UUID_STRING_BUFLEN] = "";
    g_autofree char *os = vireo_domain_get_os_type(dom);
    int autostart = 0;

    vireo_domain_get_uuid_string(dom, uuid);
    vireo_domain_get_autostart(dom, &autostart);
    return cli_json_print(json_pack(
        "{s:o, s:s, s:s, s:s?, s:s, s:i, s:i, s:I, s:I, s:I, s:b, s:b, s:b}",
        "id", json_id(dom),
        "name", vireo_domain_get_name(dom),
        "uuid", uuid,
        "os_type", os,
        "state", cli_state_string(info->state),
        "state_code", (int)info->state,
        "vcpus", (int)info->nr_virt_cpu,
        "cpu_time_ns", (json_int_t)info->cpu_time,
        "max_memory_kib", (json_int_t)info->max_mem,
        "memory_kib", (json_int_t)info->memory,
        "persistent", vireo_domain_is_persistent(dom) == 1,
        "autostart", autostart == 1,
        "managed_save", vireo_domain_has_managed_save(dom, 0) == 1));
}

static void
dominfo_print(vireo_domain *dom, const vireo_domain_info *info)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    unsigned int id = vireo_domain_get_id(dom);
    g_autofree char *os = NULL;
    int autostart, persistent, managed;

    if (id == (unsigned int)-1)
        printf("%-15s %s\n", "Id:", "-");
    else
        printf("%-15s %u\n", "Id:", id);
    printf("%-15s %s\n", "Name:", vireo_domain_get_name(dom));
    if (vireo_domain_get_uuid_string(dom, uuid) == 0)
        printf("%-15s %s\n", "UUID:", uuid);
    if ((os = vireo_domain_get_os_type(dom)))
        printf("%-15s %s\n", "OS Type:", os);
    printf("%-15s %s\n", "State:", cli_state_string(info->state));
    printf("%-15s %d\n", "CPU(s):", info->nr_virt_cpu);
    if (info->cpu_time != 0)
        printf("%-15s %.1lfs\n", "CPU time:", info->cpu_time / 1000000000.0);
    printf("%-15s %lu KiB\n", "Max memory:", info->max_mem);
    printf("%-15s %lu KiB\n", "Used memory:", info->memory);
    persistent = vireo_domain_is_persistent(dom);
    printf("%-15s %s\n", "Persistent:", persistent < 0 ? "unknown" : persistent ? "yes" : "no");
    if (vireo_domain_get_autostart(dom, &autostart) == 0)
        printf("%-15s %s\n", "Autostart:", autostart ? "enable" : "disable");
    managed = vireo_domain_has_managed_save(dom, 0);
    printf("%-15s %s\n", "Managed save:", managed < 0 ? "unknown" : managed ? "yes" : "no");
    vireo_error_reset();    /* the optional fields above may fail harmlessly */
}

bool
cmd_dominfo(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    vireo_domain_info info;
    bool ok = true;

    if (!dom)
        return false;
    if (vireo_domain_get_info(dom, &info) < 0)
        ok = false;
    else if (cli_arg_bool(args, "json"))
        ok = dominfo_json(dom, &info);
    else
        dominfo_print(dom, &info);
    vireo_domain_free(dom);
    return ok;
}

bool
cmd_domstate(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    int state, reason;
    bool ok = true;

    if (!dom)
        return false;
    if (vireo_domain_get_state(dom, &state, &reason, 0) < 0) {
        ok = false;
    } else if (cli_arg_bool(args, "json")) {
        ok = cli_json_print(json_pack("{s:s, s:i, s:s, s:i}",
                                      "state", cli_state_string(state), "state_code", state,
                                      "reason", cli_reason_string(state, reason),
                                      "reason_code", reason));
    } else if (cli_arg_bool(args, "reason")) {
        printf("%s (%s)\n", cli_state_string(state), cli_reason_string(state, reason));
    } else {
        printf("%s\n", cli_state_string(state));
    }
    vireo_domain_free(dom);
    return ok;
}

bool
cmd_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    unsigned int flags = 0;
    g_autofree char *xml = NULL;

    if (!dom)
        return false;
    if (cli_arg_bool(args, "inactive"))
        flags |= VIREO_DOMAIN_XML_INACTIVE;
    if (cli_arg_bool(args, "security-info"))
        flags |= VIREO_DOMAIN_XML_SECURE;
    if (cli_arg_bool(args, "update-cpu"))
        flags |= VIREO_DOMAIN_XML_UPDATE_CPU;
    if (cli_arg_bool(args, "migratable"))
        flags |= VIREO_DOMAIN_XML_MIGRATABLE;
    xml = vireo_domain_get_xml_desc(dom, flags);
    vireo_domain_free(dom);
    if (!xml)
        return false;
    printf("%s", xml);
    return true;
}

bool
cmd_domid(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"),
                                          CLI_BY_NAME | CLI_BY_UUID);
    unsigned int id;
    bool ok = true;

    if (!dom)
        return false;
    id = vireo_domain_get_id(dom);
    if (cli_arg_bool(args, "json"))
        ok = cli_json_print(json_pack("{s:o}", "id", json_id(dom)));
    else if (id == (unsigned int)-1)
        printf("-\n");
    else
        printf("%u\n", id);
    vireo_domain_free(dom);
    return ok;
}

bool
cmd_domname(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"),
                                          CLI_BY_ID | CLI_BY_UUID);
    bool ok = true;

    if (!dom)
        return false;
    if (cli_arg_bool(args, "json"))
        ok = cli_json_print(json_pack("{s:s}", "name", vireo_domain_get_name(dom)));
    else
        printf("%s\n", vireo_domain_get_name(dom));
    vireo_domain_free(dom);
    return ok;
}

bool
cmd_domuuid(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"),
                                          CLI_BY_ID | CLI_BY_NAME);
    char uuid[VIREO_UUID_STRING_BUFLEN];
    bool ok = false;

    if (!dom)
        return false;
    if (vireo_domain_get_uuid_string(dom, uuid) < 0)
        cli_error("failed to get domain UUID");
    else if (cli_arg_bool(args, "json"))
        ok = cli_json_print(json_pack("{s:s}", "uuid", uuid));
    else
        ok = printf("%s\n", uuid) > 0;
    vireo_domain_free(dom);
    return ok;
}
