/*
 * test-qemu-driver: the QEMU driver through the public API, in process,
 * on qemu:///embed?root=TMPDIR (everything under TMPDIR) with a short job
 * timeout.  Definitions and errors need no guest; the lifecycle part
 * starts QEMU with no disk (it sits in its firmware, which is enough) and
 * is skipped when /usr/bin/qemu-system-x86_64 is missing.
 *
 * Every QEMU this test starts is stopped by its PID: the domain's pid
 * file while it runs, and at exit any process whose command line names
 * the temporary root.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api_error.h"
#include "check.h"
#include "vireo/vireo.h"

#define EMULATOR "/usr/bin/qemu-system-x86_64"
#define JOB_TIMEOUT_MS 500
#define WAIT_MS 20000

static char *root;      /* the temporary root */
static char *uri;       /* qemu:///embed?root=ROOT&job_timeout_ms=... */

#define DOMAIN_XML(type, name, extra)                                              \
    "<domain type='" type "'>\n"                                                    \
    "  <name>" name "</name>\n"                                                     \
    "  <memory unit='MiB'>64</memory>\n"                                            \
    "  <vcpu>1</vcpu>\n"                                                            \
    "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"                     \
    "  <devices>\n" extra "  </devices>\n"                                          \
    "</domain>\n"

/* ---- helpers ---- */

static char *root_path(const char *rel)
{
    return g_build_filename(root, rel, NULL);
}

static bool root_exists(const char *rel)
{
    g_autofree char *path = root_path(rel);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static int list_count(vireo_conn *conn, unsigned int flags)
{
    vireo_domain **doms = NULL;
    int n = vireo_conn_list_all_domains(conn, &doms, flags);

    for (int i = 0; i < n; i++)
        vireo_domain_free(doms[i]);
    g_free(doms);
    return n;
}

static int dom_state(vireo_domain *dom, int *reason)
{
    int state = -1, r = -1;

    if (vireo_domain_get_state(dom, &state, &r, 0) < 0)
        return -1;
    if (reason)
        *reason = r;
    return state;
}

/* QEMU's pid from the domain's pid file, 0 when none. */
static pid_t dom_pid(const char *name)
{
    g_autofree char *rel = g_strdup_printf("run/libvirt/qemu/%s.pid", name);
    g_autofree char *path = root_path(rel);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return (pid_t)strtol(text, NULL, 10);
}

/* Whether pid is gone (reaping it when it is a zombie child of ours: a
 * QEMU re-attached in this same process is reaped by nobody else). */
static bool pid_gone(pid_t pid)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000LL;

    while (g_get_monotonic_time() < deadline) {
        waitpid(pid, NULL, WNOHANG);
        if (kill(pid, 0) < 0 && errno == ESRCH)
            return true;
        g_usleep(10000);
    }
    return false;
}

/* PIDs of processes whose command line names the root. */
static GArray *root_pids(void)
{
    GArray *pids = g_array_new(FALSE, FALSE, sizeof(pid_t));
    g_autoptr(GDir) dir = g_dir_open("/proc", 0, NULL);
    const char *ent;

    while (dir && (ent = g_dir_read_name(dir))) {
        g_autofree char *path = g_strdup_printf("/proc/%s/cmdline", ent);
        g_autofree char *text = NULL;
        gsize len = 0;
        pid_t pid = (pid_t)strtol(ent, NULL, 10);

        if (pid <= 0 || pid == getpid() || !g_file_get_contents(path, &text, &len, NULL))
            continue;
        for (gsize i = 0; i + 1 < len; i++)
            if (!text[i])
                text[i] = ' ';
        if (len && strstr(text, root))
            g_array_append_val(pids, pid);
    }
    return pids;
}

