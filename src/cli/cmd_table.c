/*
 * cmd_table.c: every vireo command, its options and its help text.
 *
 * Names, option names, option order (which decides positional filling)
 * and help texts follow virsh's, so `vireo help X` reads like
 * `virsh help X`.  --json is vireo's own addition.
 */
#include <string.h>

#include "cli/cli.h"

#define DOMAIN_OPT(help) { "domain", CLI_OPT_DATA, 0, help }
#define JSON_OPT { "json", CLI_OPT_BOOL, 0, "print one JSON document (vireo)" }
#define END { NULL, 0, 0, NULL }

static const cli_opt opts_list[] = {
    { "inactive", CLI_OPT_BOOL, 0, "list inactive domains" },
    { "all", CLI_OPT_BOOL, 0, "list inactive & active domains" },
    { "transient", CLI_OPT_BOOL, 0, "list transient domains" },
    { "persistent", CLI_OPT_BOOL, 0, "list persistent domains" },
    { "with-snapshot", CLI_OPT_BOOL, 0, "list domains with existing snapshot" },
    { "without-snapshot", CLI_OPT_BOOL, 0, "list domains without a snapshot" },
    { "with-checkpoint", CLI_OPT_BOOL, 0, "list domains with existing checkpoint" },
    { "without-checkpoint", CLI_OPT_BOOL, 0, "list domains without a checkpoint" },
    { "state-running", CLI_OPT_BOOL, 0, "list domains in running state" },
    { "state-paused", CLI_OPT_BOOL, 0, "list domains in paused state" },
    { "state-shutoff", CLI_OPT_BOOL, 0, "list domains in shutoff state" },
    { "state-other", CLI_OPT_BOOL, 0, "list domains in other states" },
    { "autostart", CLI_OPT_BOOL, 0, "list domains with autostart enabled" },
    { "no-autostart", CLI_OPT_BOOL, 0, "list domains with autostart disabled" },
    { "with-managed-save", CLI_OPT_BOOL, 0, "list domains with managed save state" },
    { "without-managed-save", CLI_OPT_BOOL, 0, "list domains without managed save" },
    { "uuid", CLI_OPT_BOOL, 0, "list uuid's only" },
    { "name", CLI_OPT_BOOL, 0, "list domain names only" },
    { "id", CLI_OPT_BOOL, 0, "list domain IDs only" },
    { "table", CLI_OPT_BOOL, 0, "list table (default)" },
    { "managed-save", CLI_OPT_BOOL, 0, "mark inactive domains with managed save state" },
    { "title", CLI_OPT_BOOL, 0, "show domain title" },
    JSON_OPT,
    END,
};

static const cli_opt opts_dom_json[] = { DOMAIN_OPT("domain name, id or uuid"), JSON_OPT, END };
static const cli_opt opts_dom[] = { DOMAIN_OPT("domain name, id or uuid"), END };

static const cli_opt opts_domstate[] = {
    DOMAIN_OPT("domain name, id or uuid"),
    { "reason", CLI_OPT_BOOL, 0, "also print reason for the state" },
    JSON_OPT,
    END,
};

static const cli_opt opts_dumpxml[] = {
    DOMAIN_OPT("domain name, id or uuid"),
    { "inactive", CLI_OPT_BOOL, 0, "show inactive defined XML" },
    { "security-info", CLI_OPT_BOOL, 0, "include security sensitive information in XML dump" },
    { "update-cpu", CLI_OPT_BOOL, 0, "update guest CPU according to host CPU" },
    { "migratable", CLI_OPT_BOOL, 0, "provide XML suitable for migrations" },
    END,
};

