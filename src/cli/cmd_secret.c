/*
 * cmd_secret.c: the secret commands: secret-define, secret-dumpxml,
 * secret-set-value, secret-get-value, secret-undefine, secret-list.
 *
 * Options, messages and output are virsh 9.0's.  Values read or printed
 * here are wiped from memory once used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }
/* virsh reads at most this much of a --file */
#define SECRET_FILE_MAX 1024

static vireo_secret *
secret_arg(cli_ctl *ctl, const cli_args *args)
{
    const char *what = cli_arg_str(args, "secret");
    vireo_secret *secret;

    vireo_error_reset();
    if (!(secret = vireo_secret_lookup_by_uuid_string(ctl->conn, what))) {
        cli_error("failed to get secret '%s'", what);
        cli_error_lib();
    }
    return secret;
}

static bool
cmd_secret_define(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *xml = cli_read_file(file);
    char uuid[VIREO_UUID_STRING_BUFLEN];
    vireo_secret *secret;
    bool ok;

    /* --validate needs no flag: vireo always refuses what it does not know */
    if (!xml)
        return false;
    if (!(secret = vireo_secret_define_xml(ctl->conn, xml, 0))) {
        cli_error("Failed to set attributes from %s", file);
        return false;
    }
    ok = vireo_secret_get_uuid_string(secret, uuid) == 0;
    if (ok)
        cli_print_extra(ctl, "Secret %s created\n", uuid);
    else
        cli_error("Failed to get UUID of created secret");
    vireo_secret_free(secret);
    return ok;
}

static bool
cmd_secret_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    vireo_secret *secret = secret_arg(ctl, args);
    g_autofree char *xml = NULL;

    if (!secret)
        return false;
    xml = vireo_secret_get_xml_desc(secret, 0);
    vireo_secret_free(secret);
    if (!xml)
        return false;
    printf("%s", xml);
    return true;
}

/* One line from the terminal without echo (from stdin when it is not a
 * terminal).  Caller frees; NULL on end of input. */
static char *
read_password(void)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (tty) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        printf("\n");
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    if (n > 0 && line[n - 1] == '\n')
        line[--n] = '\0';
    return line;
}

/* The secret's new value from --base64, --file (base64 unless --plain)
 * or the terminal.  Caller wipes and frees; NULL with the error printed. */
static guchar *
secret_new_value(const cli_args *args, gsize *size)
{
    const char *b64 = cli_arg_str(args, "base64"), *file = cli_arg_str(args, "file");
    bool plain = cli_arg_bool(args, "plain"), interactive = cli_arg_bool(args, "interactive");
    g_autofree char *text = NULL;
    gsize len = 0;
    guchar *value;

    if (file && b64) {
        cli_error("Options --file and --base64 are mutually exclusive");
        return NULL;
    }
    if (interactive && (b64 || file)) {
        cli_error("Options --interactive and --%s are mutually exclusive", b64 ? "base64" : "file");
        return NULL;
    }
    if (plain && b64) {
        cli_error("Options --plain and --base64 are mutually exclusive");
        return NULL;
    }
    if (!b64 && !file && !interactive) {
        cli_error("Input secret value is missing");
        return NULL;
    }
    if (b64) {
        /* virsh 9.0 says it as an error line, and goes on */
        cli_error("Passing secret value as command-line argument is insecure!");
        text = g_strdup(b64);
        len = strlen(text);
    } else if (file) {
        g_autoptr(GError) err = NULL;

        if (!g_file_get_contents(file, &text, &len, &err)) {
            cli_error("Failed to open file '%s': %s", file, err->message);
            return NULL;
        }
        if (len > SECRET_FILE_MAX) {
            cli_error("File '%s' is too large", file);
            explicit_bzero(text, len);
            return NULL;
        }
    } else {
        printf("Enter new value for secret:");
        fflush(stdout);
        if (!(text = read_password())) {
            cli_error("Failed to read secret");
            return NULL;
        }
        len = strlen(text);
        plain = true;
    }
    if (plain) {
        value = g_memdup2(text, len ? len : 1);
        *size = len;
    } else {
        value = g_base64_decode(text, size);
    }
    explicit_bzero(text, len);
    return value;
}

static bool
cmd_secret_set_value(cli_ctl *ctl, const cli_args *args)
{
    vireo_secret *secret = secret_arg(ctl, args);
    guchar *value;
    gsize size = 0;
    bool ok;

    if (!secret)
        return false;
    if (!(value = secret_new_value(args, &size))) {
        vireo_secret_free(secret);
        return false;
    }
    ok = vireo_secret_set_value(secret, value, size, 0) == 0;
    explicit_bzero(value, size);
    g_free(value);
    vireo_secret_free(secret);
    if (!ok) {
        cli_error("Failed to set secret value");
        return false;
    }
    cli_print_extra(ctl, "Secret value set\n");
    return true;
}

static bool
cmd_secret_get_value(cli_ctl *ctl, const cli_args *args)
{
    vireo_secret *secret = secret_arg(ctl, args);
    unsigned char *value;
    size_t size = 0;

    if (!secret)
        return false;
    value = vireo_secret_get_value(secret, &size, 0);
    vireo_secret_free(secret);
    if (!value)
        return false;
    if (cli_arg_bool(args, "plain")) {
        fwrite(value, 1, size, stdout);
    } else {
        g_autofree char *b64 = g_base64_encode(value, size);

        /* no newline of its own, as virsh (the shell adds one) */
        printf("%s", b64);
        explicit_bzero(b64, strlen(b64));
    }
    explicit_bzero(value, size);
    free(value);
    return true;
}