static void kill_root_pids(void)
{
    g_autoptr(GArray) pids = root_pids();

    for (guint i = 0; i < pids->len; i++) {
        pid_t pid = g_array_index(pids, pid_t, i);

        NOTE("killing leftover process %d", (int)pid);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

/* Wait (pumping events) until dom reaches state. */
static bool wait_state(vireo_domain *dom, int state)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000LL;

    while (g_get_monotonic_time() < deadline) {
        if (dom_state(dom, NULL) == state)
            return true;
        vireo_event_run_once(20);
    }
    return false;
}

/* ---- events: "event detail" lines ---- */

static GPtrArray *events;

static void on_lifecycle(vireo_conn *conn, vireo_domain *dom, int event, int detail, void *opaque)
{
    (void)conn;
    (void)opaque;
    g_ptr_array_add(events, g_strdup_printf("%s %d %d", vireo_domain_get_name(dom), event,
                                            detail));
}

static void on_reboot(vireo_conn *conn, vireo_domain *dom, void *opaque)
{
    (void)conn;
    (void)opaque;
    g_ptr_array_add(events, g_strdup_printf("%s reboot", vireo_domain_get_name(dom)));
}

/* Wait until the event line want arrived; drop the lines before it. */
static bool wait_event(const char *want)
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000LL;

    for (;;) {
        for (guint i = 0; i < events->len; i++) {
            if (strcmp(g_ptr_array_index(events, i), want) == 0) {
                g_ptr_array_remove_range(events, 0, i + 1);
                return true;
            }
        }
        if (g_get_monotonic_time() > deadline)
            break;
        vireo_event_run_once(20);
    }
    for (guint i = 0; i < events->len; i++)
        NOTE("got event: %s", (char *)g_ptr_array_index(events, i));
    NOTE("want event: %s", want);
    return false;
}

/* ---- definitions ---- */

static void test_uris(void)
{
    vireo_conn *conn = vireo_conn_open(uri);
    g_autofree char *got = NULL;

    CHECK(conn != NULL, "open %s", uri);
    if (!conn)
        return;
    got = vireo_conn_get_uri(conn);
    CHECK(got && g_str_has_prefix(got, "qemu:///embed?root="), "canonical URI: %s", got);
    CHECK(g_strcmp0(vireo_conn_get_type(conn), "QEMU") == 0, "type QEMU");
    CHECK(root_exists("etc/libvirt/qemu/autostart") && root_exists("run/libvirt/qemu") &&
              root_exists("var/log/libvirt/qemu") && root_exists("var/cache/libvirt/qemu") &&
              root_exists("var/lib/libvirt/qemu/save"),
          "every folder under the root");
    CHECK(vireo_conn_open("qemu:///embed") == NULL && err_is(VIREO_ERR_INVALID_ARG, "root="),
          "embed without root: INVALID_ARG");
    CHECK(vireo_conn_open("qemu:///bogus") == NULL && err_is(VIREO_ERR_INTERNAL_ERROR, "bogus"),
          "unknown path refused");
    CHECK(vireo_conn_close(conn) == 0, "close");
}

static void test_define(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_define_xml(conn, DOMAIN_XML("qemu", "d1", ""), 0);
    g_autofree char *path = root_path("etc/libvirt/qemu/d1.xml");
    g_autofree char *text = NULL;
    vireo_domain *again;

    CHECK(dom != NULL, "define d1");
    CHECK(g_file_get_contents(path, &text, NULL, NULL), "config file written");
    CHECK(text && strstr(text, "<name>d1</name>") && strstr(text, "machine='q35'") &&
              strstr(text, "<emulator>" EMULATOR "</emulator>") && strstr(text, "x86_64"),
          "config has the defaults (emulator, arch) and keeps the alias");
    again = text ? vireo_domain_define_xml(conn, text, 0) : NULL;
    CHECK(again != NULL, "the config file reparses");
    CHECK(list_count(conn, 0) == 1, "redefine from the file: still one domain");
    if (again)
        vireo_domain_free(again);
    if (dom)
        vireo_domain_free(dom);
}

