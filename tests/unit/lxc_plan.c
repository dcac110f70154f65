/* Unit test of src/drivers/lxc/lxc_plan.c: domain XML to a plan, and the
 * checks before a start (root folder, init resolved inside the root) on
 * a small folder tree the test makes; no namespaces, no root needed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "check.h"
#include "drivers/lxc/lxc_plan.h"
#include "util/error.h"

static char *tmp;

static domain_def *def_make(const char *root, const char *os_extra, const char *fs_extra)
{
    g_autofree char *xml = g_strdup_printf(
        "<domain type='lxc'><name>web</name><memory unit='KiB'>65536</memory>"
        "<os><type>exe</type>%s</os><devices>"
        "<filesystem type='mount'><source dir='/srv/data'/><target dir='/data'/><readonly/></filesystem>"
        "<filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>%s"
        "</devices></domain>",
        os_extra, root, fs_extra);
    domain_def *def = domain_def_parse(xml, 0);

    if (!def)
        NOTE("parse: %s", error_last() ? error_last()->message : "?");
    return def;
}

static bool env_has(char **env, const char *entry)
{
    for (; env && *env; env++)
        if (strcmp(*env, entry) == 0)
            return true;
    return false;
}

static void test_from_def(void)
{
    const char *const devs[] = { "eth0", "eth1", NULL };
    g_autoptr(domain_def) def = def_make(
        "/srv/root",
        "<init>/bin/app</init><initarg>-v</initarg><initarg>x y</initarg>"
        "<initenv name='FOO'>bar</initenv><initenv name='container'>mine</initenv>"
        "<initdir>/work</initdir>",
        "<filesystem type='ram'><source usage='2048' units='KiB'/><target dir='/ram'/></filesystem>");
    g_autoptr(domain_def) plain = def_make("/srv/root", "", "");
    lxc_plan *p, *q;

    if (!CHECK(def && plain, "XML parses"))
        return;
    p = lxc_plan_from_def(def, "/dev/pts/7", devs);
    if (!CHECK(p != NULL, "plan: made"))
        return;
    CHECK(strcmp(p->name, "web") == 0, "plan: name");
    CHECK(p->nfs == 3 && p->fs[0].kind == LXC_FS_BIND && strcmp(p->fs[0].target, "/") == 0 &&
              strcmp(p->fs[0].source, "/srv/root") == 0,
          "plan: the root filesystem first");
    CHECK(p->nfs == 3 && strcmp(p->fs[1].target, "/data") == 0 && p->fs[1].readonly &&
              p->fs[2].kind == LXC_FS_RAM && p->fs[2].usage_kib == 2048,
          "plan: bind read-only, then the tmpfs of 2048 KiB");
    CHECK(g_strv_length(p->init_argv) == 3 && strcmp(p->init_argv[0], "/bin/app") == 0 &&
              strcmp(p->init_argv[2], "x y") == 0,
          "plan: init and its arguments");
    CHECK(env_has(p->init_env, "FOO=bar") && env_has(p->init_env, "container=vireo-lxc") &&
              !env_has(p->init_env, "container=mine") && env_has(p->init_env, "LIBVIRT_LXC_NAME=web"),
          "plan: environment with container=vireo-lxc");
    CHECK(env_has(p->init_env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
          "plan: a PATH when none given");
    CHECK(g_strcmp0(p->init_dir, "/work") == 0 && g_strcmp0(p->console_pty, "/dev/pts/7") == 0,
          "plan: initdir and console");
    CHECK(p->net_devs && g_strv_length(p->net_devs) == 2 && strcmp(p->net_devs[1], "eth1") == 0,
          "plan: net devices copied");
    CHECK(!p->uidmap && !p->gidmap, "plan: no idmap, no user namespace");
    lxc_plan_free(p);

    q = lxc_plan_from_def(plain, NULL, NULL);
    CHECK(q && strcmp(q->init_argv[0], "/sbin/init") == 0 && !q->init_argv[1] && !q->init_dir &&
              !q->net_devs,
          "plan: /sbin/init by default");
    lxc_plan_free(q);
}

static void test_from_def_ids_and_refusals(void)
{
    g_autoptr(domain_def) ids = def_make("/srv/root", "", "");
    g_autoptr(domain_def) block = def_make(
        "/srv/root", "",
        "<filesystem type='block'><source dev='/dev/sdz'/><target dir='/blk'/></filesystem>");
    const vireo_error *e;
    lxc_plan *p;

    if (ids) {
        ids->idmap.uid = g_new0(domain_idmap_entry, 1);
        ids->idmap.gid = g_new0(domain_idmap_entry, 1);
        ids->idmap.uid[0] = (domain_idmap_entry){ 0, 100000, 65536 };
        ids->idmap.gid[0] = (domain_idmap_entry){ 0, 200000, 1000 };
        ids->idmap.nuid = ids->idmap.ngid = 1;
        p = lxc_plan_from_def(ids, NULL, NULL);
        CHECK(p && p->nuidmap == 1 && p->uidmap[0].target == 100000 && p->ngidmap == 1 &&
                  p->gidmap[0].count == 1000,
              "plan: idmap copied");
        lxc_plan_free(p);
    }
    if (!CHECK(block != NULL, "XML with a block filesystem parses"))
        return;
    error_reset();
    p = lxc_plan_from_def(block, NULL, NULL);
    e = error_last();
    CHECK(!p && e && e->code == VIREO_ERR_CONFIG_UNSUPPORTED && e->domain == VIREO_FROM_LXC &&
              strstr(e->message, "'block'") && strstr(e->message, "'web'"),
          "plan: a block filesystem refused, type named (%s)", e ? e->message : "no error");
    lxc_plan_free(p);
}

/* lxc_plan_check on root with init: code and a message holding want */
static void check_plan(const char *what, const char *root, const char *init, int code,
                       const char *want)
{
    g_autofree char *os = init ? g_strdup_printf("<init>%s</init>", init) : g_strdup("");
    g_autoptr(domain_def) def = def_make(root, os, "");
    const vireo_error *e;
    int rc;

    if (!def)
        return;
    error_reset();
    rc = lxc_plan_check(def);
    e = error_last();
    if (!code)
        CHECK(rc == 0, "%s: accepted (%s)", what, e ? e->message : "");
    else
        CHECK(rc < 0 && e && e->code == code && e->domain == VIREO_FROM_LXC &&
                  strstr(e->message, want),
              "%s: refused with %d and \"%s\" (got %s)", what, code, want,
              e ? e->message : "no error");
}

