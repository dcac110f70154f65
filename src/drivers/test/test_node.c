/*
 * test_node.c: a test node's domain table and the state changes every
 * lifecycle call shares (start, stop, events).
 */
#include <string.h>

#include "drivers/event.h"
#include "drivers/driver_common.h"
#include "drivers/test/test_node.h"
#include "util/error.h"
#include "util/mac.h"
#include "util/uuid.h"

static void test_dom_free(gpointer p)
{
    test_dom *dom = p;

    domain_def_free(dom->def);
    domain_def_free(dom->live);
    g_free(dom);
}

test_node *test_node_new(const char *uri)
{
    test_node *node = g_new0(test_node, 1);

    g_mutex_init(&node->lock);
    node->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, test_dom_free);
    node->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    node->uri = g_strdup(uri);
    return node;
}

void test_node_free(test_node *node)
{
    if (!node)
        return;
    g_hash_table_unref(node->by_uuid);
    g_hash_table_unref(node->by_name);
    g_mutex_clear(&node->lock);
    g_free(node->uri);
    g_free(node);
}

const domain_def *test_dom_current(const test_dom *dom)
{
    return dom->live ? dom->live : dom->def;
}

bool test_dom_is_active(const test_dom *dom)
{
    return dom->live != NULL;
}

test_dom *test_node_find_name(test_node *node, const char *name)
{
    return g_hash_table_lookup(node->by_name, name);
}

test_dom *test_node_find_uuid(test_node *node, const unsigned char *uuid)
{
    char key[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, key);
    return g_hash_table_lookup(node->by_uuid, key);
}

test_dom *test_node_find_id(test_node *node, int id)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, node->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        test_dom *dom = value;

        if (dom->live && dom->live->id == id)
            return dom;
    }
    return NULL;
}

test_dom *test_node_find_handle(test_node *node, vireo_domain *handle)
{
    test_dom *dom = test_node_find_uuid(node, handle->uuid);
    char uuidstr[VIREO_UUID_STRING_BUFLEN];

    if (dom)
        return dom;
    uuid_format(handle->uuid, uuidstr);
    error_report(VIREO_FROM_TEST, VIREO_ERR_NO_DOMAIN,
                 "no domain with matching uuid '%s' (%s)", uuidstr, handle->name);
    return NULL;
}

int test_node_check_clash(test_node *node, const domain_def *def, test_dom **found)
{
    test_dom *same_uuid = test_node_find_uuid(node, def->uuid);
    test_dom *same_name;
    char uuidstr[VIREO_UUID_STRING_BUFLEN];

    *found = NULL;
    if (same_uuid) {
        const domain_def *cur = test_dom_current(same_uuid);

        if (strcmp(cur->name, def->name) != 0) {
            uuid_format(cur->uuid, uuidstr);
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_OPERATION_FAILED,
                         "domain '%s' is already defined with uuid %s", cur->name, uuidstr);
            return -1;
        }
        *found = same_uuid;
        return 0;
    }
    same_name = test_node_find_name(node, def->name);
    if (same_name) {
        uuid_format(test_dom_current(same_name)->uuid, uuidstr);
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_OPERATION_FAILED,
                     "domain '%s' already exists with uuid %s", def->name, uuidstr);
        return -1;
    }
    return 0;
}

void test_node_add(test_node *node, test_dom *dom)
{
    const domain_def *def = test_dom_current(dom);
    char key[VIREO_UUID_STRING_BUFLEN];

    uuid_format(def->uuid, key);
    g_hash_table_insert(node->by_uuid, g_strdup(key), dom);
    g_hash_table_insert(node->by_name, g_strdup(def->name), dom);
}

void test_node_remove(test_node *node, test_dom *dom)
{
    const domain_def *def = test_dom_current(dom);
    char key[VIREO_UUID_STRING_BUFLEN];

    uuid_format(def->uuid, key);
    g_hash_table_remove(node->by_uuid, key);
    g_hash_table_remove(node->by_name, def->name); /* frees dom */
}

vireo_domain *test_dom_handle(vireo_conn *conn, const test_dom *dom)
{
    const domain_def *def = test_dom_current(dom);

    return domain_handle_new(conn, def->name, def->uuid, dom->live ? dom->live->id : -1);
}

int test_dom_start(test_node *node, test_dom *dom, int reason)
{
    if (!dom->live) {
        dom->live = domain_def_copy(dom->def);
        if (!dom->live)
            return -1;
    }
    dom->live->id = ++node->last_id;
    dom->state = VIREO_DOMAIN_RUNNING;
    dom->reason = reason;
    dom->updated = false;
    return 0;
}

void test_dom_stop(test_node *node, test_dom *dom, int reason)
{
    if (!dom->def) {
        /* a transient domain exists only while it runs */
        test_node_remove(node, dom);
        return;
    }
    g_clear_pointer(&dom->live, domain_def_free);
    dom->state = VIREO_DOMAIN_SHUTOFF;
    dom->reason = reason;
    dom->updated = false;
}

void test_dom_emit(test_node *node, const test_dom *dom, int event, int detail)
{
    const domain_def *def = test_dom_current(dom);

    event_emit_lifecycle(node, def->name, def->uuid, dom->live ? dom->live->id : -1, event,
                         detail);
}

/* What libvirt's test driver gives every interface: a MAC when it has
 * none, and a host-side name testnetN (N: its index) when it has none. */
static void test_def_interfaces(domain_def *def)
{
    GPtrArray *nets = def->devices.interfaces;

    for (guint i = 0; nets && i < nets->len; i++) {
        device_interface *net = g_ptr_array_index(nets, i);

        if (!net->has_mac) {
            mac_generate(net->mac);
            net->has_mac = true;
        }
        if (!net->target_dev)
            net->target_dev = g_strdup_printf("testnet%u", i);
    }
}

/* Deliberately not domain_def_assign_addresses(): that lays devices out
 * as QEMU's machines need (implicit controllers, PCI slots), while
 * libvirt's test driver keeps a definition as given apart from MACs and
 * interface names, and vireo's XML must match libvirt's line for line. */
int test_def_post_parse(domain_def *def)
{
    /* libvirt's test driver emulates an i686 host */
    if (!def->os.arch)
        def->os.arch = g_strdup("i686");
    /* a full-virt guest with nothing else to boot boots from its disk,
     * as libvirt fills it */
    if (def->os.type && strcmp(def->os.type, "hvm") == 0 && !def->os.kernel &&
        (!def->os.boot_devs || !def->os.boot_devs[0])) {
        g_strfreev(def->os.boot_devs);
        def->os.boot_devs = g_new0(char *, 2);
        def->os.boot_devs[0] = g_strdup("hd");
    }
    test_def_interfaces(def);
    return 0;
}

domain_def *test_def_parse(const char *xml, unsigned int parse_flags)
{
    g_autoptr(domain_def) def = domain_def_parse(xml, parse_flags);

    if (!def)
        return NULL;
    if (test_def_post_parse(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}

bool test_flags_ok(unsigned int flags, unsigned int allowed, const char *func)
{
    return driver_flags_ok(VIREO_FROM_TEST, flags, allowed, func);
}