static void test_list_flags(vireo_conn *conn)
{
    vireo_domain *d2 = vireo_domain_define_xml(conn, DOMAIN_XML("kvm", "d2", ""), 0);
    int autostart = -1;

    CHECK(d2 != NULL, "define d2 (kvm)");
    if (!d2)
        return;
    CHECK(list_count(conn, 0) == 2 && list_count(conn, VIREO_LIST_DOMAINS_ACTIVE) == 0 &&
              list_count(conn, VIREO_LIST_DOMAINS_INACTIVE) == 2 &&
              list_count(conn, VIREO_LIST_DOMAINS_PERSISTENT) == 2 &&
              list_count(conn, VIREO_LIST_DOMAINS_TRANSIENT) == 0 &&
              list_count(conn, VIREO_LIST_DOMAINS_SHUTOFF) == 2,
          "list flags on two inactive domains");
    CHECK(vireo_domain_set_autostart(d2, 1) == 0 && root_exists("etc/libvirt/qemu/autostart/d2.xml"),
          "autostart: symlink made");
    CHECK(vireo_domain_get_autostart(d2, &autostart) == 0 && autostart == 1 &&
              list_count(conn, VIREO_LIST_DOMAINS_AUTOSTART) == 1 &&
              list_count(conn, VIREO_LIST_DOMAINS_NO_AUTOSTART) == 1,
          "autostart listed");
    CHECK(vireo_domain_undefine(d2, 0) == 0 && !root_exists("etc/libvirt/qemu/d2.xml") &&
              !root_exists("etc/libvirt/qemu/autostart/d2.xml"),
          "undefine removes the config and the link");
    CHECK(list_count(conn, 0) == 1, "one domain left");
    vireo_domain_free(d2);
}

static void test_define_errors(vireo_conn *conn)
{
    CHECK(!vireo_domain_define_xml(conn, DOMAIN_XML("xen", "bad1", ""), 0) &&
              err_is(VIREO_ERR_CONFIG_UNSUPPORTED, "'xen'"),
          "domain type xen: CONFIG_UNSUPPORTED naming it");
    CHECK(!vireo_domain_define_xml(conn, DOMAIN_XML("qemu", "bad2",
                                                    "    <emulator>/nonexistent/qemu</emulator>\n"),
                                   0) &&
              err_is(VIREO_ERR_SYSTEM_ERROR, "/nonexistent/qemu"),
          "missing emulator: SYSTEM_ERROR naming it");
    CHECK(!vireo_domain_define_xml(conn,
                                   "<domain type='qemu'><name>bad3</name><memory>65536</memory>"
                                   "<os><type machine='no-such-machine'>hvm</type></os></domain>",
                                   0) &&
              err_is(VIREO_ERR_CONFIG_UNSUPPORTED, "no-such-machine"),
          "unknown machine: CONFIG_UNSUPPORTED naming it");
    CHECK(!vireo_domain_define_xml(conn,
                                   "<domain type='qemu'><name>d1</name>"
                                   "<uuid>11111111-2222-3333-4444-555555555555</uuid>"
                                   "<memory>65536</memory><os><type>hvm</type></os></domain>",
                                   0) &&
              err_is(VIREO_ERR_OPERATION_FAILED, "'d1' already exists"),
          "duplicate name: OPERATION_FAILED");
    CHECK(list_count(conn, 0) == 1 && !root_exists("etc/libvirt/qemu/bad1.xml"),
          "nothing changed by the refused definitions");
}

/* ---- lifecycle (needs QEMU) ---- */

