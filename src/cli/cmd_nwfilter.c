/*
 * cmd_nwfilter.c: the network filter commands: nwfilter-list,
 * nwfilter-define, nwfilter-undefine, nwfilter-dumpxml.
 *
 * Options, messages and output are virsh 9.0's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

/* By UUID when it has a UUID's length, then by name, as virsh. */
static vireo_nwfilter *
nwfilter_arg(cli_ctl *ctl, const cli_args *args)
{
    const char *what = cli_arg_str(args, "nwfilter");
    vireo_nwfilter *filter = NULL;

    vireo_error_reset();
    if (strlen(what) == VIREO_UUID_STRING_BUFLEN - 1)
        filter = vireo_nwfilter_lookup_by_uuid_string(ctl->conn, what);
    if (!filter) {
        vireo_error_reset();
        filter = vireo_nwfilter_lookup_by_name(ctl->conn, what);
    }
    if (!filter) {
        cli_error("failed to get nwfilter '%s'", what);
        cli_error_lib();
    }
    return filter;
}

static bool
cmd_nwfilter_define(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *xml = cli_read_file(file);
    vireo_nwfilter *filter;

    /* --validate needs no flag: vireo always refuses what it does not know */
    if (!xml)
        return false;
    if (!(filter = vireo_nwfilter_define_xml(ctl->conn, xml, 0))) {
        cli_error("Failed to define network filter from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Network filter %s defined from %s\n", vireo_nwfilter_get_name(filter),
                    file);
    vireo_nwfilter_free(filter);
    return true;
}

static bool
cmd_nwfilter_undefine(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "nwfilter");
    vireo_nwfilter *filter = nwfilter_arg(ctl, args);
    bool ok;

    if (!filter)
        return false;
    ok = vireo_nwfilter_undefine(filter) == 0;
    if (ok)
        cli_print_extra(ctl, "Network filter %s undefined\n", name);
    else
        cli_error("Failed to undefine network filter %s", name);
    vireo_nwfilter_free(filter);
    return ok;
}

static bool
cmd_nwfilter_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_nwfilter *filter = nwfilter_arg(ctl, args);
    g_autofree char *xml = NULL;

    if (!filter)
        return false;
    xml = vireo_nwfilter_get_xml_desc(filter, 0);
    vireo_nwfilter_free(filter);
    if (!xml)
        return false;
    return cli_print_xml(xml, cli_arg_str(args, "xpath"), cli_arg_bool(args, "wrap"));
}

static int
nwfilter_sort(const void *a, const void *b)
{
    return g_ascii_strcasecmp(vireo_nwfilter_get_name(*(vireo_nwfilter *const *)a),
                              vireo_nwfilter_get_name(*(vireo_nwfilter *const *)b));
}

static bool
cmd_nwfilter_list(cli_ctl *ctl, const cli_args *args G_GNUC_UNUSED)
{
    g_autoptr(cli_table) t = NULL;
    vireo_nwfilter **filters = NULL;
    int n;

    if ((n = vireo_conn_list_all_nwfilters(ctl->conn, &filters, 0)) < 0) {
        cli_error("Failed to list network filters");
        return false;
    }
    qsort(filters, n, sizeof(*filters), nwfilter_sort);
    t = cli_table_new(2, "UUID", "Name");
    for (int i = 0; i < n; i++) {
        char uuid[VIREO_UUID_STRING_BUFLEN] = "";

        vireo_nwfilter_get_uuid_string(filters[i], uuid);
        cli_table_add(t, uuid, vireo_nwfilter_get_name(filters[i]));
    }
    cli_table_print(t, !ctl->quiet);
    vireo_nwfilter_list_free(filters);
    return true;
}

static const cli_opt opts_nwfilter_define[] = {
    { "file", CLI_OPT_DATA, 0, "file containing an XML network filter description" },
    { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" },
    END,
};
static const cli_opt opts_nwfilter[] = {
    { "nwfilter", CLI_OPT_DATA, 0, "network filter name or uuid" },
    END,
};
static const cli_opt opts_nwfilter_dumpxml[] = {
    { "nwfilter", CLI_OPT_DATA, 0, "network filter name or uuid" },
    CLI_XPATH_OPTS,
    END,
};

#define NWFILTER CLI_GROUP_NWFILTER

const cli_cmd cli_cmds_nwfilter[] = {
    { "nwfilter-define", cmd_nwfilter_define, opts_nwfilter_define,
      "define or update a network filter from an XML file",
      "Define a new network filter or update an existing one.", true, NWFILTER },
    { "nwfilter-dumpxml", cmd_nwfilter_dumpxml, opts_nwfilter_dumpxml, "network filter information in XML",
      "Output the network filter information as an XML dump to stdout.", true, NWFILTER },
    { "nwfilter-list", cmd_nwfilter_list, NULL, "list network filters",
      "Returns list of network filters.", true, NWFILTER },
    { "nwfilter-undefine", cmd_nwfilter_undefine, opts_nwfilter, "undefine a network filter",
      "Undefine a given network filter.", true, NWFILTER },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
