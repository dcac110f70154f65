/* Unit test of src/util/cgroup.c on the host's real cgroups: a sleeping
 * child in a cgroup under a partition unique to this run; each limit set
 * and read back from the kernel's files; a value the kernel refuses;
 * removal.  A controller the host lacks is a SKIP with the reason. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "util/cgroup.h"
#include "util/error.h"

static pid_t sleeper(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        execlp("sleep", "sleep", "60", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static void sleeper_end(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* cg's file in c's directory equals want */
static bool file_is(const cgroup *cg, cgroup_controller c, const char *file, const char *want)
{
    g_autofree char *got = cgroup_read(cg, c, file);

    if (!got || strcmp(got, want) != 0)
        NOTE("%s: got '%s', want '%s'", file, got ? got : "(unreadable)", want);
    return got && strcmp(got, want) == 0;
}

static bool dirs_gone(const cgroup *cg)
{
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++)
        if (cg->dirs[c] && g_file_test(cg->dirs[c], G_FILE_TEST_EXISTS))
            return false;
    return true;
}

static void test_cpu(const cgroup *cg)
{
    cgroup_limits l = { .has_shares = true, .shares = 512, .has_period = true, .period = 50000,
                        .has_quota = true, .quota = 25000 };

    if (!cg->dirs[CGROUP_CPU]) {
        SKIP("cgroup: cpu limits", "no cpu controller on this host");
        return;
    }
    CHECK(cgroup_apply(cg, &l) == 0, "cgroup: cputune applied");
    if (cg->v2[CGROUP_CPU]) {
        CHECK(file_is(cg, CGROUP_CPU, "cpu.weight", "512"), "cgroup: v2 cpu.weight");
        CHECK(file_is(cg, CGROUP_CPU, "cpu.max", "25000 50000"), "cgroup: v2 cpu.max");
    } else {
        CHECK(file_is(cg, CGROUP_CPU, "cpu.shares", "512"), "cgroup: v1 cpu.shares");
        CHECK(file_is(cg, CGROUP_CPU, "cpu.cfs_period_us", "50000"), "cgroup: v1 period");
        CHECK(file_is(cg, CGROUP_CPU, "cpu.cfs_quota_us", "25000"), "cgroup: v1 quota");
    }
}

