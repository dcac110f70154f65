/*
 * test-api: the public API (include/vireo/vireo.h) over the test
 * hypervisor, used as a client would: through libvireo only.
 *
 * Every test closes what it opens, so the shared test:///default node
 * starts fresh in each (its state resets when its last connection
 * closes), and checks that vireo_conn_close() returns 0: a leaked domain
 * handle keeps a reference on its connection and would show there.
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdlib.h>
#include <string.h>

#include "api_error.h"
#include "check.h"
#include "vireo/vireo.h"

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define EVENT_WAIT_MS 5000

/* libvirt's `virsh -c test:///default dumpxml test` */
static const char default_domain_xml[] =
    "<domain type='test' id='1'>\n"
    "  <name>test</name>\n"
    "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "  <memory unit='KiB'>8388608</memory>\n"
    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
    "  <vcpu placement='static'>2</vcpu>\n"
    "  <os>\n"
    "    <type arch='i686'>hvm</type>\n"
    "    <boot dev='hd'/>\n"
    "  </os>\n"
    "  <clock offset='utc'/>\n"
    "  <on_poweroff>destroy</on_poweroff>\n"
    "  <on_reboot>restart</on_reboot>\n"
    "  <on_crash>destroy</on_crash>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/guest/diskimage1'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "    </disk>\n"
    "    <interface type='network'>\n"
    "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "      <source network='default'/>\n"
    "      <target dev='testnet0'/>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "    </interface>\n"
    "    <memballoon model='virtio'>\n"
    "      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "    </memballoon>\n"
    "  </devices>\n"
    "</domain>\n";

/* ---- helpers ---- */

static char *dom_xml(const char *name, const char *uuid, unsigned int vcpus)
{
    return g_strdup_printf("<domain type='test'>\n  <name>%s</name>\n%s%s%s"
                           "  <memory unit='KiB'>1048576</memory>\n"
                           "  <vcpu>%u</vcpu>\n  <os>\n    <type>hvm</type>\n  </os>\n"
                           "</domain>\n",
                           name, uuid ? "  <uuid>" : "", uuid ? uuid : "",
                           uuid ? "</uuid>\n" : "", vcpus);
}

static vireo_domain *define(vireo_conn *conn, const char *name, const char *uuid)
{
    g_autofree char *xml = dom_xml(name, uuid, 1);

    return vireo_domain_define_xml(conn, xml, 0);
}

static bool dom_state_is(vireo_domain *dom, int state, int reason)
{
    int s = -1, r = -1;

    if (vireo_domain_get_state(dom, &s, &r, 0) < 0 || s != state || r != reason) {
        NOTE("state %d reason %d, expected %d %d (%s)", s, r, state, reason, err_msg());
        return false;
    }
    return true;
}

static int count_domains(vireo_conn *conn, unsigned int flags)
{
    vireo_domain **doms = NULL;
    int n = vireo_conn_list_all_domains(conn, &doms, flags);

    vireo_domain_list_free(doms);
    return n;
}

static bool close_clean(vireo_conn *conn)
{
    int left = vireo_conn_close(conn);

    if (left != 0)
        NOTE("vireo_conn_close returned %d: references leaked", left);
    return left == 0;
}

static char *run_cmd(const char *cmd)
{
    char *out = NULL;
    int status = -1;

    if (!g_spawn_command_line_sync(cmd, &out, NULL, &status, NULL) || status != 0) {
        g_free(out);
        return NULL;
    }
    return out;
}

/* ---- events: every callback appends a line "name event detail" ---- */

typedef struct recorder {
    GPtrArray *lines;   /* char *, owned */
    int freed;          /* free callback runs */
    int deregister_id;  /* deregister this id from inside the callback; -1 none */
    vireo_conn *conn;
} recorder;

static void rec_init(recorder *r)
{
    r->lines = g_ptr_array_new_with_free_func(g_free);
    r->freed = 0;
    r->deregister_id = -1;
    r->conn = NULL;
}

static void rec_lifecycle(vireo_conn *conn, vireo_domain *dom, int event, int detail, void *opaque)
{
    recorder *r = opaque;

    (void)conn;
    g_ptr_array_add(r->lines, g_strdup_printf("%s %d %d", vireo_domain_get_name(dom), event,
                                              detail));
    if (r->deregister_id >= 0) {
        vireo_conn_domain_event_deregister_any(r->conn, r->deregister_id);
        r->deregister_id = -1;
    }
}

static void rec_reboot(vireo_conn *conn, vireo_domain *dom, void *opaque)
{
    recorder *r = opaque;

    (void)conn;
    g_ptr_array_add(r->lines, g_strdup_printf("%s reboot", vireo_domain_get_name(dom)));
}

static void rec_free(void *opaque)
{
    recorder *r = opaque;

    r->freed++;
}

/* Iterate the default context until r holds n lines or the wait ends. */
static bool rec_wait(recorder *r, guint n)
{
    gint64 deadline = g_get_monotonic_time() + EVENT_WAIT_MS * 1000;

    while (r->lines->len < n && g_get_monotonic_time() < deadline)
        vireo_event_run_once(100);
    return r->lines->len >= n;
}

/* Dispatch whatever is already queued (nothing blocks). */
static void drain(void)
{
    while (g_main_context_iteration(NULL, FALSE))
        ;
}

/* Wait for exactly the lines given (NULL-terminated), then empty r. */
static bool rec_expect(recorder *r, const char *const *want)
{
    guint n = g_strv_length((char **)want);
    bool ok = rec_wait(r, n);

    drain();
    ok = ok && r->lines->len == n;
    for (guint i = 0; ok && i < n; i++)
        ok = strcmp(g_ptr_array_index(r->lines, i), want[i]) == 0;
    if (!ok) {
        for (guint i = 0; i < r->lines->len; i++)
            NOTE("got event: %s", (char *)g_ptr_array_index(r->lines, i));
        for (guint i = 0; i < n; i++)
            NOTE("want event: %s", want[i]);
    }
    g_ptr_array_set_size(r->lines, 0);
    return ok;
}

#define EXPECT_EVENTS(r, ...) rec_expect((r), (const char *const[]){ __VA_ARGS__, NULL })

static int reg_lifecycle(vireo_conn *conn, vireo_domain *dom, recorder *r)
{
    return vireo_conn_domain_event_register_any(conn, dom, VIREO_DOMAIN_EVENT_ID_LIFECYCLE,
                                                (void (*)(void))rec_lifecycle, r, rec_free);
}

/* ---- connections ---- */

