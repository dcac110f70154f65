/*
 * cmd.c: splitting a command line into commands, parsing each command's
 * options the way virsh does, and running them.
 *
 * virsh's rules, kept because scripts rely on them:
 *  - ';' separates commands; quotes ('..' "..") and backslash protect it;
 *    '#' at the start of a word starts a comment.
 *  - --opt VALUE and --opt=VALUE; a word not starting with "--" fills the
 *    next option that takes a value, in the order the command lists them;
 *    "--" makes every later word data.
 *  - the whole line is parsed before anything runs: a syntax error runs
 *    nothing.  A failing command does not stop the next one; the line's
 *    result is the last command's.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* One parsed command: owns its words; args point into them. */
typedef struct cli_parsed {
    GPtrArray *words;   /* char *, owned */
    cli_args args;
    bool help;          /* --help given: show the command's help instead */
} cli_parsed;

static void
cli_parsed_free(cli_parsed *p)
{
    if (!p)
        return;
    g_ptr_array_unref(p->words);
    if (p->args.argv)
        g_ptr_array_unref(p->args.argv);
    g_free(p);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cli_parsed, cli_parsed_free)

static int
cmd_opt_index(const cli_cmd *cmd, const char *name)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        if (g_str_equal(cmd->opts[i].name, name))
            return i;
    }
    return -1;
}

/* The next option a bare word fills, or -1. */
static int
cmd_next_positional(const cli_cmd *cmd, const cli_args *args)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const cli_opt *o = &cmd->opts[i];
        if (o->type != CLI_OPT_BOOL && !(o->flags & CLI_OPT_NAMED) &&
            (!args->vals[i] || o->type == CLI_OPT_ARGV))
            return i;
    }
    return -1;
}

static bool
cmd_parse_option(cli_parsed *p, guint *pos)
{
    const cli_cmd *cmd = p->args.cmd;
    g_autofree char *name = g_strdup((char *)p->words->pdata[*pos] + 2);
    char *value = strchr(name, '=');
    int idx;

    if (value)
        *value++ = '\0';
    if (g_str_equal(name, "help")) {
        p->help = true;
        return true;
    }
    idx = cmd_opt_index(cmd, name);
    if (idx < 0) {
        cli_error("command '%s' doesn't support option --%s", cmd->name, name);
        return false;
    }
    if (p->args.vals[idx]) {
        cli_error("option --%s already seen", name);
        return false;
    }
    if (cmd->opts[idx].type == CLI_OPT_BOOL) {
        if (value) {
            cli_error("invalid '=' after option --%s", name);
            return false;
        }
        p->args.vals[idx] = "";
        return true;
    }
    if (value) {
        /* point into the word, which outlives name */
        const char *word = p->words->pdata[*pos];
        p->args.vals[idx] = strchr(word, '=') + 1;
        return true;
    }
    if (*pos + 1 >= p->words->len) {
        cli_error("expected syntax: --%s <%s>", name,
                  cmd->opts[idx].type == CLI_OPT_INT ? "number" : "string");
        return false;
    }
    (*pos)++;
    p->args.vals[idx] = p->words->pdata[*pos];
    return true;
}

static bool
cmd_check_required(const cli_parsed *p)
{
    const cli_cmd *cmd = p->args.cmd;

    if (p->help)
        return true;
    for (int i = 0; cmd->opts && cmd->opts[i].name; i++) {
        if ((cmd->opts[i].type == CLI_OPT_DATA || cmd->opts[i].type == CLI_OPT_ARGV) &&
            !p->args.vals[i]) {
            cli_error("command '%s' requires <%s> option", cmd->name, cmd->opts[i].name);
            return false;
        }
    }
    return true;
}

/* Parse one command's words (taking them over).  NULL on a syntax error,
 * already printed. */
static cli_parsed *
cmd_parse(GPtrArray *words)
{
    g_autoptr(cli_parsed) p = g_new0(cli_parsed, 1);
    bool data_only = false;
    const char *name;

    p->words = words;
    name = words->pdata[0];
    p->args.cmd = cli_cmd_find(name);
    if (!p->args.cmd) {
        cli_error("unknown command: '%s'", name);
        return NULL;
    }
    for (guint i = 1; i < words->len; i++) {
        const char *w = words->pdata[i];
        int idx;

        if (!data_only && g_str_equal(w, "--")) {
            data_only = true;
        } else if (!data_only && g_str_has_prefix(w, "--")) {
            if (!cmd_parse_option(p, &i))
                return NULL;
        } else {
            idx = cmd_next_positional(p->args.cmd, &p->args);
            if (idx < 0) {
                cli_error("unexpected data '%s'", w);
                return NULL;
            }
            if (p->args.cmd->opts[idx].type == CLI_OPT_ARGV) {
                if (!p->args.argv)
                    p->args.argv = g_ptr_array_new();
                else
                    g_ptr_array_remove_index(p->args.argv, p->args.argv->len - 1);
                g_ptr_array_add(p->args.argv, (char *)w);
                g_ptr_array_add(p->args.argv, NULL);
                if (p->args.vals[idx])
                    continue;
            }
            p->args.vals[idx] = w;
        }
    }
    if (!cmd_check_required(p))
        return NULL;
    return g_steal_pointer(&p);
}

