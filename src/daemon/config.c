/*
 * config.c: the table of settings vireod understands, read from a file in
 * libvirtd.conf syntax (util/conf_file.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"
#include "util/conf_file.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.config"

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

static const setting *config_find(const char *key)
{
    for (size_t i = 0; i < G_N_ELEMENTS(settings); i++) {
        if (g_str_equal(settings[i].key, key))
            return &settings[i];
    }
    return NULL;
}

static void config_ignore(daemon_config *cfg, const conf_pos *pos, const char *key)
{
    for (guint i = 0; i < cfg->ignored->len; i++) {
        if (g_str_equal(cfg->ignored->pdata[i], key))
            return;
    }
    g_ptr_array_add(cfg->ignored, g_strdup(key));
    log_warn("%s:%d: setting '%s' is not supported by vireod and is ignored", pos->file,
             pos->line, key);
}

/* Store v into the setting s of cfg. */
static int config_apply(daemon_config *cfg, const conf_pos *pos, const setting *s,
                        const conf_value *v)
{
    char *end;
    long mode;

    switch (s->kind) {
    case SET_STRING:
        if (v->kind != CONF_STRING)
            return conf_type_error(pos, s->key, "a string");
        g_free(G_STRUCT_MEMBER(char *, cfg, s->offset));
        G_STRUCT_MEMBER(char *, cfg, s->offset) = g_strdup(v->str);
        return 0;
    case SET_INT:
        if (v->kind != CONF_NUMBER || v->num < G_MININT || v->num > G_MAXINT)
            return conf_type_error(pos, s->key, "a number");
        G_STRUCT_MEMBER(int, cfg, s->offset) = (int)v->num;
        return 0;
    case SET_PERMS:
        if (v->kind != CONF_STRING)
            return conf_type_error(pos, s->key, "an octal mode in a string, like \"0770\"");
        mode = strtol(v->str, &end, 8);
        if (!*v->str || *end || mode < 0 || mode > 0777)
            return conf_type_error(pos, s->key, "an octal mode in a string, like \"0770\"");
        G_STRUCT_MEMBER(int, cfg, s->offset) = (int)mode;
        return 0;
    case SET_STRV: {
        char **list = conf_value_strv(v);

        if (!list)
            return conf_type_error(pos, s->key, "a list of strings");
        g_strfreev(G_STRUCT_MEMBER(char **, cfg, s->offset));
        G_STRUCT_MEMBER(char **, cfg, s->offset) = list;
        return 0;
    }
    }
    return 0;
}

/* One statement of the file. */
static int config_statement(const char *key, const conf_value *v, const conf_pos *pos,
                            void *opaque)
{
    daemon_config *cfg = opaque;
    const setting *s = config_find(key);

    if (!s) {
        config_ignore(cfg, pos, key);
        return 0;
    }
    return config_apply(cfg, pos, s, v);
}

int config_load_string(daemon_config *cfg, const char *text, const char *name)
{
    return conf_parse(text, name, config_statement, cfg);
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

/* libvirt's auth_* values: "none" and "sasl"; "polkit" needs a polkit
 * daemon these hosts do not run. */
static int config_check_auth(const char *key, const char *value)
{
    g_autofree char *why = NULL;

    if (!value || g_str_equal(value, "none") || g_str_equal(value, "sasl"))
        return 0;
    if (g_str_equal(value, "polkit"))
        return config_bad_value(key, "\"polkit\" is not supported by vireod (no polkit here): "
                                     "use \"none\" or \"sasl\"");
    why = g_strdup_printf("unknown authentication type \"%s\": use \"none\" or \"sasl\"", value);
    return config_bad_value(key, why);
}

int config_validate(const daemon_config *cfg)
{
    if (config_check_auth("auth_unix_ro", cfg->auth_unix_ro) < 0 ||
        config_check_auth("auth_unix_rw", cfg->auth_unix_rw) < 0 ||
        config_check_auth("auth_tcp", cfg->auth_tcp) < 0 ||
        config_check_auth("auth_tls", cfg->auth_tls) < 0)
        return -1;
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