static void test_open_close(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");
    unsigned long ver = 0;
    char *s;

    CHECK(conn != NULL && vireo_error_last() == NULL, "open test:///default (%s)", err_msg());
    if (!conn)
        return;
    CHECK(g_strcmp0(vireo_conn_get_type(conn), "TEST") == 0, "type is TEST");
    CHECK(vireo_conn_get_version(conn, &ver) == 0 && ver == 2, "hypervisor version 2 (0.0.2)");
    CHECK(vireo_get_lib_version(&ver) == 0 && ver == VIREO_VERSION_NUMBER, "library version");
    s = vireo_conn_get_uri(conn);
    CHECK(g_strcmp0(s, "test:///default") == 0, "uri is test:///default (%s)", s);
    free(s);
    s = vireo_conn_get_hostname(conn);
    CHECK(g_strcmp0(s, g_get_host_name()) == 0, "hostname is the host's (%s)", s);
    free(s);
    CHECK(vireo_conn_is_alive(conn) == 1, "connection alive");
    CHECK(vireo_conn_ref(conn) == 0 && vireo_conn_close(conn) == 1, "ref then close leaves 1");
    CHECK(close_clean(conn), "close returns 0");
}

static void test_default_uri(void)
{
    vireo_conn *conn;
    char *uri;

    /* a URI no in-process driver claims goes to the remote driver, as in
     * libvirt; the socket named here does not exist */
    g_setenv("LIBVIRT_DEFAULT_URI", "bogus:///nowhere?socket=/nonexistent/vireo-sock", TRUE);
    g_setenv("VIREO_DEFAULT_URI", "test:///default", TRUE);
    conn = vireo_conn_open(NULL);
    uri = conn ? vireo_conn_get_uri(conn) : NULL;
    CHECK(g_strcmp0(uri, "test:///default") == 0, "NULL uri: VIREO_DEFAULT_URI first");
    free(uri);
    if (conn)
        vireo_conn_close(conn);

    g_unsetenv("VIREO_DEFAULT_URI");
    conn = vireo_conn_open(NULL);
    CHECK(!conn && err_is(VIREO_ERR_SYSTEM_ERROR, "/nonexistent/vireo-sock"),
          "NULL uri: then LIBVIRT_DEFAULT_URI");
    if (conn)
        vireo_conn_close(conn);

    g_unsetenv("LIBVIRT_DEFAULT_URI");
    conn = vireo_conn_open(NULL);
    uri = conn ? vireo_conn_get_uri(conn) : NULL;
    CHECK(g_strcmp0(uri, "test:///default") == 0, "NULL uri: then test:///default (%s)",
          err_msg());
    free(uri);
    if (conn)
        vireo_conn_close(conn);
}

static void test_bad_connections(void)
{
    vireo_conn *conn = vireo_conn_open("foo:///x?socket=/nonexistent/vireo-sock");

    /* libvirt's behaviour: the remote driver takes it and names the socket */
    CHECK(!conn && err_is(VIREO_ERR_SYSTEM_ERROR,
                          "Failed to connect socket to '/nonexistent/vireo-sock'"),
          "unknown scheme: the remote driver's socket error, naming the socket");
    conn = vireo_conn_open("test:///default");
    CHECK(conn && vireo_error_last() == NULL, "a successful call clears the thread's error");
    if (conn)
        vireo_conn_close(conn);
    CHECK(vireo_conn_get_type(NULL) == NULL && err_is(VIREO_ERR_INVALID_CONN, NULL),
          "NULL connection: INVALID_CONN");
    CHECK(vireo_conn_close(NULL) == -1 && err_is(VIREO_ERR_INVALID_CONN, NULL),
          "close NULL: INVALID_CONN");
    CHECK(vireo_domain_get_name(NULL) == NULL && err_is(VIREO_ERR_INVALID_DOMAIN, NULL),
          "NULL domain: INVALID_DOMAIN");
    CHECK(vireo_domain_create(NULL, 0) == -1 && err_is(VIREO_ERR_INVALID_DOMAIN, NULL),
          "create NULL domain: INVALID_DOMAIN");
    CHECK(vireo_node_get_info(NULL, NULL) == -1 && err_is(VIREO_ERR_INVALID_CONN, NULL),
          "node info on NULL connection: INVALID_CONN");
}

static void test_invalid_args(vireo_conn *conn)
{
    vireo_domain *dom;

    CHECK(!vireo_domain_lookup_by_name(conn, NULL) && err_is(VIREO_ERR_INVALID_ARG, NULL),
          "lookup NULL name: INVALID_ARG");
    CHECK(!vireo_domain_lookup_by_uuid_string(conn, "not-a-uuid") &&
              err_is(VIREO_ERR_INVALID_ARG, "not-a-uuid"),
          "lookup malformed uuid: INVALID_ARG");
    CHECK(!vireo_domain_lookup_by_id(conn, -5) && err_is(VIREO_ERR_INVALID_ARG, NULL),
          "lookup negative id: INVALID_ARG");
    CHECK(vireo_conn_list_all_domains(conn, NULL, 0) == -1 && err_is(VIREO_ERR_INVALID_ARG, NULL),
          "list into NULL: INVALID_ARG");
    CHECK(!vireo_domain_define_xml(conn, NULL, 0) && err_is(VIREO_ERR_INVALID_ARG, NULL),
          "define NULL xml: INVALID_ARG");
    CHECK(vireo_node_get_info(conn, NULL) == -1 && err_is(VIREO_ERR_INVALID_ARG, NULL),
          "node info into NULL: INVALID_ARG");
    dom = vireo_domain_lookup_by_name(conn, "test");
    CHECK(vireo_domain_get_state(dom, NULL, NULL, 0) == -1 && err_is(VIREO_ERR_INVALID_ARG, NULL),
          "state into NULL: INVALID_ARG");
    CHECK(vireo_domain_get_state(dom, &(int){ 0 }, NULL, 1) == -1 &&
              err_is(VIREO_ERR_INVALID_ARG, "unsupported flags"),
          "state with unknown flags: INVALID_ARG");
    CHECK(vireo_conn_domain_event_register_any(conn, NULL, 99, (void (*)(void))rec_reboot, NULL,
                                               NULL) == -1 &&
              err_is(VIREO_ERR_INVALID_ARG, NULL),
          "register unknown event id: INVALID_ARG");
    CHECK(vireo_conn_domain_event_deregister_any(conn, 123456) == -1 &&
              err_is(VIREO_ERR_INVALID_ARG, NULL),
          "deregister unknown callback: INVALID_ARG");
    if (dom)
        vireo_domain_free(dom);
}

/* ---- the default node ---- */

