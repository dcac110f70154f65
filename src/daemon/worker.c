/*
 * worker.c: the pool of threads that run calls.
 *
 * Each CALL becomes one job: look the procedure up, check what its entry
 * demands (an open connection, a read-write socket), decode the
 * arguments, run it, and queue the REPLY (or an ERROR reply built from
 * the thread's error) with the call's serial.  Calls of one client run
 * side by side; replies go out in the order they finish.  Calls that only
 * read memory (read-only, high priority) run on the main loop instead.
 */
#include <string.h>
#include <unistd.h>

#include "daemon/acl.h"
#include "daemon/audit.h"
#include "daemon/daemon_priv.h"
#include "daemon/dispatch.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "daemon.worker"

typedef struct worker_job {
    daemon_client *client;  /* one reference */
    rpc_header hdr;
    GByteArray *pkt;        /* owned: the whole CALL */
} worker_job;

static void worker_job_free(worker_job *job)
{
    client_call_done(job->client);
    client_unref(job->client);
    g_byte_array_unref(job->pkt);
    g_free(job);
}

/* Whether proc may run for c now; reports why not. */
static bool worker_allowed(daemon_client *c, const rpc_header *hdr, const dispatch_proc *proc)
{
    if (!proc) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_NO_SUPPORT, "unknown procedure: %d", hdr->proc);
        return false;
    }
    if (!daemon_client_authenticated(c) && !g_str_has_prefix(proc->name, "AUTH_")) {
        /* libvirt answers RPC, not AUTH_FAILED, for old clients' sake */
        error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "authentication required");
        audit_call(c, proc, NULL, error_last());
        return false;
    }
    if (proc->needs_conn && !daemon_client_conn(c)) {
        error_report(VIREO_FROM_REMOTE, VIREO_ERR_INTERNAL_ERROR, "connection not open");
        return false;
    }
    if (c->kind == LISTEN_RO && !proc->read_only) {
        g_autofree char *api = dispatch_api_name(proc->name);

        error_report(VIREO_FROM_REMOTE, VIREO_ERR_OPERATION_DENIED,
                     "read only access prevents %s", api);
        audit_call(c, proc, NULL, error_last());
        return false;
    }
    return true;
}

/* Check the access rules (acl.c), run proc, and audit what changes
 * things or was refused.  0, or -1 with the thread's error set. */
static int worker_call(daemon_client *c, const rpc_header *hdr, const dispatch_proc *proc,
                       void *args, void *ret)
{
    acl_object obj;
    bool allowed;
    int rc = -1;

    acl_object_of_call(proc, args, &obj);
    allowed = acl_check_call(c, proc, args, &obj);
    if (allowed) {
        acl_call_enter(proc);
        rc = proc->fn(c, hdr, args, ret);
        acl_call_leave();
    }
    if (!allowed || !proc->read_only)
        audit_call(c, proc, &obj, rc < 0 ? error_last() : NULL);
    acl_object_clear(&obj);
    return rc;
}

/* Descriptors the running call's reply carries (dispatch_reply_fds). */
static _Thread_local GArray *worker_reply_fds;

static void worker_fds_close(GArray *fds)
{
    for (guint i = 0; fds && i < fds->len; i++)
        close(g_array_index(fds, int, i));
    if (fds)
        g_array_unref(fds);
}

void dispatch_reply_fds(GArray *fds)
{
    worker_fds_close(worker_reply_fds);
    worker_reply_fds = fds;
}

/* Run proc; the reply packet, or NULL with the thread's error set.
 * *fds: the descriptors to send after it (REPLY_WITH_FDS), or NULL. */