static void test_start_stop(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_lookup_by_name(conn, "d1");
    g_autofree char *xml = NULL;
    vireo_domain_info info;
    int reason = -1;
    pid_t pid;

    CHECK(vireo_domain_create(dom, 0) == 0, "start d1");
    if (err_code())
        NOTE("%s", vireo_error_last()->message);
    CHECK(wait_event("d1 2 0"), "event STARTED_BOOTED");
    CHECK(dom_state(dom, &reason) == VIREO_DOMAIN_RUNNING && reason == VIREO_DOMAIN_RUNNING_BOOTED,
          "running, booted");
    pid = dom_pid("d1");
    CHECK(pid > 0 && kill(pid, 0) == 0, "QEMU runs (pid %d)", (int)pid);
    CHECK(root_exists("run/libvirt/qemu/d1.xml") && root_exists("run/libvirt/qemu/d1.monitor"),
          "status file and monitor socket");
    xml = vireo_domain_get_xml_desc(dom, 0);
    CHECK(xml && strstr(xml, " id='") && strstr(xml, "machine='pc-q35-"),
          "live XML has the id and the resolved machine");
    CHECK(vireo_domain_get_info(dom, &info) == 0 && info.state == VIREO_DOMAIN_RUNNING &&
              info.max_mem == 65536,
          "info answers");
    CHECK(vireo_domain_create(dom, 0) == -1 && err_is(VIREO_ERR_OPERATION_INVALID, "already"),
          "start twice: OPERATION_INVALID");

    CHECK(vireo_domain_suspend(dom) == 0 && wait_event("d1 3 0") &&
              dom_state(dom, &reason) == VIREO_DOMAIN_PAUSED && reason == VIREO_DOMAIN_PAUSED_USER,
          "suspend: paused (user), event SUSPENDED_PAUSED");
    CHECK(vireo_domain_resume(dom) == 0 && wait_event("d1 4 0") &&
              dom_state(dom, &reason) == VIREO_DOMAIN_RUNNING &&
              reason == VIREO_DOMAIN_RUNNING_UNPAUSED,
          "resume: running (unpaused), event RESUMED_UNPAUSED");
    CHECK(vireo_domain_resume(dom) == -1 && err_is(VIREO_ERR_OPERATION_INVALID, NULL),
          "resume a running domain: OPERATION_INVALID");

    CHECK(vireo_domain_reboot(dom, 0) == 0 && wait_event("d1 reboot") &&
              dom_state(dom, NULL) == VIREO_DOMAIN_RUNNING,
          "reboot: REBOOT event (QEMU's RESET), still running");

    CHECK(vireo_domain_destroy(dom, 0) == 0 && wait_event("d1 5 1"), "destroy: STOPPED_DESTROYED");
    CHECK(dom_state(dom, &reason) == VIREO_DOMAIN_SHUTOFF &&
              reason == VIREO_DOMAIN_SHUTOFF_DESTROYED,
          "shut off, destroyed");
    CHECK(pid > 0 && pid_gone(pid), "QEMU process gone");
    CHECK(!root_exists("run/libvirt/qemu/d1.xml") && !root_exists("run/libvirt/qemu/d1.monitor") &&
              !root_exists("run/libvirt/qemu/d1.pid"),
          "status file, socket and pid file removed");
    CHECK(vireo_domain_destroy(dom, 0) == -1 && err_is(VIREO_ERR_OPERATION_INVALID, "not running"),
          "destroy a stopped domain: OPERATION_INVALID");
    vireo_domain_free(dom);
}

static void test_start_failure(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_define_xml(
        conn,
        DOMAIN_XML("qemu", "nodisk",
                   "    <disk type='file' device='disk'>\n"
                   "      <driver name='qemu' type='raw'/>\n"
                   "      <source file='/nonexistent/vireo-test.img'/>\n"
                   "      <target dev='vda' bus='virtio'/>\n"
                   "    </disk>\n"),
        0);
    g_autoptr(GArray) pids = NULL;
    const vireo_error *e;

    CHECK(dom != NULL, "define a domain with a missing disk image");
    if (!dom)
        return;
    CHECK(vireo_domain_create(dom, 0) == -1, "start fails");
    e = vireo_error_last();
    CHECK(e && e->message && strstr(e->message, "/nonexistent/vireo-test.img"),
          "error carries QEMU's message: %s", e && e->message ? e->message : "(none)");
    CHECK(dom_state(dom, NULL) == VIREO_DOMAIN_SHUTOFF, "still shut off");
    CHECK(!root_exists("run/libvirt/qemu/nodisk.xml") &&
              !root_exists("run/libvirt/qemu/nodisk.monitor") &&
              !root_exists("run/libvirt/qemu/nodisk.pid"),
          "no status file, socket or pid file left");
    pids = root_pids();
    CHECK(pids->len == 0, "no QEMU process left");
    CHECK(vireo_domain_undefine(dom, 0) == 0, "undefine it");
    vireo_domain_free(dom);
}

