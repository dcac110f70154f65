/*
 * storage_iscsi_session.c: libiscsi's asynchronous API driven by poll()
 * up to a deadline (see storage_iscsi_session.h).
 *
 * libiscsi may call a callback after the call that started it has given
 * up (the connect callback again when the connection drops, a task's
 * callback with CANCELLED from iscsi_destroy_context), so the state a
 * callback writes lives in the session, never on a caller's stack, and a
 * task handed over late is freed at close.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "drivers/storage/storage_iscsi_session.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "storage.iscsi"

typedef struct scsi_task scsi_task_t;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(scsi_task_t, scsi_free_scsi_task)

/* Logout is a courtesy to the target: never wait long for it. */
#define ISCSI_LOGOUT_MS 2000
/* A freshly logged-in LUN answers UNIT ATTENTION a few times first. */
#define ISCSI_TUR_TRIES 5

/* What the callback of the step in flight reports. */
typedef struct iscsi_op {
    bool done;
    int status;             /* SCSI_STATUS_* */
    struct scsi_task *task; /* owned until a step takes it */
    char **targets;         /* discovery: copied target names (owned) */
    char *error;            /* libiscsi's message when it failed (owned):
                             * later servicing overwrites iscsi_get_error */
} iscsi_op;

struct iscsi_session {
    struct iscsi_context *ctx;  /* owned */
    char *who;                  /* owned */
    char *portal;               /* owned */
    gint64 deadline;
    int budget_ms;              /* deadline - start, for messages */
    bool logged_in;
    bool broken;                /* a step failed: no polite logout */
    iscsi_op connect;           /* the connect callback may come twice */
    iscsi_op op;                /* the step in flight */
};

static void op_reset(iscsi_op *op)
{
    if (op->task)
        scsi_free_scsi_task(op->task);
    g_strfreev(op->targets);
    g_free(op->error);
    memset(op, 0, sizeof(*op));
}

static void op_done(iscsi_op *op, struct iscsi_context *ctx, int status)
{
    op->done = true;
    op->status = status;
    if (status != SCSI_STATUS_GOOD && !op->error)
        op->error = g_strdup(iscsi_get_error(ctx));
}

static void connect_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    iscsi_session *s = priv;

    (void)data;
    op_done(&s->connect, ctx, status);
}

static void step_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    iscsi_session *s = priv;

    (void)data;
    op_done(&s->op, ctx, status);
}

static void task_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    iscsi_session *s = priv;

    if (s->op.task && s->op.task != data)
        scsi_free_scsi_task(s->op.task);
    s->op.task = data;
    op_done(&s->op, ctx, status);
}

/* The discovery list lives only during the callback: copy the names. */
static void discovery_cb(struct iscsi_context *ctx, int status, void *data, void *priv)
{
    iscsi_session *s = priv;
    GPtrArray *names = g_ptr_array_new();

    if (status == SCSI_STATUS_GOOD) {
        for (struct iscsi_discovery_address *a = data; a; a = a->next)
            g_ptr_array_add(names, g_strdup(a->target_name));
    }
    g_ptr_array_add(names, NULL);
    g_strfreev(s->op.targets);
    s->op.targets = (char **)g_ptr_array_free(names, FALSE);
    op_done(&s->op, ctx, status);
}

/* op: the step that failed, whose own message is the cause (or NULL) */
static void report_failed(iscsi_session *s, const iscsi_op *op, const char *step)
{
    s->broken = true;
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED, "%s: iSCSI %s at %s failed: %s",
                 s->who, step, s->portal,
                 op && op->error ? op->error : iscsi_get_error(s->ctx));
}

