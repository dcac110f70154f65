/*
 * test_lifecycle.c: the test driver's calls that change domains:
 * define, undefine, start, create from XML, destroy, shutdown, reboot,
 * suspend, resume.  States, reasons and events are libvirt's numbers.
 *
 * Skeleton of every entry: check flags, take the node lock, find the
 * domain, check its state, change it, queue the event, release.
 *
 * Wrong-state calls fail with VIREO_ERR_OPERATION_INVALID and a message
 * naming the domain and its state.  libvirt's test driver reports some
 * of them as INTERNAL_ERROR ("domain 'web' not running"); its qemu
 * driver, and vireo, use OPERATION_INVALID, which clients can act on.
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/test/test_node.h"
#include "util/error.h"

/* libvirt flag bits accepted and ignored: nothing to act on in memory */
#define TEST_UNDEFINE_FLAGS 0x7fu   /* managed save, snapshots, nvram, checkpoints, tpm */
#define TEST_START_FLAGS (VIREO_DOMAIN_START_PAUSED | 0x1cu) /* + bypass cache, force boot, validate */
#define TEST_SHUTDOWN_FLAGS 0x1fu   /* acpi, agent, initctl, signal, paravirt */

static const char *test_state_name(int state)
{
    static const char *const names[] = {
        "no state", "running", "blocked", "paused", "being shut down", "shut off", "crashed",
        "suspended by guest power management",
    };

    return state >= 0 && state < (int)G_N_ELEMENTS(names) ? names[state] : "in an unknown state";
}

/* Report that dom is not in the state a call needs. */
static void test_state_error(const test_dom *dom, const char *what)
{
    const char *name = test_dom_current(dom)->name;

    if (!test_dom_is_active(dom))
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running",
                     name);
    else
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID, "domain '%s' is %s, not %s",
                     name, test_state_name(dom->state), what);
}

/* Stop dom and queue the STOPPED event, which libvirt sends after the
 * stop (id -1).  A transient dom is gone afterwards. */
static void test_dom_stop_emit(test_node *node, test_dom *dom, int reason, int detail)
{
    const domain_def *def = test_dom_current(dom);
    g_autofree char *name = g_strdup(def->name);
    unsigned char uuid[VIREO_UUID_BUFLEN];

    memcpy(uuid, def->uuid, VIREO_UUID_BUFLEN);
    test_dom_stop(node, dom, reason);
    event_emit_lifecycle(node, name, uuid, -1, VIREO_DOMAIN_EVENT_STOPPED, detail);
}

/* Store a new persistent definition; returns the event detail. */
static int test_define_store(test_node *node, test_dom *existing, domain_def *def,
                             test_dom **out)
{
    if (!existing) {
        test_dom *dom = g_new0(test_dom, 1);

        dom->def = def;
        dom->state = VIREO_DOMAIN_SHUTOFF;
        dom->reason = VIREO_DOMAIN_SHUTOFF_UNKNOWN;
        test_node_add(node, dom);
        *out = dom;
        return VIREO_DOMAIN_EVENT_DEFINED_ADDED;
    }
    *out = existing;
    if (!existing->def) {
        /* a running transient domain becomes persistent */
        existing->def = def;
        existing->updated = true;
        return VIREO_DOMAIN_EVENT_DEFINED_ADDED;
    }
    domain_def_free(existing->def);
    existing->def = def;
    /* a running domain keeps its live definition until it stops */
    if (test_dom_is_active(existing))
        existing->updated = true;
    return VIREO_DOMAIN_EVENT_DEFINED_UPDATED;
}

vireo_domain *test_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    test_node *node = test_conn_node(conn);
    g_autoptr(domain_def) def = NULL;
    vireo_domain *handle = NULL;
    test_dom *existing, *dom;
    int detail;

    if (!test_flags_ok(flags, VIREO_DOMAIN_DEFINE_VALIDATE, __func__))
        return NULL;
    def = test_def_parse(xml, 0);
    if (!def)
        return NULL;
    g_mutex_lock(&node->lock);
    if (test_node_check_clash(node, def, &existing) == 0) {
        detail = test_define_store(node, existing, g_steal_pointer(&def), &dom);
        test_dom_emit(node, dom, VIREO_DOMAIN_EVENT_DEFINED, detail);
        handle = test_dom_handle(conn, dom);
    }
    g_mutex_unlock(&node->lock);
    return handle;
}

