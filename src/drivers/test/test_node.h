/*
 * test_node.h: the test hypervisor's state, all in memory.
 *
 * A test_node is one mock host: node info and its domains.  Every
 * test:///default connection of a process shares one node (as libvirt
 * does) until the last of them closes; each test:///PATH.xml open gets a
 * node of its own.  One mutex guards a node and everything in it; no
 * call holds it for long and none blocks while holding it.
 */
#ifndef VIREO_DRIVERS_TEST_NODE_H
#define VIREO_DRIVERS_TEST_NODE_H

#include <glib.h>
#include <stdbool.h>

#include "conf/domain_def.h"
#include "drivers/driver.h"

/* One domain.  Owned by its node; guarded by the node's lock. */
typedef struct test_dom {
    domain_def *def;   /* persistent definition (owned); NULL when transient */
    domain_def *live;  /* running definition (owned); NULL when inactive */
    int state;         /* VIREO_DOMAIN_* */
    int reason;        /* the state's VIREO_DOMAIN_<STATE>_* reason */
    bool autostart;
    bool updated;      /* def was redefined while running */
} test_dom;

typedef struct test_node {
    GMutex lock;            /* guards everything below */
    GHashTable *by_name;    /* name -> test_dom * (owns the domains) */
    GHashTable *by_uuid;    /* uuid string -> test_dom * (borrowed) */
    int last_id;            /* the last id given to a started domain */
    vireo_node_info info;   /* what node_get_info answers */
    bool default_cells;     /* capabilities show the default node's NUMA cells */
    char *uri;              /* canonical URI of the node (owned) */
    bool shared;            /* the default node, shared by connections */
} test_node;

/* An empty node (no domains, zero node info).  Caller frees. */
test_node *test_node_new(const char *uri);
void test_node_free(test_node *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(test_node, test_node_free)

/* The default node's contents (test_default.c): a new node. */
test_node *test_node_new_default(void);
/* The default node's host info, which node files start from. */
void test_node_default_info(vireo_node_info *info);
/* A node loaded from libvirt's test node file format (test_node_file.c),
 * path absolute.  NULL with an error when unreadable or malformed. */
test_node *test_node_load_file(const char *path, const char *uri);

/* The default node's network and pool, as data until vireo has network
 * and storage drivers (test_default.c). */
extern const char test_default_network_xml[];
extern const char test_default_pool_xml[];

/* Capabilities XML of node (test_caps.c).  Caller frees. */
char *test_caps_format(const test_node *node);

/* ---- with node->lock held ---- */

/* Lookups: NULL when absent (no error reported). */
test_dom *test_node_find_name(test_node *node, const char *name);
test_dom *test_node_find_uuid(test_node *node, const unsigned char *uuid);
test_dom *test_node_find_id(test_node *node, int id);
/* The domain a handle names, or NULL with VIREO_ERR_NO_DOMAIN. */
test_dom *test_node_find_handle(test_node *node, vireo_domain *handle);
/* Whether def's name or UUID is taken: *found is the domain with the
 * same name and UUID (or NULL when neither is taken); -1 with libvirt's
 * error when the name and the UUID belong to different domains. */
int test_node_check_clash(test_node *node, const domain_def *def, test_dom **found);
/* Take ownership of dom. */
void test_node_add(test_node *node, test_dom *dom);
/* Remove and free dom. */
void test_node_remove(test_node *node, test_dom *dom);

/* The definition that describes dom now: live when running. */
const domain_def *test_dom_current(const test_dom *dom);
bool test_dom_is_active(const test_dom *dom);
/* A new handle on conn for dom (caller frees). */
vireo_domain *test_dom_handle(vireo_conn *conn, const test_dom *dom);
/* Start dom from its definition (def, or live when already set by
 * create_xml): new id, state running with reason.  -1 with an error. */
int test_dom_start(test_node *node, test_dom *dom, int reason);
/* Stop dom: state shutoff with reason; a transient dom is removed and
 * freed (do not use it afterwards). */
void test_dom_stop(test_node *node, test_dom *dom, int reason);
/* Emit a lifecycle event of dom for every connection on node. */
void test_dom_emit(test_node *node, const test_dom *dom, int event, int detail);

/* Driver defaults filled after parsing, as libvirt's test driver fills
 * them: i686 arch, boot from disk, interface MACs and names.  -1 with an
 * error. */
int test_def_post_parse(domain_def *def);
/* Parse and post-parse a definition given by a client. */
domain_def *test_def_parse(const char *xml, unsigned int parse_flags);

/* Refuse flags outside allowed, as libvirt does ("unsupported flags
 * (0x4) in function X", VIREO_ERR_INVALID_ARG).  false when refused. */
bool test_flags_ok(unsigned int flags, unsigned int allowed, const char *func);

/* ---- entries of the domain table (test_domain.c, test_lifecycle.c) ---- */

test_node *test_conn_node(vireo_conn *conn);

vireo_domain *test_domain_lookup_by_name(vireo_conn *conn, const char *name);
vireo_domain *test_domain_lookup_by_uuid(vireo_conn *conn, const unsigned char *uuid);
vireo_domain *test_domain_lookup_by_id(vireo_conn *conn, int id);
int test_domain_list_all(vireo_conn *conn, vireo_domain ***domains, unsigned int flags);
int test_domain_get_info(vireo_domain *dom, vireo_domain_info *info);
int test_domain_get_state(vireo_domain *dom, int *state, int *reason, unsigned int flags);
char *test_domain_get_os_type(vireo_domain *dom);
char *test_domain_get_xml_desc(vireo_domain *dom, unsigned int flags);
int test_domain_get_autostart(vireo_domain *dom, int *autostart);
int test_domain_set_autostart(vireo_domain *dom, int autostart);
int test_domain_is_active(vireo_domain *dom);
int test_domain_is_persistent(vireo_domain *dom);
int test_domain_is_updated(vireo_domain *dom);
int test_domain_has_managed_save(vireo_domain *dom, unsigned int flags);

vireo_domain *test_domain_define_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int test_domain_undefine(vireo_domain *dom, unsigned int flags);
int test_domain_create(vireo_domain *dom, unsigned int flags);
vireo_domain *test_domain_create_xml(vireo_conn *conn, const char *xml, unsigned int flags);
int test_domain_destroy(vireo_domain *dom, unsigned int flags);
int test_domain_shutdown(vireo_domain *dom, unsigned int flags);
int test_domain_reboot(vireo_domain *dom, unsigned int flags);
int test_domain_suspend(vireo_domain *dom);
int test_domain_resume(vireo_domain *dom);

#endif