static char *caps_xpath(const char *caps, const char *expr)
{
    xmlDocPtr doc = xmlReadMemory(caps, (int)strlen(caps), "caps", NULL, XML_PARSE_NONET);
    xmlXPathContextPtr ctx;
    xmlXPathObjectPtr obj;
    char *ret = NULL;

    if (!doc)
        return NULL;
    ctx = xmlXPathNewContext(doc);
    obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    if (obj && obj->type == XPATH_STRING)
        ret = g_strdup((const char *)obj->stringval);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return ret;
}

static void test_default_node_info(vireo_conn *conn)
{
    vireo_node_info info;
    g_autofree char *arch = NULL, *cells = NULL, *cpus = NULL;
    g_autofree char *virsh = NULL;
    char *caps;

    CHECK(vireo_node_get_info(conn, &info) == 0 && strcmp(info.model, "i686") == 0 &&
              info.memory == 3145728 && info.cpus == 16 && info.mhz == 1400 && info.nodes == 2 &&
              info.sockets == 2 && info.cores == 2 && info.threads == 2,
          "node info as libvirt's test:///default");
    caps = vireo_conn_get_capabilities(conn);
    arch = caps ? caps_xpath(caps, "string(/capabilities/host/cpu/arch)") : NULL;
    cells = caps ? caps_xpath(caps, "string(count(//topology/cells/cell))") : NULL;
    cpus = caps ? caps_xpath(caps, "string(count(//topology/cells/cell/cpus/cpu))") : NULL;
    CHECK(g_strcmp0(arch, "i686") == 0, "capabilities parse, host arch i686");
    CHECK(g_strcmp0(cells, "2") == 0 && g_strcmp0(cpus, "16") == 0,
          "capabilities: 2 NUMA cells, 16 CPUs");
    virsh = run_cmd("virsh -c test:///default capabilities");
    if (!virsh)
        SKIP("capabilities identical to virsh's", "virsh not available");
    else
        CHECK(caps && strcmp(g_strchomp(virsh), g_strchomp(caps)) == 0,
              "capabilities identical to virsh -c test:///default capabilities");
    free(caps);
}

static void test_default_domain(vireo_conn *conn)
{
    vireo_domain *dom = vireo_domain_lookup_by_name(conn, "test");
    vireo_domain_info info;
    char uuid[VIREO_UUID_STRING_BUFLEN] = "";
    char *xml, *inactive, *os;
    int autostart = -1;

    CHECK(dom != NULL, "default node has domain 'test' (%s)", err_msg());
    if (!dom)
        return;
    vireo_domain_get_uuid_string(dom, uuid);
    CHECK(vireo_domain_get_id(dom) == 1 && strcmp(uuid, TEST_UUID) == 0, "test: id 1, uuid %s",
          uuid);
    CHECK(dom_state_is(dom, VIREO_DOMAIN_RUNNING, VIREO_DOMAIN_RUNNING_UNKNOWN),
          "test: running (reason unknown, as libvirt)");
    CHECK(vireo_domain_get_info(dom, &info) == 0 && info.state == VIREO_DOMAIN_RUNNING &&
              info.max_mem == 8388608 && info.memory == 2097152 && info.nr_virt_cpu == 2 &&
              info.cpu_time > 0,
          "test: info");
    CHECK(vireo_domain_is_active(dom) == 1 && vireo_domain_is_persistent(dom) == 1 &&
              vireo_domain_is_updated(dom) == 0 && vireo_domain_has_managed_save(dom, 0) == 0,
          "test: active, persistent, not updated, no managed save");
    CHECK(vireo_domain_get_autostart(dom, &autostart) == 0 && autostart == 0,
          "test: autostart off");
    os = vireo_domain_get_os_type(dom);
    CHECK(g_strcmp0(os, "linux") == 0, "test: os type 'linux', as libvirt's test driver");
    free(os);
    xml = vireo_domain_get_xml_desc(dom, 0);
    CHECK(g_strcmp0(xml, default_domain_xml) == 0, "test: XML as virsh dumpxml test");
    if (xml && strcmp(xml, default_domain_xml) != 0)
        NOTE("got:\n%s", xml);
    inactive = vireo_domain_get_xml_desc(dom, VIREO_DOMAIN_XML_INACTIVE);
    CHECK(inactive && g_str_has_prefix(inactive, "<domain type='test'>\n") &&
              strcmp(inactive + strlen("<domain type='test'>"),
                     default_domain_xml + strlen("<domain type='test' id='1'>")) == 0,
          "test: inactive XML differs only by the id");
    free(xml);
    free(inactive);
    CHECK(count_domains(conn, 0) == 1, "default node lists one domain");
    vireo_domain_free(dom);
}

static void test_default_node(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");

    CHECK(conn != NULL, "open default node (%s)", err_msg());
    if (!conn)
        return;
    test_default_node_info(conn);
    test_default_domain(conn);
    test_invalid_args(conn);
    CHECK(close_clean(conn), "default node: no handle leaked");
}

/* ---- lifecycle and events ---- */

static void lifecycle_start_stop(vireo_conn *conn, recorder *r, vireo_domain *web)
{
    unsigned int id1, id2;

    CHECK(vireo_domain_create(web, 0) == 0, "create (start) web");
    CHECK(EXPECT_EVENTS(r, "web 2 0"), "event STARTED_BOOTED");
    CHECK(dom_state_is(web, VIREO_DOMAIN_RUNNING, VIREO_DOMAIN_RUNNING_BOOTED),
          "web running (booted)");
    {
        vireo_domain *again = vireo_domain_lookup_by_name(conn, "web");

        id1 = again ? vireo_domain_get_id(again) : 0;
        CHECK(id1 == 2, "web got id 2, after test's 1 (%u)", id1);
        if (again)
            vireo_domain_free(again);
    }
    CHECK(vireo_domain_suspend(web) == 0 && EXPECT_EVENTS(r, "web 3 0") &&
              dom_state_is(web, VIREO_DOMAIN_PAUSED, VIREO_DOMAIN_PAUSED_USER),
          "suspend: paused (user), SUSPENDED_PAUSED");
    CHECK(vireo_domain_resume(web) == 0 && EXPECT_EVENTS(r, "web 4 0") &&
              dom_state_is(web, VIREO_DOMAIN_RUNNING, VIREO_DOMAIN_RUNNING_UNPAUSED),
          "resume: running (unpaused), RESUMED_UNPAUSED");
    CHECK(vireo_domain_reboot(web, 0) == 0 && EXPECT_EVENTS(r, "web reboot") &&
              dom_state_is(web, VIREO_DOMAIN_RUNNING, VIREO_DOMAIN_RUNNING_BOOTED),
          "reboot: still running, REBOOT event");
    CHECK(vireo_domain_shutdown(web, 0) == 0 && EXPECT_EVENTS(r, "web 5 0") &&
              dom_state_is(web, VIREO_DOMAIN_SHUTOFF, VIREO_DOMAIN_SHUTOFF_SHUTDOWN),
          "shutdown: shut off (shutdown), STOPPED_SHUTDOWN as libvirt's test driver");
    CHECK(vireo_domain_create(web, 0) == 0 && EXPECT_EVENTS(r, "web 2 0"), "start again");
    {
        vireo_domain *again = vireo_domain_lookup_by_name(conn, "web");

        id2 = again ? vireo_domain_get_id(again) : 0;
        CHECK(id2 == id1 + 1, "new id counts up (%u)", id2);
        if (again)
            vireo_domain_free(again);
    }
}

