/*
 * cli.h: the vireo command-line shell, shared between its files.
 *
 * The CLI is a client of the public API (vireo/vireo.h) like any other:
 * it never reaches into src/ internals.  Its commands, options, output
 * layout and exit codes follow virsh's, so scripts written for virsh work.
 */
#ifndef VIREO_CLI_H
#define VIREO_CLI_H

#include <stdbool.h>
#include <glib.h>
#include "vireo/vireo.h"

/* The state of one vireo process.  Owns conn and uri. */
typedef struct cli_ctl {
    vireo_conn *conn;       /* NULL when not connected */
    char *uri;              /* URI given with -c / connect; NULL: default */
    bool readonly;          /* -r: open connections read-only */
    bool quiet;             /* -q: no headers, no informational messages */
    bool interactive;       /* running the shell */
    bool want_quit;         /* quit/exit seen */
    int exit_status;        /* > 0: the status a failed one-shot command exits with
                             * (lxc-enter-namespace: its command's), else 1 */
} cli_ctl;

typedef enum {
    CLI_OPT_BOOL,       /* --flag */
    CLI_OPT_DATA,       /* required; given by position or as --name VALUE */
    CLI_OPT_STRING,     /* optional --name VALUE; may also come by position */
    CLI_OPT_INT,        /* optional --name NUMBER; may also come by position */
    CLI_OPT_ARGV,       /* required, last: every remaining word (cli_arg_argv), virsh's
                         * VSH_OT_ARGV: "-- COMMAND ARGS..." */
} cli_opt_type;

/* Option flags */
enum {
    CLI_OPT_NAMED = 1 << 0,     /* never filled by position */
};

typedef struct cli_opt {
    const char *name;
    cli_opt_type type;
    unsigned int flags;
    const char *help;
} cli_opt;

#define CLI_MAX_OPTS 32

/* The parsed options of one command.  Values point into the token list
 * the parser owns; they live as long as the command runs. */
typedef struct cli_args {
    const struct cli_cmd *cmd;
    const char *vals[CLI_MAX_OPTS];     /* NULL: not given; "" for a given bool */
    GPtrArray *argv;                    /* CLI_OPT_ARGV's words (borrowed), NULL-ended;
                                         * NULL when none */
} cli_args;

typedef bool (*cli_handler)(cli_ctl *ctl, const cli_args *args);

typedef struct cli_cmd {
    const char *name;
    cli_handler handler;
    const cli_opt *opts;        /* terminated by a { NULL } entry; may be NULL */
    const char *summary;        /* one line, for NAME and the command list */
    const char *description;    /* DESCRIPTION section; NULL: none */
    bool needs_conn;
    const char *group;          /* heading in the global help */
} cli_cmd;

/* Help headings (virsh's groups). */
#define CLI_GROUP_DOM "Domain Management"
#define CLI_GROUP_MON "Domain Monitoring"
#define CLI_GROUP_HOST "Host and Hypervisor"
#define CLI_GROUP_SHELL "Vireo itself"
#define CLI_GROUP_SECRET "Secret"
#define CLI_GROUP_POOL "Storage Pool"
#define CLI_GROUP_VOL "Storage Volume"
#define CLI_GROUP_IFACE "Interface"
#define CLI_GROUP_NWFILTER "Network Filter"
#define CLI_GROUP_NET "Networking"

/* Commands defined next to their handlers, each array ending with
 * { NULL }: cmd_save.c, cmd_live.c, cmd_stats.c, cmd_console.c. */
extern const cli_cmd cli_cmds_save[];
extern const cli_cmd cli_cmds_live[];
extern const cli_cmd cli_cmds_stats[];
extern const cli_cmd cli_cmds_console[];
/* cmd_lxc.c: lxc-enter-namespace (issue 11) */
extern const cli_cmd cli_cmds_lxc[];
/* cmd_pool.c, cmd_pool_list.c, cmd_vol.c, cmd_vol_stream.c, cmd_secret.c */
extern const cli_cmd cli_cmds_pool[];
extern const cli_cmd cli_cmds_vol[];
extern const cli_cmd cli_cmds_secret[];
/* cmd_net.c, cmd_net_list.c, cmd_net_update.c, cmd_net_event.c,
 * cmd_nwfilter.c, cmd_iface.c, cmd_domif.c, cmd_domif_attach.c */
