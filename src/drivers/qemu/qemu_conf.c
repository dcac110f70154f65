/*
 * qemu_conf.c: ROOT/etc/libvirt/qemu.conf (libvirt's file and syntax,
 * util/conf_file.h), read once when a driver instance starts.
 *
 *     user = "vireo-qemu"        # a name, or "+UID"
 *     group = "vireo-qemu"       # a name, or "+GID"
 *     dynamic_ownership = 1
 *     remember_owner = 1
 *     seccomp_sandbox = 1
 *     cgroup_controllers = [ "cpu", "memory", "blkio", "devices" ]
 *
 * Other settings of libvirt's qemu.conf are accepted and not used.  User
 * and group are resolved here (the driver is threaded: nothing looks
 * them up again); one that does not exist does not stop the driver, it
 * refuses every start naming the file and the name, as libvirt's does.
 */
#define LOG_CATEGORY "qemu.conf"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/qemu/qemu_priv.h"
#include "util/conf_file.h"
#include "util/error.h"
#include "util/log.h"

/* qemu:///system on "/": libvirt on Debian has libvirt-qemu:kvm */
#define QEMU_CONF_SYSTEM_USER "vireo-qemu"
#define QEMU_CONF_SYSTEM_GROUP "vireo-qemu"

void qemu_conf_free(qemu_conf *conf)
{
    if (!conf)
        return;
    g_free(conf->user_name);
    g_free(conf->group_name);
    g_strfreev(conf->cgroup_controllers);
    g_free(conf->groups);
    g_free(conf->path);
    g_free(conf->invalid);
    g_free(conf);
}

static int qemu_conf_flag(const conf_value *v, const conf_pos *pos, const char *key, bool *out)
{
    if (v->kind != CONF_NUMBER || (v->num != 0 && v->num != 1))
        return conf_type_error(pos, key, "0 or 1");
    *out = v->num == 1;
    return 0;
}

static int qemu_conf_statement(const char *key, const conf_value *v, const conf_pos *pos,
                               void *opaque)
{
    qemu_conf *conf = opaque;

    if (strcmp(key, "user") == 0 || strcmp(key, "group") == 0) {
        char **field = key[0] == 'u' ? &conf->user_name : &conf->group_name;

        if (v->kind != CONF_STRING || !*v->str)
            return conf_type_error(pos, key, "a name or \"+ID\"");
        g_free(*field);
        *field = g_strdup(v->str);
        return 0;
    }
    if (strcmp(key, "dynamic_ownership") == 0)
        return qemu_conf_flag(v, pos, key, &conf->dynamic_ownership);
    if (strcmp(key, "remember_owner") == 0)
        return qemu_conf_flag(v, pos, key, &conf->remember_owner);
    if (strcmp(key, "seccomp_sandbox") == 0) {
        /* libvirt: -1 means "QEMU's default", which is off */
        if (v->kind != CONF_NUMBER || v->num < -1 || v->num > 1)
            return conf_type_error(pos, key, "-1, 0 or 1");
        conf->seccomp_sandbox = v->num == 1;
        return 0;
    }
    if (strcmp(key, "cgroup_controllers") == 0) {
        char **list = conf_value_strv(v);

        if (!list)
            return conf_type_error(pos, key, "a list of strings");
        g_strfreev(conf->cgroup_controllers);
        conf->cgroup_controllers = list;
        return 0;
    }
    log_debug("%s:%d: setting '%s' is not used by vireo", pos->file, pos->line, key);
    return 0;
}

/* "+123" as an id; false when text is not one. */
static bool qemu_conf_numeric(const char *text, unsigned long *id)
{
    char *end;

    if (text[0] != '+' || !g_ascii_isdigit(text[1]))
        return false;
    errno = 0;
    *id = strtoul(text + 1, &end, 10);
    return !*end && !errno && *id < (unsigned long)(uid_t)-1;
}

