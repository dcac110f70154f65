/*
 * qemu_status.c: the status file of each running domain, re-attaching at
 * driver start, letting go at driver end, and autostart.
 *
 * run_dir/NAME.xml, replaced whole (file_write_runtime) at every change a
 * job makes, before the call answers:
 *
 *   <domstatus state='1' reason='1' pid='1234' run='2'>
 *     <monitor path='RUN/NAME.monitor'/>
 *     <domain type='kvm' id='3'> ...the live definition... </domain>
 *   </domstatus>
 *
 * A change of run state QEMU makes itself (a guest pausing on an I/O
 * error) is not written: a re-attaching driver asks QEMU whether its
 * vCPUs run (query-status) rather than trust the file for that.  At
 * driver start, QEMUs that a start cut short left without a status file
 * are killed (qemu_status_sweep).  A QEMU that exited while no driver
 * watched is marked shut off (reason unknown, event STOPPED_FAILED) and its files
 * removed.  One still alive is re-attached in the background, retrying
 * while its monitor does not answer: libvirt kills such a guest, but a
 * guest must not die because its manager restarted.  It never runs
 * twice: its domain stays active, and start refuses an active domain.
 */
#include <errno.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.status"

char *qemu_dom_path(qemu_drv *drv, const char *dir, const char *name, const char *suffix)
{
    (void)drv;
    return g_strdup_printf("%s/%s%s", dir, name, suffix);
}

int qemu_status_save(dom_obj *dom)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *mon = NULL;
    g_autoptr(GString) out = g_string_new(NULL);

    g_mutex_lock(&drv->doms.lock);
    if (dom->live && priv->proc) {
        path = qemu_dom_path(drv, drv->run_dir, dom->live->name, ".xml");
        mon = g_markup_escape_text(priv->proc->monitor_path, -1);
        xml = domain_def_format(dom->live, VIREO_DOMAIN_XML_SECURE);
        g_string_printf(out, "<domstatus state='%d' reason='%d' pid='%d' run='%u'>\n"
                             "  <monitor path='%s'/>\n%s</domstatus>\n",
                        dom->state, dom->reason, (int)priv->pid, dom->run, mon, xml ? xml : "");
    }
    g_mutex_unlock(&drv->doms.lock);
    if (!path || !xml)
        return path ? -1 : 0;
    return file_write_runtime(path, out->str, out->len, 0600, VIREO_FROM_QEMU);
}

void qemu_status_remove(qemu_drv *drv, const char *name)
{
    const char *suffixes[] = { ".xml", ".monitor", ".pid" };

    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        g_autofree char *path = qemu_dom_path(drv, drv->run_dir, name, suffixes[i]);

        if (unlink(path) < 0 && errno != ENOENT)
            log_warn("cannot remove '%s': %s", path, g_strerror(errno));
    }
}

void qemu_status_clear(qemu_status *st)
{
    g_free(st->monitor);
    domain_def_free(st->live);
}

static long qemu_xml_long(xmlNode *node, const char *name)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    long n = v ? strtol((const char *)v, NULL, 10) : -1;

    xmlFree(v);
    return n;
}

static xmlNode *qemu_xml_child(xmlNode *node, const char *name)
{
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    }
    return NULL;
}

int qemu_status_parse(const char *text, qemu_status *st)
{
    xmlDocPtr doc = xmlReadMemory(text, (int)strlen(text), "status.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlNode *mon, *dom;
    xmlBufferPtr buf;
    xmlChar *path;

    if (!root || strcmp((const char *)root->name, "domstatus") != 0 ||
        !(mon = qemu_xml_child(root, "monitor")) || !(dom = qemu_xml_child(root, "domain"))) {
        if (doc)
            xmlFreeDoc(doc);
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR, "malformed status file");
        return -1;
    }
    st->state = (int)qemu_xml_long(root, "state");
    st->reason = (int)qemu_xml_long(root, "reason");
    st->pid = (pid_t)qemu_xml_long(root, "pid");
    st->run = (guint)qemu_xml_long(root, "run");
    path = xmlGetProp(mon, (const xmlChar *)"path");
    st->monitor = g_strdup((const char *)path);
    xmlFree(path);
    buf = xmlBufferCreate();
    xmlNodeDump(buf, doc, dom, 0, 0);
    st->live = domain_def_parse((const char *)xmlBufferContent(buf), DOMAIN_PARSE_LIVE);
    xmlBufferFree(buf);
    xmlFreeDoc(doc);
    return st->live && st->monitor && st->pid > 0 ? 0 : -1;
}

