/*
 * qemu_command.c: test-qemu-command, domain XML -> QEMU command line.
 *
 * Every tests/qemu/xml2argv/NAME.xml is parsed, given its addresses, and
 * built with fixed capabilities (no probing; KVM when NAME holds "kvm")
 * and fixed paths under /var/run/vireo-test/NAME.  The argv, one
 * argument a line, must equal NAME.args; a file that must be refused has
 * NAME.err instead, holding the expected error message.
 * VIREO_REGENERATE=1 rewrites the expected files (review them by eye).
 *
 * Then each NAME.xml with a sibling NAME.boot really starts under
 * qemu-system-x86_64, paused (-S): its paths under /var/lib/vireo-test
 * point to a temp folder with disk images made by qemu-img, the monitor
 * socket must answer query-status with status "prelaunch", and QEMU is
 * then told to quit (killed by pid if it does not).  A NAME.boot that
 * starts with "SKIP " names why that file cannot run here.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <jansson.h>

#include "check.h"
#include "conf/domain_def.h"
#include "drivers/qemu/qemu_command.h"
#include "util/error.h"

#define QEMU_BINARY "/usr/bin/qemu-system-x86_64"

static qemu_caps *fake_caps(bool kvm)
{
    static const char *const usable[] = { "486", "Conroe", "Nehalem", "Penryn", "Westmere",
                                          "max", "qemu32", "qemu64", "kvm64" };
    static const char *const other[] = { "EPYC", "Haswell", "Skylake-Client", "Skylake-Server" };
    qemu_caps *caps = qemu_caps_new(QEMU_BINARY, "x86_64");

    caps->version = 7002000;
    caps->kvm = kvm;
    qemu_caps_add_machine(caps, "microvm", NULL, false, 288);
    qemu_caps_add_machine(caps, "pc-i440fx-7.2", "pc", true, 255);
    qemu_caps_add_machine(caps, "pc-q35-7.2", "q35", false, 288);
    for (size_t i = 0; i < G_N_ELEMENTS(usable); i++)
        g_ptr_array_add(caps->cpu_models, g_strdup(usable[i]));
    for (size_t i = 0; i < G_N_ELEMENTS(other); i++)
        g_ptr_array_add(caps->cpu_models_other, g_strdup(other[i]));
    return caps;
}

/* Build name's argv with paths under run_dir; NULL with the error set. */
static GStrv build(const char *xml, const char *run_dir, bool kvm, const qemu_caps *caps)
{
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);
    g_autofree char *mon = g_strdup_printf("%s/monitor.sock", run_dir);
    g_autofree char *pid = g_strdup_printf("%s/qemu.pid", run_dir);
    qemu_command_opts opts = {
        .monitor_path = mon,
        .pid_path = pid,
        .chardev_dir = run_dir,
        .start_paused = true,
    };

    g_autofree qemu_command_net *nets = NULL;

    if (!def || domain_def_assign_addresses(def) < 0)
        return NULL;
    opts.kvm = kvm && def->virt == DOMAIN_VIRT_KVM;
    /* the descriptors the driver would open: a tap for every interface
     * but user, /dev/vhost-net too when the domain's name says vhost */
    nets = g_new(qemu_command_net, def->devices.interfaces->len + 1);
    for (guint i = 0; i < def->devices.interfaces->len; i++) {
        const device_interface *n = def->devices.interfaces->pdata[i];
        bool user = g_strcmp0(n->type, "user") == 0;

        nets[i].tapfd = user ? -1 : 30 + 2 * (int)i;
        nets[i].vhostfd = !user && strstr(def->name, "vhost") ? 31 + 2 * (int)i : -1;
    }
    opts.nets = nets;
    return qemu_command_build(def, caps, &opts);
}

/* Compare got with the file at path; regenerating writes it and removes
 * the other kind of expected file (stale: args vs err). */
static bool expect_file(const char *path, const char *got, bool regen, const char *stale)
{
    g_autofree char *want = NULL;

    if (regen) {
        g_unlink(stale);
        g_file_set_contents(path, got, -1, NULL);
        return true;
    }
    if (!g_file_get_contents(path, &want, NULL, NULL))
        return false;
    if (strcmp(want, got) != 0) {
        NOTE("expected %s, got:\n%s", path, got);
        return false;
    }
    return true;
}