/* Serve the connection until op is done or the deadline passes. */
static int session_serve(iscsi_session *s, iscsi_op *op, gint64 deadline, const char *step)
{
    while (!op->done) {
        gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
        struct pollfd pfd = { .fd = iscsi_get_fd(s->ctx) };
        int n;

        if (left_ms <= 0) {
            s->broken = true;
            error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_TIMEOUT,
                         "%s: iSCSI %s at %s did not finish within %d ms", s->who, step,
                         s->portal, s->budget_ms);
            return -1;
        }
        /* short slices: libiscsi times its PDUs out only when served */
        pfd.events = (short)iscsi_which_events(s->ctx);
        if (pfd.fd < 0 || pfd.events == 0) {
            g_usleep(MIN(left_ms, 100) * 1000);
            n = 0;
        } else if ((n = poll(&pfd, 1, (int)MIN(left_ms, 100))) < 0) {
            if (errno == EINTR)
                continue;
            s->broken = true;
            error_report_system(VIREO_FROM_STORAGE, errno, "%s: poll on iSCSI portal %s",
                                s->who, s->portal);
            return -1;
        }
        if (iscsi_service(s->ctx, n > 0 ? pfd.revents : 0) < 0 && !op->done) {
            report_failed(s, op, step);
            return -1;
        }
    }
    return 0;
}

/* session_serve, then the step must have succeeded. */
static int session_wait(iscsi_session *s, iscsi_op *op, gint64 deadline, const char *step)
{
    if (session_serve(s, op, deadline, step) < 0)
        return -1;
    if (op->status != SCSI_STATUS_GOOD) {
        report_failed(s, op, step);
        return -1;
    }
    return 0;
}

iscsi_session *iscsi_session_open(const iscsi_login *login, gint64 deadline)
{
    g_autoptr(iscsi_session) s = g_new0(iscsi_session, 1);

    s->who = g_strdup(login->who);
    s->portal = g_strdup(login->portal);
    s->deadline = deadline;
    s->budget_ms = (int)MAX(0, (deadline - g_get_monotonic_time()) / 1000);
    if (!(s->ctx = iscsi_create_context(login->initiator))) {
        error_report(VIREO_FROM_STORAGE, VIREO_ERR_INTERNAL_ERROR,
                     "%s: cannot make an iSCSI context for initiator '%s'", s->who,
                     login->initiator);
        return NULL;
    }
    /* a dropped session is an error for the caller, not a silent retry */
    iscsi_set_noautoreconnect(s->ctx, 1);
    if (iscsi_set_session_type(s->ctx, login->target ? ISCSI_SESSION_NORMAL
                                                     : ISCSI_SESSION_DISCOVERY) < 0 ||
        (login->target && iscsi_set_targetname(s->ctx, login->target) < 0) ||
        (login->chap_user &&
         iscsi_set_initiator_username_pwd(s->ctx, login->chap_user, login->chap_password) < 0)) {
        report_failed(s, NULL, "session setup");
        return NULL;
    }
    log_debug("%s: connecting to %s (target %s)", s->who, s->portal,
              login->target ? login->target : "discovery");
    if (iscsi_connect_async(s->ctx, s->portal, connect_cb, s) < 0) {
        report_failed(s, NULL, "connect");
        return NULL;
    }
    if (session_wait(s, &s->connect, deadline, "connect") < 0)
        return NULL;
    if (iscsi_login_async(s->ctx, step_cb, s) < 0) {
        report_failed(s, NULL, "login");
        return NULL;
    }
    if (session_wait(s, &s->op, deadline, "login") < 0)
        return NULL;
    s->logged_in = true;
    return g_steal_pointer(&s);
}

void iscsi_session_close(iscsi_session *s)
{
    if (!s)
        return;
    if (s->ctx && s->logged_in && !s->broken) {
        vireo_error *saved = error_save();

        op_reset(&s->op);
        if (iscsi_logout_async(s->ctx, step_cb, s) == 0)
            (void)session_wait(s, &s->op, g_get_monotonic_time() + ISCSI_LOGOUT_MS * 1000,
                               "logout");
        error_reset();
        error_restore(saved);
    }
    /* may call back with CANCELLED for a task still in flight */
    if (s->ctx)
        iscsi_destroy_context(s->ctx);
    op_reset(&s->op);
    op_reset(&s->connect);
    g_free(s->who);
    g_free(s->portal);
    g_free(s);
}

/* Wait for started (NULL: it could not be queued) and hand its task over.
 * any_status: a task that ended in CHECK CONDITION is returned too. */