/* The domain a status file belongs to, a new reference: the defined one,
 * or a new transient one.  NULL when its name or UUID clash. */
static dom_obj *qemu_status_owner(qemu_drv *drv, const domain_def *live)
{
    dom_obj *dom = NULL;

    g_mutex_lock(&drv->doms.lock);
    if (dom_table_check_clash(&drv->doms, live, &dom) == 0) {
        if (!dom) {
            dom = dom_obj_new(&drv->doms);
            dom->live = domain_def_copy(live);
            dom_table_add(&drv->doms, dom);
        }
        dom_obj_ref(dom);
    }
    g_mutex_unlock(&drv->doms.lock);
    return dom;
}

/* The QEMU of a status file is gone: remove its files, shut its domain
 * off with reason and a STOPPED event with detail. */
static void qemu_status_lost(qemu_drv *drv, dom_obj *dom, const char *name, int reason,
                             int detail)
{
    qemu_status_remove(drv, name);
    qemu_cgroup_remove(dom, name);
    g_mutex_lock(&drv->doms.lock);
    dom->state = VIREO_DOMAIN_SHUTOFF;
    dom->reason = reason;
    qemu_dom_of(dom)->pid = 0;
    if (dom->live)
        dom->live->id = -1;
    dom_obj_emit(dom, VIREO_DOMAIN_EVENT_STOPPED, detail);
    if (dom->def)
        g_clear_pointer(&dom->live, domain_def_free);
    else
        dom_table_remove(&drv->doms, dom); /* transient: gone with its run */
    g_mutex_unlock(&drv->doms.lock);
}

/* Whether st's QEMU still runs after up to wait_ms: its pid has not
 * exited (a zombie has: the QEMUs of a killed daemon wait for init to
 * reap them) and its pid file names it (a reused pid belongs to someone
 * else). */
static bool qemu_status_alive(qemu_drv *drv, const char *name, pid_t pid, int wait_ms)
{
    g_autofree char *pid_path = qemu_dom_path(drv, drv->run_dir, name, ".pid");
    g_autofree char *pid_text = NULL;
    int pidfd = pidfd_open(pid, 0);
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    bool running = pidfd >= 0 && poll(&pfd, 1, wait_ms) == 0;

    if (pidfd >= 0)
        close(pidfd);
    return running && g_file_get_contents(pid_path, &pid_text, NULL, NULL) &&
           strtol(pid_text, NULL, 10) == pid;
}

/* Take the domain of a status file back: its state from the file at
 * once, the monitor connection in the background (QEMU_TASK_ATTACH), so
 * a driver start never waits on a guest that does not answer. */
static void qemu_status_load_one(qemu_drv *drv, const char *file)
{
    g_autofree char *path = g_build_filename(drv->run_dir, file, NULL);
    g_autofree char *text = NULL;
    g_autoptr(dom_obj) dom = NULL;
    qemu_status st = { 0 };

    if (!g_file_get_contents(path, &text, NULL, NULL) || qemu_status_parse(text, &st) < 0) {
        log_error("removing unreadable status file '%s'", path);
        unlink(path);
        qemu_status_clear(&st);
        return;
    }
    if (!(dom = qemu_status_owner(drv, st.live))) {
        log_error("status file '%s' names a domain that clashes with another", path);
        qemu_status_clear(&st);
        return;
    }
    if (!qemu_status_alive(drv, st.live->name, st.pid, 0)) {
        log_info("%s: QEMU (pid %d) exited while no driver watched", st.live->name,
                 (int)st.pid);
        qemu_net_release_all(dom, st.live);
        qemu_dac_restore(drv, st.live);
        qemu_status_lost(drv, dom, st.live->name, VIREO_DOMAIN_SHUTOFF_UNKNOWN,
                         VIREO_DOMAIN_EVENT_STOPPED_FAILED);
        qemu_status_clear(&st);
        return;
    }
    g_mutex_lock(&drv->doms.lock);
    domain_def_free(dom->live);
    dom->live = g_steal_pointer(&st.live);
    qemu_dom_of(dom)->pid = st.pid;
    dom->state = st.state;
    dom->reason = st.reason;
    dom->run = st.run;
    if (dom->live->id > drv->doms.last_id)
        drv->doms.last_id = dom->live->id;
    /* the job from now: no call acts on it before the monitor is back */
    dom->job = "attach";
    qemu_task_push(dom, QEMU_TASK_ATTACH, st.monitor);
    g_mutex_unlock(&drv->doms.lock);
    qemu_status_clear(&st);
}