static void check_one(const char *dir, const char *name, bool regen)
{
    g_autofree char *xml_path = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *args_path = g_strdup_printf("%s/%s.args", dir, name);
    g_autofree char *err_path = g_strdup_printf("%s/%s.err", dir, name);
    g_autofree char *run_dir = g_strdup_printf("/var/run/vireo-test/%s", name);
    g_autofree char *xml = NULL;
    g_autoptr(qemu_caps) caps = fake_caps(strstr(name, "kvm") != NULL);
    g_auto(GStrv) argv = NULL;
    bool want_err = g_file_test(err_path, G_FILE_TEST_EXISTS);

    g_file_get_contents(xml_path, &xml, NULL, NULL);
    error_reset();
    argv = xml ? build(xml, run_dir, caps->kvm, caps) : NULL;
    if (argv) {
        g_autofree char *joined = g_strjoinv("\n", argv);
        g_autofree char *text = g_strconcat(joined, "\n", NULL);

        CHECK((regen || !want_err) && expect_file(args_path, text, regen, err_path), "%s: command line", name);
    } else {
        const vireo_error *e = error_last();
        g_autofree char *msg = g_strdup_printf("%s\n", e && e->message ? e->message : "(no error)");

        CHECK((regen || want_err) && expect_file(err_path, msg, regen, args_path),
              "%s: refused as expected: %s", name,
              g_strchomp(msg));
    }
}

/* ---- booting the same files, paused ---- */

/* Write str to fd and read one line that is not an event (5 s at most). */
static json_t *qmp_exchange(int fd, GString *buf, const char *str)
{
    gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    if (str && write(fd, str, strlen(str)) < 0)
        return NULL;
    while (g_get_monotonic_time() < deadline) {
        char *nl = memchr(buf->str, '\n', buf->len);
        char chunk[4096];
        ssize_t n;

        if (nl) {
            g_autofree char *line = g_strndup(buf->str, (gsize)(nl - buf->str));
            json_t *j;

            g_string_erase(buf, 0, nl - buf->str + 1);
            j = json_loads(line, 0, NULL);
            if (j && !json_object_get(j, "event"))
                return j;
            json_decref(j);
            continue;
        }
        if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
            return NULL;
        g_string_append_len(buf, chunk, n);
    }
    return NULL;
}

/* Connect to the monitor, retrying until QEMU has created it or exited. */
static int qmp_connect(const char *path, GPid pid)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    struct timeval tv = { .tv_sec = 5 };

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    while (g_get_monotonic_time() < deadline) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int status;

        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            return fd;
        }
        close(fd);
        if (waitpid(pid, &status, WNOHANG) == pid)
            return -2;
        g_usleep(20 * 1000);
    }
    return -1;
}

/* The query-status answer's status, or NULL. */
static char *qmp_status(int fd)
{
    GString *buf = g_string_new(NULL);
    json_t *j;
    char *status = NULL;

    json_decref(qmp_exchange(fd, buf, NULL));  /* greeting */
    json_decref(qmp_exchange(fd, buf, "{\"execute\":\"qmp_capabilities\"}\n"));
    if ((j = qmp_exchange(fd, buf, "{\"execute\":\"query-status\"}\n"))) {
        json_t *r = json_object_get(j, "return");

        if (r && !json_is_true(json_object_get(r, "running")))
            status = g_strdup(json_string_value(json_object_get(r, "status")));
        json_decref(j);
    }
    json_decref(qmp_exchange(fd, buf, "{\"execute\":\"quit\"}\n"));
    g_string_free(buf, TRUE);
    return status;
}

/* Make every disk image the definition names under tmp. */
static bool make_images(const char *xml, const char *tmp)
{
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);

    for (guint i = 0; def && i < def->devices.disks->len; i++) {
        const device_disk *d = def->devices.disks->pdata[i];
        const char *fmt = d->driver_type ? d->driver_type : "raw";
        g_autofree char *dir = NULL;
        int status = -1;

        if (!d->source_file || !g_str_has_prefix(d->source_file, tmp))
            continue;
        dir = g_path_get_dirname(d->source_file);
        g_mkdir_with_parents(dir, 0755);
        const char *argv[] = { "qemu-img", "create", "-q", "-f", fmt, d->source_file, "16M", NULL };
        g_autoptr(GError) gerr = NULL;

        if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                          &status, &gerr) || status != 0) {
            NOTE("qemu-img create %s: %s (status %d)", d->source_file, gerr ? gerr->message : "", status);
            return false;
        }
    }
    return def != NULL;
}

/* The tiny guest's kernel and initramfs, when a build made them, as
 * tmp/vmlinuz and tmp/initrd.img. */
static bool link_guest(const char *tmp)
{
    const char *build = g_getenv("VIREO_BUILD");
    const char *guest = g_getenv("VIREO_GUEST_DIR");
    g_autofree char *dir = guest ? g_strdup(guest)
                                 : g_strdup_printf("%s/tests/guest", build ? build : ".");
    g_autofree char *kernel = g_build_filename(dir, "vmlinuz", NULL);
    g_autofree char *initrd = g_build_filename(dir, "initramfs.cpio.gz", NULL);
    g_autofree char *k = g_strdup_printf("%s/vmlinuz", tmp);
    g_autofree char *i = g_strdup_printf("%s/initrd.img", tmp);

    return g_file_test(kernel, G_FILE_TEST_EXISTS) && g_file_test(initrd, G_FILE_TEST_EXISTS) &&
           symlink(kernel, k) == 0 && symlink(initrd, i) == 0;
}