static GByteArray *worker_run(daemon_client *c, const rpc_header *hdr, const dispatch_proc *proc,
                              const GByteArray *call, GArray **fds)
{
    g_autofree void *args = g_malloc0(MAX(proc->args_size, 1));
    g_autofree void *ret = g_malloc0(MAX(proc->ret_size, 1));
    rpc_header rh = wire_reply_header(hdr, RPC_OK);
    g_autoptr(GByteArray) pkt = NULL;
    u_int nfds;
    int rc;

    rc = rpc_packet_decode(call->data, call->len, proc->args_filter, args);
    if (rc < 0) {
        xdr_free(proc->args_filter, args);
        if (rc == RPC_DECODE_STRING_LIMIT)
            client_refused_string(c, hdr);  /* its error names the limit */
        else
            error_report(VIREO_FROM_RPC, VIREO_ERR_RPC, "Unable to decode message payload");
        return NULL;
    }
    rc = worker_call(c, hdr, proc, args, ret);
    xdr_free(proc->args_filter, args);
    *fds = g_steal_pointer(&worker_reply_fds);
    if (rc < 0) {
        worker_fds_close(g_steal_pointer(fds));
        return NULL;
    }
    /* libvirt's: a count between header and body, the fds after */
    nfds = *fds ? (*fds)->len : 0;
    if (nfds)
        rh.type = RPC_REPLY_WITH_FDS;
    pkt = rpc_packet_new(&rh);
    rc = nfds ? rpc_packet_encode(pkt, (xdrproc_t)xdr_u_int, &nfds) : 0;
    if (rc == 0)
        rc = rpc_packet_encode(pkt, proc->ret_filter, ret);
    xdr_free(proc->ret_filter, ret);
    if (rc < 0) {
        worker_fds_close(g_steal_pointer(fds));
        return NULL;
    }
    rpc_packet_finish(pkt, &rh);
    return g_steal_pointer(&pkt);
}

static void worker_run_job(gpointer data, gpointer user)
{
    worker_job *job = data;
    daemon_client *c = job->client;
    const dispatch_proc *proc = dispatch_lookup(&job->hdr);
    GByteArray *reply = NULL;
    GArray *fds = NULL;

    (void)user;
    error_reset();
    client_call_begin(c);
    if (worker_allowed(c, &job->hdr, proc))
        reply = worker_run(c, &job->hdr, proc, job->pkt, &fds);
    client_call_end(c);
    if (!reply) {
        const vireo_error *err = error_last();

        log_debug("client %d: %s (serial %u) failed: %s", c->id, proc ? proc->name : "?",
                  job->hdr.serial, err ? err->message : "no error set");
        reply = wire_error_reply(&job->hdr, err);
    }
    error_reset();
    client_queue_fds(c, reply, fds);    /* dropped if the client left meanwhile */
    worker_job_free(job);
}

void worker_submit(daemon_client *c, const rpc_header *hdr, GByteArray *pkt)
{
    worker_job *job = g_new0(worker_job, 1);
    const dispatch_proc *proc = dispatch_lookup(hdr);
    daemon_server *srv = c->srv;
    GThreadPool *pool = proc && proc->high_priority ? srv->prio_pool : srv->pool;

    job->client = client_ref(c);
    job->hdr = *hdr;
    job->pkt = pkt;
    client_call_started(c);
    /* A call that only reads what is in memory (lookups, info, XML,
     * lists) runs here on the main loop, its reply written at once: two
     * thread hand-overs would cost more than the call itself. */
    if (proc && proc->read_only && proc->high_priority && proc->needs_conn) {
        worker_run_job(job, NULL);
        return;
    }
    g_thread_pool_push(pool, job, NULL);
}

int worker_pools_start(daemon_server *srv)
{
    g_autoptr(GError) gerr = NULL;
    const daemon_config *cfg = srv->cfg;

    srv->pool = g_thread_pool_new(worker_run_job, NULL, cfg->max_workers, FALSE, &gerr);
    if (srv->pool)
        srv->prio_pool = g_thread_pool_new(worker_run_job, NULL, MAX(cfg->prio_workers, 1),
                                           FALSE, &gerr);
    if (!srv->prio_pool) {
        error_report(VIREO_FROM_RPC, VIREO_ERR_INTERNAL_ERROR, "cannot start workers: %s",
                     gerr->message);
        return -1;
    }
    /* idle threads kept for the next calls (GLib's setting is global) */
    g_thread_pool_set_max_unused_threads(MIN(cfg->min_workers, cfg->max_workers));
    return 0;
}

void worker_pools_stop(daemon_server *srv)
{
    /* finish what runs and what is queued: clients are closed already,
     * so their replies are dropped */
    if (srv->pool)
        g_thread_pool_free(g_steal_pointer(&srv->pool), FALSE, TRUE);
    if (srv->prio_pool)
        g_thread_pool_free(g_steal_pointer(&srv->prio_pool), FALSE, TRUE);
}