static void lifecycle_redefine(vireo_conn *conn, recorder *r, vireo_domain *web)
{
    char uuid[VIREO_UUID_STRING_BUFLEN];
    g_autofree char *xml = NULL;
    vireo_domain *re;
    char *live, *inactive;

    vireo_domain_get_uuid_string(web, uuid);
    xml = dom_xml("web", uuid, 3);
    re = vireo_domain_define_xml(conn, xml, 0);
    CHECK(re && EXPECT_EVENTS(r, "web 0 1"), "redefine running web: DEFINED_UPDATED");
    CHECK(vireo_domain_is_updated(web) == 1, "running web is_updated after redefine");
    live = vireo_domain_get_xml_desc(web, 0);
    inactive = vireo_domain_get_xml_desc(web, VIREO_DOMAIN_XML_INACTIVE);
    CHECK(live && strstr(live, ">1</vcpu>") && inactive && strstr(inactive, ">3</vcpu>"),
          "live XML keeps 1 vcpu, inactive XML has the new 3");
    free(live);
    free(inactive);
    CHECK(vireo_domain_destroy(web, 0) == 0 && EXPECT_EVENTS(r, "web 5 1") &&
              dom_state_is(web, VIREO_DOMAIN_SHUTOFF, VIREO_DOMAIN_SHUTOFF_DESTROYED),
          "destroy: shut off (destroyed), STOPPED_DESTROYED");
    live = vireo_domain_get_xml_desc(web, 0);
    CHECK(live && strstr(live, ">3</vcpu>") && vireo_domain_is_updated(web) == 0,
          "after stop the new definition is the only one");
    free(live);
    if (re)
        vireo_domain_free(re);
}

static void lifecycle_transient(vireo_conn *conn, recorder *r)
{
    g_autofree char *xml = dom_xml("tr", NULL, 1);
    vireo_domain *tr = vireo_domain_create_xml(conn, xml, 0);
    vireo_domain *tp;

    CHECK(tr && EXPECT_EVENTS(r, "tr 2 0") && vireo_domain_is_persistent(tr) == 0 &&
              dom_state_is(tr, VIREO_DOMAIN_RUNNING, VIREO_DOMAIN_RUNNING_BOOTED),
          "create_xml: transient, running, STARTED_BOOTED");
    CHECK(tr && vireo_domain_destroy(tr, 0) == 0 && EXPECT_EVENTS(r, "tr 5 1"),
          "destroy transient: STOPPED_DESTROYED");
    CHECK(tr && vireo_domain_is_active(tr) == -1 && err_is(VIREO_ERR_NO_DOMAIN, "tr"),
          "destroyed transient domain vanished");
    if (tr)
        vireo_domain_free(tr);

    tp = vireo_domain_create_xml(conn, xml, VIREO_DOMAIN_START_PAUSED);
    CHECK(tp && EXPECT_EVENTS(r, "tr 2 0", "tr 3 0") &&
              dom_state_is(tp, VIREO_DOMAIN_PAUSED, VIREO_DOMAIN_PAUSED_USER),
          "create_xml START_PAUSED: paused, STARTED then SUSPENDED");
    CHECK(tp && vireo_domain_shutdown(tp, 0) == -1 && err_is(VIREO_ERR_OPERATION_INVALID, "tr"),
          "shutdown paused domain refused");
    CHECK(tp && vireo_domain_resume(tp) == 0 && vireo_domain_shutdown(tp, 0) == 0 &&
              EXPECT_EVENTS(r, "tr 4 0", "tr 5 0") && count_domains(conn, 0) == 2,
          "shutdown transient: gone");
    if (tp)
        vireo_domain_free(tp);
    tp = define(conn, "tdef", NULL);
    CHECK(tp && EXPECT_EVENTS(r, "tdef 0 0"), "define tdef");
    {
        char uuid[VIREO_UUID_STRING_BUFLEN] = "";
        g_autofree char *xml4 = NULL;
        vireo_domain *run;

        if (tp)
            vireo_domain_get_uuid_string(tp, uuid);
        xml4 = dom_xml("tdef", uuid, 4);
        run = vireo_domain_create_xml(conn, xml4, 0);
        CHECK(run && EXPECT_EVENTS(r, "tdef 2 0") && vireo_domain_is_persistent(run) == 1,
              "create_xml of a defined inactive domain runs it, still persistent");
        CHECK(run && vireo_domain_destroy(run, 0) == 0 && EXPECT_EVENTS(r, "tdef 5 1") &&
                  dom_state_is(run, VIREO_DOMAIN_SHUTOFF, VIREO_DOMAIN_SHUTOFF_DESTROYED) &&
                  vireo_domain_undefine(run, 0) == 0 && EXPECT_EVENTS(r, "tdef 1 0"),
              "after destroy it is defined and inactive again");
        if (run)
            vireo_domain_free(run);
    }
    if (tp)
        vireo_domain_free(tp);
}