/* ---- the job queue with a stopped QEMU ---- */

static gpointer suspend_thread(gpointer data)
{
    return GINT_TO_POINTER(vireo_domain_suspend(data));
}

static gpointer resume_thread(gpointer data)
{
    return GINT_TO_POINTER(vireo_domain_resume(data));
}

/* reboot of a paused domain fails at once (wrong state) */
static int reboot_probe(vireo_domain *dom)
{
    return vireo_domain_reboot(dom, 0);
}

/* Wait until a changing call on dom times out: the job is held.  probe
 * must fail at once (wrong state) while the job is free. */
static bool wait_job_held(vireo_domain *dom, int (*probe)(vireo_domain *))
{
    gint64 deadline = g_get_monotonic_time() + WAIT_MS * 1000LL;

    while (g_get_monotonic_time() < deadline) {
        if (probe(dom) == -1 && err_code() == VIREO_ERR_OPERATION_TIMEOUT)
            return true;
    }
    return false;
}

static void test_job_timeout(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_lookup_by_name(conn, "d1");
    vireo_domain *other = vireo_domain_define_xml(conn, DOMAIN_XML("qemu", "other", ""), 0);
    gint64 t0;
    int reason = -1;
    vireo_domain_info info;
    bool timed_out = false;
    GThread *th;
    pid_t pid;

    CHECK(vireo_domain_create(dom, 0) == 0 && (pid = dom_pid("d1")) > 0, "start d1 again");
    if (!dom_pid("d1"))
        return;
    pid = dom_pid("d1");
    kill(pid, SIGSTOP);
    th = g_thread_new("suspend", suspend_thread, dom);
    /* resume of the running domain fails at once (wrong state) until the
     * suspend holds the job; from then on it waits and times out */
    timed_out = wait_job_held(dom, vireo_domain_resume);
    CHECK(timed_out && err_is(VIREO_ERR_OPERATION_TIMEOUT,
                              "cannot acquire state change lock (held by suspend)"),
          "a changing call times out naming the job");
    t0 = g_get_monotonic_time();
    CHECK(list_count(conn, 0) == 2 && vireo_domain_get_info(dom, &info) == 0 &&
              dom_state(dom, NULL) == VIREO_DOMAIN_RUNNING &&
              vireo_domain_get_info(other, &info) == 0 && dom_state(other, NULL) > 0,
          "list, info and state of both domains answer");
    CHECK(g_get_monotonic_time() - t0 < 1000000, "... at once (%lld us)",
          (long long)(g_get_monotonic_time() - t0));
    kill(pid, SIGCONT);
    CHECK(GPOINTER_TO_INT(g_thread_join(th)) == 0, "the suspend completes once QEMU runs again");
    CHECK(dom_state(dom, NULL) == VIREO_DOMAIN_PAUSED, "paused");

    /* destroy does not wait for a job stuck on a stopped QEMU: it kills it */
    kill(pid, SIGSTOP);
    th = g_thread_new("resume", resume_thread, dom);
    CHECK(wait_job_held(dom, reboot_probe), "a resume is stuck on the stopped QEMU");
    CHECK(vireo_domain_destroy(dom, 0) == 0 && pid_gone(pid),
          "destroy still works, QEMU gone");
    CHECK(GPOINTER_TO_INT(g_thread_join(th)) == -1, "the stuck resume fails");
    CHECK(dom_state(dom, &reason) == VIREO_DOMAIN_SHUTOFF &&
              reason == VIREO_DOMAIN_SHUTOFF_DESTROYED,
          "shut off, destroyed");
    CHECK(vireo_domain_undefine(other, 0) == 0, "undefine the other");
    vireo_domain_free(other);
    vireo_domain_free(dom);
}

