/*
 * config.c: a small reader for libvirtd.conf syntax (GLib's key files do
 * not fit: no groups, quoted strings, lists) and the table of settings
 * vireod understands.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.config"

typedef enum { VAL_STRING, VAL_NUMBER, VAL_LIST } value_kind;

typedef struct conf_value {
    value_kind kind;
    char *str;          /* VAL_STRING: owned */
    long long num;      /* VAL_NUMBER */
    GPtrArray *list;    /* VAL_LIST: of conf_value *, owned */
} conf_value;

/* The reader's position in the text. */
typedef struct conf_reader {
    const char *p;
    const char *name;   /* file name for messages */
    int line;
} conf_reader;

typedef enum { SET_STRING, SET_INT, SET_PERMS, SET_STRV } setting_kind;

typedef struct setting {
    const char *key;
    setting_kind kind;
    size_t offset;      /* into daemon_config */
} setting;

#define S(key, kind) { #key, kind, offsetof(daemon_config, key) }
static const setting settings[] = {
    S(unix_sock_dir, SET_STRING),
    S(unix_sock_group, SET_STRING),
    S(unix_sock_ro_perms, SET_PERMS),
    S(unix_sock_rw_perms, SET_PERMS),
    S(unix_sock_admin_perms, SET_PERMS),
    S(auth_unix_ro, SET_STRING),
    S(auth_unix_rw, SET_STRING),
    S(listen_tls, SET_INT),
    S(listen_tcp, SET_INT),
    S(listen_addr, SET_STRING),
    S(tls_port, SET_STRING),
    S(tcp_port, SET_STRING),
    S(auth_tls, SET_STRING),
    S(auth_tcp, SET_STRING),
    S(key_file, SET_STRING),
    S(cert_file, SET_STRING),
    S(ca_file, SET_STRING),
    S(crl_file, SET_STRING),
    S(tls_no_verify_certificate, SET_INT),
    S(tls_allowed_dn_list, SET_STRV),
    S(sasl_allowed_username_list, SET_STRV),
    S(tls_priority, SET_STRING),
    S(access_drivers, SET_STRV),
    S(access_rules_file, SET_STRING),
    S(audit_file, SET_STRING),
    S(max_clients, SET_INT),
    S(max_workers, SET_INT),
    S(min_workers, SET_INT),
    S(prio_workers, SET_INT),
    S(max_client_requests, SET_INT),
    S(max_client_queue, SET_INT),
    S(keepalive_interval, SET_INT),
    S(keepalive_count, SET_INT),
    S(log_level, SET_INT),
    S(log_filters, SET_STRING),
    S(log_outputs, SET_STRING),
    S(host_uuid, SET_STRING),
    S(uri_default, SET_STRING),
};
#undef S

static void conf_value_free(gpointer p)
{
    conf_value *v = p;

    if (!v)
        return;
    g_free(v->str);
    if (v->list)
        g_ptr_array_unref(v->list);
    g_free(v);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(conf_value, conf_value_free)

daemon_config *config_new(void)
{
    daemon_config *cfg = g_new0(daemon_config, 1);

    /* libvirtd's defaults with auth "none" */
    cfg->unix_sock_ro_perms = 0777;
    cfg->unix_sock_rw_perms = 0700;
    cfg->unix_sock_admin_perms = 0700;
    cfg->listen_tls = 1;
    cfg->max_clients = 5000;
    cfg->max_workers = 20;
    cfg->min_workers = 5;
    cfg->prio_workers = 5;
    cfg->max_client_requests = 5;
    /* vireod's own: libvirtd stops reading a busy client instead, which
     * also holds up its keepalive and streams */
    cfg->max_client_queue = 1000;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    cfg->log_level = VIREO_LOG_WARN;
    cfg->uri_default = g_strdup("test:///default");
    cfg->ignored = g_ptr_array_new_with_free_func(g_free);
    return cfg;
}

void config_free(daemon_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(settings); i++) {
        if (settings[i].kind == SET_STRING)
            g_free(G_STRUCT_MEMBER(char *, cfg, settings[i].offset));
        else if (settings[i].kind == SET_STRV)
            g_strfreev(G_STRUCT_MEMBER(char **, cfg, settings[i].offset));
    }
    g_ptr_array_unref(cfg->ignored);
    g_free(cfg);
}

static int conf_syntax(conf_reader *r, const char *what)
{
    error_report(VIREO_FROM_CONF, DAEMON_ERR_CONF_SYNTAX, "%s:%d: %s", r->name, r->line, what);
    return -1;
}