static void test_memory(const cgroup *cg)
{
    cgroup_limits l = { .hard_limit_kib = 262144, .soft_limit_kib = 131072 };
    bool v2 = cg->v2[CGROUP_MEMORY];
    g_autofree char *swapfile = NULL;

    if (!cg->dirs[CGROUP_MEMORY]) {
        SKIP("cgroup: memory limits", "no memory controller on this host");
        return;
    }
    swapfile = g_build_filename(cg->dirs[CGROUP_MEMORY],
                                v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes", NULL);
    if (g_file_test(swapfile, G_FILE_TEST_EXISTS))
        l.swap_hard_limit_kib = 524288;
    CHECK(cgroup_apply(cg, &l) == 0, "cgroup: memtune applied");
    CHECK(file_is(cg, CGROUP_MEMORY, v2 ? "memory.max" : "memory.limit_in_bytes", "268435456"),
          "cgroup: hard_limit");
    CHECK(file_is(cg, CGROUP_MEMORY, v2 ? "memory.high" : "memory.soft_limit_in_bytes",
                  "134217728"),
          "cgroup: soft_limit");
    if (!l.swap_hard_limit_kib)
        SKIP("cgroup: swap_hard_limit", "no swap accounting on this host");
    else
        CHECK(file_is(cg, CGROUP_MEMORY, v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes",
                      v2 ? "268435456" : "536870912"),
              "cgroup: swap_hard_limit");
}

/* a block device of the host to throttle (not used: the limits only
 * apply to this cgroup's I/O) */
static const char *any_block_device(dev_t *rdev)
{
    static const char *const cands[] = { "/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1",
                                         NULL };
    struct stat st;

    for (int i = 0; cands[i]; i++)
        if (stat(cands[i], &st) == 0 && S_ISBLK(st.st_mode)) {
            *rdev = st.st_rdev;
            return cands[i];
        }
    return NULL;
}

static void test_blkio(const cgroup *cg)
{
    bool v2 = cg->v2[CGROUP_BLKIO];
    cgroup_blkio_device dev = { 0 };
    cgroup_limits l = { .blkio_weight = 300 };
    g_autofree char *want = NULL;
    const char *weight = NULL;
    dev_t rdev;

    if (!cg->dirs[CGROUP_BLKIO]) {
        SKIP("cgroup: blkio limits", "no blkio/io controller on this host");
        return;
    }
    for (int i = 0; i < 2 && !weight; i++) {
        const char *f = v2 ? (i ? "io.weight" : "io.bfq.weight")
                           : (i ? "blkio.bfq.weight" : "blkio.weight");
        g_autofree char *p = g_build_filename(cg->dirs[CGROUP_BLKIO], f, NULL);

        if (g_file_test(p, G_FILE_TEST_EXISTS))
            weight = f;
    }
    if (!weight) {
        SKIP("cgroup: blkio weight", "no I/O scheduler with weights (no blkio.weight, "
                                     "blkio.bfq.weight, io.weight or io.bfq.weight)");
        CHECK(cgroup_apply(cg, &l) < 0 && error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED,
              "cgroup: weight without a weight file is CONFIG_UNSUPPORTED (%s)",
              error_last() ? error_last()->message : "no error");
    } else {
        g_autofree char *got = NULL;

        CHECK(cgroup_apply(cg, &l) == 0, "cgroup: blkio weight applied");
        got = cgroup_read(cg, CGROUP_BLKIO, weight);
        CHECK(got && strstr(got, "300"), "cgroup: %s reads back 300 (%s)", weight, got);
    }
    dev.path = any_block_device(&rdev);
    if (!dev.path) {
        SKIP("cgroup: blkio device throttle", "no block device on this host");
        return;
    }
    dev.read_bps = 1048576;
    dev.write_iops = 200;
    l = (cgroup_limits){ .devices = &dev, .ndevices = 1 };
    CHECK(cgroup_apply(cg, &l) == 0, "cgroup: device throttle applied (%s)", dev.path);
    if (v2) {
        g_autofree char *got = cgroup_read(cg, CGROUP_BLKIO, "io.max");

        want = g_strdup_printf("%u:%u rbps=1048576", major(rdev), minor(rdev));
        CHECK(got && strstr(got, want) && strstr(got, "wiops=200"), "cgroup: io.max '%s'", got);
    } else {
        want = g_strdup_printf("%u:%u 1048576", major(rdev), minor(rdev));
        CHECK(file_is(cg, CGROUP_BLKIO, "blkio.throttle.read_bps_device", want),
              "cgroup: read_bps_device");
        g_free(want);
        want = g_strdup_printf("%u:%u 200", major(rdev), minor(rdev));
        CHECK(file_is(cg, CGROUP_BLKIO, "blkio.throttle.write_iops_device", want),
              "cgroup: write_iops_device");
    }
    dev.path = "/dev/null";
    CHECK(cgroup_apply(cg, &l) < 0 && error_last()->code == VIREO_ERR_INVALID_ARG,
          "cgroup: a character device in <blkiotune><device> is refused");
}

static void test_devices(const cgroup *cg)
{
    g_autofree char *list = NULL;

    if (!cg->dirs[CGROUP_DEVICES] || cg->v2[CGROUP_DEVICES]) {
        SKIP("cgroup: device access list", "no v1 devices controller (v2 needs a BPF program)");
        return;
    }
    CHECK(cgroup_devices_deny_all(cg) == 0, "cgroup: deny all devices");
    CHECK(cgroup_devices_allow_path(cg, "/dev/null", "rw", false) == 0 &&
              cgroup_devices_allow(cg, 'c', 136, -1, "rw") == 0 &&
              cgroup_devices_allow_path(cg, "/dev/no-such-device", "rw", true) == 0,
          "cgroup: allow /dev/null and the ptys");
    list = cgroup_read(cg, CGROUP_DEVICES, "devices.list");
    CHECK(list && strstr(list, "c 1:3 rw") && strstr(list, "c 136:* rw") && !strstr(list, "a *:*"),
          "cgroup: devices.list is the allow-list ('%s')", list);
}

/* A value the kernel refuses: the error names the file and value, and
 * the caller's removal leaves nothing. */
static void test_refused(const char *partition)
{
    g_autoptr(cgroup) cg = cgroup_create(partition, "bad", NULL);
    cgroup_limits l = { .has_period = true, .period = 100000, .has_quota = true, .quota = 10 };
    const vireo_error *e;

    if (!cg || !cg->dirs[CGROUP_CPU]) {
        SKIP("cgroup: refused value", "no cpu controller on this host");
        if (cg)
            cgroup_remove(cg);
        return;
    }
    CHECK(cgroup_apply(cg, &l) < 0, "cgroup: quota of 10 us refused by the kernel");
    e = error_last();
    CHECK(e && e->code == VIREO_ERR_SYSTEM_ERROR && e->domain == VIREO_FROM_CGROUP &&
              strstr(e->message, "'10") && strstr(e->message, cg->v2[CGROUP_CPU] ? "cpu.max"
                                                                                  : "cfs_quota_us") &&
              strstr(e->message, "Invalid argument"),
          "cgroup: the error names the value, the file and the reason (%s)",
          e ? e->message : "none");
    CHECK(cgroup_remove(cg) == 0 && dirs_gone(cg), "cgroup: nothing left after the refusal");
}

/* A child that joins cg (the parent moves it, then says go on the pipe),
 * touches 4 MiB and counts in *counter for ever. */
static pid_t counter_child(const cgroup *cg, volatile uint64_t *counter)
{
    int go[2];
    pid_t pid;
    char c;

    if (pipe(go) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        volatile char *mem;

        close(go[1]);
        if (read(go[0], &c, 1) != 1)
            _exit(1);
        /* volatile: the pages are really touched, not optimised away */
        mem = malloc(4 << 20);
        for (size_t i = 0; mem && i < (4 << 20); i += 4096)
            mem[i] = 1;
        for (;;)
            (*counter)++;
    }
    close(go[0]);
    if (pid > 0 && (cgroup_add_pid(cg, pid) < 0 || write(go[1], "g", 1) != 1)) {
        sleeper_end(pid);
        pid = -1;
    }
    close(go[1]);
    return pid;
}

/* *counter moves within 200 ms */
static bool counting(volatile uint64_t *counter)
{
    uint64_t before = *counter;

    g_usleep(200000);
    return *counter != before;
}

/* Freezer and usage counters on a busy child in a cgroup of its own. */
static void test_freeze_usage(const char *partition, const char *leaf)
{
    g_autoptr(cgroup) cg = cgroup_create(partition, leaf, NULL);
    volatile uint64_t *counter;
    uint64_t ns1 = 0, ns2 = 0, kib = 0;
    bool frozen;
    pid_t child;

    if (!CHECK(cg != NULL, "cgroup: create %s/%s (%s)", partition, leaf,
               cg ? "" : error_last()->message))
        return;
    counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                   -1, 0);
    if (!CHECK(counter != MAP_FAILED, "cgroup: shared counter"))
        return;
    child = counter_child(cg, counter);
    if (!CHECK(child > 0, "cgroup: a busy child joined %s", leaf))
        goto out;
    CHECK(counting(counter), "cgroup: the busy child counts");
    if (!cg->dirs[CGROUP_CPUACCT] && !cg->v2[CGROUP_MEMORY] && !cg->v2[CGROUP_FREEZER])
        SKIP("cgroup: CPU time", "no cpuacct controller and no cgroup2 leaf");
    else {
        bool got = cgroup_cpu_usage_ns(cg, &ns1) == 0;

        CHECK(got && ns1 >= 10000000ULL,
              "cgroup: CPU time after 200 ms of a busy loop is >= 10 ms (%" G_GUINT64_FORMAT
              " ns)", ns1);
    }
    if (!cg->dirs[CGROUP_MEMORY])
        SKIP("cgroup: memory usage", "no memory controller on this host");
    else {
        bool got = cgroup_memory_usage_kib(cg, &kib) == 0;

        CHECK(got && kib >= 4096 && kib < (1u << 22),
              "cgroup: memory in use covers the child's 4 MiB (%" G_GUINT64_FORMAT " KiB)", kib);
    }
    if (!cg->dirs[CGROUP_FREEZER]) {
        SKIP("cgroup: freezer", "no v1 freezer and no cgroup2 on this host");
        CHECK(cgroup_freeze(cg, true) < 0 && error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED,
              "cgroup: freezing without a freezer is CONFIG_UNSUPPORTED");
        goto out;
    }
    NOTE("freezer: %s (%s)", cg->v2[CGROUP_FREEZER] ? "v2" : "v1", cg->dirs[CGROUP_FREEZER]);
    frozen = cgroup_freeze(cg, true) == 0;
    CHECK(frozen, "cgroup: frozen (%s)", frozen ? "" : error_last()->message);
    CHECK(!counting(counter), "cgroup: a frozen child makes no progress");
    if (!cg->v2[CGROUP_FREEZER]) {
        bool read1 = cgroup_cpu_usage_ns(cg, &ns1) == 0;

        g_usleep(200000);
        read1 = read1 && cgroup_cpu_usage_ns(cg, &ns2) == 0;
        CHECK(read1 && ns2 - ns1 < 10000000ULL,
              "cgroup: a frozen cgroup uses no CPU time (%" G_GUINT64_FORMAT " ns in 200 ms)",
              ns2 - ns1);
        CHECK(file_is(cg, CGROUP_FREEZER, "freezer.state", "FROZEN"), "cgroup: freezer.state");
    } else {
        g_autofree char *ev = cgroup_read(cg, CGROUP_FREEZER, "cgroup.events");

        CHECK(ev && strstr(ev, "frozen 1"), "cgroup: cgroup.events says frozen");
    }
    CHECK(cgroup_freeze(cg, true) == 0, "cgroup: freezing a frozen cgroup is fine");
    CHECK(cgroup_freeze(cg, false) == 0 && counting(counter), "cgroup: thawed, it counts again");
out:
    if (child > 0)
        sleeper_end(child);
    CHECK(cgroup_remove(cg) == 0 && dirs_gone(cg), "cgroup: %s removed", leaf);
    munmap((void *)counter, sizeof(*counter));
}