/* The daemon's own user or group name (or "+ID" when it has none). */
static char *qemu_conf_own_name(bool group)
{
    g_autofree char *buf = g_malloc(65536);

    if (group) {
        struct group gr, *grp = NULL;

        getgrgid_r(getegid(), &gr, buf, 65536, &grp);
        return grp ? g_strdup(grp->gr_name) : g_strdup_printf("+%u", (unsigned)getegid());
    } else {
        struct passwd pw, *pwp = NULL;

        getpwuid_r(geteuid(), &pw, buf, 65536, &pwp);
        return pwp ? g_strdup(pwp->pw_name) : g_strdup_printf("+%u", (unsigned)geteuid());
    }
}

/* Resolve user and group names into ids and the supplementary groups;
 * what does not resolve goes to ->invalid. */
static void qemu_conf_resolve(qemu_conf *conf)
{
    unsigned long id;
    struct passwd pw, *pwp = NULL;
    struct group gr, *grp = NULL;
    g_autofree char *buf = g_malloc(65536);
    int n;

    if (qemu_conf_numeric(conf->user_name, &id)) {
        conf->user = (uid_t)id;
        getpwuid_r(conf->user, &pw, buf, 65536, &pwp);
    } else if (getpwnam_r(conf->user_name, &pw, buf, 65536, &pwp) == 0 && pwp) {
        conf->user = pwp->pw_uid;
    } else {
        conf->invalid = g_strdup_printf("user '%s' named in '%s' does not exist", conf->user_name,
                                        conf->path);
        return;
    }
    /* the user's groups (kvm opens /dev/kvm) when it has a passwd entry */
    n = 64;
    conf->groups = g_new(gid_t, n);
    if (pwp) {
        g_autofree char *name = g_strdup(pwp->pw_name);
        gid_t base = pwp->pw_gid;

        if (getgrouplist(name, base, conf->groups, &n) < 0) {
            conf->groups = g_renew(gid_t, conf->groups, n);
            if (getgrouplist(name, base, conf->groups, &n) < 0)
                n = 0;
        }
        conf->ngroups = (size_t)MAX(n, 0);
    }
    if (qemu_conf_numeric(conf->group_name, &id)) {
        conf->group = (gid_t)id;
    } else if (getgrnam_r(conf->group_name, &gr, buf, 65536, &grp) == 0 && grp) {
        conf->group = grp->gr_gid;
    } else {
        conf->invalid = g_strdup_printf("group '%s' named in '%s' does not exist",
                                        conf->group_name, conf->path);
        return;
    }
    if (conf->ngroups == 0) {
        conf->groups[0] = conf->group;
        conf->ngroups = 1;
    }
}

qemu_conf *qemu_conf_load(const char *path, bool system_root)
{
    g_autoptr(qemu_conf) conf = g_new0(qemu_conf, 1);
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;

    conf->path = g_strdup(path);
    conf->dynamic_ownership = true;
    conf->remember_owner = true;
    conf->seccomp_sandbox = 1;
    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        if (!g_error_matches(gerr, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
            error_report(VIREO_FROM_CONF, VIREO_ERR_READ_FAILED,
                         "cannot read config file '%s': %s", path, gerr->message);
            return NULL;
        }
    } else if (conf_parse(text, path, qemu_conf_statement, conf) < 0) {
        return NULL;
    }
    if (!conf->user_name)
        conf->user_name = system_root ? g_strdup(QEMU_CONF_SYSTEM_USER) : qemu_conf_own_name(false);
    if (!conf->group_name)
        conf->group_name = system_root ? g_strdup(QEMU_CONF_SYSTEM_GROUP)
                                       : qemu_conf_own_name(true);
    qemu_conf_resolve(conf);
    if (conf->invalid)
        log_warn("%s: no domain can start", conf->invalid);
    else
        log_info("QEMU runs as %s (%u):%s (%u), dynamic ownership %d, seccomp sandbox %d",
                 conf->user_name, (unsigned)conf->user, conf->group_name,
                 (unsigned)conf->group, conf->dynamic_ownership, conf->seccomp_sandbox);
    return g_steal_pointer(&conf);
}

int qemu_conf_check(const qemu_conf *conf)
{
    if (!conf->invalid)
        return 0;
    error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED, "%s", conf->invalid);
    return -1;
}

bool qemu_conf_other_user(const qemu_conf *conf)
{
    return !conf->invalid && (conf->user != geteuid() || conf->group != getegid());
}