/* Skip blanks, comments and (when newlines) line ends. */
static void conf_skip(conf_reader *r, bool newlines)
{
    for (;;) {
        if (*r->p == ' ' || *r->p == '\t' || *r->p == '\r') {
            r->p++;
        } else if (*r->p == '#') {
            while (*r->p && *r->p != '\n')
                r->p++;
        } else if (newlines && *r->p == '\n') {
            r->p++;
            r->line++;
        } else {
            return;
        }
    }
}

static conf_value *conf_read_value(conf_reader *r);

static conf_value *conf_read_string(conf_reader *r)
{
    char quote = *r->p++;
    const char *start = r->p;
    conf_value *v;

    while (*r->p && *r->p != quote && *r->p != '\n')
        r->p++;
    if (*r->p != quote) {
        conf_syntax(r, "unterminated string");
        return NULL;
    }
    v = g_new0(conf_value, 1);
    v->kind = VAL_STRING;
    v->str = g_strndup(start, r->p - start);
    r->p++;
    return v;
}

static conf_value *conf_read_number(conf_reader *r)
{
    char *end;
    long long n;
    conf_value *v;

    errno = 0;
    n = strtoll(r->p, &end, 10);
    if (end == r->p || errno) {
        conf_syntax(r, "expected a string, a number or a list");
        return NULL;
    }
    r->p = end;
    v = g_new0(conf_value, 1);
    v->kind = VAL_NUMBER;
    v->num = n;
    return v;
}

static conf_value *conf_read_list(conf_reader *r)
{
    g_autoptr(conf_value) v = g_new0(conf_value, 1);

    v->kind = VAL_LIST;
    v->list = g_ptr_array_new_with_free_func(conf_value_free);
    r->p++;
    for (;;) {
        conf_value *item;

        conf_skip(r, true);
        if (*r->p == ']')
            break;
        if (!(item = conf_read_value(r)))
            return NULL;
        g_ptr_array_add(v->list, item);
        conf_skip(r, true);
        if (*r->p == ',')
            r->p++;
        else if (*r->p != ']') {
            conf_syntax(r, "expected ',' or ']' in a list");
            return NULL;
        }
    }
    r->p++;
    return g_steal_pointer(&v);
}

static conf_value *conf_read_value(conf_reader *r)
{
    if (*r->p == '"' || *r->p == '\'')
        return conf_read_string(r);
    if (*r->p == '[')
        return conf_read_list(r);
    return conf_read_number(r);
}

static const setting *config_find(const char *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(settings); i++) {
        if (g_str_equal(settings[i].key, key))
            return &settings[i];
    }
    return NULL;
}

static void config_ignore(daemon_config *cfg, conf_reader *r, const char *key)
{
    for (guint i = 0; i < cfg->ignored->len; i++) {
        if (g_str_equal(cfg->ignored->pdata[i], key))
            return;
    }
    g_ptr_array_add(cfg->ignored, g_strdup(key));
    log_warn("%s:%d: setting '%s' is not supported by vireod and is ignored", r->name, r->line,
             key);
}

static int config_bad_type(conf_reader *r, const char *key, const char *want)
{
    g_autofree char *what = g_strdup_printf("setting '%s' expects %s", key, want);

    return conf_syntax(r, what);
}

/* Store v into the setting s of cfg. */
static int config_apply(daemon_config *cfg, conf_reader *r, const setting *s, const conf_value *v)
{
    char *end;
    long mode;

    switch (s->kind) {
    case SET_STRING:
        if (v->kind != VAL_STRING)
            return config_bad_type(r, s->key, "a string");
        g_free(G_STRUCT_MEMBER(char *, cfg, s->offset));
        G_STRUCT_MEMBER(char *, cfg, s->offset) = g_strdup(v->str);
        return 0;
    case SET_INT:
        if (v->kind != VAL_NUMBER || v->num < G_MININT || v->num > G_MAXINT)
            return config_bad_type(r, s->key, "a number");
        G_STRUCT_MEMBER(int, cfg, s->offset) = (int)v->num;
        return 0;
    case SET_PERMS:
        if (v->kind != VAL_STRING)
            return config_bad_type(r, s->key, "an octal mode in a string, like \"0770\"");
        mode = strtol(v->str, &end, 8);
        if (!*v->str || *end || mode < 0 || mode > 0777)
            return config_bad_type(r, s->key, "an octal mode in a string, like \"0770\"");
        G_STRUCT_MEMBER(int, cfg, s->offset) = (int)mode;
        return 0;
    case SET_STRV: {
        g_autoptr(GStrvBuilder) b = g_strv_builder_new();

        if (v->kind != VAL_LIST)
            return config_bad_type(r, s->key, "a list of strings");
        for (guint i = 0; i < v->list->len; i++) {
            const conf_value *item = v->list->pdata[i];

            if (item->kind != VAL_STRING)
                return config_bad_type(r, s->key, "a list of strings");
            g_strv_builder_add(b, item->str);
        }
        g_strfreev(G_STRUCT_MEMBER(char **, cfg, s->offset));
        G_STRUCT_MEMBER(char **, cfg, s->offset) = g_strv_builder_end(b);
        return 0;
    }
    }
    return 0;
}