/* The cgroup2 freezer (cgroup.freeze of the unified leaf), as a pure-v2
 * host has it, where this host has both: in a child with a mount
 * namespace of its own, without the v1 freezer's mount. */
static void test_v2_freezer(const char *partition)
{
    bool v2 = false;
    int status = 0;
    pid_t pid;

    if (!cgroup_controller_available(CGROUP_FREEZER, &v2) || v2) {
        SKIP("cgroup: the cgroup2 freezer beside a v1 one", "no v1 freezer on this host");
        return;
    }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            umount2("/sys/fs/cgroup/freezer", MNT_DETACH) < 0)
            _exit(77);
        if (!cgroup_controller_available(CGROUP_FREEZER, &v2) || !v2)
            _exit(78);
        test_freeze_usage(partition, "lxc-t3");
        fflush(stdout);
        _exit(check_exit());
    }
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        CHECK(false, "cgroup: the cgroup2 freezer's child ran");
        return;
    }
    if (WEXITSTATUS(status) == 77)
        SKIP("cgroup: the cgroup2 freezer", "the v1 freezer is not at /sys/fs/cgroup/freezer "
                                            "or cannot be unmounted in a mount namespace");
    else
        CHECK(WEXITSTATUS(status) == 0, "cgroup: without the v1 freezer, cgroup2's is used "
                                        "(%s)", WEXITSTATUS(status) == 78 ? "it is not"
                                                                          : "see above");
}