int test_domain_undefine(vireo_domain *handle, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    if (!test_flags_ok(flags, TEST_UNDEFINE_FLAGS, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && !dom->def) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID,
                     "cannot undefine transient domain '%s'", handle->name);
    } else if (dom) {
        test_dom_emit(node, dom, VIREO_DOMAIN_EVENT_UNDEFINED,
                      VIREO_DOMAIN_EVENT_UNDEFINED_REMOVED);
        if (test_dom_is_active(dom)) {
            /* it keeps running, as a transient domain */
            g_clear_pointer(&dom->def, domain_def_free);
            dom->autostart = false;
            dom->updated = false;
        } else {
            test_node_remove(node, dom);
        }
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

/* Start dom (defined or just created) and queue its events. */
static int test_dom_boot(test_node *node, test_dom *dom, unsigned int flags)
{
    if (test_dom_start(node, dom, VIREO_DOMAIN_RUNNING_BOOTED) < 0)
        return -1;
    test_dom_emit(node, dom, VIREO_DOMAIN_EVENT_STARTED, VIREO_DOMAIN_EVENT_STARTED_BOOTED);
    if (flags & VIREO_DOMAIN_START_PAUSED) {
        dom->state = VIREO_DOMAIN_PAUSED;
        dom->reason = VIREO_DOMAIN_PAUSED_USER;
        test_dom_emit(node, dom, VIREO_DOMAIN_EVENT_SUSPENDED,
                      VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
    return 0;
}

int test_domain_create(vireo_domain *handle, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    if (!test_flags_ok(flags, TEST_START_FLAGS, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && test_dom_is_active(dom))
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID,
                     "domain '%s' is already running", handle->name);
    else if (dom)
        ret = test_dom_boot(node, dom, flags);
    g_mutex_unlock(&node->lock);
    return ret;
}

vireo_domain *test_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags)
{
    test_node *node = test_conn_node(conn);
    g_autoptr(domain_def) def = NULL;
    vireo_domain *handle = NULL;
    test_dom *dom;

    if (!test_flags_ok(flags, TEST_START_FLAGS, __func__))
        return NULL;
    def = test_def_parse(xml, 0);
    if (!def)
        return NULL;
    g_mutex_lock(&node->lock);
    if (test_node_check_clash(node, def, &dom) < 0)
        goto out;
    if (dom && test_dom_is_active(dom)) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID,
                     "domain '%s' is already running", def->name);
        goto out;
    }
    if (!dom) {
        dom = g_new0(test_dom, 1);
        dom->live = g_steal_pointer(&def);
        test_node_add(node, dom);
    } else {
        /* a defined, inactive domain runs this definition once */
        dom->live = g_steal_pointer(&def);
    }
    if (test_dom_boot(node, dom, flags) == 0)
        handle = test_dom_handle(conn, dom);
 out:
    g_mutex_unlock(&node->lock);
    return handle;
}

int test_domain_destroy(vireo_domain *handle, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    if (!test_flags_ok(flags, 1 /* graceful */, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && !test_dom_is_active(dom)) {
        test_state_error(dom, "running");
    } else if (dom) {
        test_dom_stop_emit(node, dom, VIREO_DOMAIN_SHUTOFF_DESTROYED,
                           VIREO_DOMAIN_EVENT_STOPPED_DESTROYED);
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

int test_domain_shutdown(vireo_domain *handle, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    if (!test_flags_ok(flags, TEST_SHUTDOWN_FLAGS, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && dom->state != VIREO_DOMAIN_RUNNING) {
        test_state_error(dom, "running");
    } else if (dom) {
        /* the guest powers off at once; libvirt's test driver sends only
         * STOPPED_SHUTDOWN (no SHUTDOWN_FINISHED before it): same here */
        test_dom_stop_emit(node, dom, VIREO_DOMAIN_SHUTOFF_SHUTDOWN,
                           VIREO_DOMAIN_EVENT_STOPPED_SHUTDOWN);
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

int test_domain_reboot(vireo_domain *handle, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    const domain_def *def;
    test_dom *dom;
    int ret = -1;

    if (!test_flags_ok(flags, TEST_SHUTDOWN_FLAGS, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && dom->state != VIREO_DOMAIN_RUNNING) {
        test_state_error(dom, "running");
    } else if (dom) {
        /* the guest restarts in place: same id, freshly booted */
        dom->reason = VIREO_DOMAIN_RUNNING_BOOTED;
        def = test_dom_current(dom);
        event_emit_reboot(node, def->name, def->uuid, def->id);
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

int test_domain_suspend(vireo_domain *handle)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && dom->state == VIREO_DOMAIN_PAUSED) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID,
                     "domain '%s' is already paused", handle->name);
    } else if (dom && dom->state != VIREO_DOMAIN_RUNNING) {
        test_state_error(dom, "running");
    } else if (dom) {
        dom->state = VIREO_DOMAIN_PAUSED;
        dom->reason = VIREO_DOMAIN_PAUSED_USER;
        test_dom_emit(node, dom, VIREO_DOMAIN_EVENT_SUSPENDED,
                      VIREO_DOMAIN_EVENT_SUSPENDED_PAUSED);
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

int test_domain_resume(vireo_domain *handle)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && dom->state != VIREO_DOMAIN_PAUSED) {
        test_state_error(dom, "paused");
    } else if (dom) {
        dom->state = VIREO_DOMAIN_RUNNING;
        dom->reason = VIREO_DOMAIN_RUNNING_UNPAUSED;
        test_dom_emit(node, dom, VIREO_DOMAIN_EVENT_RESUMED,
                      VIREO_DOMAIN_EVENT_RESUMED_UNPAUSED);
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}