static void lifecycle_undefine(vireo_conn *conn, recorder *r, vireo_domain *web)
{
    vireo_domain *gone;

    CHECK(vireo_domain_create(web, 0) == 0 && EXPECT_EVENTS(r, "web 2 0"), "start web");
    CHECK(vireo_domain_undefine(web, 0) == 0 && EXPECT_EVENTS(r, "web 1 0") &&
              vireo_domain_is_persistent(web) == 0 && vireo_domain_is_active(web) == 1,
          "undefine running: UNDEFINED_REMOVED, still running, transient");
    CHECK(vireo_domain_set_autostart(web, 1) == -1 &&
              err_is(VIREO_ERR_OPERATION_INVALID, "cannot set autostart for transient domain"),
          "autostart of transient refused");
    CHECK(vireo_domain_undefine(web, 0) == -1 &&
              err_is(VIREO_ERR_OPERATION_INVALID, "cannot undefine transient domain"),
          "undefine transient refused");
    {
        char uuid[VIREO_UUID_STRING_BUFLEN];
        g_autofree char *xml = NULL;
        vireo_domain *again;

        vireo_domain_get_uuid_string(web, uuid);
        xml = dom_xml("web", uuid, 1);
        again = vireo_domain_define_xml(conn, xml, 0);
        CHECK(again && EXPECT_EVENTS(r, "web 0 0") && vireo_domain_is_persistent(web) == 1 &&
                  vireo_domain_undefine(web, 0) == 0 && EXPECT_EVENTS(r, "web 1 0"),
              "define a running transient domain: persistent again, DEFINED_ADDED");
        if (again)
            vireo_domain_free(again);
    }
    CHECK(vireo_domain_destroy(web, 0) == 0 && EXPECT_EVENTS(r, "web 5 1"), "destroy web");
    gone = vireo_domain_lookup_by_name(conn, "web");
    CHECK(!gone && err_is(VIREO_ERR_NO_DOMAIN, "no domain with matching name 'web'"),
          "destroyed transient web vanished");
    if (gone)
        vireo_domain_free(gone);
    gone = define(conn, "gone", NULL);
    CHECK(gone && EXPECT_EVENTS(r, "gone 0 0") && vireo_domain_undefine(gone, 0) == 0 &&
              EXPECT_EVENTS(r, "gone 1 0") && vireo_domain_is_active(gone) == -1 &&
              err_is(VIREO_ERR_NO_DOMAIN, "gone"),
          "undefine inactive: removed, UNDEFINED_REMOVED");
    if (gone)
        vireo_domain_free(gone);
}

static void test_lifecycle(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");
    recorder r;
    vireo_domain *web;
    int cb1, cb2;

    rec_init(&r);
    if (!CHECK(conn != NULL, "lifecycle: open (%s)", err_msg()))
        return;
    cb1 = reg_lifecycle(conn, NULL, &r);
    cb2 = vireo_conn_domain_event_register_any(conn, NULL, VIREO_DOMAIN_EVENT_ID_REBOOT,
                                               (void (*)(void))rec_reboot, &r, rec_free);
    CHECK(cb1 >= 0 && cb2 >= 0 && cb1 != cb2, "register lifecycle and reboot callbacks");
    web = define(conn, "web", NULL);
    CHECK(web != NULL, "define web (%s)", err_msg());
    if (!web) {
        vireo_conn_close(conn);
        return;
    }
    CHECK(r.lines->len == 0, "no event delivered inside the call that caused it");
    CHECK(EXPECT_EVENTS(&r, "web 0 0"), "event DEFINED_ADDED");
    CHECK(dom_state_is(web, VIREO_DOMAIN_SHUTOFF, VIREO_DOMAIN_SHUTOFF_UNKNOWN) &&
              (int)vireo_domain_get_id(web) == -1,
          "defined web: shut off, no id");
    lifecycle_start_stop(conn, &r, web);
    lifecycle_redefine(conn, &r, web);
    lifecycle_transient(conn, &r);
    lifecycle_undefine(conn, &r, web);
    vireo_domain_free(web);
    CHECK(vireo_conn_domain_event_deregister_any(conn, cb1) == 0 && r.freed == 1,
          "deregister runs the free callback");
    CHECK(close_clean(conn), "lifecycle: no handle leaked");
    CHECK(r.freed == 2, "close runs the remaining free callback");
    g_ptr_array_free(r.lines, TRUE);
}

/* A filter on one domain, and deregistration from inside a callback. */
static void test_event_filters(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");
    vireo_domain *a, *b;
    recorder ra, self;

    rec_init(&ra);
    rec_init(&self);
    if (!conn)
        return;
    a = define(conn, "fa", NULL);
    b = define(conn, "fb", NULL);
    drain();
    CHECK(reg_lifecycle(conn, a, &ra) >= 0, "register with a domain filter");
    self.conn = conn;
    self.deregister_id = reg_lifecycle(conn, NULL, &self);
    vireo_domain_create(b, 0);
    vireo_domain_create(a, 0);
    vireo_domain_destroy(a, 0);
    CHECK(EXPECT_EVENTS(&ra, "fa 2 0", "fa 5 1"), "filtered callback sees only its domain");
    CHECK(self.lines->len == 1 && self.freed == 1,
          "deregister inside the callback: no further call, free callback ran once");
    vireo_domain_destroy(b, 0);
    vireo_domain_undefine(a, 0);
    vireo_domain_undefine(b, 0);
    vireo_domain_free(a);
    vireo_domain_free(b);
    drain();
    CHECK(close_clean(conn) && ra.freed == 1, "filters: no leak, free callback on close");
    g_ptr_array_free(ra.lines, TRUE);
    g_ptr_array_free(self.lines, TRUE);
}

/* ---- list filters ---- */

typedef struct list_model {
    const char *name;
    int state;          /* VIREO_DOMAIN_RUNNING, PAUSED or SHUTOFF */
    bool persistent;
    bool autostart;
} list_model;

static const list_model list_mix[] = {
    { "lauto", VIREO_DOMAIN_RUNNING, true, true },
    { "loff", VIREO_DOMAIN_SHUTOFF, true, true },
    { "loff2", VIREO_DOMAIN_SHUTOFF, true, false },
    { "lpause", VIREO_DOMAIN_PAUSED, true, false },
    { "ltp", VIREO_DOMAIN_PAUSED, false, false },
    { "ltr", VIREO_DOMAIN_RUNNING, false, false },
    { "test", VIREO_DOMAIN_RUNNING, true, false },
};

/* The filter semantics written out independently of the driver. */
static bool model_pair(unsigned int flags, unsigned int yes, unsigned int no, bool v)
{
    return !(flags & (yes | no)) || ((flags & yes) && v) || ((flags & no) && !v);
}

static bool model_match(const list_model *m, unsigned int f)
{
    bool active = m->state != VIREO_DOMAIN_SHUTOFF;
    unsigned int states = f & 0xf0;
    bool state_ok = !states || ((f & VIREO_LIST_DOMAINS_RUNNING) && m->state == VIREO_DOMAIN_RUNNING) ||
                    ((f & VIREO_LIST_DOMAINS_PAUSED) && m->state == VIREO_DOMAIN_PAUSED) ||
                    ((f & VIREO_LIST_DOMAINS_SHUTOFF) && m->state == VIREO_DOMAIN_SHUTOFF);

    return state_ok && model_pair(f, VIREO_LIST_DOMAINS_ACTIVE, VIREO_LIST_DOMAINS_INACTIVE, active) &&
           model_pair(f, VIREO_LIST_DOMAINS_PERSISTENT, VIREO_LIST_DOMAINS_TRANSIENT, m->persistent) &&
           model_pair(f, VIREO_LIST_DOMAINS_MANAGEDSAVE, VIREO_LIST_DOMAINS_NO_MANAGEDSAVE, false) &&
           model_pair(f, VIREO_LIST_DOMAINS_AUTOSTART, VIREO_LIST_DOMAINS_NO_AUTOSTART, m->autostart) &&
           model_pair(f, VIREO_LIST_DOMAINS_HAS_SNAPSHOT, VIREO_LIST_DOMAINS_NO_SNAPSHOT, false) &&
           model_pair(f, VIREO_LIST_DOMAINS_HAS_CHECKPOINT, VIREO_LIST_DOMAINS_NO_CHECKPOINT, false);
}

