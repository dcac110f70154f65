/* qemu_conf.c: qemu.conf for the QEMU driver (drivers/qemu/qemu_conf.c). */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "drivers/qemu/qemu_priv.h"
#include "util/conf_file.h"
#include "util/error.h"

static char *conf_file(const char *dir, const char *text)
{
    char *path = g_build_filename(dir, "qemu.conf", NULL);

    g_file_set_contents(path, text, -1, NULL);
    return path;
}

static void test_conf(const char *dir)
{
    g_autofree char *missing = g_build_filename(dir, "none.conf", NULL);
    g_autofree char *path = NULL;
    g_autoptr(qemu_conf) c = NULL;
    const vireo_error *err;

    c = qemu_conf_load(missing, false);
    CHECK(c && c->user == geteuid() && c->group == getegid() && !c->invalid &&
              c->dynamic_ownership && c->remember_owner && c->seccomp_sandbox == 1 &&
              !c->cgroup_controllers && !qemu_conf_other_user(c),
          "no qemu.conf under a root: the daemon's user, libvirt's defaults");
    g_clear_pointer(&c, qemu_conf_free);

    path = conf_file(dir, "user = \"+4242\"\ngroup = \"+4343\"\ndynamic_ownership = 0\n"
                          "remember_owner = 0\nseccomp_sandbox = 0\n"
                          "cgroup_controllers = [ \"cpu\", \"memory\" ]\n"
                          "security_driver = \"none\"   # libvirt's, not used\n");
    c = qemu_conf_load(path, false);
    CHECK(c && c->user == 4242 && c->group == 4343 && !c->invalid && !c->dynamic_ownership &&
              !c->remember_owner && c->seccomp_sandbox == 0 && qemu_conf_other_user(c) &&
              c->cgroup_controllers && g_strv_length(c->cgroup_controllers) == 2 &&
              c->ngroups == 1 && c->groups[0] == 4343,
          "+UID, +GID, flags and the controller list are read");
    g_clear_pointer(&c, qemu_conf_free);
    g_free(path);

    path = conf_file(dir, "user = \"vireo-no-such-user\"\n");
    c = qemu_conf_load(path, false);
    error_reset();
    CHECK(c && c->invalid && qemu_conf_check(c) < 0 && (err = error_last()) &&
              err->code == VIREO_ERR_CONFIG_UNSUPPORTED &&
              strstr(err->message, "vireo-no-such-user") && strstr(err->message, path),
          "an unknown user: the driver starts, starts are refused naming it and the file");
    g_clear_pointer(&c, qemu_conf_free);
    g_free(path);

    path = conf_file(dir, "user = \"root\"\ndynamic_ownership = 2\n");
    error_reset();
    c = qemu_conf_load(path, false);
    CHECK(!c && (err = error_last()) && err->code == CONF_ERR_SYNTAX &&
              strstr(err->message, ":2: setting 'dynamic_ownership' expects 0 or 1"),
          "a bad value names the file, the line and the setting");
}

int main(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-qemu-conf.XXXXXX", NULL);
    g_autofree char *cmd = NULL;

    test_conf(dir);
    cmd = g_strdup_printf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        NOTE("cannot remove %s", dir);
    return check_exit();
}
