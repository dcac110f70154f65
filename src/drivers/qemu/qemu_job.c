/*
 * qemu_job.c: each domain's queue of changing jobs.
 *
 * One changing call at a time per domain (start, destroy, suspend, a
 * clean-up after QEMU exited...).  The others wait on the domain's
 * condition at most the driver's job timeout, then fail naming the job
 * that holds the domain, so a QEMU that stopped answering delays its own
 * domain's changes and nothing else.  Reading calls never take a job.
 */
#include "drivers/qemu/qemu_priv.h"
#include "util/error.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.job"

int qemu_job_begin(qemu_dom *dom, const char *job, int timeout_ms)
{
    qemu_drv *drv = dom->drv;
    gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
    const domain_def *def;
    int ret = -1;

    g_mutex_lock(&drv->lock);
    while (dom->job && !dom->removed) {
        if (timeout_ms < 0) {
            g_cond_wait(&dom->job_cond, &drv->lock);
        } else if (!g_cond_wait_until(&dom->job_cond, &drv->lock, deadline) && dom->job) {
            def = qemu_dom_current(dom);
            log_warn("%s: %s waited %d ms for the job %s", def->name, job, timeout_ms,
                     dom->job);
            error_report(VIREO_FROM_QEMU, VIREO_ERR_OPERATION_TIMEOUT,
                         "cannot acquire state change lock (held by %s) on domain '%s'",
                         dom->job, def->name);
            goto out;
        }
    }
    if (dom->removed) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     qemu_dom_current(dom)->name);
        goto out;
    }
    dom->job = job;
    ret = 0;
 out:
    g_mutex_unlock(&drv->lock);
    return ret;
}

void qemu_job_end(qemu_dom *dom)
{
    qemu_drv *drv = dom->drv;

    g_mutex_lock(&drv->lock);
    dom->job = NULL;
    /* every waiter re-checks; the first to wake takes the job */
    g_cond_broadcast(&dom->job_cond);
    g_mutex_unlock(&drv->lock);
}