static char *list_names(vireo_conn *conn, unsigned int flags)
{
    vireo_domain **doms = NULL;
    GString *s = g_string_new("");
    int n = vireo_conn_list_all_domains(conn, &doms, flags);

    for (int i = 0; i < n; i++)
        g_string_append_printf(s, "%s%s", i ? " " : "", vireo_domain_get_name(doms[i]));
    vireo_domain_list_free(doms);
    return n < 0 ? (g_string_free(s, TRUE), g_strdup("(error)")) : g_string_free(s, FALSE);
}

static char *model_names(unsigned int flags)
{
    GString *s = g_string_new("");

    for (size_t i = 0; i < G_N_ELEMENTS(list_mix); i++)
        if (model_match(&list_mix[i], flags))
            g_string_append_printf(s, "%s%s", s->len ? " " : "", list_mix[i].name);
    return g_string_free(s, FALSE);
}

static void list_build(vireo_conn *conn)
{
    for (size_t i = 0; i < G_N_ELEMENTS(list_mix); i++) {
        const list_model *m = &list_mix[i];
        g_autofree char *xml = dom_xml(m->name, NULL, 1);
        vireo_domain *dom = NULL;

        if (strcmp(m->name, "test") == 0)
            continue;
        if (m->persistent) {
            dom = vireo_domain_define_xml(conn, xml, 0);
            if (dom && m->state != VIREO_DOMAIN_SHUTOFF)
                vireo_domain_create(dom, 0);
        } else {
            dom = vireo_domain_create_xml(conn, xml, 0);
        }
        if (dom && m->state == VIREO_DOMAIN_PAUSED)
            vireo_domain_suspend(dom);
        if (dom && m->autostart)
            vireo_domain_set_autostart(dom, 1);
        if (dom)
            vireo_domain_free(dom);
    }
}

static void test_list_filters(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");
    unsigned int bad = 0, first_bad = 0;
    const struct { unsigned int flags; const char *want; } named[] = {
        { 0, "lauto loff loff2 lpause ltp ltr test" },
        { VIREO_LIST_DOMAINS_ACTIVE, "lauto lpause ltp ltr test" },
        { VIREO_LIST_DOMAINS_INACTIVE, "loff loff2" },
        { VIREO_LIST_DOMAINS_TRANSIENT, "ltp ltr" },
        { VIREO_LIST_DOMAINS_PAUSED, "lpause ltp" },
        { VIREO_LIST_DOMAINS_AUTOSTART, "lauto loff" },
        { VIREO_LIST_DOMAINS_OTHER, "" },
        { VIREO_LIST_DOMAINS_MANAGEDSAVE, "" },
        { VIREO_LIST_DOMAINS_HAS_SNAPSHOT, "" },
        { VIREO_LIST_DOMAINS_NO_SNAPSHOT | VIREO_LIST_DOMAINS_SHUTOFF, "loff loff2" },
        { VIREO_LIST_DOMAINS_PERSISTENT | VIREO_LIST_DOMAINS_RUNNING |
              VIREO_LIST_DOMAINS_NO_AUTOSTART, "test" },
    };

    if (!conn)
        return;
    list_build(conn);
    for (size_t i = 0; i < G_N_ELEMENTS(named); i++) {
        g_autofree char *got = list_names(conn, named[i].flags);

        CHECK(strcmp(got, named[i].want) == 0, "list flags 0x%x: '%s' (got '%s')",
              named[i].flags, named[i].want, got);
    }
    /* every combination of every filter bit against the model */
    for (unsigned int f = 0; f <= 0xffff; f++) {
        g_autofree char *got = list_names(conn, f);
        g_autofree char *want = model_names(f);

        if (strcmp(got, want) != 0 && bad++ == 0)
            first_bad = f;
    }
    CHECK(bad == 0, "all 65536 filter combinations match the model (%u differ, first 0x%x)", bad,
          first_bad);
    CHECK(close_clean(conn), "list filters: no handle leaked");
}

/* ---- bad input changes nothing ---- */

static bool unchanged(vireo_conn *conn, const char *before)
{
    g_autofree char *now = list_names(conn, 0);
    vireo_domain *web = vireo_domain_lookup_by_name(conn, "web");
    char *xml = web ? vireo_domain_get_xml_desc(web, 0) : NULL;
    bool ok = strcmp(now, before) == 0 && xml && strstr(xml, "<name>web</name>");

    free(xml);
    if (web)
        vireo_domain_free(web);
    return ok;
}

static void bad_defines(vireo_conn *conn, const char *uuid, const char *before)
{
    g_autofree char *other_uuid = dom_xml("web", "11111111-2222-3333-4444-555555555555", 1);
    g_autofree char *other_name = dom_xml("web2", uuid, 1);
    g_autofree char *want1 = g_strdup_printf("domain 'web' already exists with uuid %s", uuid);
    vireo_domain *d;

    d = vireo_domain_define_xml(conn, other_uuid, 0);
    CHECK(!d && err_is(VIREO_ERR_OPERATION_FAILED, want1) && unchanged(conn, before),
          "duplicate name: OPERATION_FAILED, nothing changed");
    d = vireo_domain_define_xml(conn, other_name, 0);
    CHECK(!d && err_is(VIREO_ERR_OPERATION_FAILED, "domain 'web' is already defined with uuid") &&
              unchanged(conn, before),
          "duplicate uuid: OPERATION_FAILED, nothing changed");
    d = vireo_domain_create_xml(conn, other_uuid, 0);
    CHECK(!d && err_is(VIREO_ERR_OPERATION_FAILED, want1) && unchanged(conn, before),
          "create_xml duplicate name refused");
    d = vireo_domain_define_xml(conn, "<domain type='test'><name>x</name>", 0);
    CHECK(!d && vireo_error_last() && unchanged(conn, before),
          "malformed XML refused (code %d), nothing changed", err_code());
}

