/*
 * cmd_stats.c: statistics: domstats, domblkstat, domifstat, dommemstat.
 *
 * Output follows virsh's layout, so scripts that read virsh's read ours.
 * domstats asks for every domain in one call (one RPC): no per-domain
 * round trips.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* ---- domstats ---- */

static const cli_opt opts_domstats[] = {
    { "state", CLI_OPT_BOOL, 0, "report domain state" },
    { "cpu-total", CLI_OPT_BOOL, 0, "report domain physical cpu usage" },
    { "balloon", CLI_OPT_BOOL, 0, "report domain balloon statistics" },
    { "vcpu", CLI_OPT_BOOL, 0, "report domain virtual cpu information" },
    { "interface", CLI_OPT_BOOL, 0, "report domain network interface information" },
    { "block", CLI_OPT_BOOL, 0, "report domain block device statistics" },
    { "perf", CLI_OPT_BOOL, 0, "report domain perf event statistics" },
    { "iothread", CLI_OPT_BOOL, 0, "report domain IOThread information" },
    { "memory", CLI_OPT_BOOL, 0, "report domain memory usage" },
    { "dirtyrate", CLI_OPT_BOOL, 0, "report domain dirty rate information" },
    { "vm", CLI_OPT_BOOL, 0, "report hypervisor-specific statistics" },
    { "list-active", CLI_OPT_BOOL, 0, "list only active domains" },
    { "list-inactive", CLI_OPT_BOOL, 0, "list only inactive domains" },
    { "list-persistent", CLI_OPT_BOOL, 0, "list only persistent domains" },
    { "list-transient", CLI_OPT_BOOL, 0, "list only transient domains" },
    { "list-running", CLI_OPT_BOOL, 0, "list only running domains" },
    { "list-paused", CLI_OPT_BOOL, 0, "list only paused domains" },
    { "list-shutoff", CLI_OPT_BOOL, 0, "list only shutoff domains" },
    { "list-other", CLI_OPT_BOOL, 0, "list only domains in other states" },
    { "raw", CLI_OPT_BOOL, 0, "do not pretty-print the fields" },
    { "enforce", CLI_OPT_BOOL, 0, "enforce requested stats parameters" },
    { "backing", CLI_OPT_BOOL, 0, "add backing chain information to block stats" },
    { "nowait", CLI_OPT_BOOL, 0, "report only stats that are accessible instantly" },
    { "domain", CLI_OPT_STRING, 0, "list of domains to get stats for" },
    { NULL, 0, 0, NULL },
};

/* A bit per option, for the groups and the flags. */
typedef struct opt_bit {
    const char *opt;
    unsigned int bit;
} opt_bit;

static unsigned int opts_bits(const cli_args *args, const opt_bit *bits, size_t n)
{
    unsigned int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (cli_arg_bool(args, bits[i].opt))
            v |= bits[i].bit;
    }
    return v;
}

static const opt_bit domstats_groups[] = {
    { "state", VIREO_DOMAIN_STATS_STATE }, { "cpu-total", VIREO_DOMAIN_STATS_CPU_TOTAL },
    { "balloon", VIREO_DOMAIN_STATS_BALLOON }, { "vcpu", VIREO_DOMAIN_STATS_VCPU },
    { "interface", VIREO_DOMAIN_STATS_INTERFACE }, { "block", VIREO_DOMAIN_STATS_BLOCK },
    { "perf", VIREO_DOMAIN_STATS_PERF }, { "iothread", VIREO_DOMAIN_STATS_IOTHREAD },
    { "memory", VIREO_DOMAIN_STATS_MEMORY }, { "dirtyrate", VIREO_DOMAIN_STATS_DIRTYRATE },
    { "vm", VIREO_DOMAIN_STATS_VM },
};

static const opt_bit domstats_flags[] = {
    { "list-active", VIREO_LIST_DOMAINS_ACTIVE },
    { "list-inactive", VIREO_LIST_DOMAINS_INACTIVE },
    { "list-persistent", VIREO_LIST_DOMAINS_PERSISTENT },
    { "list-transient", VIREO_LIST_DOMAINS_TRANSIENT },
    { "list-running", VIREO_LIST_DOMAINS_RUNNING },
    { "list-paused", VIREO_LIST_DOMAINS_PAUSED },
    { "list-shutoff", VIREO_LIST_DOMAINS_SHUTOFF },
    { "list-other", VIREO_LIST_DOMAINS_OTHER },
    { "enforce", VIREO_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS },
    { "backing", VIREO_CONNECT_GET_ALL_DOMAINS_STATS_BACKING },
    { "nowait", VIREO_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT },
};

