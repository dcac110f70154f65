/*
 * cgroup.c: the layout of the host's cgroups and one guest's cgroup in it
 * (create, find again, join, remove).  The limits are in cgroup_limits.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cgroup.h"
#include "util/cgroup_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "util.cgroup"

static const char *const v1_names[CGROUP_NCONTROLLERS] = {
    "cpu", "cpuacct", "memory", "blkio", "devices", "freezer",
};
/* what v2 calls them; NULL: no v2 controller (cpuacct comes with cpu's
 * cpu.stat, devices is a BPF program, the freezer is cgroup.freeze of
 * every cgroup) */
static const char *const v2_names[CGROUP_NCONTROLLERS] = {
    "cpu", NULL, "memory", "io", NULL, NULL,
};

const char *cgroup_controller_name(cgroup_controller c)
{
    return c < CGROUP_NCONTROLLERS ? v1_names[c] : "?";
}

int cgroup_controller_from_name(const char *name)
{
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++)
        if (g_strcmp0(v1_names[c], name) == 0)
            return c;
    return -1;
}

/* ---- layout ---- */

/* Where each controller's hierarchy is mounted. */
typedef struct cgroup_mounts {
    char *v1[CGROUP_NCONTROLLERS];  /* mount point of each v1 controller, NULL none */
    char *v2;                       /* the cgroup2 mount, NULL none */
    char **v2_offered;              /* its root's cgroup.controllers, split */
} cgroup_mounts;

static void mounts_clear(cgroup_mounts *m)
{
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++)
        g_free(m->v1[c]);
    g_free(m->v2);
    g_strfreev(m->v2_offered);
}

/* One line of /proc/self/mountinfo: "ID PARENT M:N ROOT MOUNTPOINT OPTS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS". */
static void mounts_add_line(cgroup_mounts *m, const char *line)
{
    g_auto(GStrv) f = g_strsplit(line, " ", -1);
    guint n = g_strv_length(f), sep;

    for (sep = 6; sep < n && strcmp(f[sep], "-") != 0; sep++)
        ;
    if (n < 7 || sep + 3 >= n)
        return;
    if (strcmp(f[sep + 1], "cgroup2") == 0 && !m->v2) {
        m->v2 = g_strcompress(f[4]);
    } else if (strcmp(f[sep + 1], "cgroup") == 0) {
        g_auto(GStrv) opts = g_strsplit(f[sep + 3], ",", -1);

        for (int c = 0; c < CGROUP_NCONTROLLERS; c++)
            if (!m->v1[c] && g_strv_contains((const char *const *)opts, v1_names[c]))
                m->v1[c] = g_strcompress(f[4]);
    }
}

static void mounts_read(cgroup_mounts *m)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    memset(m, 0, sizeof(*m));
    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++)
        mounts_add_line(m, lines[i]);
    if (m->v2) {
        g_autofree char *path = g_build_filename(m->v2, "cgroup.controllers", NULL);
        g_autofree char *list = NULL;

        if (g_file_get_contents(path, &list, NULL, NULL))
            m->v2_offered = g_strsplit_set(g_strstrip(list), " \n", -1);
    }
}

static bool mounts_v2_has(const cgroup_mounts *m, const char *name)
{
    return m->v2 && m->v2_offered && name &&
           g_strv_contains((const char *const *)m->v2_offered, name);
}

/* The mount point that serves c, and whether it is the cgroup2 one; NULL
 * when the host does not offer c.  cpuacct goes with cpu on v2.  The
 * freezer is the v1 one when mounted (a v1 freezer and cgroup.freeze on
 * the same processes would fight), else cgroup.freeze of a leaf in any
 * cgroup2 (a core file, listed in no cgroup.controllers). */
static const char *mounts_for(const cgroup_mounts *m, cgroup_controller c, bool *v2)
{
    const char *v2name = c == CGROUP_CPUACCT ? "cpu" : v2_names[c];

    if (c == CGROUP_FREEZER) {
        *v2 = !m->v1[c] && m->v2;
        return *v2 ? m->v2 : m->v1[c];
    }
    *v2 = mounts_v2_has(m, v2name);
    if (*v2)
        return m->v2;
    return m->v1[c];
}