/* query-migrate's status, or NULL (then "none" is assumed). */
static char *qemu_status_migration(qemu_proc *proc)
{
    json_t *r = qmp_call(proc->mon, "query-migrate", NULL, QEMU_MONITOR_TIMEOUT_MS);
    char *status = g_strdup(r ? json_string_value(json_object_get(r, "status")) : NULL);

    json_decref(r);
    error_reset();
    return status;
}

/* A save the last daemon began and never answered: QEMU may still be
 * writing its migration stream, or be done with it and paused.  No one
 * will use that stream (its image says incomplete): cancel it and let
 * the vCPUs run again if the status file says they ran, as before the
 * save.  A stream that failed or was cancelled before is history. */
static void qemu_status_cancel_save(dom_obj *dom, qemu_proc *proc)
{
    g_autofree char *status = qemu_status_migration(proc);
    const char *name = dom_obj_current(dom)->name;
    gint64 deadline = g_get_monotonic_time() + QEMU_MONITOR_TIMEOUT_MS * (gint64)1000;
    bool ran;
    json_t *r;

    if (!status || strcmp(status, "none") == 0 || strcmp(status, "failed") == 0 ||
        strcmp(status, "cancelled") == 0)
        return;
    log_warn("%s: a save cut short left QEMU's migration %s: cancelling it", name, status);
    if (strcmp(status, "completed") != 0) {
        json_decref(qmp_call(proc->mon, "migrate_cancel", NULL, QEMU_MONITOR_TIMEOUT_MS));
        while (g_strcmp0(status, "cancelled") != 0 && g_strcmp0(status, "failed") != 0 &&
               g_get_monotonic_time() < deadline) {
            g_usleep(10 * 1000);
            g_free(status);
            status = qemu_status_migration(proc);
        }
    }
    g_mutex_lock(&dom->table->lock);
    ran = dom->state == VIREO_DOMAIN_RUNNING;
    g_mutex_unlock(&dom->table->lock);
    if (ran && (r = qmp_call(proc->mon, "cont", NULL, QEMU_MONITOR_TIMEOUT_MS)))
        json_decref(r);
    error_reset();
}

/* QEMU may have paused or resumed its vCPUs while no driver watched (or
 * between a call's monitor command and its status write): ask it. */
static void qemu_status_sync_run_state(dom_obj *dom, qemu_proc *proc)
{
    json_t *st = qmp_call(proc->mon, "query-status", NULL, QEMU_MONITOR_TIMEOUT_MS);
    bool running, changed = false;

    if (!st || !json_is_boolean(json_object_get(st, "running"))) {
        json_decref(st);
        error_reset();
        return;
    }
    running = json_is_true(json_object_get(st, "running"));
    json_decref(st);
    g_mutex_lock(&dom->table->lock);
    if (running && dom->state == VIREO_DOMAIN_PAUSED) {
        dom->state = VIREO_DOMAIN_RUNNING;
        dom->reason = VIREO_DOMAIN_RUNNING_UNPAUSED;
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_RESUMED, VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
        changed = true;
    } else if (!running && dom->state == VIREO_DOMAIN_RUNNING) {
        dom->state = VIREO_DOMAIN_PAUSED;
        dom->reason = VIREO_DOMAIN_PAUSED_UNKNOWN;
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_SUSPENDED, VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
        changed = true;
    }
    g_mutex_unlock(&dom->table->lock);
    if (changed) {
        log_info("%s: QEMU's run state differs from the status file: now %s",
                 dom_obj_current(dom)->name, running ? "running" : "paused");
        qemu_status_save(dom);
    }
}

