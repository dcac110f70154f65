/*
 * audit.c: the audit log (audit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/acl.h"
#include "daemon/audit.h"
#include "daemon/daemon_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.audit"

struct daemon_audit {
    int fd;             /* O_APPEND: each write lands whole at the end */
    char *path;         /* owned, for messages */
};

daemon_audit *audit_open(const char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);
    daemon_audit *a;
    int fd;

    if (g_mkdir_with_parents(dir, 0700) < 0) {
        error_report_system(VIREO_FROM_CONF, errno, "cannot create the audit log's folder '%s'",
                            dir);
        return NULL;
    }
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        error_report_system(VIREO_FROM_CONF, errno, "cannot open the audit log '%s'", path);
        return NULL;
    }
    /* an older file may have been made readable to others */
    if (fchmod(fd, 0600) < 0)
        log_warn("cannot make the audit log '%s' private: %s", path, g_strerror(errno));
    a = g_new0(daemon_audit, 1);
    a->fd = fd;
    a->path = g_strdup(path);
    return a;
}

void audit_close(daemon_audit *a)
{
    if (!a)
        return;
    close(a->fd);
    g_free(a->path);
    g_free(a);
}

/* key=value, the value quoted when it holds blanks, quotes or is empty;
 * control characters become blanks so a line stays one line. */
static void audit_field(GString *s, const char *key, const char *value)
{
    bool quote = !*value || strpbrk(value, " \t\"\\=") != NULL;

    g_string_append_printf(s, " %s=", key);
    if (quote)
        g_string_append_c(s, '"');
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, g_ascii_iscntrl(*p) ? ' ' : *p);
    }
    if (quote)
        g_string_append_c(s, '"');
}

static void audit_write(daemon_audit *a, GString *line)
{
    ssize_t n;

    g_string_append_c(line, '\n');
    do {
        n = write(a->fd, line->str, line->len);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)line->len)
        log_error("cannot write to the audit log '%s': %s", a->path,
                  n < 0 ? g_strerror(errno) : "short write");
}

static GString *audit_line(const daemon_identity *id)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S");
    g_autofree char *who = id ? daemon_identity_describe(id) : g_strdup("unknown");
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "%s.%03dZ", stamp, g_date_time_get_microsecond(now) / 1000);
    audit_field(s, "who", who);
    return s;
}

static void audit_result(GString *s, const vireo_error *err)
{
    g_autofree char *code = NULL;

    if (!err) {
        audit_field(s, "result", "ok");
        return;
    }
    code = g_strdup_printf("%d", err->code);
    audit_field(s, "result", "error");
    audit_field(s, "code", code);
    audit_field(s, "message", err->message ? err->message : "");
}

void audit_record(daemon_audit *a, const daemon_identity *id, const char *api, const char *kind,
                  const char *name, const char *uuid, const vireo_error *err)
{
    g_autoptr(GString) s = NULL;

    if (!a)
        return;
    s = audit_line(id);
    audit_field(s, "api", api);
    if (kind) {
        g_autofree char *obj = g_strdup_printf("%s:%s", kind, name ? name : "");

        audit_field(s, "object", obj);
    }
    if (uuid && *uuid)
        audit_field(s, "uuid", uuid);
    audit_result(s, err);
    audit_write(a, s);
}

void audit_call(daemon_client *c, const dispatch_proc *proc, const acl_object *obj,
                const vireo_error *err)
{
    g_autofree char *api = NULL;

    if (!c->srv->audit)
        return;
    api = dispatch_api_name(proc->name);
    audit_record(c->srv->audit, daemon_client_identity(c), api, obj ? obj->kind : NULL,
                 obj ? obj->name : NULL, obj ? obj->uuid : NULL, err);
}

void audit_auth_failure(daemon_audit *a, const daemon_identity *id, const char *method,
                        const char *why)
{
    g_autoptr(GString) s = NULL;

    if (!a)
        return;
    s = audit_line(id);
    audit_field(s, "api", "authenticate");
    audit_field(s, "method", method);
    audit_field(s, "result", "error");
    audit_field(s, "code", "45");   /* libvirt's VIR_ERR_AUTH_FAILED */
    audit_field(s, "message", why ? why : "");
    audit_write(a, s);
}

int audit_server_start(daemon_server *srv)
{
    const char *root = srv->root ? srv->root : g_getenv("VIREO_ROOT");
    g_autofree char *path = srv->cfg->audit_file
        ? g_strdup(srv->cfg->audit_file)
        : g_build_filename(root ? root : "/", "var", "log", "libvirt", "vireod-audit.log", NULL);

    srv->audit = audit_open(path);
    if (srv->audit)
        return 0;
    if (srv->cfg->audit_file)
        return -1;
    log_warn("no audit log: %s", error_last() ? error_last()->message : path);
    error_reset();
    return 0;
}

void audit_server_stop(daemon_server *srv)
{
    g_clear_pointer(&srv->audit, audit_close);
}
