/*
 * shell.c: the interactive shell (readline, history, completion) and
 * the plain reader used when stdin is not a terminal.
 *
 * History lives in $XDG_CACHE_HOME/vireo/history (~/.cache/vireo/history).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

#include "cli/cli.h"

#define HISTORY_MAX 500

static char *
shell_history_path(void)
{
    return g_build_filename(g_get_user_cache_dir(), "vireo", "history", NULL);
}

/* Completion: command names for the first word, the command's options
 * after it. */
static char *
shell_complete_next(const char *text, int state)
{
    static int index;
    static const cli_cmd *cmd;
    static bool options;
    size_t len = strlen(text);

    if (state == 0) {
        g_autofree char *first = NULL;
        const char *sp = strchr(rl_line_buffer, ' ');

        index = 0;
        options = sp && sp - rl_line_buffer < rl_point;
        first = sp ? g_strndup(rl_line_buffer, sp - rl_line_buffer) : NULL;
        cmd = first ? cli_cmd_find(g_strstrip(first)) : NULL;
    }
    if (!options) {
        const cli_cmd *const *all = cli_cmd_all();
        while (all[index]) {
            const char *name = all[index++]->name;
            if (strncmp(name, text, len) == 0)
                return strdup(name);
        }
        return NULL;
    }
    while (cmd && cmd->opts && cmd->opts[index].name) {
        g_autofree char *opt = g_strconcat("--", cmd->opts[index++].name, NULL);
        if (strncmp(opt, text, len) == 0)
            return strdup(opt);
    }
    return NULL;
}

static char **
shell_complete(const char *text, int start G_GNUC_UNUSED, int end G_GNUC_UNUSED)
{
    rl_attempted_completion_over = 1;   /* no file names */
    return rl_completion_matches(text, shell_complete_next);
}

static void
shell_history_load(void)
{
    g_autofree char *path = shell_history_path();

    using_history();
    stifle_history(HISTORY_MAX);
    read_history(path);     /* a missing file is the normal first run */
}

static void
shell_history_save(void)
{
    g_autofree char *path = shell_history_path();
    g_autofree char *dir = g_path_get_dirname(path);

    if (g_mkdir_with_parents(dir, 0700) < 0 || write_history(path) != 0)
        fprintf(stderr, "warning: cannot save history to %s\n", path);
}

static int
shell_run_terminal(cli_ctl *ctl)
{
    const char *prompt = ctl->readonly ? "vireo > " : "vireo # ";
    char *line;

    rl_readline_name = "vireo";
    rl_attempted_completion_function = shell_complete;
    shell_history_load();
    if (!ctl->quiet)
        printf("Welcome to vireo, the virtualization interactive terminal.\n\n"
               "Type:  'help' for help with commands\n"
               "       'quit' to quit\n\n");
    while (!ctl->want_quit && (line = readline(prompt))) {
        g_autofree char *copy = g_strstrip(g_strdup(line));

        if (*copy)
            add_history(copy);
        free(line);
        cli_run_line(ctl, copy);
    }
    if (!ctl->want_quit)
        printf("\n");   /* end the prompt's line after ^D */
    shell_history_save();
    return 0;   /* like virsh: the shell itself succeeded */
}

/* Not a terminal: run each line; the status is the last command's. */
static int
shell_run_stream(cli_ctl *ctl)
{
    g_autofree char *line = NULL;
    size_t cap = 0;
    bool ok = true;

    while (!ctl->want_quit && getline(&line, &cap, stdin) >= 0) {
        g_strstrip(line);
        if (*line)
            ok = cli_run_line(ctl, line);
    }
    return ok ? 0 : 1;
}

int
cli_shell_run(cli_ctl *ctl)
{
    ctl->interactive = true;
    if (isatty(STDIN_FILENO))
        return shell_run_terminal(ctl);
    return shell_run_stream(ctl);
}