/* One "name = value" statement; r is at the name. */
static int config_read_statement(daemon_config *cfg, conf_reader *r)
{
    const char *start = r->p;
    g_autofree char *key = NULL;
    g_autoptr(conf_value) v = NULL;
    const setting *s;

    while (g_ascii_isalnum(*r->p) || *r->p == '_' || *r->p == '.')
        r->p++;
    if (r->p == start || !(g_ascii_isalpha(*start) || *start == '_'))
        return conf_syntax(r, "expected a setting name");
    key = g_strndup(start, r->p - start);
    conf_skip(r, false);
    if (*r->p != '=')
        return conf_syntax(r, "expected '=' after the setting name");
    r->p++;
    conf_skip(r, false);
    if (!(v = conf_read_value(r)))
        return -1;
    conf_skip(r, false);
    if (*r->p == ';')
        r->p++;
    conf_skip(r, false);
    if (*r->p && *r->p != '\n')
        return conf_syntax(r, "unexpected text after the value");
    s = config_find(key);
    if (!s) {
        config_ignore(cfg, r, key);
        return 0;
    }
    return config_apply(cfg, r, s, v);
}

int config_load_string(daemon_config *cfg, const char *text, const char *name)
{
    conf_reader r = { .p = text, .name = name, .line = 1 };

    for (;;) {
        conf_skip(&r, true);
        if (!*r.p)
            return 0;
        if (config_read_statement(cfg, &r) < 0)
            return -1;
    }
}

int config_load_file(daemon_config *cfg, const char *path, bool missing_ok)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        if (missing_ok && g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return 0;
        error_report(VIREO_FROM_CONF, VIREO_ERR_READ_FAILED, "cannot read config file '%s': %s",
                     path, gerr->message);
        return -1;
    }
    return config_load_string(cfg, text, path);
}

static int config_bad_value(const char *key, const char *why)
{
    error_report(VIREO_FROM_CONF, VIREO_ERR_CONFIG_UNSUPPORTED, "%s: %s", key, why);
    return -1;
}

int config_validate(const daemon_config *cfg)
{
    if (cfg->auth_unix_ro && !g_str_equal(cfg->auth_unix_ro, "none"))
        return config_bad_value("auth_unix_ro", "vireod supports only \"none\" for now");
    if (cfg->auth_unix_rw && !g_str_equal(cfg->auth_unix_rw, "none"))
        return config_bad_value("auth_unix_rw", "vireod supports only \"none\" for now");
    if (cfg->max_workers < 1)
        return config_bad_value("max_workers", "must be at least 1");
    if (cfg->min_workers < 0)
        return config_bad_value("min_workers", "must not be negative");
    if (cfg->prio_workers < 0)
        return config_bad_value("prio_workers", "must not be negative");
    if (cfg->max_clients < 1)
        return config_bad_value("max_clients", "must be at least 1");
    if (cfg->max_client_requests < 1)
        return config_bad_value("max_client_requests", "must be at least 1");
    if (cfg->max_client_queue < 0)
        return config_bad_value("max_client_queue", "must not be negative");
    if (cfg->keepalive_count < 0)
        return config_bad_value("keepalive_count", "must not be negative");
    if (cfg->log_level < VIREO_LOG_DEBUG || cfg->log_level > VIREO_LOG_ERROR)
        return config_bad_value("log_level", "must be between 1 (debug) and 4 (error)");
    if (cfg->unix_sock_dir && !g_path_is_absolute(cfg->unix_sock_dir))
        return config_bad_value("unix_sock_dir", "must be an absolute path");
    return 0;
}