/* The attach task (job "attach" held since the status file was read):
 * connect to the monitor of the
 * QEMU the status file named; retry while it runs but does not answer
 * (stopped, or busy), since killing a guest because the daemon
 * restarted would lose it.  A destroy meanwhile kills it by pid. */
void qemu_status_attach(dom_obj *dom, guint run, const char *monitor)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_drv *drv = qemu_dom_drv(dom);
    g_autofree char *name = NULL;
    g_autofree char *log_path = NULL;
    g_autofree char *pid_path = NULL;
    qemu_proc *proc = NULL;
    bool destroying = false, closing = false;
    pid_t pid;

    g_mutex_lock(&drv->doms.lock);
    if (dom->run != run || !dom->live || priv->proc) {
        g_mutex_unlock(&drv->doms.lock);
        return;
    }
    name = g_strdup(dom->live->name);
    pid = priv->pid;
    g_mutex_unlock(&drv->doms.lock);
    log_path = qemu_dom_path(drv, drv->log_dir, name, ".log");
    pid_path = qemu_dom_path(drv, drv->run_dir, name, ".pid");
    for (;;) {
        /* without drv->lock: the monitor's callbacks take it */
        proc = qemu_proc_attach(pid, log_path, monitor, pid_path, drv->ctx,
                                QEMU_ATTACH_TIMEOUT_MS, qemu_on_event, qemu_on_exit, dom);
        g_mutex_lock(&drv->doms.lock);
        if (proc)
            priv->proc = proc;
        destroying = priv->destroying;
        closing = drv->closing;
        g_mutex_unlock(&drv->doms.lock);
        if (proc) {
            log_info("%s: re-attached to QEMU (pid %d)", name, (int)pid);
            /* the job holder alone changes live */
            qemu_net_readopt(dom, dom->live);
            qemu_cgroup_readopt(dom, dom->live, pid);
            qemu_status_cancel_save(dom, proc);
            qemu_status_sync_run_state(dom, proc);
            return;
        }
        if (destroying || closing)
            break;
        /* a QEMU that closes its monitor is often exiting (a stop the
         * last daemon began): wait for that rather than retry at once */
        if (!qemu_status_alive(drv, name, pid, 1000))
            break;
        log_warn("%s: QEMU (pid %d) runs but its monitor does not answer (%s): retrying", name,
                 (int)pid, error_last() ? error_last()->message : "?");
        error_reset();
    }
    if (closing)
        return;
    if (destroying && qemu_status_alive(drv, name, pid, 0))
        kill(pid, SIGKILL);
    qemu_net_release_all(dom, dom->live);
    qemu_dac_restore(drv, dom->live);
    qemu_status_lost(drv, dom, name,
                     destroying ? VIREO_DOMAIN_SHUTOFF_DESTROYED : VIREO_DOMAIN_SHUTOFF_UNKNOWN,
                     destroying ? VIREO_DOMAIN_EVENT_STOPPED_DESTROYED
                                : VIREO_DOMAIN_EVENT_STOPPED_FAILED);
}


/* Whether the pid file and socket of name belong to a domain: a running
 * one, or one whose job is held (a start may be making them). */
static bool qemu_status_owned(qemu_drv *drv, const char *name)
{
    dom_obj *dom = dom_table_find_name(&drv->doms, name);

    return dom && (dom->job || qemu_dom_of(dom)->pid > 0);
}

/* Kill the QEMUs that cut starts left behind (their pid file in run_dir,
 * no running domain with their pid, no job making them), then remove the
 * pid files and sockets no domain owns. */
