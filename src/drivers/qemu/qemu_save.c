/*
 * qemu_save.c: saving a domain's state to files: save and restore through
 * QEMU's migration stream, managed save, core dumps.
 *
 * QEMU never opens a path (it runs with -sandbox): vireo opens the file
 * and passes QEMU a descriptor with getfd, then "migrate fd:NAME" (save,
 * dump), "migrate-incoming fd:NAME" (restore) or dump-guest-memory with
 * protocol fd:NAME (memory-only dump).  A compressed image puts a
 * compressor child between QEMU and the file (a pipe); the image layout
 * is in qemu_save.h.  Completion is polled with query-migrate/query-dump.
 *
 * Every entry holds the domain's job for its whole length and drv->lock
 * only for short reads and state changes, never across a monitor call,
 * so other domains are never delayed.
 */
#include <errno.h>
#include <glib-unix.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/qemu/qemu_save.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.save"

#define QEMU_SAVE_FLAGS (VIREO_DOMAIN_SAVE_BYPASS_CACHE | VIREO_DOMAIN_SAVE_RUNNING | \
                         VIREO_DOMAIN_SAVE_PAUSED)
#define QEMU_DUMP_FLAGS (VIREO_DUMP_CRASH | VIREO_DUMP_LIVE | VIREO_DUMP_BYPASS_CACHE | \
                         VIREO_DUMP_RESET | VIREO_DUMP_MEMORY_ONLY)
#define QEMU_PAUSED_DUMP 4          /* VIR_DOMAIN_PAUSED_DUMP */
#define QEMU_SAVE_FDNAME "vireo-stream"
#define QEMU_SAVE_POLL_US (20 * 1000)

/* The last error's text without libvirt's prefix for its code, to
 * quote it inside another message. */
static const char *qemu_save_cause(const char *fallback)
{
    static const char *const prefixes[] = { "operation failed: ", "internal error: " };
    const vireo_error *e = error_last();

    if (!e || !e->message)
        return fallback;
    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(e->message, prefixes[i]))
            return e->message + strlen(prefixes[i]);
    }
    return e->message;
}

/* ---- QEMU side: streams through a passed descriptor ---- */

/* The last non-empty line of QEMU's log (caller frees), or NULL. */
static char *qemu_save_log_tail(const char *log_path)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    int n;

    if (!log_path || !g_file_get_contents(log_path, &text, NULL, NULL))
        return NULL;
    lines = g_strsplit(g_strchomp(text), "\n", -1);
    n = (int)g_strv_length(lines);
    return n > 0 ? g_strdup(lines[n - 1]) : NULL;
}

/* Poll query (query-migrate, query-dump) until its status is final.
 * 0 when completed; -1 with an error naming what and the domain. */
static int qemu_save_poll(qemu_proc *proc, const char *query, const char *what, const char *name)
{
    for (;;) {
        json_t *r = qmp_call(proc->mon, query, NULL, QEMU_MONITOR_TIMEOUT_MS);
        const char *status, *desc;

        if (!r)
            return -1;
        status = json_string_value(json_object_get(r, "status"));
        if (status && strcmp(status, "completed") == 0) {
            json_decref(r);
            return 0;
        }
        if (status && (strcmp(status, "failed") == 0 || strcmp(status, "cancelled") == 0)) {
            desc = json_string_value(json_object_get(r, "error-desc"));
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED, "%s of domain '%s' %s%s%s",
                         what, name, status, desc ? ": " : "", desc ? desc : "");
            json_decref(r);
            return -1;
        }
        json_decref(r);
        g_usleep(QEMU_SAVE_POLL_US);
    }
}

/* Hand fd to QEMU under QEMU_SAVE_FDNAME. */
static int qemu_save_pass_fd(qemu_proc *proc, int fd)
{
    json_t *r = qmp_call_fd(proc->mon, "getfd", json_pack("{s:s}", "fdname", QEMU_SAVE_FDNAME),
                            fd, QEMU_MONITOR_TIMEOUT_MS);

    if (!r)
        return -1;
    json_decref(r);
    return 0;
}

static void qemu_save_close_fd(qemu_proc *proc)
{
    json_t *r = qmp_call(proc->mon, "closefd", json_pack("{s:s}", "fdname", QEMU_SAVE_FDNAME),
                         QEMU_MONITOR_TIMEOUT_MS);

    json_decref(r);
    error_reset();
}