static const cli_opt opts_define[] = {
    { "file", CLI_OPT_DATA, 0, "file containing an XML domain description" },
    { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" },
    END,
};

static const cli_opt opts_create[] = {
    { "file", CLI_OPT_DATA, 0, "file containing an XML domain description" },
    { "paused", CLI_OPT_BOOL, 0, "leave the guest paused after creation" },
    { "autodestroy", CLI_OPT_BOOL, 0, "automatically destroy the guest when vireo disconnects" },
    { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" },
    END,
};

static const cli_opt opts_undefine[] = {
    DOMAIN_OPT("domain name, id or uuid"),
    { "managed-save", CLI_OPT_BOOL, 0, "remove domain managed state file" },
    END,
};

static const cli_opt opts_start[] = {
    DOMAIN_OPT("name of the inactive domain"),
    { "paused", CLI_OPT_BOOL, 0, "leave the guest paused after creation" },
    { "autodestroy", CLI_OPT_BOOL, 0, "automatically destroy the guest when vireo disconnects" },
    { "force-boot", CLI_OPT_BOOL, 0, "force fresh boot by discarding any managed save" },
    END,
};

static const cli_opt opts_shutdown[] = {
    DOMAIN_OPT("domain name, id or uuid"),
    { "mode", CLI_OPT_STRING, 0, "shutdown mode: acpi|agent|initctl|signal|paravirt" },
    END,
};

static const cli_opt opts_destroy[] = {
    DOMAIN_OPT("domain name, id or uuid"),
    { "graceful", CLI_OPT_BOOL, 0, "terminate gracefully" },
    END,
};

static const cli_opt opts_autostart[] = {
    DOMAIN_OPT("domain name, id or uuid"),
    { "disable", CLI_OPT_BOOL, 0, "disable autostarting" },
    END,
};

static const cli_opt opts_domid[] = { DOMAIN_OPT("domain name or uuid"), JSON_OPT, END };
static const cli_opt opts_domname[] = { DOMAIN_OPT("domain id or uuid"), JSON_OPT, END };
static const cli_opt opts_domuuid[] = { DOMAIN_OPT("domain id or name"), JSON_OPT, END };
static const cli_opt opts_json[] = { JSON_OPT, END };

static const cli_opt opts_version[] = {
    { "daemon", CLI_OPT_BOOL, 0, "report daemon version too" },
    JSON_OPT,
    END,
};

static const cli_opt opts_event[] = {
    { "domain", CLI_OPT_STRING, 0, "filter by domain name, id or uuid" },
    { "event", CLI_OPT_STRING, 0, "which event type to wait for" },
    { "all", CLI_OPT_BOOL, 0, "wait for all events instead of just one type" },
    { "loop", CLI_OPT_BOOL, 0, "loop until timeout or interrupt, rather than one-shot" },
    { "timeout", CLI_OPT_INT, 0, "timeout seconds" },
    { "list", CLI_OPT_BOOL, 0, "list valid event types" },
    { "timestamp", CLI_OPT_BOOL, 0, "show timestamp for each printed event" },
    END,
};

static const cli_opt opts_connect[] = {
    { "name", CLI_OPT_STRING, 0, "hypervisor connection URI" },
    { "readonly", CLI_OPT_BOOL, 0, "read-only connection" },
    END,
};

static const cli_opt opts_help[] = {
    { "command", CLI_OPT_STRING, 0,
      "Prints global help, command specific help, or help for a group of related commands" },
    END,
};

#define DOM CLI_GROUP_DOM
#define MON CLI_GROUP_MON
#define HOST CLI_GROUP_HOST
#define SHELL CLI_GROUP_SHELL

static const cli_cmd cmd_defs[] = {
    { "autostart", cmd_autostart, opts_autostart, "autostart a domain",
      "Configure a domain to be automatically started at boot.", true, DOM },
    { "create", cmd_create, opts_create, "create a domain from an XML file",
      "Create a domain.", true, DOM },
    { "define", cmd_define, opts_define, "define (but don't start) a domain from an XML file",
      "Define a domain.", true, DOM },
    { "destroy", cmd_destroy, opts_destroy, "destroy (stop) a domain",
      "Forcefully stop a given domain, but leave its resources intact.", true, DOM },
    { "dumpxml", cmd_dumpxml, opts_dumpxml, "domain information in XML",
      "Output the domain information as an XML dump to stdout.", true, DOM },
    { "event", cmd_event, opts_event, "Domain Events",
      "List event types, or wait for domain events to occur", true, DOM },
    { "reboot", cmd_reboot, opts_shutdown, "reboot a domain",
      "Run a reboot command in the target domain.", true, DOM },
    { "resume", cmd_resume, opts_dom, "resume a domain",
      "Resume a previously suspended domain.", true, DOM },
    { "shutdown", cmd_shutdown, opts_shutdown, "gracefully shutdown a domain",
      "Run shutdown in the target domain.", true, DOM },
    { "start", cmd_start, opts_start, "start a (previously defined) inactive domain",
      "Start a domain, either from the last managedsave\n"
      "state, or via a fresh boot if no managedsave state\n"
      "is present.", true, DOM },
    { "suspend", cmd_suspend, opts_dom, "suspend a domain",
      "Suspend a running domain.", true, DOM },
    { "undefine", cmd_undefine, opts_undefine, "undefine a domain",
      "Undefine an inactive domain, or convert persistent to transient.", true, DOM },
    { "domid", cmd_domid, opts_domid, "convert a domain name or UUID to domain id",
      "--json prints {\"id\": N} (null when inactive).", true, MON },
    { "dominfo", cmd_dominfo, opts_dom_json, "domain information",
      "Returns basic information about the domain.\n"
      "--json prints {\"id\" (null when inactive), \"name\", \"uuid\", \"os_type\",\n"
      "\"state\", \"state_code\", \"vcpus\", \"cpu_time_ns\", \"max_memory_kib\",\n"
      "\"memory_kib\", \"persistent\", \"autostart\", \"managed_save\"}.", true, MON },
    { "domname", cmd_domname, opts_domname, "convert a domain id or UUID to domain name",
      "--json prints {\"name\": NAME}.", true, MON },
    { "domstate", cmd_domstate, opts_domstate, "domain state",
      "Returns state about a domain.\n"
      "--json prints {\"state\", \"state_code\", \"reason\", \"reason_code\"}.", true, MON },
    { "domuuid", cmd_domuuid, opts_domuuid, "convert a domain name or id to domain UUID",
      "--json prints {\"uuid\": UUID}.", true, MON },
    { "list", cmd_list, opts_list, "list domains",
      "Returns list of domains.\n"
      "--json prints {\"domains\": [{\"id\" (null when inactive), \"name\", \"uuid\",\n"
      "\"state\", \"state_code\", \"persistent\", \"autostart\", \"title\"}]}.", true, MON },
    { "capabilities", cmd_capabilities, NULL, "capabilities",
      "Returns capabilities of hypervisor/driver.", true, HOST },
    { "hostname", cmd_hostname, opts_json, "print the hypervisor hostname",
      "--json prints {\"hostname\": NAME}.", true, HOST },
    { "nodeinfo", cmd_nodeinfo, opts_json, "node information",
      "Returns basic information about the node.\n"
      "--json prints {\"cpu_model\", \"cpus\", \"mhz\", \"sockets\", \"cores\",\n"
      "\"threads\", \"numa_cells\", \"memory_kib\"}.", true, HOST },
    { "uri", cmd_uri, opts_json, "print the hypervisor canonical URI",
      "--json prints {\"uri\": URI}.", true, HOST },
    { "version", cmd_version, opts_version, "show version",
      "Display the system version information.\n"
      "--json prints {\"library\", \"api\", \"hypervisor_type\", \"hypervisor\"}\n"
      "(versions as \"major.minor.micro\" strings).", true, HOST },
    { "connect", cmd_connect, opts_connect, "(re)connect to hypervisor",
      "Connect to local hypervisor. This is built-in command after shell start up.", false, SHELL },
    { "exit", cmd_quit, NULL, "quit this interactive terminal", NULL, false, SHELL },
    { "help", cmd_help, opts_help, "print help",
      "Prints global help, command specific help, or help for a\n"
      "group of related commands", false, SHELL },
    { "quit", cmd_quit, NULL, "quit this interactive terminal", NULL, false, SHELL },
};

/* The commands of the other files, each array ending with { NULL }. */
static const cli_cmd *const cmd_groups[] = {
    cli_cmds_save, cli_cmds_live, cli_cmds_stats, cli_cmds_console, cli_cmds_lxc,
    cli_cmds_pool, cli_cmds_vol, cli_cmds_secret,
    cli_cmds_net, cli_cmds_net_list, cli_cmds_net_update, cli_cmds_net_event,
    cli_cmds_nwfilter, cli_cmds_iface, cli_cmds_domif, cli_cmds_domif_attach,
};

const cli_cmd *
cli_cmd_find(const char *name)
{
    const cli_cmd *const *all = cli_cmd_all();

    for (gsize i = 0; all[i]; i++) {
        if (g_str_equal(all[i]->name, name))
            return all[i];
    }
    return NULL;
}

static gint cmd_compare(gconstpointer a, gconstpointer b)
{
    const cli_cmd *x = *(const cli_cmd *const *)a, *y = *(const cli_cmd *const *)b;
    int g = g_strcmp0(x->group, y->group);

    return g ? g : strcmp(x->name, y->name);
}

/* Every command, sorted by group then name (the help lists them so). */
const cli_cmd *const *
cli_cmd_all(void)
{
    static gsize done;
    static const cli_cmd **all;

    if (g_once_init_enter(&done)) {
        GPtrArray *a = g_ptr_array_new();

        for (gsize i = 0; i < G_N_ELEMENTS(cmd_defs); i++)
            g_ptr_array_add(a, (gpointer)&cmd_defs[i]);
        for (gsize g = 0; g < G_N_ELEMENTS(cmd_groups); g++) {
            for (const cli_cmd *c = cmd_groups[g]; c->name; c++)
                g_ptr_array_add(a, (gpointer)c);
        }
        g_ptr_array_sort(a, cmd_compare);
        g_ptr_array_add(a, NULL);
        all = (const cli_cmd **)g_ptr_array_free(a, FALSE);
        g_once_init_leave(&done, 1);
    }
    return all;
}
