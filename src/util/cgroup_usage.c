/*
 * cgroup_usage.c: freezing a guest's cgroup and reading what it uses.
 *
 *                  v1                               v2 (the unified leaf)
 *   freeze         freezer.state FROZEN/THAWED      cgroup.freeze 1/0
 *   frozen yet?    freezer.state reads FROZEN       cgroup.events "frozen 1"
 *   CPU time       cpuacct.usage (ns)               cpu.stat usage_usec
 *   memory         memory.usage_in_bytes            memory.current
 *
 * cpu.stat's usage_usec is a core file of every v2 cgroup: any v2
 * directory of the guest gives it, with or without the cpu controller.
 */
#include <errno.h>
#include <string.h>

#include "util/cgroup.h"
#include "util/cgroup_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "util.cgroup"

#define FREEZE_WAIT_MS 5000
#define FREEZE_POLL_US 10000

static int missing(const cgroup *cg, const char *what)
{
    error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "cgroup '%s' has no %s controller", cg->name, what);
    return -1;
}

/* Whether the freezer of dir is in the wanted state yet; -1 unreadable. */
static int freezer_settled(const char *dir, bool v2, bool frozen)
{
    g_autofree char *text = cgroup_read_file(dir, v2 ? "cgroup.events" : "freezer.state");
    g_auto(GStrv) lines = NULL;

    if (!text)
        return -1;
    if (!v2)
        return strcmp(text, frozen ? "FROZEN" : "THAWED") == 0;
    lines = g_strsplit(text, "\n", -1);
    return g_strv_contains((const char *const *)lines, frozen ? "frozen 1" : "frozen 0");
}

static int freezer_write(const char *dir, bool v2, bool frozen)
{
    if (v2)
        return cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0");
    return cgroup_write(dir, "freezer.state", frozen ? "FROZEN" : "THAWED");
}

int cgroup_freeze(const cgroup *cg, bool frozen)
{
    const char *dir = cg->dirs[CGROUP_FREEZER];
    bool v2 = cg->v2[CGROUP_FREEZER];
    gint64 end = g_get_monotonic_time() + FREEZE_WAIT_MS * 1000;
    int settled;

    if (!dir)
        return missing(cg, "freezer");
    if (v2 && !cgroup_file_exists(dir, "cgroup.freeze")) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "cgroup '%s' cannot be frozen: the kernel has no cgroup.freeze in '%s'",
                     cg->name, dir);
        return -1;
    }
    if (freezer_write(dir, v2, frozen) < 0)
        return -1;
    /* v1 stays FREEZING while a task resists (in an uninterruptible
     * sleep); writing FROZEN again retries it */
    while ((settled = freezer_settled(dir, v2, frozen)) == 0 && g_get_monotonic_time() < end) {
        g_usleep(FREEZE_POLL_US);
        if (frozen && !v2 && freezer_write(dir, v2, frozen) < 0)
            return -1;
    }
    if (settled > 0) {
        log_debug("cgroup '%s': %s", cg->name, frozen ? "frozen" : "thawed");
        return 0;
    }
    if (settled == 0) {
        g_autofree char *state = cgroup_read_file(dir, v2 ? "cgroup.events" : "freezer.state");

        if (state)
            g_strdelimit(state, "\n", ' ');
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_OPERATION_TIMEOUT,
                     "cgroup '%s' did not become %s within %d ms (state '%s')", cg->name,
                     frozen ? "frozen" : "thawed", FREEZE_WAIT_MS, state ? state : "?");
    }
    /* a freeze that did not complete is undone: the guest keeps running */
    if (frozen) {
        g_autoptr(vireo_error) saved = error_save();

        freezer_write(dir, v2, false);
        error_restore(g_steal_pointer(&saved));
    }
    return -1;
}

/* A value of dir/file: the whole text (key NULL) or the number after
 * "key " on one of its lines. */
static int read_u64(const cgroup *cg, const char *dir, const char *file, const char *key,
                    uint64_t *v)
{
    g_autofree char *text = cgroup_read_file(dir, file);
    g_auto(GStrv) lines = NULL;
    const char *num = NULL;
    char *end = NULL;

    if (!text)
        return -1;
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] && !num; i++) {
        if (!key)
            num = lines[i];
        else if (g_str_has_prefix(lines[i], key) && lines[i][strlen(key)] == ' ')
            num = lines[i] + strlen(key) + 1;
    }
    errno = 0;
    if (num)
        *v = g_ascii_strtoull(num, &end, 10);
    if (!num || end == num || errno) {
        error_report(VIREO_FROM_CGROUP, VIREO_ERR_INTERNAL_ERROR,
                     "cgroup '%s': no number%s%s in '%s/%s'", cg->name, key ? " for " : "",
                     key ? key : "", dir, file);
        return -1;
    }
    return 0;
}

int cgroup_cpu_usage_ns(const cgroup *cg, uint64_t *ns)
{
    uint64_t us;

    if (cg->dirs[CGROUP_CPUACCT] && !cg->v2[CGROUP_CPUACCT])
        return read_u64(cg, cg->dirs[CGROUP_CPUACCT], "cpuacct.usage", NULL, ns);
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
        if (!cg->dirs[c] || !cg->v2[c])
            continue;
        if (read_u64(cg, cg->dirs[c], "cpu.stat", "usage_usec", &us) < 0)
            return -1;
        *ns = us * 1000;
        return 0;
    }
    return missing(cg, "cpuacct");
}

int cgroup_memory_usage_kib(const cgroup *cg, uint64_t *kib)
{
    const char *dir = cg->dirs[CGROUP_MEMORY];
    uint64_t bytes;

    if (!dir)
        return missing(cg, "memory");
    if (read_u64(cg, dir, cg->v2[CGROUP_MEMORY] ? "memory.current" : "memory.usage_in_bytes",
                 NULL, &bytes) < 0)
        return -1;
    *kib = bytes / 1024;
    return 0;
}