/* Run command with args (stolen) after passing fd; closefd when it fails. */
static int qemu_save_start_with_fd(qemu_proc *proc, int fd, const char *cmd, json_t *args)
{
    json_t *r;

    if (qemu_save_pass_fd(proc, fd) < 0) {
        json_decref(args);
        return -1;
    }
    r = qmp_call(proc->mon, cmd, args, QEMU_MONITOR_TIMEOUT_MS);
    if (!r) {
        g_autoptr(vireo_error) saved = error_save();

        qemu_save_close_fd(proc);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    json_decref(r);
    return 0;
}

/* QEMU's migration stream into fd, at full speed; waits until done. */
static int qemu_save_migrate(qemu_proc *proc, int fd, const char *name)
{
    /* the default bandwidth limit is for live migration, not files */
    json_t *r = qmp_call(proc->mon, "migrate-set-parameters",
                         json_pack("{s:I}", "max-bandwidth", (json_int_t)1 << 40),
                         QEMU_MONITOR_TIMEOUT_MS);

    if (!r)
        return -1;
    json_decref(r);
    if (qemu_save_start_with_fd(proc, fd, "migrate",
                                json_pack("{s:s}", "uri", "fd:" QEMU_SAVE_FDNAME)) < 0)
        return -1;
    return qemu_save_poll(proc, "query-migrate", "saving the state", name);
}

int qemu_save_incoming(qemu_proc *proc, int fd, const char *name)
{
    g_autofree char *tail = NULL;

    if (qemu_save_start_with_fd(proc, fd, "migrate-incoming",
                                json_pack("{s:s}", "uri", "fd:" QEMU_SAVE_FDNAME)) == 0 &&
        qemu_save_poll(proc, "query-migrate", "loading the state", name) == 0)
        return 0;
    /* QEMU exits when it cannot load the stream: its log says why */
    tail = qemu_save_log_tail(proc->log_path);
    if (tail && g_ascii_isdigit(tail[0]) && strstr(tail, "Z qemu-system") && strstr(tail, ": "))
        memmove(tail, strstr(tail, ": ") + 2, strlen(strstr(tail, ": ") + 2) + 1);
    error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED, "cannot restore domain '%s': %s",
                 name, tail ? tail : qemu_save_cause("QEMU failed"));
    return -1;
}

/* A close-on-exec pipe between QEMU and a compressor for path. */
static int qemu_save_pipe(int fds[2], const char *path)
{
    g_autoptr(GError) err = NULL;

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, &err)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_SYSTEM_ERROR, "cannot create a pipe for '%s': %s",
                     path, err->message);
        return -1;
    }
    return 0;
}

/* The migration stream into file_fd (at its current offset), through the
 * compressor of format unless raw. */
static int qemu_save_stream_out(qemu_proc *proc, int file_fd, int format, const char *path,
                                const char *name)
{
    int pipefd[2] = { -1, -1 };
    GPid pid = -1;
    int rc;

    if (format == QEMU_SAVE_RAW)
        return qemu_save_migrate(proc, file_fd, name);
    if (qemu_save_pipe(pipefd, path) < 0)
        return -1;
    pid = qemu_save_filter_start(format, false, pipefd[0], file_fd);
    close(pipefd[0]);
    if (pid < 0) {
        close(pipefd[1]);
        return -1;
    }
    rc = qemu_save_migrate(proc, pipefd[1], name);
    /* QEMU closes its copy when the migration ends: then the compressor sees EOF */
    close(pipefd[1]);
    if (qemu_save_filter_wait(pid, format, rc < 0, path) < 0)
        rc = -1;
    return rc;
}

/* ---- domain state around a save or dump (job held) ---- */

/* Pause a running guest for a save or dump; its state says why. */
static int qemu_save_pause(dom_obj *dom, int reason)
{
    json_t *r = qmp_call(qemu_dom_of(dom)->proc->mon, "stop", NULL, QEMU_MONITOR_TIMEOUT_MS);

    if (!r)
        return -1;
    json_decref(r);
    g_mutex_lock(&dom->table->lock);
    if (dom->state == VIREO_DOMAIN_RUNNING)
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_SUSPENDED, VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
    dom->state = VIREO_DOMAIN_PAUSED; /* QEMU's STOP event may have come first */
    dom->reason = reason;
    g_mutex_unlock(&dom->table->lock);
    return 0;
}