static bool
cmd_secret_undefine(cli_ctl *ctl, const cli_args *args)
{
    const char *uuid = cli_arg_str(args, "secret");
    vireo_secret *secret = secret_arg(ctl, args);
    bool ok;

    if (!secret)
        return false;
    ok = vireo_secret_undefine(secret) == 0;
    if (ok)
        cli_print_extra(ctl, "Secret %s deleted\n", uuid);
    else
        cli_error("Failed to delete secret %s", uuid);
    vireo_secret_free(secret);
    return ok;
}

/* virSecretUsageType names */
static const char *
usage_string(int type)
{
    static const char *const names[] = { "none", "volume", "ceph", "iscsi", "tls", "vtpm" };

    return type >= 0 && type < (int)G_N_ELEMENTS(names) ? names[type] : "unknown";
}

static int
secret_sort(const void *a, const void *b)
{
    char ua[VIREO_UUID_STRING_BUFLEN] = "", ub[VIREO_UUID_STRING_BUFLEN] = "";

    vireo_secret_get_uuid_string(*(vireo_secret *const *)a, ua);
    vireo_secret_get_uuid_string(*(vireo_secret *const *)b, ub);
    return g_ascii_strcasecmp(ua, ub);
}

static bool
cmd_secret_list(cli_ctl *ctl, const cli_args *args)
{
    static const struct { const char *opt; unsigned int flag; } filters[] = {
        { "ephemeral", VIREO_LIST_SECRETS_EPHEMERAL },
        { "no-ephemeral", VIREO_LIST_SECRETS_NO_EPHEMERAL },
        { "private", VIREO_LIST_SECRETS_PRIVATE },
        { "no-private", VIREO_LIST_SECRETS_NO_PRIVATE },
    };
    g_autoptr(cli_table) t = NULL;
    vireo_secret **secrets = NULL;
    unsigned int flags = 0;
    int n;

    for (gsize i = 0; i < G_N_ELEMENTS(filters); i++) {
        if (cli_arg_bool(args, filters[i].opt))
            flags |= filters[i].flag;
    }
    if ((n = vireo_conn_list_all_secrets(ctl->conn, &secrets, flags)) < 0) {
        cli_error("Failed to list secrets");
        return false;
    }
    qsort(secrets, n, sizeof(*secrets), secret_sort);
    t = cli_table_new(2, "UUID", "Usage");
    for (int i = 0; i < n; i++) {
        char uuid[VIREO_UUID_STRING_BUFLEN] = "";
        int type = vireo_secret_get_usage_type(secrets[i]);
        g_autofree char *usage = NULL;

        vireo_secret_get_uuid_string(secrets[i], uuid);
        if (type != VIREO_SECRET_USAGE_TYPE_NONE)
            usage = g_strdup_printf("%s %s", usage_string(type),
                                    vireo_secret_get_usage_id(secrets[i]));
        cli_table_add(t, uuid, usage ? usage : "Unused");
    }
    cli_table_print(t, !ctl->quiet);
    vireo_secret_list_free(secrets);
    return true;
}

#define SECRET_OPT { "secret", CLI_OPT_DATA, 0, "secret UUID" }

static const cli_opt opts_secret_define[] = {
    { "file", CLI_OPT_DATA, 0, "file containing secret attributes in XML" },
    { "validate", CLI_OPT_BOOL, 0, "validate the XML against the schema" },
    END,
};
static const cli_opt opts_secret[] = { SECRET_OPT, END };
static const cli_opt opts_secret_set_value[] = {
    SECRET_OPT,
    { "file", CLI_OPT_STRING, 0, "read secret from file" },
    { "plain", CLI_OPT_BOOL, 0, "read the secret from file without converting from base64" },
    { "interactive", CLI_OPT_BOOL, 0, "read the secret from the terminal" },
    { "base64", CLI_OPT_STRING, 0, "base64-encoded secret value" },
    END,
};
static const cli_opt opts_secret_get_value[] = {
    SECRET_OPT,
    { "plain", CLI_OPT_BOOL, 0, "get value without converting to base64" },
    END,
};
static const cli_opt opts_secret_list[] = {
    { "ephemeral", CLI_OPT_BOOL, 0, "list ephemeral secrets" },
    { "no-ephemeral", CLI_OPT_BOOL, 0, "list non-ephemeral secrets" },
    { "private", CLI_OPT_BOOL, 0, "list private secrets" },
    { "no-private", CLI_OPT_BOOL, 0, "list non-private secrets" },
    END,
};

#define SECRET CLI_GROUP_SECRET

const cli_cmd cli_cmds_secret[] = {
    { "secret-define", cmd_secret_define, opts_secret_define,
      "define or modify a secret from an XML file", "Define or modify a secret.", true, SECRET },
    { "secret-dumpxml", cmd_secret_dumpxml, opts_secret, "secret attributes in XML",
      "Output attributes of a secret as an XML dump to stdout.", true, SECRET },
    { "secret-get-value", cmd_secret_get_value, opts_secret_get_value, "Output a secret value",
      "Output a secret value to stdout.", true, SECRET },
    { "secret-list", cmd_secret_list, opts_secret_list, "list secrets", "Returns a list of secrets",
      true, SECRET },
    { "secret-set-value", cmd_secret_set_value, opts_secret_set_value, "set a secret value",
      "Set a secret value.", true, SECRET },
    { "secret-undefine", cmd_secret_undefine, opts_secret, "undefine a secret",
      "Undefine a secret.", true, SECRET },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
