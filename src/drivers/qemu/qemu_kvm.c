/*
 * qemu_kvm.c: does /dev/kvm really run guest code?
 *
 * Some hosts have a /dev/kvm (PVM's kvm_pvm) that creates VMs happily but
 * never runs a stock guest, so "QEMU started with accel=kvm" proves
 * nothing.  Nor do a few real-mode instructions: PVM runs those, and even
 * 64-bit code entered through KVM_SET_SREGS, yet a guest that switches
 * itself from real mode to 64-bit mode, as every stock kernel does, dies
 * of a triple fault there (KVM_EXIT_SHUTDOWN; measured on this kind of
 * host).  So the probe's guest starts in real mode, loads a GDT, enters
 * protected mode, enables PAE, EFER.LME and paging on identity-mapped
 * 2 MiB pages, jumps to a 64-bit segment and there does
 *
 *     mov al, 0x42 ; out 0x10, al ; hlt
 *
 * and the vCPU must exit with that I/O write of 0x42 to port 0x10.  It runs in a forked child watched through a pidfd with a
 * deadline, so a KVM_RUN that never returns costs the daemon a killed
 * child, not a hung thread.  The child only makes system calls (no
 * allocation, no locks), which is safe after fork in a threaded process.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_caps.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.kvm"

#define KVM_PROBE_PORT 0x10
#define KVM_PROBE_VALUE 0x42
#define KVM_PROBE_GUEST_ADDR 0x1000   /* code; page tables at 0x2000-0x4fff */
#define KVM_PROBE_MEM_SIZE 0x10000

/* lm2.S, assembled: real mode -> protected mode -> long mode -> out 0x42.
 * The GDT (null, 32-bit code 0x08, data 0x10, 64-bit code 0x18) and its
 * descriptor sit at the end; addresses assume the code at 0x1000. */
static const unsigned char probe_code[] = {
    0xfa, 0x66, 0x0f, 0x01, 0x16, 0x78, 0x10, 0x0f, 0x20, 0xc0, 0x66, 0x83, 0xc8, 0x01,
    0x0f, 0x22, 0xc0, 0x66, 0xea, 0x19, 0x10, 0x00, 0x00, 0x08, 0x00, 0x66, 0xb8, 0x10,
    0x00, 0x8e, 0xd8, 0x8e, 0xd0, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0,
    0xb8, 0x00, 0x20, 0x00, 0x00, 0x0f, 0x22, 0xd8, 0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f,
    0x32, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00,
    0x00, 0x80, 0x0f, 0x22, 0xc0, 0xea, 0x52, 0x10, 0x00, 0x00, 0x18, 0x00, 0xb0, 0x42,
    0xe6, 0x10, 0xf4, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00,
    0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xaf, 0x00, 0x1f, 0x00, 0x58, 0x10, 0x00, 0x00
};
#define KVM_PROBE_DEADLINE_MS 3000

/* Child exit codes: which step failed (the parent turns them into words). */
enum {
    PROBE_OK = 0,
    PROBE_NO_DEVICE = 10,
    PROBE_BAD_API,
    PROBE_CREATE_VM,
    PROBE_MEMORY,
    PROBE_CREATE_VCPU,
    PROBE_MAP_RUN,
    PROBE_REGS,
    PROBE_RUN,
    PROBE_WRONG_EXIT,
    PROBE_SHUTDOWN,
    PROBE_WRONG_IO,
};

static const char *probe_step_text(int code)
{
    switch (code) {
    case PROBE_NO_DEVICE: return "cannot open /dev/kvm";
    case PROBE_BAD_API: return "KVM_GET_API_VERSION is not 12";
    case PROBE_CREATE_VM: return "KVM_CREATE_VM failed";
    case PROBE_MEMORY: return "KVM_SET_USER_MEMORY_REGION failed";
    case PROBE_CREATE_VCPU: return "KVM_CREATE_VCPU failed";
    case PROBE_MAP_RUN: return "mapping the vCPU run area failed";
    case PROBE_REGS: return "setting the vCPU registers failed";
    case PROBE_RUN: return "KVM_RUN failed";
    case PROBE_WRONG_EXIT: return "the vCPU did not exit with the expected I/O";
    case PROBE_SHUTDOWN: return "the guest's switch to 64-bit mode ended in a triple fault "
                                "(a /dev/kvm that cannot run stock guests, e.g. PVM)";
    case PROBE_WRONG_IO: return "the vCPU wrote an unexpected port or value";
    default: return "unknown failure";
    }
}

static int probe_set_regs(int vcpu)
{
    struct kvm_sregs sregs;
    struct kvm_regs regs;

    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        return -1;
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        return -1;
    memset(&regs, 0, sizeof(regs));
    regs.rip = KVM_PROBE_GUEST_ADDR;
    regs.rflags = 0x2;
    return ioctl(vcpu, KVM_SET_REGS, &regs);
}

/* Identity-map the first 2 MiB: PML4 0x2000 -> PDPT 0x3000 -> PD 0x4000. */
static void probe_page_tables(unsigned char *mem)
{
    uint64_t *pml4 = (uint64_t *)(mem + 0x2000);
    uint64_t *pdpt = (uint64_t *)(mem + 0x3000);
    uint64_t *pd = (uint64_t *)(mem + 0x4000);

    pml4[0] = 0x3000 | 0x3;     /* present, writable */
    pdpt[0] = 0x4000 | 0x3;
    pd[0] = 0x0 | 0x83;         /* present, writable, 2 MiB page */
}