static void qemu_status_sweep(qemu_drv *drv)
{
    g_autoptr(GHashTable) pids = g_hash_table_new(NULL, NULL);
    g_autoptr(GHashTable) spare = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GDir) dir = NULL;
    GHashTableIter it;
    gpointer value;
    const char *file;

    g_mutex_lock(&drv->doms.lock);
    g_hash_table_iter_init(&it, drv->doms.by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        dom_obj *dom = value;

        if (qemu_dom_of(dom)->pid > 0)
            g_hash_table_add(pids, GINT_TO_POINTER(qemu_dom_of(dom)->pid));
        if (dom->job)
            g_hash_table_add(spare, qemu_dom_path(drv, drv->run_dir,
                                                  dom_obj_current(dom)->name, ".pid"));
    }
    g_mutex_unlock(&drv->doms.lock);
    qemu_proc_kill_strays(drv->run_dir, pids, spare);
    /* drv->lock held: no start begins while its files are judged */
    g_mutex_lock(&drv->doms.lock);
    dir = g_dir_open(drv->run_dir, 0, NULL);
    while (dir && (file = g_dir_read_name(dir))) {
        const char *dot = strrchr(file, '.');
        g_autofree char *name = NULL;
        g_autofree char *path = NULL;

        if (!dot || (strcmp(dot, ".pid") != 0 && strcmp(dot, ".monitor") != 0))
            continue;
        name = g_strndup(file, (gsize)(dot - file));
        if (qemu_status_owned(drv, name))
            continue;
        path = g_build_filename(drv->run_dir, file, NULL);
        log_warn("removing '%s': no running domain owns it", path);
        unlink(path);
    }
    g_mutex_unlock(&drv->doms.lock);
}

/* How long after start the second sweep looks: a killed daemon's child
 * between its spawn and QEMU's exec does not look like QEMU yet, and on
 * a loaded host that can last. */
#define QEMU_SWEEP_LATE_MS 2000

void qemu_status_sweep_late(qemu_drv *drv)
{
    /* in steps: a driver closing meanwhile waits for this task */
    for (int waited = 0; waited < QEMU_SWEEP_LATE_MS; waited += 50) {
        bool closing;

        g_mutex_lock(&drv->doms.lock);
        closing = drv->closing;
        g_mutex_unlock(&drv->doms.lock);
        if (closing)
            return;
        g_usleep(50 * 1000);
    }
    qemu_status_sweep(drv);
}

void qemu_status_load_all(qemu_drv *drv)
{
    g_autoptr(GDir) dir = NULL;
    const char *file;

    file_remove_leftovers(drv->run_dir);
    dir = g_dir_open(drv->run_dir, 0, NULL);
    while (dir && (file = g_dir_read_name(dir))) {
        if (g_str_has_suffix(file, ".xml"))
            qemu_status_load_one(drv, file);
    }
    qemu_status_sweep(drv);
    qemu_task_push_drv(drv, QEMU_TASK_SWEEP);
    error_reset();
}

void qemu_status_detach_all(qemu_drv *drv)
{
    g_autoptr(GPtrArray) procs = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&drv->doms.lock);
    g_hash_table_iter_init(&it, drv->doms.by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        dom_obj *dom = value;

        if (qemu_dom_of(dom)->proc)
            g_ptr_array_add(procs, g_steal_pointer(&qemu_dom_of(dom)->proc));
    }
    g_mutex_unlock(&drv->doms.lock);
    /* a QEMU still running keeps its socket and pid file for the next
     * driver (qemu_proc_free); the monitor closes, the guest runs on */
    for (guint i = 0; i < procs->len; i++)
        qemu_proc_free(g_ptr_array_index(procs, i));
}

void qemu_autostart_all(qemu_drv *drv)
{
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&drv->doms.lock);
    g_hash_table_iter_init(&it, drv->doms.by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        dom_obj *dom = value;

        if (dom->def && dom->autostart && !dom_obj_active(dom))
            qemu_task_push(dom, QEMU_TASK_AUTOSTART, NULL);
    }
    g_mutex_unlock(&drv->doms.lock);
}