/* Let the guest run again after a save failed or a dump ended. */
static int qemu_save_resume(dom_obj *dom)
{
    json_t *r = qmp_call(qemu_dom_of(dom)->proc->mon, "cont", NULL, QEMU_MONITOR_TIMEOUT_MS);

    if (!r)
        return -1;
    json_decref(r);
    g_mutex_lock(&dom->table->lock);
    if (dom->state == VIREO_DOMAIN_PAUSED) {
        dom->state = VIREO_DOMAIN_RUNNING;
        dom->reason = VIREO_DOMAIN_RUNNING_UNPAUSED;
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_RESUMED, VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
    }
    g_mutex_unlock(&dom->table->lock);
    return 0;
}

/* Stop QEMU after its state is safe in a file: shut off with reason. */
static int qemu_save_stop_qemu(dom_obj *dom, int reason, int detail)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_proc *proc;

    g_mutex_lock(&dom->table->lock);
    priv->destroying = true; /* its SHUTDOWN (signal) and exit are ours */
    proc = priv->proc;
    g_mutex_unlock(&dom->table->lock);
    if (qemu_proc_kill(proc, QEMU_KILL_GRACE_MS) < 0)
        return -1;
    qemu_dom_stopped(dom, reason, detail);
    return 0;
}

/* dom's process when it is running or paused; with *was_running and its
 * name (caller frees).  NULL with libvirt's error otherwise. */
static qemu_proc *qemu_save_active(dom_obj *dom, bool *was_running, char **name)
{
    qemu_dom *priv = qemu_dom_of(dom);
    qemu_proc *proc = NULL;

    g_mutex_lock(&dom->table->lock);
    if (priv->proc && !priv->exited &&
        (dom->state == VIREO_DOMAIN_RUNNING || dom->state == VIREO_DOMAIN_PAUSED))
        proc = priv->proc;
    else
        dom_obj_state_error(dom, "running");
    *was_running = dom->state == VIREO_DOMAIN_RUNNING;
    *name = g_strdup(dom_obj_current(dom)->name);
    g_mutex_unlock(&dom->table->lock);
    return proc;
}

/* ---- save ---- */

/* The XML to store: dom's live definition, or dxml when it describes
 * the same domain (name and UUID).  Caller frees. */
static char *qemu_save_xml(dom_obj *dom, const char *dxml)
{
    g_autoptr(domain_def) def = NULL;
    char *xml = NULL;

    if (dxml && !(def = qemu_def_parse(qemu_dom_drv(dom), dxml)))
        return NULL;
    g_mutex_lock(&dom->table->lock);
    if (!def) {
        xml = domain_def_format(dom->live, VIREO_DOMAIN_XML_INACTIVE | VIREO_DOMAIN_XML_SECURE);
    } else if (strcmp(def->name, dom->live->name) != 0 ||
               memcmp(def->uuid, dom->live->uuid, sizeof(def->uuid)) != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "the XML given for the save image of domain '%s' describes domain '%s' "
                     "(name and UUID must stay)", dom->live->name, def->name);
    } else {
        xml = domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE | VIREO_DOMAIN_XML_SECURE);
    }
    g_mutex_unlock(&dom->table->lock);
    return xml;
}