int main(void)
{
    g_autofree char *partition = g_strdup_printf("machine/vireo-utest-%d", (int)getpid());
    g_autoptr(cgroup) cg = NULL;
    g_auto(GStrv) procs = NULL;
    g_autofree char *pidtext = NULL;
    bool any = false;
    pid_t child;

    for (int c = 0; c < CGROUP_NCONTROLLERS; c++) {
        bool v2;

        if (cgroup_controller_available(c, &v2)) {
            NOTE("controller %s: %s", cgroup_controller_name(c), v2 ? "v2" : "v1");
            any = true;
        } else {
            NOTE("controller %s: absent", cgroup_controller_name(c));
        }
    }
    CHECK(cgroup_controller_from_name("blkio") == CGROUP_BLKIO &&
              cgroup_controller_from_name("cpuset") < 0,
          "cgroup: controller names are libvirt's");
    {
        g_autofree char *px = cgroup_partition("/tmp/x");
        g_autofree char *py = cgroup_partition("/tmp/y");

        CHECK(g_str_has_prefix(px, "machine/vireo-") && strcmp(px, py) != 0,
              "cgroup: partition differs per root (%s)", px);
    }
    if (geteuid() != 0 || !any) {
        SKIP("cgroup: real cgroups", geteuid() ? "not root" : "no cgroup controller mounted");
        return check_exit();
    }
    cg = cgroup_create(partition, "qemu-t1", NULL);
    if (!CHECK(cg != NULL, "cgroup: create %s/qemu-t1 (%s)", partition,
               cg ? "" : error_last()->message))
        return check_exit();
    child = sleeper();
    CHECK(cgroup_add_pid(cg, child) == 0 && cgroup_has_pid(cg, child),
          "cgroup: the child joined (pid %d)", (int)child);
    procs = cgroup_procs_files(cg);
    pidtext = g_strdup_printf("%d", (int)child);
    for (guint i = 0; procs[i]; i++) {
        g_autofree char *text = NULL;

        g_file_get_contents(procs[i], &text, NULL, NULL);
        CHECK(text && strstr(text, pidtext), "cgroup: %s lists the child", procs[i]);
    }
    test_cpu(cg);
    test_memory(cg);
    test_blkio(cg);
    test_devices(cg);
    {
        g_autoptr(cgroup) again = cgroup_open(partition, "qemu-t1", NULL);
        g_autoptr(cgroup) none = cgroup_open(partition, "qemu-none", NULL);

        CHECK(again && cgroup_has_pid(again, child) && !none,
              "cgroup: found again by name, an unknown one is not");
    }
    CHECK(cgroup_create(partition, "qemu-t1", NULL) == NULL &&
              error_last()->code == VIREO_ERR_OPERATION_INVALID,
          "cgroup: a leaf with a process in it is not taken over");
    CHECK(cgroup_remove(cg) < 0 && !dirs_gone(cg), "cgroup: remove with the child inside fails");
    sleeper_end(child);
    CHECK(cgroup_remove(cg) == 0 && dirs_gone(cg), "cgroup: removed once the child is gone");
    test_refused(partition);
    test_freeze_usage(partition, "lxc-t2");
    test_v2_freezer(partition);
    for (int c = 0; c < CGROUP_NCONTROLLERS; c++)
        if (cg->dirs[c]) {
            g_autofree char *parent = g_path_get_dirname(cg->dirs[c]);

            CHECK(!g_file_test(parent, G_FILE_TEST_EXISTS), "cgroup: partition %s removed",
                  parent);
        }
    return check_exit();
}