/* One value as virsh prints it (raw: as libvirt's string form). */
static char *typed_param_text(const vireo_typed_param *p, bool raw)
{
    switch (p->type) {
    case VIREO_TYPED_PARAM_INT: return g_strdup_printf("%d", p->value.i);
    case VIREO_TYPED_PARAM_UINT: return g_strdup_printf("%u", p->value.ui);
    case VIREO_TYPED_PARAM_LLONG: return g_strdup_printf("%lld", p->value.l);
    case VIREO_TYPED_PARAM_ULLONG: return g_strdup_printf("%llu", p->value.ul);
    case VIREO_TYPED_PARAM_DOUBLE:
        return raw ? g_strdup_printf("%g", p->value.d) : g_strdup_printf("%f", p->value.d);
    case VIREO_TYPED_PARAM_BOOLEAN:
        return g_strdup(raw ? (p->value.b ? "1" : "0") : (p->value.b ? "yes" : "no"));
    case VIREO_TYPED_PARAM_STRING: return g_strdup(p->value.s ? p->value.s : "");
    default: return g_strdup_printf("unexpected type %d", p->type);
    }
}

static void domstats_print(vireo_domain_stats_record **records, bool raw)
{
    for (size_t i = 0; records[i]; i++) {
        printf("Domain: '%s'\n", vireo_domain_get_name(records[i]->dom));
        for (int k = 0; k < records[i]->nparams; k++) {
            g_autofree char *v = typed_param_text(&records[i]->params[k], raw);

            printf("  %s=%s\n", records[i]->params[k].field, v);
        }
        printf("\n");
    }
}

static bool cmd_domstats(cli_ctl *ctl, const cli_args *args)
{
    unsigned int stats = opts_bits(args, domstats_groups, G_N_ELEMENTS(domstats_groups));
    unsigned int flags = opts_bits(args, domstats_flags, G_N_ELEMENTS(domstats_flags));
    const char *name = cli_arg_str(args, "domain");
    vireo_domain_stats_record **records = NULL;
    int n;

    if (name) {
        vireo_domain *doms[2] = { cli_domain_lookup(ctl, name, CLI_BY_ANY), NULL };

        if (!doms[0])
            return false;
        n = vireo_domain_list_get_stats(doms, stats, &records, flags);
        vireo_domain_free(doms[0]);
    } else {
        n = vireo_conn_get_all_domain_stats(ctl->conn, stats, &records, flags);
    }
    if (n < 0) {
        cli_error_lib();
        return false;
    }
    domstats_print(records, cli_arg_bool(args, "raw"));
    vireo_domain_stats_record_list_free(records);
    return true;
}

/* ---- domblkstat ---- */

static const cli_opt opts_domblkstat[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "device", CLI_OPT_STRING, 0, "block device" },
    { "human", CLI_OPT_BOOL, 0, "print a more human readable output" },
    { NULL, 0, 0, NULL },
};

/* virsh's order, legacy names and human texts for the block fields */
static const struct {
    const char *field, *legacy, *human;
} blk_fields[] = {
    { "rd_operations", "rd_req", "number of read operations:" },
    { "rd_bytes", "rd_bytes", "number of bytes read:" },
    { "wr_operations", "wr_req", "number of write operations:" },
    { "wr_bytes", "wr_bytes", "number of bytes written:" },
    { "errs", "errs", "error count:" },
    { "flush_operations", "flush_operations", "number of flush operations:" },
    { "rd_total_times", "rd_total_times", "total duration of reads (ns):" },
    { "wr_total_times", "wr_total_times", "total duration of writes (ns):" },
    { "flush_total_times", "flush_total_times", "total duration of flushes (ns):" },
};

static void blk_print_one(const char *device, const vireo_typed_param *p, const char *legacy,
                          const char *human, bool as_human)
{
    g_autofree char *v = typed_param_text(p, false);

    if (as_human)
        printf(" %-31s %s\n", human ? human : p->field, v);
    else
        printf("%s %s %s\n", device, legacy ? legacy : p->field, v);
}

static void blk_print(const char *device, vireo_typed_param *params, int n, bool human)
{
    g_autofree bool *done = g_new0(bool, n + 1);

    if (human)
        printf("Device: %s\n", device);
    /* the known fields first, in virsh's order; then any others */
    for (size_t k = 0; k < G_N_ELEMENTS(blk_fields); k++) {
        for (int i = 0; i < n; i++) {
            if (!done[i] && strcmp(params[i].field, blk_fields[k].field) == 0) {
                blk_print_one(device, &params[i], blk_fields[k].legacy, blk_fields[k].human,
                              human);
                done[i] = true;
            }
        }
    }
    for (int i = 0; i < n; i++) {
        if (!done[i])
            blk_print_one(device, &params[i], NULL, NULL, human);
    }
}