/* QEMU ending on its own: SIGTERM from outside is a shutdown, SIGKILL a crash. */
static void test_outside_exit(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_lookup_by_name(conn, "d1");
    int reason = -1;
    pid_t pid;

    CHECK(vireo_domain_create(dom, 0) == 0 && (pid = dom_pid("d1")) > 0, "start d1");
    pid = dom_pid("d1");
    kill(pid, SIGTERM);
    CHECK(wait_state(dom, VIREO_DOMAIN_SHUTOFF) && dom_state(dom, &reason) >= 0 &&
              reason == VIREO_DOMAIN_SHUTOFF_SHUTDOWN && wait_event("d1 5 0"),
          "SIGTERM from outside: shut off (shutdown), STOPPED_SHUTDOWN");
    CHECK(pid_gone(pid) && !root_exists("run/libvirt/qemu/d1.xml"), "process and status gone");

    CHECK(vireo_domain_create(dom, 0) == 0, "start d1");
    pid = dom_pid("d1");
    kill(pid, SIGKILL);
    CHECK(wait_state(dom, VIREO_DOMAIN_SHUTOFF) && dom_state(dom, &reason) >= 0 &&
              reason == VIREO_DOMAIN_SHUTOFF_CRASHED && wait_event("d1 5 5"),
          "SIGKILL from outside: shut off (crashed), STOPPED_FAILED");
    CHECK(pid_gone(pid) && !root_exists("run/libvirt/qemu/d1.xml"), "process and status gone");
    vireo_domain_free(dom);
}

static void test_transient(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_create_xml(conn, DOMAIN_XML("qemu", "tr", ""), 0);
    vireo_domain *gone;

    CHECK(dom != NULL && vireo_domain_is_persistent(dom) == 0 &&
              dom_state(dom, NULL) == VIREO_DOMAIN_RUNNING,
          "create_xml: a running transient domain");
    if (!dom)
        return;
    CHECK(vireo_domain_destroy(dom, 0) == 0, "destroy it");
    gone = vireo_domain_lookup_by_name(conn, "tr");
    CHECK(!gone && err_is(VIREO_ERR_NO_DOMAIN, NULL), "a stopped transient domain vanishes");
    vireo_domain_free(dom);
}

/* Many definitions are read back in parallel at the next open, each one
 * whole, none twice. */
static void test_reload_many(void)
{
    enum { MANY = 150 };
    vireo_conn *conn = vireo_conn_open(uri);
    vireo_domain **doms = NULL;
    int before, after, defined = 0;

    before = conn ? vireo_conn_list_all_domains(conn, &doms, 0) : -1;
    vireo_domain_list_free(doms);
    for (int i = 0; conn && i < MANY; i++) {
        g_autofree char *xml = g_strdup_printf(DOMAIN_XML("qemu", "many%03d", ""), i);
        vireo_domain *d = vireo_domain_define_xml(conn, xml, 0);

        defined += d != NULL;
        if (d)
            vireo_domain_free(d);
    }
    CHECK(defined == MANY, "define %d domains (%d)", MANY, defined);
    vireo_conn_close(conn);
    conn = vireo_conn_open(uri);
    after = conn ? vireo_conn_list_all_domains(conn, &doms, 0) : -1;
    CHECK(after == before + MANY, "the next open finds them all (%d + %d = %d)", before, MANY,
          after);
    for (int i = 0; doms && doms[i]; i++) {
        if (g_str_has_prefix(vireo_domain_get_name(doms[i]), "many"))
            vireo_domain_undefine(doms[i], 0);
    }
    vireo_domain_list_free(doms);
    if (conn)
        vireo_conn_close(conn);
}