extern const cli_cmd cli_cmds_net[];
extern const cli_cmd cli_cmds_net_list[];
extern const cli_cmd cli_cmds_net_update[];
extern const cli_cmd cli_cmds_net_event[];
extern const cli_cmd cli_cmds_nwfilter[];
extern const cli_cmd cli_cmds_iface[];
extern const cli_cmd cli_cmds_domif[];
extern const cli_cmd cli_cmds_domif_attach[];

/* --- cmd.c: the command table, the parser and the runner --- */
const cli_cmd *cli_cmd_find(const char *name);
/* Every command, NULL terminated, for help and completion. */
const cli_cmd *const *cli_cmd_all(void);
/* Run one command line (several commands separated by ';').  Returns
 * true when the last command succeeded; a syntax error anywhere in the
 * line runs nothing and returns false. */
bool cli_run_line(cli_ctl *ctl, const char *line);
/* Run the command formed by argv words (no quoting, no ';'). */
bool cli_run_argv(cli_ctl *ctl, int argc, char **argv);
/* Open ctl->conn with ctl->uri; prints virsh's error on failure. */
bool cli_connect(cli_ctl *ctl);

/* Accessors for handlers. */
bool cli_arg_bool(const cli_args *args, const char *name);
const char *cli_arg_str(const cli_args *args, const char *name);
/* 0 absent, 1 given and valid (*value set), -1 malformed (error printed) */
int cli_arg_int(const cli_args *args, const char *name, int *value);
/* The words of the CLI_OPT_ARGV option (NULL-terminated), NULL when none. */
char **cli_arg_argv(const cli_args *args);

/* --- help.c --- */
bool cli_help_command(const cli_cmd *cmd);
void cli_help_global(void);
bool cmd_help(cli_ctl *ctl, const cli_args *args);

/* --- output.c --- */
void cli_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Print the library's last error as "error: MESSAGE" if there is one,
 * then clear it.  Returns whether one was printed. */