/* Save dom (job held) into path with format; stop it on success. */
static int qemu_save_run(dom_obj *dom, const char *path, const char *dxml, unsigned int flags,
                         int format)
{
    g_autofree char *name = NULL;
    g_autofree char *xml = NULL;
    bool was_running, resume_after;
    qemu_proc *proc;
    int fd, rc;

    if (!(proc = qemu_save_active(dom, &was_running, &name)) || !(xml = qemu_save_xml(dom, dxml)))
        return -1;
    resume_after = (was_running && !(flags & VIREO_DOMAIN_SAVE_PAUSED)) ||
                   (flags & VIREO_DOMAIN_SAVE_RUNNING);
    fd = qemu_save_image_create(path, xml, resume_after, format);
    if (fd < 0)
        return -1;
    rc = was_running ? qemu_save_pause(dom, VIREO_DOMAIN_PAUSED_SAVE) : 0;
    if (rc == 0)
        rc = qemu_save_stream_out(proc, fd, format, path, name);
    if (rc == 0)
        rc = qemu_save_image_finish(fd, path);
    close(fd);
    if (rc < 0) {
        g_autoptr(vireo_error) saved = error_save();

        unlink(path);
        if (was_running && qemu_save_resume(dom) < 0)
            log_warn("%s: cannot resume after a failed save", name);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    log_info("%s: saved to '%s' (%s)", name, path, qemu_save_format_name(format));
    return qemu_save_stop_qemu(dom, VIREO_DOMAIN_SHUTOFF_SAVED, VIREO_DOMAIN_EVENT_STOPPED_SAVED);
}

static bool qemu_save_flags_ok(unsigned int flags, const char *func)
{
    if (!qemu_flags_ok(flags, QEMU_SAVE_FLAGS, func))
        return false;
    if ((flags & VIREO_DOMAIN_SAVE_RUNNING) && (flags & VIREO_DOMAIN_SAVE_PAUSED)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "flags 'running' and 'paused' are mutually exclusive");
        return false;
    }
    return true;
}

int qemu_domain_save(vireo_domain *handle, const char *to, const char *dxml, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    int format, ret;

    if (!qemu_save_flags_ok(flags, __func__))
        return -1;
    if (!(dom = qemu_dom_from_handle(handle)))
        return -1;
    if ((format = qemu_save_conf_format(qemu_dom_drv(dom), "save_image_format")) < 0 ||
        dom_job_begin(dom, "save", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    ret = qemu_save_run(dom, to, dxml, flags, format);
    dom_job_end(dom);
    return ret;
}

/* ---- restore ---- */

/* The definition an image runs with: its own, or dxml for the same
 * domain.  NULL with an error naming the file. */
static domain_def *qemu_restore_def(qemu_drv *drv, const qemu_save_image *img, const char *dxml)
{
    g_autoptr(domain_def) def = qemu_def_parse(drv, img->xml);
    g_autoptr(domain_def) over = NULL;

    if (!def) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "the domain XML in save image '%s' is not valid: %s", img->path,
                     qemu_save_cause("unknown error"));
        return NULL;
    }
    if (!dxml)
        return g_steal_pointer(&def);
    if (!(over = qemu_def_parse(drv, dxml)))
        return NULL;
    if (strcmp(over->name, def->name) != 0 || memcmp(over->uuid, def->uuid, sizeof(def->uuid))) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "the XML given to restore '%s' describes domain '%s', not '%s' of the image",
                     img->path, over->name, def->name);
        return NULL;
    }
    return g_steal_pointer(&over);
}

/* Start dom (job held, inactive) from img with use (NULL: dom->live). */
static int qemu_restore_into(dom_obj *dom, const domain_def *use, qemu_save_image *img,
                             unsigned int flags)
{
    int format = (int)img->hdr.compressed;
    bool paused = (flags & VIREO_DOMAIN_SAVE_PAUSED) ||
                  (!img->hdr.was_running && !(flags & VIREO_DOMAIN_SAVE_RUNNING));
    unsigned int start_flags = paused ? VIREO_DOMAIN_START_PAUSED : 0;
    int pipefd[2] = { -1, -1 };
    GPid pid;
    int rc;

    if (format == QEMU_SAVE_RAW)
        return qemu_dom_start_incoming(dom, use, img->fd, start_flags);
    if (qemu_save_pipe(pipefd, img->path) < 0)
        return -1;
    pid = qemu_save_filter_start(format, true, img->fd, pipefd[1]);
    close(pipefd[1]);
    if (pid < 0) {
        close(pipefd[0]);
        return -1;
    }
    rc = qemu_dom_start_incoming(dom, use, pipefd[0], start_flags);
    close(pipefd[0]);
    /* QEMU stops reading at the stream's end: the decompressor's own
     * status matters only when the load failed too */
    if (qemu_save_filter_wait(pid, format, rc < 0, img->path) < 0) {
        log_warn("%s", error_last() ? error_last()->message : "decompressor failed");
        error_reset();
    }
    return rc;
}

/* The domain a restore of def runs in: the defined inactive one of that
 * name and UUID, or a new transient one (live = def, its job held from
 * the start; *added).  A new reference; NULL with libvirt's error when
 * the name or UUID is taken or the domain is running. */