bool cgroup_controller_available(cgroup_controller c, bool *v2)
{
    cgroup_mounts m;
    bool found, is_v2 = false;

    mounts_read(&m);
    found = mounts_for(&m, c, &is_v2) != NULL;
    mounts_clear(&m);
    if (v2)
        *v2 = is_v2;
    return found;
}

/* ---- one cgroup ---- */

void cgroup_free(cgroup *cg)
{
    if (!cg)
        return;
    g_free(cg->name);
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++)
        g_free(cg->dirs[c]);
    g_free(cg);
}

char *cgroup_partition(const char *root)
{
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, root ? root : "/", -1);

    return g_strdup_printf("machine/vireo-%.8s", sum);
}

static bool wanted(const char *const *controllers, cgroup_controller c)
{
    return !controllers || g_strv_contains(controllers, v1_names[c]);
}

/* cg with the directory PARTITION/LEAF named in every hierarchy of a
 * wanted, available controller (not yet created). */
static cgroup *cgroup_plan(const char *partition, const char *leaf,
                           const char *const *controllers)
{
    cgroup *cg = g_new0(cgroup, 1);
    cgroup_mounts m;

    cg->name = g_build_filename(partition, leaf, NULL);
    mounts_read(&m);
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
        const char *mnt = wanted(controllers, c) ? mounts_for(&m, c, &cg->v2[c]) : NULL;

        if (mnt)
            cg->dirs[c] = g_build_filename(mnt, cg->name, NULL);
    }
    mounts_clear(&m);
    return cg;
}

/* The distinct directories of cg (borrowed strings). */
static GPtrArray *cgroup_distinct_dirs(const cgroup *cg)
{
    GPtrArray *dirs = g_ptr_array_new();

    for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
        bool seen = false;

        if (!cg->dirs[c])
            continue;
        for (guint i = 0; i < dirs->len; i++)
            seen = seen || strcmp(dirs->pdata[i], cg->dirs[c]) == 0;
        if (!seen)
            g_ptr_array_add(dirs, cg->dirs[c]);
    }
    return dirs;
}

int cgroup_write(const char *dir, const char *file, const char *value)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    size_t len = strlen(value);
    ssize_t n;
    int fd;

    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        error_report_system(VIREO_FROM_CGROUP, errno, "Unable to write to '%s'", path);
        return -1;
    }
    /* one write: the kernel takes or refuses the whole value */
    n = write(fd, value, len);
    if (n < 0 || (size_t)n != len) {
        int err = n < 0 ? errno : EIO;

        close(fd);
        error_report_system(VIREO_FROM_CGROUP, err, "Unable to write '%s' to '%s'", value, path);
        return -1;
    }
    if (close(fd) < 0) {
        error_report_system(VIREO_FROM_CGROUP, errno, "Unable to write '%s' to '%s'", value, path);
        return -1;
    }
    return 0;
}

bool cgroup_file_exists(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);

    return access(path, F_OK) == 0;
}

/* Whether dir's cgroup.procs lists a process; false when unreadable. */
static bool dir_populated(const char *dir, char **first)
{
    g_autofree char *path = g_build_filename(dir, "cgroup.procs", NULL);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return false;
    g_strstrip(text);
    if (first)
        *first = g_strdup(text);
    return *text != '\0';
}

/* v2: enable cg's controllers for the children of every directory from
 * the mount down to the leaf's parent, creating the directories. */
