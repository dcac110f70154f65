/*
 * test_domain.c: the test driver's calls that read domains: lookups,
 * lists, info, state, XML, autostart and the yes/no questions.
 *
 * Skeleton of every entry: take the node lock, find the domain the
 * handle names (VIREO_ERR_NO_DOMAIN when gone), read, release.
 */
#include <string.h>

#include "drivers/driver_common.h"
#include "drivers/test/test_node.h"
#include "util/error.h"
#include "util/uuid.h"

vireo_domain *test_domain_lookup_by_name(vireo_conn *conn, const char *name)
{
    test_node *node = test_conn_node(conn);
    vireo_domain *handle = NULL;
    test_dom *dom;

    g_mutex_lock(&node->lock);
    dom = test_node_find_name(node, name);
    if (dom)
        handle = test_dom_handle(conn, dom);
    else
        error_report(VIREO_FROM_TEST, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     name);
    g_mutex_unlock(&node->lock);
    return handle;
}

vireo_domain *test_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid)
{
    test_node *node = test_conn_node(conn);
    vireo_domain *handle = NULL;
    char uuidstr[VIREO_UUID_STRING_BUFLEN];
    test_dom *dom;

    g_mutex_lock(&node->lock);
    dom = test_node_find_uuid(node, uuid);
    if (dom)
        handle = test_dom_handle(conn, dom);
    g_mutex_unlock(&node->lock);
    if (!dom) {
        uuid_format(uuid, uuidstr);
        error_report(VIREO_FROM_TEST, VIREO_ERR_NO_DOMAIN, "no domain with matching uuid '%s'",
                     uuidstr);
    }
    return handle;
}

vireo_domain *test_domain_lookup_by_id(vireo_conn *conn, int id)
{
    test_node *node = test_conn_node(conn);
    vireo_domain *handle = NULL;
    test_dom *dom;

    g_mutex_lock(&node->lock);
    dom = test_node_find_id(node, id);
    if (dom)
        handle = test_dom_handle(conn, dom);
    g_mutex_unlock(&node->lock);
    if (!dom)
        error_report(VIREO_FROM_TEST, VIREO_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return handle;
}

static bool test_list_match(const test_dom *dom, unsigned int flags)
{
    /* the test driver keeps no managed save, snapshot or checkpoint */
    domain_list_facts f = {
        .state = dom->state,
        .active = test_dom_is_active(dom),
        .persistent = dom->def != NULL,
        .autostart = dom->autostart,
    };

    return domain_list_match(&f, flags);
}

static gint test_list_cmp(gconstpointer a, gconstpointer b)
{
    const test_dom *da = *(test_dom *const *)a;
    const test_dom *db = *(test_dom *const *)b;

    return strcmp(test_dom_current(da)->name, test_dom_current(db)->name);
}

int test_domain_list_all(vireo_conn *conn, vireo_domain ***domains, unsigned int flags)
{
    test_node *node = test_conn_node(conn);
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    vireo_domain **out;

    if (!test_flags_ok(flags, 0xffff, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    g_hash_table_iter_init(&it, node->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        if (test_list_match(value, flags))
            g_ptr_array_add(found, value);
    }
    g_ptr_array_sort(found, test_list_cmp);
    out = g_new0(vireo_domain *, found->len + 1);
    for (guint i = 0; i < found->len; i++)
        out[i] = test_dom_handle(conn, g_ptr_array_index(found, i));
    g_mutex_unlock(&node->lock);
    *domains = out;
    return (int)found->len;
}

int test_domain_get_info(vireo_domain *handle, vireo_domain_info *info)
{
    test_node *node = test_conn_node(handle->conn);
    const domain_def *def;
    test_dom *dom;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom) {
        def = test_dom_current(dom);
        info->state = (unsigned char)dom->state;
        info->max_mem = (unsigned long)def->memory_kib;
        info->memory = (unsigned long)def->current_memory_kib;
        info->nr_virt_cpu = (unsigned short)(def->vcpu.current ? def->vcpu.current
                                                               : def->vcpu.max);
        /* libvirt's test driver reports the wall clock as CPU time: it
         * only ever increases, which is what clients rely on */
        info->cpu_time = (unsigned long long)g_get_real_time() * 1000ULL;
    }
    g_mutex_unlock(&node->lock);
    return dom ? 0 : -1;
}

int test_domain_get_state(vireo_domain *handle, int *state, int *reason, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;

    if (!test_flags_ok(flags, 0, __func__))
        return -1;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom) {
        *state = dom->state;
        *reason = dom->reason;
    }
    g_mutex_unlock(&node->lock);
    return dom ? 0 : -1;
}

char *test_domain_get_os_type(vireo_domain *handle)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    g_mutex_unlock(&node->lock);
    /* libvirt's test driver answers "linux" whatever the XML says, and
     * `virsh dominfo` shows it: answer the same so outputs compare */
    return dom ? g_strdup("linux") : NULL;
}