/* Read one word starting at *s; advances *s.  Returns NULL at the end of
 * a command (';', end of line, comment); *end_cmd says a ';' was seen. */
static char *
cmd_next_word(const char **s, bool *end_cmd, bool *bad_quote)
{
    const char *c = *s;
    g_autoptr(GString) w = NULL;
    char quote = 0;

    *end_cmd = false;
    while (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
        c++;
    if (*c == ';') {
        *s = c + 1;
        *end_cmd = true;
        return NULL;
    }
    if (*c == '\0' || *c == '#') {
        *s = c + strlen(c);
        return NULL;
    }
    w = g_string_new(NULL);
    for (; *c; c++) {
        if (!quote && (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r' || *c == ';'))
            break;
        if (*c == '\\' && c[1] && quote != '\'') {
            g_string_append_c(w, *++c);
        } else if (!quote && (*c == '"' || *c == '\'')) {
            quote = *c;
        } else if (quote && *c == quote) {
            quote = 0;
        } else {
            g_string_append_c(w, *c);
        }
    }
    if (quote)
        *bad_quote = true;
    *s = c;
    return g_string_free(g_steal_pointer(&w), FALSE);
}

static bool
cmd_run_parsed(cli_ctl *ctl, const cli_parsed *p)
{
    const cli_cmd *cmd = p->args.cmd;
    bool ok;

    if (p->help) {
        ok = cli_help_command(cmd);
    } else if (cmd->needs_conn && !ctl->conn) {
        cli_error("no valid connection");
        ok = false;
    } else {
        vireo_error_reset();
        ok = cmd->handler(ctl, &p->args);
        if (!ok)
            cli_error_lib();
    }
    if (ctl->want_quit)
        return ok;
    fflush(stderr);
    cli_print_extra(ctl, "\n");
    fflush(stdout);
    return ok;
}

static bool
cmd_run_all(cli_ctl *ctl, GPtrArray *cmds)
{
    bool ok = true;

    for (guint i = 0; i < cmds->len && !ctl->want_quit; i++)
        ok = cmd_run_parsed(ctl, cmds->pdata[i]);
    return ok;
}

bool
cli_run_line(cli_ctl *ctl, const char *line)
{
    g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func((GDestroyNotify)cli_parsed_free);
    const char *s = line;
    bool bad_quote = false;

    while (*s) {
        g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func(g_free);
        bool end_cmd = false;
        char *w;
        cli_parsed *p;

        while ((w = cmd_next_word(&s, &end_cmd, &bad_quote)))
            g_ptr_array_add(words, w);
        if (bad_quote) {
            cli_error("missing \"");
            return false;
        }
        if (words->len == 0)
            continue;
        p = cmd_parse(g_steal_pointer(&words));
        if (!p)
            return false;
        g_ptr_array_add(cmds, p);
    }
    return cmd_run_all(ctl, cmds);
}

bool
cli_run_argv(cli_ctl *ctl, int argc, char **argv)
{
    g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func((GDestroyNotify)cli_parsed_free);
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    cli_parsed *p;

    for (int i = 0; i < argc; i++)
        g_ptr_array_add(words, g_strdup(argv[i]));
    p = cmd_parse(words);
    if (!p)
        return false;
    g_ptr_array_add(cmds, p);
    return cmd_run_all(ctl, cmds);
}

bool
cli_connect(cli_ctl *ctl)
{
    vireo_conn *conn;

    vireo_error_reset();
    conn = ctl->readonly ? vireo_conn_open_read_only(ctl->uri) : vireo_conn_open(ctl->uri);
    if (!conn) {
        cli_error("failed to connect to the hypervisor");
        cli_error_lib();
        return false;
    }
    if (ctl->conn)
        vireo_conn_close(ctl->conn);
    ctl->conn = conn;
    return true;
}

static int
cmd_arg_index(const cli_args *args, const char *name)
{
    int idx = cmd_opt_index(args->cmd, name);

    g_assert(idx >= 0);     /* a handler asking for an option it lacks is a bug */
    return idx;
}

bool
cli_arg_bool(const cli_args *args, const char *name)
{
    return args->vals[cmd_arg_index(args, name)] != NULL;
}

const char *
cli_arg_str(const cli_args *args, const char *name)
{
    return args->vals[cmd_arg_index(args, name)];
}

char **
cli_arg_argv(const cli_args *args)
{
    return args->argv ? (char **)args->argv->pdata : NULL;
}

int
cli_arg_int(const cli_args *args, const char *name, int *value)
{
    const char *s = cli_arg_str(args, name);
    char *end = NULL;
    gint64 v;

    if (!s)
        return 0;
    v = g_ascii_strtoll(s, &end, 10);
    if (!*s || *end || v <= 0 || v > G_MAXINT) {
        cli_error("Numeric value '%s' for <%s> option is malformed or out of range", s, name);
        return -1;
    }
    *value = (int)v;
    return 1;
}