static dom_obj *qemu_restore_target(qemu_drv *drv, domain_def **def, bool *added)
{
    dom_obj *dom = NULL;

    *added = false;
    g_mutex_lock(&drv->doms.lock);
    if (dom_table_check_clash(&drv->doms, *def, &dom) == 0) {
        if (dom && dom_obj_active(dom)) {
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                         "domain '%s' is already active", (*def)->name);
            dom = NULL;
        } else if (dom) {
            dom_obj_ref(dom);
        } else {
            dom = dom_obj_new(&drv->doms);
            dom->live = g_steal_pointer(def);
            dom->job = "restore";
            dom_table_add(&drv->doms, dom);
            dom_obj_ref(dom);
            *added = true;
        }
    }
    g_mutex_unlock(&drv->doms.lock);
    return dom;
}

/* Restore into an existing defined domain: its job, then check it is
 * still inactive. */
static int qemu_restore_existing(dom_obj *dom, const domain_def *def, qemu_save_image *img,
                                 unsigned int flags)
{
    bool active;
    int ret = -1;

    if (dom_job_begin(dom, "restore", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    active = dom_obj_active(dom);
    g_mutex_unlock(&dom->table->lock);
    if (active)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "domain '%s' is already active", def->name);
    else
        ret = qemu_restore_into(dom, def, img, flags);
    dom_job_end(dom);
    return ret;
}

int qemu_domain_restore(vireo_conn *conn, const char *from, const char *dxml, unsigned int flags)
{
    qemu_drv *drv = qemu_conn_drv(conn);
    g_auto(qemu_save_image) img = { .fd = -1 };
    g_autoptr(domain_def) def = NULL;
    g_autoptr(dom_obj) dom = NULL;
    bool incomplete, added;
    int ret;

    if (!qemu_save_flags_ok(flags, __func__))
        return -1;
    if (qemu_save_image_open(from, &img, &incomplete) < 0 ||
        !(def = qemu_restore_def(drv, &img, dxml)) ||
        !(dom = qemu_restore_target(drv, &def, &added)))
        return -1;
    if (!added)
        return qemu_restore_existing(dom, def, &img, flags);
    /* a domain nobody defined: transient, gone again if the restore fails */
    ret = qemu_restore_into(dom, NULL, &img, flags);
    if (ret < 0) {
        g_mutex_lock(&drv->doms.lock);
        dom_table_remove(&drv->doms, dom);
        g_mutex_unlock(&drv->doms.lock);
    }
    dom_job_end(dom);
    return ret;
}

char *qemu_domain_save_image_get_xml_desc(vireo_conn *conn, const char *file, unsigned int flags)
{
    g_auto(qemu_save_image) img = { .fd = -1 };
    g_autoptr(domain_def) def = NULL;
    bool incomplete;

    (void)conn;
    if (!qemu_flags_ok(flags, VIREO_DOMAIN_XML_SECURE, __func__) ||
        qemu_save_image_open(file, &img, &incomplete) < 0)
        return NULL;
    if (!(def = domain_def_parse(img.xml, 0))) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "the domain XML in save image '%s' is not valid: %s", file,
                     error_last() ? error_last()->message : "unknown error");
        return NULL;
    }
    return domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE | (flags & VIREO_DOMAIN_XML_SECURE));
}

/* ---- managed save ---- */

char *qemu_managed_save_path(qemu_drv *drv, const char *name)
{
    return qemu_dom_path(drv, drv->save_dir, name, ".save");
}

bool qemu_managed_save_exists(const dom_obj *dom)
{
    g_autofree char *path = NULL;

    if (!dom->def)
        return false; /* transient domains have none */
    path = qemu_managed_save_path(qemu_dom_drv(dom), dom->def->name);
    return g_file_test(path, G_FILE_TEST_EXISTS);
}