char *test_domain_get_xml_desc(vireo_domain *handle, unsigned int flags)
{
    test_node *node = test_conn_node(handle->conn);
    const domain_def *def = NULL;
    char *xml = NULL;
    test_dom *dom;

    if (!test_flags_ok(flags, VIREO_DOMAIN_XML_SECURE | VIREO_DOMAIN_XML_INACTIVE |
                                  VIREO_DOMAIN_XML_UPDATE_CPU | VIREO_DOMAIN_XML_MIGRATABLE,
                       __func__))
        return NULL;
    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom) {
        /* INACTIVE asks for the persistent definition, which differs
         * from the live one after a redefine of a running domain */
        if ((flags & VIREO_DOMAIN_XML_INACTIVE) && dom->def)
            def = dom->def;
        else
            def = test_dom_current(dom);
        xml = domain_def_format(def, flags);
    }
    g_mutex_unlock(&node->lock);
    return xml;
}

int test_domain_get_autostart(vireo_domain *handle, int *autostart)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom)
        *autostart = dom->autostart ? 1 : 0;
    g_mutex_unlock(&node->lock);
    return dom ? 0 : -1;
}

int test_domain_set_autostart(vireo_domain *handle, int autostart)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom && !dom->def) {
        error_report(VIREO_FROM_TEST, VIREO_ERR_OPERATION_INVALID,
                     "cannot set autostart for transient domain '%s'",
                     test_dom_current(dom)->name);
    } else if (dom) {
        dom->autostart = autostart != 0;
        ret = 0;
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

/* The yes/no questions: which one is asked of a found domain. */
typedef enum { TEST_ASK_ACTIVE, TEST_ASK_PERSISTENT, TEST_ASK_UPDATED } test_question;

static int test_domain_ask(vireo_domain *handle, test_question q)
{
    test_node *node = test_conn_node(handle->conn);
    test_dom *dom;
    int ret = -1;

    g_mutex_lock(&node->lock);
    dom = test_node_find_handle(node, handle);
    if (dom) {
        switch (q) {
        case TEST_ASK_ACTIVE: ret = test_dom_is_active(dom); break;
        case TEST_ASK_PERSISTENT: ret = dom->def != NULL; break;
        case TEST_ASK_UPDATED: ret = dom->updated; break;
        }
    }
    g_mutex_unlock(&node->lock);
    return ret;
}

int test_domain_is_active(vireo_domain *dom)
{
    return test_domain_ask(dom, TEST_ASK_ACTIVE);
}

int test_domain_is_persistent(vireo_domain *dom)
{
    return test_domain_ask(dom, TEST_ASK_PERSISTENT);
}

int test_domain_is_updated(vireo_domain *dom)
{
    return test_domain_ask(dom, TEST_ASK_UPDATED);
}

int test_domain_has_managed_save(vireo_domain *handle, unsigned int flags)
{
    if (!test_flags_ok(flags, 0, __func__))
        return -1;
    /* the test driver never saves a domain: answer 0 for any that exists */
    return test_domain_ask(handle, TEST_ASK_ACTIVE) < 0 ? -1 : 0;
}
