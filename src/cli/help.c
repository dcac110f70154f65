/*
 * help.c: `help`, `help CMD`, `CMD --help`, laid out like virsh's
 * (NAME, SYNOPSIS, DESCRIPTION, OPTIONS).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Group headings and the keyword `help KEYWORD` takes for each. */
static const struct { const char *group; const char *keyword; } groups[] = {
    { "Domain Management", "domain" },
    { "Domain Monitoring", "monitor" },
    { "Host and Hypervisor", "host" },
    { "Interface", "interface" },
    { "Network Filter", "filter" },
    { "Networking", "network" },
    { "Secret", "secret" },
    { "Storage Pool", "pool" },
    { "Storage Volume", "volume" },
    { "Vireo itself", "vireo" },
};

static const char *
opt_value_word(const cli_opt *o)
{
    return o->type == CLI_OPT_INT ? "<number>" : "<string>";
}

static void
help_synopsis(const cli_cmd *cmd)
{
    printf("  SYNOPSIS\n    %s", cmd->name);
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const cli_opt *o = &cmd->opts[i];

        if (o->type == CLI_OPT_DATA)
            printf(" <%s>", o->name);
        else if (o->type == CLI_OPT_ARGV)
            printf(" [--] <%s>...", o->name);
        else if (o->type == CLI_OPT_BOOL)
            printf(" [--%s]", o->name);
        else
            printf(" [--%s %s]", o->name, opt_value_word(o));
    }
    printf("\n\n");
}

static void
help_options(const cli_cmd *cmd)
{
    if (!cmd->opts || !cmd->opts[0].name)
        return;
    printf("  OPTIONS\n");
    for (int i = 0; cmd->opts[i].name; i++) {
        const cli_opt *o = &cmd->opts[i];
        g_autofree char *left = NULL;

        if (o->type == CLI_OPT_DATA || o->type == CLI_OPT_ARGV)
            left = g_strdup_printf("[--%s] %s", o->name, opt_value_word(o));
        else if (o->type == CLI_OPT_BOOL)
            left = g_strdup_printf("--%s", o->name);
        else
            left = g_strdup_printf("--%s %s", o->name, opt_value_word(o));
        printf("    %-15s  %s\n", left, o->help);
    }
    printf("\n");
}

bool
cli_help_command(const cli_cmd *cmd)
{
    printf("  NAME\n    %s - %s\n\n", cmd->name, cmd->summary);
    help_synopsis(cmd);
    if (cmd->description) {
        g_auto(GStrv) lines = g_strsplit(cmd->description, "\n", -1);

        printf("  DESCRIPTION\n");
        for (int i = 0; lines[i]; i++)
            printf("    %s\n", lines[i]);
        printf("\n");
    }
    help_options(cmd);
    return true;
}

static void
help_group(gsize g)
{
    const cli_cmd *const *all = cli_cmd_all();

    printf(" %s (help keyword '%s'):\n", groups[g].group, groups[g].keyword);
    for (int i = 0; all[i]; i++) {
        if (g_str_equal(all[i]->group, groups[g].group))
            printf("    %-30s %s\n", all[i]->name, all[i]->summary);
    }
    printf("\n");
}

void
cli_help_global(void)
{
    printf("Grouped commands:\n\n");
    for (gsize g = 0; g < G_N_ELEMENTS(groups); g++)
        help_group(g);
}

bool
cmd_help(cli_ctl *ctl G_GNUC_UNUSED, const cli_args *args)
{
    const char *what = cli_arg_str(args, "command");
    const cli_cmd *cmd;

    if (!what) {
        cli_help_global();
        return true;
    }
    if ((cmd = cli_cmd_find(what)))
        return cli_help_command(cmd);
    for (gsize g = 0; g < G_N_ELEMENTS(groups); g++) {
        if (g_str_equal(groups[g].keyword, what)) {
            help_group(g);
            return true;
        }
    }
    cli_error("command or command group '%s' doesn't exist", what);
    return false;
}