int qemu_domain_managed_save(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    g_autofree char *path = NULL;
    int format, ret = -1;

    if (!qemu_flags_ok(flags, QEMU_SAVE_FLAGS, __func__) || !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if ((format = qemu_save_conf_format(qemu_dom_drv(dom), "save_image_format")) < 0 ||
        dom_job_begin(dom, "managed save", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    if (!dom->def)
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_INVALID,
                     "cannot do managed save for transient domain '%s'", handle->name);
    else
        path = qemu_managed_save_path(qemu_dom_drv(dom), dom->def->name);
    g_mutex_unlock(&dom->table->lock);
    if (path)
        ret = qemu_save_run(dom, path, NULL, flags, format);
    dom_job_end(dom);
    return ret;
}

int qemu_domain_managed_save_remove(vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    g_autofree char *path = NULL;
    int ret = 0;

    if (!qemu_flags_ok(flags, 0, __func__) || !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (dom_job_begin(dom, "managed save remove", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    g_mutex_lock(&dom->table->lock);
    path = qemu_managed_save_path(qemu_dom_drv(dom), dom_obj_current(dom)->name);
    g_mutex_unlock(&dom->table->lock);
    if (unlink(path) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "Failed to remove managed save file '%s'",
                            path);
        ret = -1;
    }
    dom_job_end(dom);
    return ret;
}

/* Open dom's managed save image for a start.  1: none to use (boot),
 * 0: img open, -1: error. */
static int qemu_managed_save_open(dom_obj *dom, const char *path, unsigned int flags,
                                  qemu_save_image *img)
{
    bool incomplete;

    if (!g_file_test(path, G_FILE_TEST_EXISTS))
        return 1;
    if (flags & VIREO_DOMAIN_START_FORCE_BOOT) {
        if (unlink(path) < 0) {
            error_report_system(VIREO_FROM_QEMU, errno, "cannot remove managed save file '%s'",
                                path);
            return -1;
        }
        return 1;
    }
    if (qemu_save_image_open(path, img, &incomplete) == 0)
        return 0;
    if (incomplete) {
        /* a save that never finished: nothing to resume (libvirt too) */
        log_warn("%s: ignoring the incomplete managed save image '%s'", dom->def->name, path);
        error_reset();
        unlink(path);
        return 1;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                 "cannot start domain '%s' from its managed save image: %s "
                 "(start with --force-boot to discard it)",
                 dom->def->name, qemu_save_cause("unreadable"));
    return -1;
}

int qemu_managed_save_start(dom_obj *dom, unsigned int flags)
{
    g_auto(qemu_save_image) img = { .fd = -1 };
    g_autoptr(domain_def) def = NULL;
    g_autofree char *path = NULL;
    int rc;

    g_mutex_lock(&dom->table->lock);
    if (dom->def)
        path = qemu_managed_save_path(qemu_dom_drv(dom), dom->def->name);
    g_mutex_unlock(&dom->table->lock);
    if (!path || (rc = qemu_managed_save_open(dom, path, flags, &img)) != 0)
        return path ? rc : 1;
    if (!(def = qemu_restore_def(qemu_dom_drv(dom), &img, NULL)))
        return -1;
    if (strcmp(def->name, dom->def->name) != 0 ||
        memcmp(def->uuid, dom->def->uuid, sizeof(def->uuid)) != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_FAILED,
                     "managed save image '%s' holds domain '%s', not '%s'", path, def->name,
                     dom->def->name);
        return -1;
    }
    if (qemu_restore_into(dom, def, &img,
                          (flags & VIREO_DOMAIN_START_PAUSED) ? VIREO_DOMAIN_SAVE_PAUSED : 0) < 0)
        return -1;
    if (unlink(path) < 0)
        log_warn("%s: cannot remove the managed save image '%s': %s", def->name, path,
                 g_strerror(errno));
    return 0;
}

/* ---- core dumps ---- */

/* Guest memory as ELF into fd (dump-guest-memory, detached, polled). */
static int qemu_dump_memory(qemu_proc *proc, int fd, const char *name)
{
    if (qemu_save_start_with_fd(proc, fd, "dump-guest-memory",
                                json_pack("{s:b,s:s,s:b,s:s}", "paging", 0, "protocol",
                                          "fd:" QEMU_SAVE_FDNAME, "detach", 1, "format",
                                          "elf")) < 0)
        return -1;
    return qemu_save_poll(proc, "query-dump", "the memory dump", name);
}

/* on_crash=coredump-*: the memory of a panicked guest to the dump
 * folder (libvirt's auto_dump_path under the root), named NAME-TIME. */
void qemu_crash_dump(dom_obj *dom)
{
    g_autofree char *root = g_path_get_dirname(qemu_dom_drv(dom)->save_dir);
    g_autofree char *dir = g_build_filename(root, "dump", NULL);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d-%H:%M:%S");
    const char *name = dom_obj_current(dom)->name;
    g_autofree char *path = g_strdup_printf("%s/%s-%s", dir, name, stamp);
    int fd = -1;

    if (g_mkdir_with_parents(dir, 0700) < 0 ||
        (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
        log_error("%s: cannot write a crash dump to '%s': %s", name, path, g_strerror(errno));
        return;
    }
    if (qemu_dump_memory(qemu_dom_of(dom)->proc, fd, name) < 0 || fsync(fd) < 0) {
        log_error("%s: crash dump to '%s' failed: %s", name, path,
                  error_last() ? error_last()->message : g_strerror(errno));
        unlink(path);
    } else {
        log_info("%s: crash dump written to '%s'", name, path);
    }
    close(fd);
}

static bool qemu_dump_flags_ok(unsigned int flags)
{
    if (!qemu_flags_ok(flags, QEMU_DUMP_FLAGS, "qemu_domain_core_dump"))
        return false;
    if ((flags & VIREO_DUMP_CRASH) && (flags & VIREO_DUMP_LIVE)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "--live and --crash are mutually exclusive");
        return false;
    }
    if ((flags & VIREO_DUMP_CRASH) && (flags & VIREO_DUMP_RESET)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INVALID_ARG,
                     "--crash and --reset are mutually exclusive");
        return false;
    }
    return true;
}

/* After the dump: crash (destroy), reset, resume as asked. */
static int qemu_dump_after(dom_obj *dom, unsigned int flags, bool resume)
{
    qemu_proc *proc = qemu_dom_of(dom)->proc;
    json_t *r;

    if (flags & VIREO_DUMP_CRASH)
        return qemu_save_stop_qemu(dom, VIREO_DOMAIN_SHUTOFF_CRASHED,
                                   VIREO_DOMAIN_EVENT_STOPPED_CRASHED);
    if (flags & VIREO_DUMP_RESET) {
        if (!(r = qmp_call(proc->mon, "system_reset", NULL, QEMU_MONITOR_TIMEOUT_MS)))
            return -1;
        json_decref(r);
    }
    return resume ? qemu_save_resume(dom) : 0;
}

/* Dump dom (job held) into path. */
static int qemu_dump_run(dom_obj *dom, const char *path, unsigned int flags)
{
    g_autofree char *name = NULL;
    bool was_running, paused = false;
    qemu_proc *proc;
    int fd, format = QEMU_SAVE_RAW, rc = 0;

    if (!(proc = qemu_save_active(dom, &was_running, &name)))
        return -1;
    if (!(flags & VIREO_DUMP_MEMORY_ONLY) &&
        (format = qemu_save_conf_format(qemu_dom_drv(dom), "dump_image_format")) < 0)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "failed to create '%s'", path);
        return -1;
    }
    if (was_running && !(flags & VIREO_DUMP_LIVE)) {
        rc = qemu_save_pause(dom, QEMU_PAUSED_DUMP);
        paused = rc == 0;
    }
    if (rc == 0 && (flags & VIREO_DUMP_MEMORY_ONLY))
        rc = qemu_dump_memory(proc, fd, name);
    else if (rc == 0)
        rc = qemu_save_stream_out(proc, fd, format, path, name);
    if (rc == 0 && fdatasync(fd) < 0)
        rc = -1, error_report_system(VIREO_FROM_QEMU, errno, "cannot write '%s'", path);
    close(fd);
    if (rc < 0) {
        g_autoptr(vireo_error) saved = error_save();

        unlink(path);
        if (paused || (was_running && !(flags & VIREO_DUMP_MEMORY_ONLY)))
            qemu_save_resume(dom);
        error_restore(g_steal_pointer(&saved));
        return -1;
    }
    /* a migration stream ends with QEMU paused, even a live one */
    return qemu_dump_after(dom, flags,
                           was_running && (paused || !(flags & VIREO_DUMP_MEMORY_ONLY)));
}

int qemu_domain_core_dump(vireo_domain *handle, const char *to, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    int ret;

    if (!qemu_dump_flags_ok(flags) || !(dom = qemu_dom_from_handle(handle)))
        return -1;
    if (dom_job_begin(dom, "dump", qemu_dom_drv(dom)->job_timeout_ms) < 0)
        return -1;
    ret = qemu_dump_run(dom, to, flags);
    dom_job_end(dom);
    return ret;
}