static int cgroup_v2_prepare(const cgroup *cg, const char *mnt)
{
    g_auto(GStrv) parts = g_strsplit(cg->name, "/", -1);
    g_autofree char *dir = g_strdup(mnt);
    guint n = g_strv_length(parts);

    for (guint i = 0; i + 1 < n; i++) {
        g_autofree char *enabled = NULL;
        char *next;

        enabled = cgroup_read_file(dir, "cgroup.subtree_control");
        if (!enabled)
            return -1;
        for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
            const char *name = c == CGROUP_CPUACCT ? "cpu" : v2_names[c];
            g_autofree char *plus = NULL;
            g_auto(GStrv) on = g_strsplit(enabled, " ", -1);

            if (!cg->dirs[c] || !cg->v2[c] || !name ||
                g_strv_contains((const char *const *)on, name))
                continue;
            plus = g_strdup_printf("+%s", name);
            if (cgroup_write(dir, "cgroup.subtree_control", plus) < 0)
                return -1;
        }
        next = g_build_filename(dir, parts[i], NULL);
        g_free(dir);
        dir = next;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
            error_report_system(VIREO_FROM_CGROUP, errno, "Unable to create cgroup '%s'", dir);
            return -1;
        }
    }
    return 0;
}

/* An existing leaf is taken over when empty (a crash's leftover); one
 * with a process in it belongs to a running guest. */
static int cgroup_check_unused(const cgroup *cg, const GPtrArray *dirs)
{
    for (guint i = 0; i < dirs->len; i++) {
        g_autofree char *pids = NULL;

        if (dir_populated(dirs->pdata[i], &pids)) {
            g_strdelimit(pids, "\n", ' ');
            error_report(VIREO_FROM_CGROUP, VIREO_ERR_OPERATION_INVALID,
                         "cgroup '%s' is in use by process %s", cg->name, pids);
            return -1;
        }
    }
    return 0;
}

/* Create one directory of cg (with its parents); an empty leftover is
 * made again, so no limit of its earlier run survives. */
static int cgroup_make_dir(const char *dir)
{
    int rc = -1;

    if (rmdir(dir) < 0 && errno != ENOENT)
        log_debug("cannot remove the leftover cgroup '%s': %s", dir, g_strerror(errno));
    /* another guest's removal may take the partition away between the
     * parent's mkdir and ours (ENOENT): make it again */
    for (int i = 0; i < 3 && rc < 0; i++)
        rc = g_mkdir_with_parents(dir, 0755);
    if (rc < 0) {
        error_report_system(VIREO_FROM_CGROUP, errno, "Unable to create cgroup '%s'", dir);
        return -1;
    }
    return 0;
}

cgroup *cgroup_create(const char *partition, const char *leaf, const char *const *controllers)
{
    g_autoptr(cgroup) cg = cgroup_plan(partition, leaf, controllers);
    g_autoptr(GPtrArray) dirs = cgroup_distinct_dirs(cg);
    cgroup_mounts m;
    int rc = 0;

    if (!dirs->len) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "no cgroup controller is available for '%s'", cg->name);
        return NULL;
    }
    if (cgroup_check_unused(cg, dirs) < 0)
        return NULL;
    mounts_read(&m);
    for (int c = 0; c < CGROUP_NCONTROLLERS && rc == 0; c++)
        if (cg->dirs[c] && cg->v2[c]) {
            rc = cgroup_v2_prepare(cg, m.v2);
            break;
        }
    mounts_clear(&m);
    for (guint i = 0; i < dirs->len && rc == 0; i++)
        rc = cgroup_make_dir(dirs->pdata[i]);
    if (rc < 0) {
        g_autoptr(vireo_error) saved = error_save();

        cgroup_remove(cg);
        error_restore(g_steal_pointer(&saved));
        return NULL;
    }
    log_debug("cgroup '%s': created", cg->name);
    return g_steal_pointer(&cg);
}

cgroup *cgroup_open(const char *partition, const char *leaf, const char *const *controllers)
{
    g_autoptr(cgroup) cg = cgroup_plan(partition, leaf, controllers);
    bool any = false;

    for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
        if (cg->dirs[c] && !g_file_test(cg->dirs[c], G_FILE_TEST_IS_DIR))
            g_clear_pointer(&cg->dirs[c], g_free);
        any = any || cg->dirs[c];
    }
    return any ? g_steal_pointer(&cg) : NULL;
}

