/*
 * domain_obj.c: the generic domain layer (src/drivers/domain_obj.c) on a
 * table in a temporary folder: lookups, clashes, the job queue's
 * timeout, define/undefine with their files, the config load at start
 * with autostart marks, list filters.
 */
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "drivers/domain_obj.h"
#include "util/error.h"
#include "util/uuid.h"

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "11111111-2222-3333-4444-666666666666"
#define UUID_C "11111111-2222-3333-4444-777777777777"

static int parses;

static domain_def *test_parse(void *opaque, const char *xml)
{
    (void)opaque;
    parses++;
    return domain_def_parse(xml, 0);
}

static int loads;

static domain_def *test_load_parse(void *opaque, const char *xml)
{
    (void)opaque;
    loads++;
    return domain_def_parse(xml, 0);
}

/* the driver's hooks, as QEMU's managed save image uses them */
static bool test_has_save(const dom_obj *dom)
{
    return strcmp(dom_obj_current(dom)->name, "beta") == 0;
}

static int test_undefine_prepare(dom_obj *dom, unsigned int flags)
{
    if (test_has_save(dom) && !(flags & VIREO_DOMAIN_UNDEFINE_MANAGED_SAVE)) {
        error_report(VIREO_FROM_LXC, VIREO_ERR_OPERATION_INVALID, "save image of '%s'",
                     dom_obj_current(dom)->name);
        return -1;
    }
    return 0;
}

static char *dom_xml(const char *name, const char *uuid, unsigned int mem)
{
    return g_strdup_printf("<domain type='test'><name>%s</name><uuid>%s</uuid>"
                           "<memory unit='KiB'>%u</memory><os><type>hvm</type></os></domain>",
                           name, uuid, mem);
}

static void table_setup(dom_table *t, const char *dir)
{
    memset(t, 0, sizeof(*t));
    t->from = VIREO_FROM_LXC;
    t->driver = "test";
    t->job_timeout_ms = 50;
    t->parse = test_parse;
    t->event_source = t;
    if (dom_table_init(t, dir) < 0)
        NOTE("init: %s", error_last()->message);
}

static bool error_is(int code, const char *part)
{
    const vireo_error *e = error_last();

    if (!e || e->code != code || !e->message || !strstr(e->message, part)) {
        NOTE("error: %d %s", e ? e->code : 0, e && e->message ? e->message : "(none)");
        return false;
    }
    return true;
}

static bool file_there(const char *dir, const char *rel)
{
    g_autofree char *p = g_build_filename(dir, rel, NULL);

    return g_file_test(p, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK);
}

static int list_count(dom_table *t, vireo_conn *conn, unsigned int flags)
{
    vireo_domain **doms = NULL;
    int n = dom_list_all(t, conn, &doms, flags);

    for (int i = 0; i < n; i++)
        domain_handle_unref(doms[i]);
    g_free(doms);
    return n;
}