static bool cmd_domblkstat(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    const char *device = cli_arg_str(args, "device");
    vireo_typed_param *params = NULL;
    int n = 0;

    if (!dom)
        return false;
    if (!device)
        device = "";
    if (vireo_domain_block_stats(dom, device, &params, &n, 0) < 0) {
        cli_error("Failed to get block stats %s %s", cli_arg_str(args, "domain"), device);
        cli_error_lib();
        vireo_domain_free(dom);
        return false;
    }
    blk_print(device, params, n, cli_arg_bool(args, "human"));
    vireo_typed_params_free(params, n);
    vireo_domain_free(dom);
    return true;
}

/* ---- domifstat ---- */

static const cli_opt opts_domifstat[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "interface", CLI_OPT_DATA, 0, "interface device specified by name or MAC Address" },
    { NULL, 0, 0, NULL },
};

static bool cmd_domifstat(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    const char *dev = cli_arg_str(args, "interface");
    vireo_interface_stats st;

    if (!dom)
        return false;
    if (vireo_domain_interface_stats(dom, dev, &st) < 0) {
        cli_error("Failed to get interface stats %s %s", cli_arg_str(args, "domain"), dev);
        cli_error_lib();
        vireo_domain_free(dom);
        return false;
    }
    const struct { const char *name; long long v; } rows[] = {
        { "rx_bytes", st.rx_bytes }, { "rx_packets", st.rx_packets }, { "rx_errs", st.rx_errs },
        { "rx_drop", st.rx_drop }, { "tx_bytes", st.tx_bytes }, { "tx_packets", st.tx_packets },
        { "tx_errs", st.tx_errs }, { "tx_drop", st.tx_drop },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        if (rows[i].v >= 0) /* -1: a counter the driver does not keep */
            printf("%s %s %lld\n", dev, rows[i].name, rows[i].v);
    }
    vireo_domain_free(dom);
    return true;
}

/* ---- dommemstat ---- */

static const cli_opt opts_dommemstat[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "period", CLI_OPT_INT, CLI_OPT_NAMED, "period in seconds to set collection" },
    { "config", CLI_OPT_BOOL, 0, "affect next boot" },
    { "live", CLI_OPT_BOOL, 0, "affect running domain" },
    { "current", CLI_OPT_BOOL, 0, "affect current domain" },
    { NULL, 0, 0, NULL },
};

static bool cmd_dommemstat(cli_ctl *ctl, const cli_args *args)
{
    static const char *const names[VIREO_DOMAIN_MEMORY_STAT_NR] = {
        "swap_in", "swap_out", "major_fault", "minor_fault", "unused", "available", "actual",
        "rss", "usable", "last_update", "disk_caches", "hugetlb_pgalloc", "hugetlb_pgfail",
    };
    vireo_domain_memory_stat stats[VIREO_DOMAIN_MEMORY_STAT_NR];
    vireo_domain *dom;
    int n, period;

    if (cli_arg_int(args, "period", &period) != 0) {
        /* changing the balloon's polling period is a live change not kept yet */
        cli_error("unsupported configuration: setting the memory statistics period");
        return false;
    }
    if (!(dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY)))
        return false;
    n = vireo_domain_memory_stats(dom, stats, VIREO_DOMAIN_MEMORY_STAT_NR, 0);
    vireo_domain_free(dom);
    if (n < 0) {
        cli_error("Failed to get memory statistics for domain %s", cli_arg_str(args, "domain"));
        cli_error_lib();
        return false;
    }
    for (int i = 0; i < n; i++) {
        if (stats[i].tag >= 0 && stats[i].tag < VIREO_DOMAIN_MEMORY_STAT_NR)
            printf("%s %llu\n", names[stats[i].tag], stats[i].val);
    }
    return true;
}

const cli_cmd cli_cmds_stats[] = {
    { "domstats", cmd_domstats, opts_domstats,
      "get statistics about one or multiple domains",
      "Gets statistics about one or more (or all) domains", true, CLI_GROUP_MON },
    { "domblkstat", cmd_domblkstat, opts_domblkstat, "get device block stats for a domain",
      "Get device block stats for a running domain. See man page or use --human for "
      "explanation of fields", true, CLI_GROUP_MON },
    { "domifstat", cmd_domifstat, opts_domifstat, "get network interface stats for a domain",
      "Get network interface stats for a running domain.", true, CLI_GROUP_MON },
    { "dommemstat", cmd_dommemstat, opts_dommemstat, "get memory statistics for a domain",
      "Get memory statistics for a running domain.", true, CLI_GROUP_MON },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