static void bad_lookups(vireo_conn *conn)
{
    CHECK(!vireo_domain_lookup_by_name(conn, "nope") &&
              err_is(VIREO_ERR_NO_DOMAIN, "Domain not found: no domain with matching name 'nope'"),
          "missing name: NO_DOMAIN");
    CHECK(!vireo_domain_lookup_by_uuid_string(conn, "11111111-2222-3333-4444-555555555555") &&
              err_is(VIREO_ERR_NO_DOMAIN,
                     "no domain with matching uuid '11111111-2222-3333-4444-555555555555'"),
          "missing uuid: NO_DOMAIN");
    CHECK(!vireo_domain_lookup_by_id(conn, 77) &&
              err_is(VIREO_ERR_NO_DOMAIN, "no domain with matching id 77"),
          "missing id: NO_DOMAIN");
}

static void bad_states(vireo_conn *conn, vireo_domain *web, const char *before)
{
    vireo_domain *test = vireo_domain_lookup_by_name(conn, "test");

    CHECK(vireo_domain_create(test, 0) == -1 &&
              err_is(VIREO_ERR_OPERATION_INVALID, "domain 'test' is already running") &&
              unchanged(conn, before),
          "start running domain: OPERATION_INVALID");
    CHECK(vireo_domain_suspend(web) == -1 &&
              err_is(VIREO_ERR_OPERATION_INVALID, "domain 'web' is not running") &&
              dom_state_is(web, VIREO_DOMAIN_SHUTOFF, VIREO_DOMAIN_SHUTOFF_UNKNOWN),
          "suspend shut off domain: OPERATION_INVALID");
    CHECK(vireo_domain_resume(test) == -1 && err_is(VIREO_ERR_OPERATION_INVALID, "'test'"),
          "resume running domain: OPERATION_INVALID");
    CHECK(vireo_domain_get_name(test) && err_is(VIREO_ERR_OPERATION_INVALID, "'test'"),
          "handle accessors keep the last error for the caller's report");
    CHECK(vireo_domain_destroy(web, 0) == -1 && err_is(VIREO_ERR_OPERATION_INVALID, "'web'"),
          "destroy shut off domain: OPERATION_INVALID");
    CHECK(vireo_domain_shutdown(web, 0) == -1 && vireo_domain_reboot(web, 0) == -1 &&
              err_is(VIREO_ERR_OPERATION_INVALID, "'web'"),
          "shutdown / reboot shut off domain: OPERATION_INVALID");
    CHECK(vireo_domain_suspend(test) == 0 && vireo_domain_suspend(test) == -1 &&
              err_is(VIREO_ERR_OPERATION_INVALID, "already paused") &&
              vireo_domain_resume(test) == 0,
          "suspend paused domain: OPERATION_INVALID");
    if (test)
        vireo_domain_free(test);
}

static void bad_read_only(const char *before)
{
    vireo_conn *ro = vireo_conn_open_read_only("test:///default");
    g_autofree char *xml = dom_xml("rodom", NULL, 1);
    vireo_domain *test = ro ? vireo_domain_lookup_by_name(ro, "test") : NULL;

    CHECK(ro && test, "read-only connection can look up");
    CHECK(ro && !vireo_domain_define_xml(ro, xml, 0) &&
              err_is(VIREO_ERR_OPERATION_DENIED, "read only access prevents") &&
              unchanged(ro, before),
          "read-only connection refuses define");
    CHECK(test && vireo_domain_destroy(test, 0) == -1 &&
              err_is(VIREO_ERR_OPERATION_DENIED, NULL) && vireo_domain_is_active(test) == 1,
          "read-only connection refuses destroy");
    if (test)
        vireo_domain_free(test);
    if (ro)
        CHECK(close_clean(ro), "read-only: no handle leaked");
}

static void test_bad_input(void)
{
    vireo_conn *conn = vireo_conn_open("test:///default");
    vireo_domain *web = conn ? define(conn, "web", NULL) : NULL;
    char uuid[VIREO_UUID_STRING_BUFLEN] = "";
    g_autofree char *before = NULL;

    if (!CHECK(web != NULL, "bad input: define web (%s)", err_msg())) {
        if (conn)
            vireo_conn_close(conn);
        return;
    }
    vireo_domain_get_uuid_string(web, uuid);
    before = list_names(conn, 0);
    bad_defines(conn, uuid, before);
    bad_lookups(conn);
    bad_states(conn, web, before);
    bad_read_only(before);
    vireo_domain_undefine(web, 0);
    CHECK(vireo_domain_create(web, 0) == -1 && err_is(VIREO_ERR_NO_DOMAIN, "web"),
          "handle of an undefined domain: NO_DOMAIN");
    vireo_domain_free(web);
    drain();
    CHECK(close_clean(conn), "bad input: no handle leaked");
}

/* ---- test:///PATH.xml ---- */

static const char node_file[] =
    "<node>\n"
    "  <domain type='test'>\n"
    "    <name>inline</name>\n"
    "    <memory>1024</memory>\n"
    "    <os><type>hvm</type></os>\n"
    "  </domain>\n"
    "  <domain file='sub/fromfile.xml'/>\n"
    "  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
    "    <name>stopped</name>\n"
    "    <memory>1024</memory>\n"
    "    <os><type>hvm</type></os>\n"
    "    <test:runstate>5</test:runstate>\n"
    "  </domain>\n"
    "  <cpu>\n"
    "    <mhz>6000</mhz>\n"
    "    <model>i986</model>\n"
    "    <active>50</active>\n"
    "    <nodes>4</nodes>\n"
    "    <sockets>4</sockets>\n"
    "    <cores>4</cores>\n"
    "    <threads>2</threads>\n"
    "  </cpu>\n"
    "  <memory>8192000</memory>\n"
    "</node>\n";

static void node_file_contents(vireo_conn *conn)
{
    vireo_node_info info;
    g_autofree char *names = list_names(conn, 0);
    g_autofree char *active = list_names(conn, VIREO_LIST_DOMAINS_ACTIVE);
    vireo_domain *ff = vireo_domain_lookup_by_name(conn, "fromfile");
    vireo_domain *in = vireo_domain_lookup_by_id(conn, 1);

    CHECK(vireo_node_get_info(conn, &info) == 0 && strcmp(info.model, "i986") == 0 &&
              info.memory == 8192000 && info.cpus == 50 && info.mhz == 6000 && info.nodes == 4 &&
              info.sockets == 4 && info.cores == 4 && info.threads == 2,
          "node file: node info from <cpu> and <memory>");
    CHECK(strcmp(names, "fromfile inline stopped") == 0 && strcmp(active, "fromfile inline") == 0,
          "node file: inline and file domains running, runstate 5 shut off (%s / %s)", names,
          active);
    CHECK(ff && vireo_domain_get_id(ff) == 2 && in &&
              strcmp(vireo_domain_get_name(in), "inline") == 0,
          "node file: ids in file order");
    if (ff)
        vireo_domain_free(ff);
    if (in)
        vireo_domain_free(in);
}