/* Runs in the child: only system calls.  Returns a PROBE_* code. */
static int probe_child(void)
{
    struct kvm_userspace_memory_region region;
    struct kvm_run *run;
    unsigned char *mem;
    int kvm, vm, vcpu, run_size;

    if ((kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
        return PROBE_NO_DEVICE;
    if (ioctl(kvm, KVM_GET_API_VERSION, 0) != 12)
        return PROBE_BAD_API;
    if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
        return PROBE_CREATE_VM;
    mem = mmap(NULL, KVM_PROBE_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return PROBE_MEMORY;
    memcpy(mem + KVM_PROBE_GUEST_ADDR, probe_code, sizeof(probe_code));
    probe_page_tables(mem);
    region = (struct kvm_userspace_memory_region){
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = KVM_PROBE_MEM_SIZE,
        .userspace_addr = (unsigned long)mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return PROBE_MEMORY;
    if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
        return PROBE_CREATE_VCPU;
    if ((run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0)
        return PROBE_MAP_RUN;
    run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        return PROBE_MAP_RUN;
    if (probe_set_regs(vcpu) < 0)
        return PROBE_REGS;
    if (ioctl(vcpu, KVM_RUN, 0) < 0)
        return PROBE_RUN;
    if (run->exit_reason == KVM_EXIT_SHUTDOWN)
        return PROBE_SHUTDOWN;
    if (run->exit_reason != KVM_EXIT_IO || run->io.direction != KVM_EXIT_IO_OUT)
        return PROBE_WRONG_EXIT;
    if (run->io.port != KVM_PROBE_PORT || run->io.size != 1 ||
        ((unsigned char *)run)[run->io.data_offset] != KVM_PROBE_VALUE)
        return PROBE_WRONG_IO;
    return PROBE_OK;
}

/* Wait for the child at most the deadline; kill it when late.  Returns
 * the child's exit code, or -1 when it was late or killed. */
static int probe_wait(pid_t pid, bool *late)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int status = 0;

    *late = false;
    if (pidfd >= 0) {
        struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
        int rc;

        do {
            rc = poll(&pfd, 1, KVM_PROBE_DEADLINE_MS);
        } while (rc < 0 && errno == EINTR);
        close(pidfd);
        if (rc == 0) {
            *late = true;
            kill(pid, SIGKILL);
        }
    }
    /* without pidfd the child's own alarm() bounds the wait */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (*late || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

static gpointer kvm_probe_once(gpointer unused)
{
    pid_t pid;
    int rc;
    bool late;

    (void)unused;
    if (access("/dev/kvm", F_OK) < 0) {
        log_info("KVM not usable: /dev/kvm does not exist; guests use TCG");
        return GINT_TO_POINTER(0);
    }
    pid = fork();
    if (pid < 0) {
        log_warn("KVM not usable: cannot fork the probe: %s; guests use TCG", g_strerror(errno));
        return GINT_TO_POINTER(0);
    }
    if (pid == 0) {
        /* the daemon's fds (its listening sockets above all) must not
         * outlive it in a probe stuck in a vCPU: a new daemon would find
         * its socket still answered */
        syscall(SYS_close_range, 3U, ~0U, 0U);
        alarm((KVM_PROBE_DEADLINE_MS + 999) / 1000 + 1);
        _exit(probe_child());
    }
    rc = probe_wait(pid, &late);
    if (rc == PROBE_OK) {
        log_info("KVM usable: a probe guest entered 64-bit mode and reached its expected I/O exit; guests use KVM");
        return GINT_TO_POINTER(1);
    }
    if (late || rc < 0)
        log_warn("KVM not usable: the probe vCPU did not finish within %d ms "
                 "(a /dev/kvm that cannot run stock guests, e.g. PVM); guests use TCG",
                 KVM_PROBE_DEADLINE_MS);
    else
        log_info("KVM not usable: %s; guests use TCG", probe_step_text(rc));
    return GINT_TO_POINTER(0);
}

bool qemu_kvm_probe(void)
{
    static GOnce once = G_ONCE_INIT;

    return GPOINTER_TO_INT(g_once(&once, kvm_probe_once, NULL)) != 0;
}

/* What the verdict depends on: this boot of the kernel and this /dev/kvm
 * (a module loaded later makes a new node).  NULL without /dev/kvm. */
static char *kvm_verdict_key(void)
{
    g_autofree char *boot = NULL;
    struct stat st;

    if (stat("/dev/kvm", &st) < 0 ||
        !g_file_get_contents("/proc/sys/kernel/random/boot_id", &boot, NULL, NULL))
        return NULL;
    return g_strdup_printf("%s %lu %lld", g_strstrip(boot), (unsigned long)st.st_ino,
                           (long long)st.st_ctime);
}

bool qemu_kvm_probe_cached(const char *cache_dir)
{
    g_autofree char *key = kvm_verdict_key();
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    g_autofree char *fresh = NULL;
    bool usable;

    if (!key || !cache_dir)
        return qemu_kvm_probe();
    path = g_build_filename(cache_dir, "kvm-verdict", NULL);
    if (g_file_get_contents(path, &text, NULL, NULL) && g_str_has_prefix(text, key) &&
        text[strlen(key)] == ' ')
        return strcmp(text + strlen(key) + 1, "usable\n") == 0;
    usable = qemu_kvm_probe();
    fresh = g_strdup_printf("%s %s\n", key, usable ? "usable" : "unusable");
    if (g_mkdir_with_parents(cache_dir, 0755) < 0 ||
        file_write_atomic(path, fresh, strlen(fresh), 0644, VIREO_FROM_QEMU) < 0) {
        log_warn("cannot write the KVM verdict to '%s'", path);
        error_reset();
    }
    return usable;
}
