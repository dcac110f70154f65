/*
 * config.h: vireod's settings, read from a file in libvirtd.conf syntax.
 *
 *     # comment
 *     unix_sock_dir = "/run/libvirt"
 *     max_workers = 20
 *     log_filters = "3:remote 4:event"
 *     access_drivers = [ "polkit" ]      # lists parse; vireod reads none yet
 *
 * Settings vireod does not support are warned about once each (and kept
 * in ignored[] so tests can see them); a syntax error names the file and
 * line.
 */
#ifndef VIREO_DAEMON_CONFIG_H
#define VIREO_DAEMON_CONFIG_H

#include <glib.h>
#include <stdbool.h>

/* libvirt's VIR_ERR_CONF_SYNTAX */
#define DAEMON_ERR_CONF_SYNTAX 33

/* Every string is owned; NULL means "not set: use the default". */
typedef struct daemon_config {
    char *unix_sock_dir;
    char *unix_sock_group;
    int unix_sock_ro_perms;     /* mode bits */
    int unix_sock_rw_perms;
    int unix_sock_admin_perms;
    char *auth_unix_ro;         /* "none" or "sasl" (libvirt's "polkit" is refused) */
    char *auth_unix_rw;
    /* TCP listeners, with vireod --listen (issue 10) */
    int listen_tls;             /* 1: TLS on listen_addr:tls_port (default 1) */
    int listen_tcp;             /* 1: plain TCP on tcp_port (default 0; needs auth_tcp "sasl") */
    char *listen_addr;          /* default: every address ("0.0.0.0" and "::") */
    char *tls_port;             /* default "16514" (a string, as libvirtd.conf) */
    char *tcp_port;             /* default "16509" */
    char *auth_tls;             /* "none" (default) or "sasl" */
    char *auth_tcp;             /* "sasl" (default) or "none" */
    char *key_file, *cert_file, *ca_file, *crl_file;   /* NULL: libvirt's defaults under the root (rpc/tls.h) */
    int tls_no_verify_certificate;  /* 1: do not ask for client certificates */
    char **tls_allowed_dn_list;     /* NULL: any DN; glob patterns */
    char **sasl_allowed_username_list; /* NULL: any SASL user; glob patterns */
    char *tls_priority;         /* GnuTLS priority string, NULL: "NORMAL" */
    /* Access control and audit (issue 10; vireod's own settings) */
    char **access_drivers;      /* libvirtd's key: [ "rules" ] turns the rules file on */
    char *access_rules_file;    /* NULL: ROOT/etc/libvirt/access-rules.conf */
    char *audit_file;           /* NULL: ROOT/var/log/libvirt/vireod-audit.log */
    int max_clients;
    int max_workers;
    int min_workers;
    int prio_workers;
    int max_client_requests;    /* calls of one client running at once */
    int max_client_queue;       /* calls of one client waiting beyond those; 0: none */
    int keepalive_interval;     /* seconds; -1 disables */
    int keepalive_count;
    int log_level;
    char *log_filters;
    char *log_outputs;
    char *host_uuid;
    char *uri_default;          /* CONNECT_OPEN with no URI */
    GPtrArray *ignored;         /* names warned about, each once (owned) */
} daemon_config;

/* Defaults as libvirtd has them.  Caller frees with config_free. */
daemon_config *config_new(void);
void config_free(daemon_config *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(daemon_config, config_free)

/* Read settings from text (name: the file, for messages) into cfg.
 * 0, or -1 with the error set (DAEMON_ERR_CONF_SYNTAX "FILE:LINE: ..."
 * or a bad value naming the setting). */
int config_load_string(daemon_config *cfg, const char *text, const char *name);
/* The same from a file.  A missing file fails unless missing_ok. */
int config_load_file(daemon_config *cfg, const char *path, bool missing_ok);

/* Check the values together (auth_* "none" or "sasl", workers, levels).  0, or
 * -1 with the error set naming the setting. */
int config_validate(const daemon_config *cfg);

#endif