int main(void)
{
    g_autofree char *dir = g_dir_make_tmp("domain-obj-XXXXXX", NULL);
    g_autofree char *xa = dom_xml("alpha", UUID_A, 1024);
    g_autofree char *xa2 = dom_xml("alpha", UUID_A, 2048);
    g_autofree char *xb = dom_xml("beta", UUID_B, 1024);
    g_autofree char *clash_name = dom_xml("alpha", UUID_C, 1024);
    g_autofree char *clash_uuid = dom_xml("gamma", UUID_A, 1024);
    g_autofree char *cmd = NULL;
    vireo_conn *conn = conn_handle_new("test:///domain-obj", false);
    unsigned char uuid[VIREO_UUID_BUFLEN];
    vireo_domain *ha, *hb, *h;
    dom_table t, t2;
    dom_obj *dom;
    char *xml;
    int state, reason, autostart;

    table_setup(&t, dir);
    CHECK(file_there(dir, "autostart"), "init makes the autostart folder");

    /* define and the tables */
    ha = dom_define_xml(&t, conn, xa, 0);
    hb = dom_define_xml(&t, conn, xb, 0);
    CHECK(ha && hb && ha->id == -1, "two domains defined (inactive: id -1)");
    CHECK(file_there(dir, "alpha.xml") && file_there(dir, "beta.xml"), "their files written");
    h = dom_lookup_by_name(&t, conn, "beta");
    CHECK(h && strcmp(h->name, "beta") == 0, "lookup by name");
    domain_handle_unref(h);
    uuid_parse(UUID_A, uuid);
    h = dom_lookup_by_uuid(&t, conn, uuid);
    CHECK(h && strcmp(h->name, "alpha") == 0, "lookup by uuid");
    domain_handle_unref(h);
    CHECK(!dom_lookup_by_name(&t, conn, "nope") && error_is(VIREO_ERR_NO_DOMAIN, "'nope'"),
          "unknown name: NO_DOMAIN naming it");
    CHECK(!dom_lookup_by_id(&t, conn, 1) && error_is(VIREO_ERR_NO_DOMAIN, "id 1"),
          "no running domain: lookup by id fails");
    CHECK(dom_get_state(&t, ha, &state, &reason, 0) == 0 && state == VIREO_DOMAIN_SHUTOFF,
          "a defined domain is shut off");
    xml = dom_get_os_type(&t, ha);
    CHECK(g_strcmp0(xml, "hvm") == 0, "os type");
    g_free(xml);
    CHECK(dom_is_persistent(&t, ha) == 1 && dom_is_active(&t, ha) == 0 &&
          dom_is_updated(&t, ha) == 0, "persistent, inactive, not updated");

    /* clashes */
    CHECK(!dom_define_xml(&t, conn, clash_name, 0) &&
          error_is(VIREO_ERR_OPERATION_FAILED, "'alpha' already exists with uuid " UUID_A),
          "same name, other uuid: refused naming the existing uuid");
    CHECK(!dom_define_xml(&t, conn, clash_uuid, 0) &&
          error_is(VIREO_ERR_OPERATION_FAILED, "'alpha' is already defined with uuid"),
          "same uuid, other name: refused naming the domain");
    CHECK(!file_there(dir, "gamma.xml"), "a refused define writes no file");

    /* redefine */
    h = dom_define_xml(&t, conn, xa2, 0);
    CHECK(h != NULL, "redefine with the same name and uuid");
    domain_handle_unref(h);
    xml = dom_get_xml_desc(&t, ha, VIREO_DOMAIN_XML_INACTIVE);
    CHECK(xml && strstr(xml, "2048"), "the new definition is served");
    g_free(xml);

    /* jobs */
    g_mutex_lock(&t.lock);
    dom = dom_obj_ref(dom_table_find_name(&t, "alpha"));
    g_mutex_unlock(&t.lock);
    CHECK(dom_job_begin(dom, "start", 0) == 0, "a job is taken");
    CHECK(dom_job_begin(dom, "destroy", 0) < 0 &&
          error_is(VIREO_ERR_OPERATION_TIMEOUT, "held by start") &&
          error_is(VIREO_ERR_OPERATION_TIMEOUT, "'alpha'"),
          "a second job times out naming the holder and the domain");
    CHECK(dom_undefine(&t, ha, 0) < 0 && error_is(VIREO_ERR_OPERATION_TIMEOUT, "start"),
          "undefine waits for the job too");
    dom_job_end(dom);
    CHECK(dom_job_begin(dom, "destroy", 0) == 0, "after the end the next job is taken");
    dom_job_end(dom);

    /* autostart, live state, list filters */
    CHECK(dom_set_autostart(&t, hb, 1) == 0 && file_there(dir, "autostart/beta.xml"),
          "autostart writes the link");
    CHECK(dom_get_autostart(&t, hb, &autostart) == 0 && autostart == 1, "autostart read back");
    g_mutex_lock(&t.lock);
    dom->live = domain_def_copy(dom->def);
    dom->live->id = dom_table_next_id(&t);
    dom->state = VIREO_DOMAIN_RUNNING;
    g_mutex_unlock(&t.lock);
    h = dom_lookup_by_id(&t, conn, 1);
    CHECK(h && strcmp(h->name, "alpha") == 0, "a running domain is found by its id");
    domain_handle_unref(h);
    CHECK(list_count(&t, conn, 0) == 2, "list: every domain");
    CHECK(list_count(&t, conn, VIREO_LIST_DOMAINS_ACTIVE) == 1, "list: active");
    CHECK(list_count(&t, conn, VIREO_LIST_DOMAINS_INACTIVE) == 1, "list: inactive");
    CHECK(list_count(&t, conn, VIREO_LIST_DOMAINS_AUTOSTART) == 1, "list: autostart");
    CHECK(list_count(&t, conn, VIREO_LIST_DOMAINS_TRANSIENT) == 0, "list: transient");
    CHECK(list_count(&t, conn, VIREO_LIST_DOMAINS_ACTIVE | VIREO_LIST_DOMAINS_AUTOSTART) == 0,
          "list: groups combine with AND");

    /* redefine while running marks it updated; undefine keeps it running */
    h = dom_define_xml(&t, conn, xa, 0);
    domain_handle_unref(h);
    CHECK(dom_is_updated(&t, ha) == 1, "redefined while running: updated");
    CHECK(dom_undefine(&t, ha, 0) == 0 && !file_there(dir, "alpha.xml"),
          "undefine of a running domain removes its file");
    CHECK(dom_is_persistent(&t, ha) == 0 && dom_is_active(&t, ha) == 1,
          "it runs on as a transient domain");
    CHECK(dom_set_autostart(&t, ha, 1) < 0 &&
          error_is(VIREO_ERR_OPERATION_INVALID, "transient domain 'alpha'"),
          "no autostart for a transient domain");
    CHECK(dom_undefine(&t, ha, 0) < 0 && error_is(VIREO_ERR_OPERATION_INVALID, "transient"),
          "a transient domain cannot be undefined");
    dom_obj_unref(dom);

    /* a new table (a daemon restart) loads the files with the marks */
    parses = 0;
    table_setup(&t2, dir);
    dom_config_load_all(&t2);
    CHECK(parses == 1, "the config load parses the one file left through t->parse");
    dom_table_destroy(&t2);
    parses = 0;
    table_setup(&t2, dir);
    t2.load_parse = test_load_parse;
    dom_config_load_all(&t2);
    CHECK(parses == 0 && loads == 1, "with t->load_parse the files go through it instead");
    h = dom_lookup_by_name(&t2, conn, "beta");
    CHECK(h && dom_get_autostart(&t2, h, &autostart) == 0 && autostart == 1,
          "loaded with its autostart mark");

    /* the driver's hooks: a managed save image in lists and undefine */
    CHECK(list_count(&t2, conn, VIREO_LIST_DOMAINS_MANAGEDSAVE) == 0,
          "list MANAGEDSAVE without the hook: none");
    t2.has_managed_save = test_has_save;
    t2.undefine_prepare = test_undefine_prepare;
    CHECK(list_count(&t2, conn, VIREO_LIST_DOMAINS_MANAGEDSAVE) == 1 &&
          list_count(&t2, conn, VIREO_LIST_DOMAINS_NO_MANAGEDSAVE) == 0,
          "list MANAGEDSAVE / NO_MANAGEDSAVE ask t->has_managed_save");
    CHECK(h && dom_undefine(&t2, h, 0) < 0 && error_is(VIREO_ERR_OPERATION_INVALID, "'beta'") &&
          file_there(dir, "beta.xml") && file_there(dir, "autostart/beta.xml"),
          "t->undefine_prepare refusing: the error, files and link kept");
    CHECK(h && dom_undefine(&t2, h, VIREO_DOMAIN_UNDEFINE_MANAGED_SAVE) == 0 &&
          !file_there(dir, "beta.xml") &&
          !file_there(dir, "autostart/beta.xml"), "undefine removes the file and the link");
    CHECK(h && !dom_lookup_by_name(&t2, conn, "beta"), "and the domain");
    if (h)
        domain_handle_unref(h);
    dom_table_destroy(&t2);

    domain_handle_unref(ha);
    domain_handle_unref(hb);
    dom_table_destroy(&t);
    conn_handle_unref(conn);
    cmd = g_strdup_printf("rm -rf '%s'", dir);
    if (system(cmd) != 0)
        NOTE("could not remove %s", dir);
    return check_exit();
}