static void boot_one(const char *dir, const char *name, bool kvm)
{
    g_autofree char *boot_path = g_strdup_printf("%s/%s.boot", dir, name);
    g_autofree char *xml_path = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *text = NULL, *xml = NULL, *raw = NULL;
    g_autofree char *tmp = g_dir_make_tmp("vireo-boot-XXXXXX", NULL);
    g_autofree char *mon = g_strdup_printf("%s/monitor.sock", tmp);
    g_autofree char *status = NULL;
    g_autoptr(qemu_caps) caps = fake_caps(kvm);
    g_auto(GStrv) argv = NULL;
    GPid pid;
    int fd, wstatus;

    g_file_get_contents(boot_path, &text, NULL, NULL);
    if (text && g_str_has_prefix(text, "SKIP ")) {
        SKIP(name, g_strchomp(text + 5));
        return;
    }
    if (text && g_str_has_prefix(text, "KERNEL") && !link_guest(tmp)) {
        SKIP(name, "no guest kernel built (tests/qemu/build-guest.sh into $VIREO_GUEST_DIR)");
        return;
    }
    g_file_get_contents(xml_path, &raw, NULL, NULL);
    {
        g_auto(GStrv) parts = g_strsplit(raw, "/var/lib/vireo-test", -1);

        xml = g_strjoinv(tmp, parts);
    }
    g_autofree char *qemu_img = g_find_program_in_path("qemu-img");

    if (!qemu_img && strstr(raw, "<source file=")) {
        SKIP(name, "qemu-img is not installed (apt-get install qemu-utils)");
        return;
    }
    if (!CHECK(make_images(xml, tmp), "%s: disk images created", name))
        return;
    argv = build(xml, tmp, kvm, caps);
    if (!CHECK(argv != NULL, "%s: built for booting", name))
        return;
    g_autofree char *log = g_strdup_printf("%s/qemu.log", tmp);
    int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

    if (!g_spawn_async_with_fds(tmp, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                                -1, logfd, logfd, NULL)) {
        close(logfd);
        CHECK(false, "%s: qemu spawned", name);
        return;
    }
    close(logfd);
    fd = qmp_connect(mon, pid);
    if (fd >= 0) {
        status = qmp_status(fd);
        close(fd);
    }
    if (waitpid(pid, &wstatus, WNOHANG) == 0) {
        /* quit was sent; give it a moment, then kill by pid */
        gint64 deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

        while (waitpid(pid, &wstatus, WNOHANG) == 0 && g_get_monotonic_time() < deadline)
            g_usleep(10 * 1000);
        if (kill(pid, 0) == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, &wstatus, 0);
        }
    }
    if (!CHECK(g_strcmp0(status, "prelaunch") == 0, "%s: QEMU accepted the command line "
               "and waits paused (status %s)", name, status ? status : "none")) {
        g_autofree char *out = NULL;

        g_file_get_contents(log, &out, NULL, NULL);
        NOTE("QEMU said: %s", out ? out : "");
    }
    {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp);

        (void)!system(cmd);
    }
}

static int name_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *list_names(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d)))
        if (g_str_has_suffix(f, ".xml"))
            g_ptr_array_add(names, g_strndup(f, strlen(f) - 4));
    g_ptr_array_sort(names, name_cmp);
    return names;
}

int main(void)
{
    const char *top = g_getenv("VIREO_TOP");
    g_autofree char *dir = g_strdup_printf("%s/tests/qemu/xml2argv", top ? top : ".");
    bool regen = g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0;
    g_autoptr(GPtrArray) names = list_names(dir);
    bool have_qemu = g_file_test(QEMU_BINARY, G_FILE_TEST_IS_EXECUTABLE);
    bool kvm = have_qemu && qemu_kvm_probe();

    CHECK(names->len >= 30, "at least 30 domain XMLs in %s (%u)", dir, names->len);
    for (guint i = 0; i < names->len; i++)
        check_one(dir, names->pdata[i], regen);
    NOTE("booting with %s", kvm ? "KVM" : "TCG");
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *boot = g_strdup_printf("%s/%s.boot", dir, (char *)names->pdata[i]);

        if (!g_file_test(boot, G_FILE_TEST_EXISTS))
            continue;
        if (!have_qemu)
            SKIP((char *)names->pdata[i], QEMU_BINARY " is not installed");
        else
            boot_one(dir, names->pdata[i], kvm);
    }
    return check_exit();
}