static void test_check(void)
{
    g_autofree char *root = g_build_filename(tmp, "root", NULL);
    g_autofree char *file = g_build_filename(tmp, "file", NULL);
    g_autofree char *sbin = g_build_filename(root, "sbin", NULL);
    g_autofree char *app = g_build_filename(root, "opt", NULL);
    g_autofree char *init = g_build_filename(app, "init", NULL);
    g_autofree char *plain = g_build_filename(app, "plain", NULL);
    g_autofree char *abs_link = g_build_filename(sbin, "init", NULL);
    g_autofree char *rel_link = g_build_filename(sbin, "rel", NULL);
    g_autofree char *host_link = g_build_filename(sbin, "host", NULL);
    g_autofree char *missing = g_build_filename(tmp, "missing", NULL);
    g_autofree char *want = NULL;

    g_mkdir_with_parents(sbin, 0755);
    g_mkdir_with_parents(app, 0755);
    g_file_set_contents(init, "#!/bin/sh\n", -1, NULL);
    chmod(init, 0755);
    g_file_set_contents(plain, "data\n", -1, NULL);
    chmod(plain, 0644);
    g_file_set_contents(file, "", 0, NULL);
    /* absolute links inside the root point into the root, not the host */
    if (symlink("/opt/init", abs_link) < 0 || symlink("../opt/init", rel_link) < 0 ||
        symlink("/bin/sh", host_link) < 0)
        NOTE("symlink: %s", g_strerror(errno));

    want = g_strdup_printf("root folder '%s' of container 'web': No such file or directory", missing);
    check_plan("missing root", missing, NULL, VIREO_ERR_NO_SOURCE, want);
    g_free(want);
    want = g_strdup_printf("root folder '%s' of container 'web': Not a directory", file);
    check_plan("root is a file", file, NULL, VIREO_ERR_NO_SOURCE, want);
    check_plan("init through an absolute link", root, NULL, 0, NULL);
    check_plan("init through a relative link", root, "/sbin/rel", 0, NULL);
    check_plan("init itself", root, "/opt/init", 0, NULL);
    check_plan("missing init", root, "/sbin/nothing", VIREO_ERR_OPERATION_FAILED,
               "init '/sbin/nothing' of container 'web'");
    check_plan("init not executable", root, "/opt/plain", VIREO_ERR_OPERATION_FAILED,
               "Permission denied");
    check_plan("init a folder", root, "/opt", VIREO_ERR_OPERATION_FAILED, "Is a directory");
    check_plan("a link to the host's /bin/sh is looked up in the root", root, "/sbin/host",
               VIREO_ERR_OPERATION_FAILED, "No such file or directory");
    check_plan("'..' stays in the root", root, "/../../../../bin/sh",
               VIREO_ERR_OPERATION_FAILED, "No such file or directory");
}

int main(void)
{
    g_autofree char *rm = NULL;

    tmp = g_dir_make_tmp("vireo-lxc-plan-XXXXXX", NULL);
    test_from_def();
    test_from_def_ids_and_refusals();
    test_check();
    rm = g_strdup_printf("rm -rf '%s'", tmp);
    if (system(rm) != 0)
        NOTE("cannot remove %s", tmp);
    g_free(tmp);
    return check_exit();
}