bool cli_error_lib(void);
/* Informational line suppressed by -q (virsh's vshPrintExtra). */
void cli_print_extra(const cli_ctl *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* A virsh-style table: columns padded to their widest cell. */
typedef struct cli_table cli_table;
cli_table *cli_table_new(guint ncols, ...);   /* headers, ncols of them */
void cli_table_add(cli_table *t, ...);        /* ncols cells */
void cli_table_print(cli_table *t, bool header);
void cli_table_free(cli_table *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(cli_table, cli_table_free)

/* Print a jansson value as one JSON document and release it. */
struct json_t;
bool cli_json_print(struct json_t *doc);

/* --- domain helpers (cmd_domain.c) --- */
enum { CLI_BY_ID = 1, CLI_BY_UUID = 2, CLI_BY_NAME = 4, CLI_BY_ANY = 7, CLI_BY_MAC = 8 };
/* Look the domain up like virsh (id, then UUID, then name); prints
 * "failed to get domain 'X'" and the library's reason on failure. */
vireo_domain *cli_domain_lookup(cli_ctl *ctl, const char *what, unsigned int by);
const char *cli_state_string(int state);
/* 32 hex digits, dashes allowed between them, as libvirt accepts. */
bool cli_looks_like_uuid(const char *s);
/* The whole file, or NULL with virsh's message printed.  Caller frees. */
char *cli_read_file(const char *path);
const char *cli_reason_string(int state, int reason);

/* --- the command handlers --- */
bool cmd_list(cli_ctl *ctl, const cli_args *args);
bool cmd_dominfo(cli_ctl *ctl, const cli_args *args);
bool cmd_domstate(cli_ctl *ctl, const cli_args *args);
bool cmd_dumpxml(cli_ctl *ctl, const cli_args *args);
bool cmd_define(cli_ctl *ctl, const cli_args *args);
bool cmd_undefine(cli_ctl *ctl, const cli_args *args);
bool cmd_create(cli_ctl *ctl, const cli_args *args);
bool cmd_start(cli_ctl *ctl, const cli_args *args);
bool cmd_shutdown(cli_ctl *ctl, const cli_args *args);
bool cmd_reboot(cli_ctl *ctl, const cli_args *args);
bool cmd_destroy(cli_ctl *ctl, const cli_args *args);
bool cmd_suspend(cli_ctl *ctl, const cli_args *args);
bool cmd_resume(cli_ctl *ctl, const cli_args *args);
bool cmd_autostart(cli_ctl *ctl, const cli_args *args);
bool cmd_domid(cli_ctl *ctl, const cli_args *args);
bool cmd_domname(cli_ctl *ctl, const cli_args *args);
bool cmd_domuuid(cli_ctl *ctl, const cli_args *args);
bool cmd_nodeinfo(cli_ctl *ctl, const cli_args *args);
bool cmd_capabilities(cli_ctl *ctl, const cli_args *args);
bool cmd_version(cli_ctl *ctl, const cli_args *args);
bool cmd_hostname(cli_ctl *ctl, const cli_args *args);
bool cmd_uri(cli_ctl *ctl, const cli_args *args);
bool cmd_connect(cli_ctl *ctl, const cli_args *args);
bool cmd_quit(cli_ctl *ctl, const cli_args *args);
bool cmd_event(cli_ctl *ctl, const cli_args *args);

/* --- cmd_event.c: waiting for events (event, net-event) --- */
/* What one running event command counts; owned by the command's frame. */
typedef struct cli_event_state {
    int count;
    bool timestamp;
} cli_event_state;
/* Print one event line (with --timestamp's prefix) and count it. */
void cli_event_print(cli_event_state *st, const char *text);
/* Wait for one event (any number with loop) until timeout_s (0: none) or
 * ^C, then print virsh's trailer ("event loop timed out", "events
 * received: N"). */
void cli_event_wait_report(cli_event_state *st, bool loop, int timeout_s);

/* --- storage helpers (cmd_pool.c, storage_util.c) --- */
/* Look the pool up like virsh (UUID when it has a UUID's length, then
 * name); prints "failed to get pool 'X'" and the reason on failure. */
vireo_storage_pool *cli_pool_lookup(cli_ctl *ctl, const char *what, unsigned int by);
/* The volume of option opt: by name in the pool of option pool_opt (NULL:
 * none), then by key, then by path; prints virsh's errors. */
vireo_storage_vol *cli_vol_lookup(cli_ctl *ctl, const cli_args *args, const char *opt,
                                  const char *pool_opt);
const char *cli_pool_state_string(int state);
const char *cli_vol_type_string(int type);
/* bytes in the largest binary unit under 1024 ("B", "KiB"...), as virsh. */
double cli_pretty_capacity(unsigned long long bytes, const char **unit);
/* A scaled integer, default bytes ("10M", "1GiB", "5GB"); false if bad. */
bool cli_scaled_bytes(const char *text, unsigned long long *bytes);

bool cmd_pool_list(cli_ctl *ctl, const cli_args *args);

/* --- network helpers (cmd_net.c) --- */
/* Look the network up like virsh (UUID when it has a UUID's length,
 * then name); prints "failed to get network 'X'" and the reason. */
vireo_network *cli_network_lookup(cli_ctl *ctl, const char *what, unsigned int by);
bool cmd_vol_upload(cli_ctl *ctl, const cli_args *args);
bool cmd_vol_download(cli_ctl *ctl, const cli_args *args);

/* --- interface helpers (cmd_iface.c, cmd_domif.c) --- */
/* Whether s is a MAC address as libvirt reads one (six ':'-separated
 * groups of one or two hex digits); out (may be NULL) gets it in
 * libvirt's form, lower case with two digits a group. */
bool cli_mac_parse(const char *s, char out[18]);
/* Print a *-dumpxml result: the XML as it is, or with xpath (may be
 * NULL) the nodes it selects, re-indented, one a line, or with wrap
 * inside one <nodes> element, as virsh 9.0 (cli_xml.c). */
bool cli_print_xml(const char *xml, const char *xpath, bool wrap);
/* The options cli_print_xml reads, as virsh lists them */
#define CLI_XPATH_OPTS                                                               \
    { "xpath", CLI_OPT_STRING, 0, "xpath expression to filter the XML document" }, \
    { "wrap", CLI_OPT_BOOL, 0, "wrap xpath results in an common root element" }

/* --- shell.c --- */
/* Read commands from stdin: readline with history on a terminal, plain
 * lines otherwise.  Returns the process exit status. */
int cli_shell_run(cli_ctl *ctl);

#endif