/* Close every connection: the guest keeps running; a new one re-attaches. */
static void test_reattach(void)
{
    vireo_conn *conn = vireo_conn_open(uri);
    vireo_domain *dom = vireo_domain_lookup_by_name(conn, "d1");
    int reason = -1;
    pid_t pid;

    CHECK(vireo_domain_create(dom, 0) == 0, "start d1");
    pid = dom_pid("d1");
    vireo_domain_free(dom);
    CHECK(vireo_conn_close(conn) == 0, "close the last connection");
    CHECK(pid > 0 && kill(pid, 0) == 0 && root_exists("run/libvirt/qemu/d1.monitor"),
          "the guest outlives the driver, its socket kept");
    conn = vireo_conn_open(uri);
    dom = conn ? vireo_domain_lookup_by_name(conn, "d1") : NULL;
    CHECK(dom && dom_state(dom, &reason) == VIREO_DOMAIN_RUNNING &&
              reason == VIREO_DOMAIN_RUNNING_BOOTED && vireo_domain_get_id(dom) > 0,
          "a new connection finds it running");
    CHECK(dom && vireo_domain_suspend(dom) == 0 && vireo_domain_resume(dom) == 0,
          "its monitor answers (suspend, resume)");
    if (vireo_error_last())
        NOTE("error: %s", vireo_error_last()->message);
    CHECK(dom && vireo_domain_destroy(dom, 0) == 0 && pid_gone(pid), "and destroys it");

    /* a guest that died while no driver watched is shut off at the next open */
    CHECK(dom && vireo_domain_create(dom, 0) == 0, "start d1");
    pid = dom_pid("d1");
    if (dom)
        vireo_domain_free(dom);
    vireo_conn_close(conn);
    kill(pid, SIGKILL);
    CHECK(pid_gone(pid), "QEMU killed while no driver runs");
    conn = vireo_conn_open(uri);
    dom = conn ? vireo_domain_lookup_by_name(conn, "d1") : NULL;
    CHECK(dom && dom_state(dom, &reason) == VIREO_DOMAIN_SHUTOFF &&
              reason == VIREO_DOMAIN_SHUTOFF_UNKNOWN && !root_exists("run/libvirt/qemu/d1.xml") &&
              !root_exists("run/libvirt/qemu/d1.monitor"),
          "the next open marks it shut off and removes its files");
    if (dom)
        vireo_domain_free(dom);
    if (conn)
        vireo_conn_close(conn);
}

int main(void)
{
    vireo_conn *conn;

    root = g_dir_make_tmp("vireo-qemu-XXXXXX", NULL);
    uri = g_strdup_printf("qemu:///embed?root=%s&job_timeout_ms=%d", root, JOB_TIMEOUT_MS);
    events = g_ptr_array_new_with_free_func(g_free);
    if (!g_file_test(EMULATOR, G_FILE_TEST_IS_EXECUTABLE)) {
        SKIP("test-qemu-driver", EMULATOR " is not installed");
        return 0;
    }
    test_uris();
    conn = vireo_conn_open(uri);
    CHECK(conn != NULL, "open %s", uri);
    vireo_conn_domain_event_register_any(conn, NULL, VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                                         (void (*)(void))on_lifecycle, NULL, NULL);
    vireo_conn_domain_event_register_any(conn, NULL, VIREO_DOMAIN_EVENT_ID_REBOOT,
                                         (void (*)(void))on_reboot, NULL, NULL);
    test_define(conn);
    test_list_flags(conn);
    test_define_errors(conn);
    test_start_stop(conn);
    test_start_failure(conn);
    test_job_timeout(conn);
    test_outside_exit(conn);
    test_transient(conn);
    CHECK(vireo_conn_close(conn) == 0, "close");
    test_reload_many();
    test_reattach();
    kill_root_pids();
    {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);

        if (system(cmd) != 0)
            NOTE("cannot remove %s", root);
    }
    g_ptr_array_free(events, TRUE);
    g_free(uri);
    g_free(root);
    return check_exit();
}