static void node_file_errors(const char *dir)
{
    g_autofree char *missing = g_build_filename(dir, "missing.xml", NULL);
    g_autofree char *bad = g_build_filename(dir, "bad.xml", NULL);
    g_autofree char *uri = g_strdup_printf("test://%s", missing);
    g_autofree char *want = g_strdup_printf("failed to parse xml document '%s'", missing);
    vireo_conn *conn = vireo_conn_open(uri);

    CHECK(!conn && err_is(VIREO_ERR_XML_ERROR, want), "missing node file: XML_ERROR naming it");
    g_file_set_contents(bad, "<node>\n  <domain", -1, NULL);
    g_free(uri);
    uri = g_strdup_printf("test://%s", bad);
    conn = vireo_conn_open(uri);
    CHECK(!conn && vireo_error_last() && strstr(err_msg(), "bad.xml"),
          "malformed node file refused naming it (%s)", err_msg());
    g_file_set_contents(bad, "<node><bogus/></node>", -1, NULL);
    conn = vireo_conn_open(uri);
    CHECK(!conn && err_is(VIREO_ERR_XML_ERROR, "bogus"), "unknown node file element refused");
    g_unlink(bad);
}

static void test_node_file(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-api-XXXXXX", NULL);
    g_autofree char *sub = g_build_filename(dir, "sub", NULL);
    g_autofree char *path = g_build_filename(dir, "node.xml", NULL);
    g_autofree char *dpath = g_build_filename(sub, "fromfile.xml", NULL);
    g_autofree char *uri = g_strdup_printf("test://%s", path);
    g_autofree char *xml = dom_xml("fromfile", NULL, 1);
    vireo_conn *c1, *c2;
    vireo_domain *d;

    g_mkdir(sub, 0700);
    g_file_set_contents(path, node_file, -1, NULL);
    g_file_set_contents(dpath, xml, -1, NULL);
    c1 = vireo_conn_open(uri);
    c2 = vireo_conn_open(uri);
    CHECK(c1 && c2, "open %s (%s)", uri, err_msg());
    if (c1 && c2) {
        node_file_contents(c1);
        d = define(c1, "only-in-c1", NULL);
        CHECK(d && count_domains(c1, 0) == 4 && count_domains(c2, 0) == 3,
              "each open of a node file has its own node");
        if (d)
            vireo_domain_free(d);
    }
    if (c1)
        CHECK(close_clean(c1), "node file: no handle leaked");
    if (c2)
        vireo_conn_close(c2);
    node_file_errors(dir);
    g_unlink(dpath);
    g_unlink(path);
    g_rmdir(sub);
    g_rmdir(dir);
}

/* ---- sharing and threads ---- */

static void test_shared_default(void)
{
    vireo_conn *c1 = vireo_conn_open("test:///default");
    vireo_conn *c2 = vireo_conn_open("test:///default");
    vireo_domain *d, *seen;
    recorder r;

    rec_init(&r);
    if (!c1 || !c2)
        return;
    reg_lifecycle(c2, NULL, &r);
    d = define(c1, "shared", NULL);
    seen = vireo_domain_lookup_by_name(c2, "shared");
    CHECK(d && seen && vireo_domain_get_conn(seen) == c2,
          "a domain defined on one connection is seen on another");
    CHECK(EXPECT_EVENTS(&r, "shared 0 0"), "events reach every connection of the node");
    if (d)
        vireo_domain_free(d);
    if (seen)
        vireo_domain_free(seen);
    CHECK(close_clean(c1) && close_clean(c2) && r.freed == 1, "close both");
    c1 = vireo_conn_open("test:///default");
    CHECK(c1 && count_domains(c1, 0) == 1, "state resets when the last connection closes");
    if (c1)
        vireo_conn_close(c1);
    g_ptr_array_free(r.lines, TRUE);
}

typedef struct reader_ctx {
    vireo_conn *conn;
    gint stop;      /* atomic */
    gint failures;  /* atomic */
    gint rounds;    /* atomic */
} reader_ctx;

static gpointer reader_thread(gpointer data)
{
    reader_ctx *ctx = data;

    while (!g_atomic_int_get(&ctx->stop) || g_atomic_int_get(&ctx->rounds) < 50) {
        vireo_domain *d = vireo_domain_lookup_by_name(ctx->conn, "test");
        vireo_domain **all = NULL;
        int n = vireo_conn_list_all_domains(ctx->conn, &all, 0);
        vireo_domain_info info;

        if (!d || n < 1 || vireo_domain_get_info(d, &info) < 0 || vireo_error_last())
            g_atomic_int_inc(&ctx->failures);
        for (int i = 0; i < n; i++) {
            /* a listed domain may be undefined meanwhile: NO_DOMAIN is fine */
            char *x = vireo_domain_get_xml_desc(all[i], 0);

            if (!x && err_code() != VIREO_ERR_NO_DOMAIN)
                g_atomic_int_inc(&ctx->failures);
            free(x);
        }
        vireo_domain_list_free(all);
        if (d)
            vireo_domain_free(d);
        g_atomic_int_inc(&ctx->rounds);
    }
    return NULL;
}

static void test_threads(void)
{
    reader_ctx ctx = { .conn = vireo_conn_open("test:///default") };
    GThread *readers[4];
    int writer_failures = 0;

    if (!ctx.conn)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(readers); i++)
        readers[i] = g_thread_new("reader", reader_thread, &ctx);
    for (int i = 0; i < 200; i++) {
        g_autofree char *name = g_strdup_printf("th%d", i % 10);
        vireo_domain *d = define(ctx.conn, name, NULL);

        if (!d || vireo_domain_create(d, 0) < 0 || vireo_domain_destroy(d, 0) < 0 ||
            vireo_domain_undefine(d, 0) < 0)
            writer_failures++;
        if (d)
            vireo_domain_free(d);
    }
    g_atomic_int_set(&ctx.stop, 1);
    for (size_t i = 0; i < G_N_ELEMENTS(readers); i++)
        g_thread_join(readers[i]);
    CHECK(writer_failures == 0 && ctx.failures == 0,
          "4 readers and a writer concurrently: %d writer, %d reader failures, %d rounds",
          writer_failures, ctx.failures, ctx.rounds);
    drain();
    CHECK(close_clean(ctx.conn), "threads: no handle leaked");
}

int main(void)
{
    test_open_close();
    test_default_uri();
    test_bad_connections();
    test_default_node();
    test_lifecycle();
    test_event_filters();
    test_list_filters();
    test_bad_input();
    test_node_file();
    test_shared_default();
    test_threads();
    return check_exit();
}