char **cgroup_procs_files(const cgroup *cg)
{
    g_autoptr(GPtrArray) dirs = cgroup_distinct_dirs(cg);
    char **files = g_new0(char *, dirs->len + 1);

    for (guint i = 0; i < dirs->len; i++)
        files[i] = g_build_filename(dirs->pdata[i], "cgroup.procs", NULL);
    return files;
}

int cgroup_add_pid(const cgroup *cg, pid_t pid)
{
    g_autoptr(GPtrArray) dirs = cgroup_distinct_dirs(cg);
    g_autofree char *text = g_strdup_printf("%d", (int)pid);

    for (guint i = 0; i < dirs->len; i++)
        if (cgroup_write(dirs->pdata[i], "cgroup.procs", text) < 0)
            return -1;
    return 0;
}

bool cgroup_has_pid(const cgroup *cg, pid_t pid)
{
    g_autoptr(GPtrArray) dirs = cgroup_distinct_dirs(cg);
    g_autofree char *text = NULL;
    g_auto(GStrv) pids = NULL;
    g_autofree char *want = g_strdup_printf("%d", (int)pid);

    if (!dirs->len || !(text = cgroup_read_file(dirs->pdata[0], "cgroup.procs")))
        return false;
    pids = g_strsplit(text, "\n", -1);
    return g_strv_contains((const char *const *)pids, want);
}

bool cgroup_populated(const cgroup *cg)
{
    g_autoptr(GPtrArray) dirs = cgroup_distinct_dirs(cg);

    for (guint i = 0; i < dirs->len; i++)
        if (dir_populated(dirs->pdata[i], NULL))
            return true;
    return false;
}

char *cgroup_read_file(const char *dir, const char *file)
{
    g_autofree char *path = g_build_filename(dir, file, NULL);
    g_autoptr(GError) gerr = NULL;
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, &gerr)) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_SYSTEM_ERROR, "Unable to read '%s': %s", path,
                     gerr->message);
        return NULL;
    }
    return g_strstrip(text);
}

char *cgroup_read(const cgroup *cg, cgroup_controller c, const char *file)
{
    if (c >= CGROUP_NCONTROLLERS || !cg->dirs[c]) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "cgroup '%s' has no %s controller", cg->name, cgroup_controller_name(c));
        return NULL;
    }
    return cgroup_read_file(cg->dirs[c], file);
}

/* rmdir dir; the populated leaf is reported (v1 and v2 both say EBUSY). */
static int remove_leaf(const cgroup *cg, const char *dir)
{
    g_autofree char *pids = NULL;

    if (rmdir(dir) == 0 || errno == ENOENT)
        return 0;
    if (errno == EBUSY || errno == ENOTEMPTY) {
        dir_populated(dir, &pids);
        if (pids)
            g_strdelimit(pids, "\n", ' ');
        log_warn("cgroup '%s': cannot remove '%s': still in use by process %s", cg->name, dir,
                 pids && *pids ? pids : "(none listed)");
        return -1;
    }
    log_warn("cgroup '%s': cannot remove '%s': %s", cg->name, dir, g_strerror(errno));
    return -1;
}

int cgroup_remove(const cgroup *cg)
{
    g_autoptr(GPtrArray) dirs = cgroup_distinct_dirs(cg);
    int rc = 0;

    for (guint i = 0; i < dirs->len; i++) {
        g_autofree char *parent = g_path_get_dirname(dirs->pdata[i]);

        if (remove_leaf(cg, dirs->pdata[i]) < 0) {
            rc = -1;
            continue;
        }
        /* the partition's own directory goes when its last guest does;
         * another guest or daemon still in it keeps it (EBUSY) */
        if (rmdir(parent) < 0 && errno != EBUSY && errno != ENOTEMPTY && errno != ENOENT)
            log_debug("cgroup '%s': cannot remove '%s': %s", cg->name, parent,
                      g_strerror(errno));
    }
    if (rc == 0)
        log_debug("cgroup '%s': removed", cg->name);
    return rc;
}