static struct scsi_task *session_task(iscsi_session *s, struct scsi_task *started,
                                      const char *step, bool any_status)
{
    if (!started) {
        report_failed(s, NULL, step);
        return NULL;
    }
    if (!any_status)
        return session_wait(s, &s->op, s->deadline, step) < 0 ? NULL
                                                               : g_steal_pointer(&s->op.task);
    if (session_serve(s, &s->op, s->deadline, step) < 0)
        return NULL;
    if (s->op.status != SCSI_STATUS_GOOD && s->op.status != SCSI_STATUS_CHECK_CONDITION) {
        report_failed(s, &s->op, step);
        return NULL;
    }
    return g_steal_pointer(&s->op.task);
}

GArray *iscsi_session_luns(iscsi_session *s)
{
    int alloc = 64;

    for (int round = 0; round < 2; round++) {
        g_autoptr(scsi_task_t) task = NULL;
        struct scsi_reportluns_list *list;
        GArray *luns;
        int full;

        op_reset(&s->op);
        task = session_task(s, iscsi_reportluns_task(s->ctx, 0, alloc, task_cb, s),
                            "REPORT LUNS", false);
        if (!task)
            return NULL;
        full = scsi_datain_getfullsize(task);
        if (full > task->datain.size && round == 0) {
            alloc = full;
            continue;
        }
        if (!(list = scsi_datain_unmarshall(task))) {
            report_failed(s, NULL, "REPORT LUNS reply");
            return NULL;
        }
        luns = g_array_sized_new(FALSE, FALSE, sizeof(guint), list->num);
        for (uint32_t i = 0; i < list->num; i++) {
            guint lun = list->luns[i];

            g_array_append_val(luns, lun);
        }
        return luns;
    }
    return NULL; /* not reached: round 1 always returns */
}

/* TEST UNIT READY until the LUN stops reporting UNIT ATTENTION (it does
 * after a login or a reset). */
static int session_lun_ready(iscsi_session *s, unsigned int lun)
{
    for (int i = 0; i < ISCSI_TUR_TRIES; i++) {
        g_autoptr(scsi_task_t) task = NULL;

        op_reset(&s->op);
        task = session_task(s, iscsi_testunitready_task(s->ctx, (int)lun, task_cb, s),
                            "TEST UNIT READY", true);
        if (!task)
            return -1;
        if (task->status == SCSI_STATUS_GOOD)
            return 0;
        if (task->sense.key != SCSI_SENSE_UNIT_ATTENTION)
            break;
    }
    error_report(VIREO_FROM_STORAGE, VIREO_ERR_OPERATION_FAILED,
                 "%s: LUN %u at %s is not ready: %s", s->who, lun, s->portal,
                 iscsi_get_error(s->ctx));
    return -1;
}

int iscsi_session_lun_size(iscsi_session *s, unsigned int lun, uint64_t *bytes)
{
    g_autoptr(scsi_task_t) task = NULL;
    struct scsi_inquiry_standard *inq;
    struct scsi_readcapacity16 *rc;

    *bytes = 0;
    op_reset(&s->op);
    task = session_task(s, iscsi_inquiry_task(s->ctx, (int)lun, 0, 0, 64, task_cb, s),
                        "INQUIRY", false);
    if (!task)
        return -1;
    if (!(inq = scsi_datain_unmarshall(task))) {
        report_failed(s, NULL, "INQUIRY reply");
        return -1;
    }
    /* only disks have a capacity (LUN 0 of tgt is a controller) */
    if (inq->device_type != SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS)
        return 0;
    g_clear_pointer(&task, scsi_free_scsi_task);
    if (session_lun_ready(s, lun) < 0)
        return -1;
    op_reset(&s->op);
    task = session_task(s, iscsi_readcapacity16_task(s->ctx, (int)lun, task_cb, s),
                        "READ CAPACITY", false);
    if (!task)
        return -1;
    if (!(rc = scsi_datain_unmarshall(task))) {
        report_failed(s, NULL, "READ CAPACITY reply");
        return -1;
    }
    /* returned_lba is the last block's address, not the count */
    *bytes = (rc->returned_lba + 1) * (uint64_t)rc->block_length;
    return 0;
}

char **iscsi_session_discover(iscsi_session *s)
{
    op_reset(&s->op);
    if (iscsi_discovery_async(s->ctx, discovery_cb, s) < 0) {
        report_failed(s, NULL, "discovery");
        return NULL;
    }
    if (session_wait(s, &s->op, s->deadline, "discovery") < 0)
        return NULL;
    return g_steal_pointer(&s->op.targets);
}
