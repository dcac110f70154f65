/*
 * secret_store.c: test-secret-store, the node's secret driver
 * (src/drivers/secret) on a private root: the driver table as vireod's
 * clients reach it, the store API vireod's own users call, the files it
 * keeps, and what a restart finds.
 */
#define _GNU_SOURCE  /* memmem */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "drivers/driver.h"
#include "drivers/event.h"
#include "drivers/handles.h"
#include "drivers/node.h"
#include "drivers/secret/secret_driver.h"
#include "drivers/secret/secret_store.h"
#include "util/error.h"
#include "util/secret_crypt.h"
#include "util/uuid.h"

#define VOL_UUID "0a81f5b2-8403-4b8c-9a1f-1b2c3d4e5f60"
#define CEPH_UUID "1b92a6c3-9514-4c9d-8b20-2c3d4e5f6071"
#define ISCSI_UUID "2ca3b7d4-a625-4dae-9c31-3d4e5f607182"
#define TLS_UUID "3db4c8e5-b736-4ebf-8d42-4e5f60718293"
#define VTPM_UUID "4ec5d9f6-c847-4fc0-9e53-5f60718293a4"
#define OTHER_UUID "5fd6ea07-d958-40d1-8f64-60718293a4b5"

static const secret_driver *drv = &secret_node_driver;
static char *root;

static const char *emsg(void)
{
    const vireo_error *e = error_last();

    return e ? e->message : "no error set";
}

/* CHECK with the thread's error shown when it fails; cond runs before
 * the message is read (a call in cond may replace the error) */
#define CHECK_E(cond, what)                                                              \
    do {                                                                                 \
        bool ok_ = (cond);                                                               \
        CHECK(ok_, "%s%s%s", (what), ok_ ? "" : ": ", ok_ ? "" : emsg());                \
    } while (0)

static int ecode(void)
{
    const vireo_error *e = error_last();

    return e ? e->code : 0;
}

static bool error_is(int code, const char *text)
{
    return ecode() == code && strstr(emsg(), text) != NULL;
}

static char *secrets_path(const char *name)
{
    return g_build_filename(root, "etc", "secrets", name, NULL);
}

static bool file_exists(const char *uuid, const char *suffix)
{
    g_autofree char *name = g_strconcat(uuid, suffix, NULL);
    g_autofree char *path = secrets_path(name);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

static vireo_conn *open_conn(void)
{
    g_autofree char *etc = g_build_filename(root, "etc", NULL);
    g_autofree char *run = g_build_filename(root, "run", NULL);
    vireo_conn *conn;
    node_state *node = node_acquire(etc, run);

    if (!node) {
        NOTE("node_acquire: %s", emsg());
        return NULL;
    }
    conn = conn_handle_new("qemu:///embed", false);
    conn->node = node;
    return conn;
}

static vireo_secret *define(vireo_conn *conn, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static vireo_secret *define(vireo_conn *conn, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *xml = NULL;

    va_start(ap, fmt);
    xml = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_reset();
    return drv->define_xml(conn, xml, 0);
}

static vireo_secret *by_uuid(vireo_conn *conn, const char *text)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];

    uuid_parse(text, uuid);
    error_reset();
    return drv->lookup_by_uuid(conn, uuid);
}

static bool value_is(vireo_secret *s, const char *want)
{
    size_t len = 0;
    g_autofree unsigned char *v = NULL;

    error_reset();
    v = drv->get_value(s, &len, 0);
    return v && len == strlen(want) && memcmp(v, want, len) == 0;
}

static bool store_value_is(vireo_conn *conn, const char *text, const char *want)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];
    uint8_t *v = NULL;
    size_t len = 0;
    bool ok;

    uuid_parse(text, uuid);
    error_reset();
    if (secret_store_get_value(conn->node, uuid, &v, &len) < 0)
        return false;
    ok = len == strlen(want) && memcmp(v, want, len) == 0;
    secret_value_free(v, len);
    return ok;
}

static int set_value(vireo_secret *s, const char *v)
{
    error_reset();
    return drv->set_value(s, (const unsigned char *)v, strlen(v), 0);
}

static int list_count(vireo_conn *conn, unsigned int flags, char **first)
{
    vireo_secret **list = NULL;
    int n;

    error_reset();
    n = drv->list_all(conn, &list, flags);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        char text[VIREO_UUID_STRING_BUFLEN];

        uuid_format(list[i]->uuid, text);
        if (first && i == 0)
            *first = g_strdup(text);
        if (i > 0 && memcmp(list[i - 1]->uuid, list[i]->uuid, VIREO_UUID_BUFLEN) >= 0)
            n = -100;  /* not sorted */
    }
    for (int i = 0; list[i]; i++)
        secret_handle_unref(list[i]);
    g_free(list);
    return n;
}

static void release(vireo_secret *s)
{
    if (s)
        secret_handle_unref(s);
}

/* ---- events ---- */

static int events_seen;
static int last_event = -1;
static char last_uuid[VIREO_UUID_STRING_BUFLEN];

static void on_lifecycle(vireo_conn *conn, vireo_secret *s, int event, int detail, void *opaque)
{
    (void)conn, (void)detail, (void)opaque;
    events_seen++;
    last_event = event;
    uuid_format(s->uuid, last_uuid);
}

static bool wait_events(int n)
{
    for (int i = 0; i < 200 && events_seen < n; i++)
        event_run_once(10);
    return events_seen >= n;
}

/* ---- the tests ---- */

static void test_open(vireo_conn *conn)
{
    g_autofree char *dir = secrets_path("");
    g_autofree char *key = secrets_path("master.key");
    struct stat st;

    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "secrets folder is mode 0700");
    CHECK(stat(key, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size == 32,
          "master.key: 32 bytes, mode 0600");
    CHECK(list_count(conn, 0, NULL) == 0, "a new store lists no secret");
}

static void test_define_and_values(vireo_conn *conn)
{
    g_autofree char *bin = secrets_path(VOL_UUID ".bin");
    g_autofree char *blob = NULL;
    size_t blob_len = 0;
    struct stat st;
    vireo_secret *s;
    size_t len;

    s = define(conn, "<secret ephemeral='no' private='no'><uuid>%s</uuid>"
                     "<usage type='volume'><volume>/var/lib/images/a.qcow2</volume></usage>"
                     "</secret>", VOL_UUID);
    CHECK_E(s != NULL, "define a volume secret");
    if (!s)
        return;
    CHECK(s->usage_type == VIREO_SECRET_USAGE_TYPE_VOLUME &&
          strcmp(s->usage_id, "/var/lib/images/a.qcow2") == 0, "handle carries the usage");
    CHECK(file_exists(VOL_UUID, ".xml") && !file_exists(VOL_UUID, ".bin"),
          "UUID.xml written, no value file yet");
    error_reset();
    CHECK_E(drv->get_value(s, &len, 0) == NULL &&
          error_is(VIREO_ERR_NO_SECRET, "secret '" VOL_UUID "' does not have a value"),
          "get_value without a value: NO_SECRET");
    CHECK_E(set_value(s, "correct horse battery") == 0, "set_value");
    CHECK(value_is(s, "correct horse battery"), "get_value returns it");
    CHECK(stat(bin, &st) == 0 && (st.st_mode & 0777) == 0600, "UUID.bin written, mode 0600");
    CHECK(g_file_get_contents(bin, &blob, &blob_len, NULL) &&
          blob_len == strlen("correct horse battery") + SECRET_CRYPT_OVERHEAD &&
          !memmem(blob, blob_len, "horse", 5), "the value file is encrypted, not the plaintext");
    CHECK(set_value(s, "") == 0 && value_is(s, ""), "an empty value is a value");
    CHECK(set_value(s, "correct horse battery") == 0, "set the value again");
    release(s);

    s = by_uuid(conn, VOL_UUID);
    CHECK(s != NULL, "lookup by UUID");
    release(s);
    s = by_uuid(conn, OTHER_UUID);
    CHECK_E(!s && error_is(VIREO_ERR_NO_SECRET,
                         "Secret not found: no secret with matching uuid '" OTHER_UUID "'"),
          "lookup of an unknown UUID: NO_SECRET");
    error_reset();
    s = drv->lookup_by_usage(conn, VIREO_SECRET_USAGE_TYPE_VOLUME, "/var/lib/images/a.qcow2");
    {
        unsigned char want[VIREO_UUID_BUFLEN];

        uuid_parse(VOL_UUID, want);
        CHECK(s && memcmp(s->uuid, want, VIREO_UUID_BUFLEN) == 0, "lookup by usage");
    }
    release(s);
    error_reset();
    s = drv->lookup_by_usage(conn, VIREO_SECRET_USAGE_TYPE_CEPH, "/var/lib/images/a.qcow2");
    CHECK_E(!s && error_is(VIREO_ERR_NO_SECRET, "no secret with matching usage "
                                              "'/var/lib/images/a.qcow2'"),
          "lookup by usage of another type: NO_SECRET");
}

static void test_private(vireo_conn *conn)
{
    unsigned char uuid[VIREO_UUID_BUFLEN];
    char text[VIREO_UUID_STRING_BUFLEN];
    vireo_secret *s;
    size_t len;

    s = define(conn, "<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
                     "<usage type='ceph'><name>client.admin secret</name></usage></secret>",
               CEPH_UUID);
    CHECK(s && set_value(s, "AQAGGC1Y2J7kJRAA") == 0, "define and set a private ceph secret");
    if (!s)
        return;
    error_reset();
    CHECK_E(drv->get_value(s, &len, 0) == NULL &&
          error_is(VIREO_ERR_INVALID_SECRET, "secret is private"),
          "get_value of a private secret through the table: INVALID_SECRET");
    CHECK(store_value_is(conn, CEPH_UUID, "AQAGGC1Y2J7kJRAA"),
          "secret_store_get_value gives vireod's own users the private value");
    CHECK(secret_store_lookup_usage(conn->node, VIREO_SECRET_USAGE_TYPE_CEPH,
                                    "client.admin secret", uuid) == 0 &&
          (uuid_format(uuid, text), strcmp(text, CEPH_UUID) == 0),
          "secret_store_lookup_usage finds it");
    release(s);
    s = define(conn, "<secret ephemeral='no' private='no'><uuid>%s</uuid>"
                     "<usage type='ceph'><name>client.admin secret</name></usage></secret>",
               CEPH_UUID);
    CHECK_E(!s && error_is(VIREO_ERR_INTERNAL_ERROR, "cannot change private flag"),
          "redefine cannot make a private secret public");
    CHECK(store_value_is(conn, CEPH_UUID, "AQAGGC1Y2J7kJRAA"), "and its value stays");
}

static void test_clashes(vireo_conn *conn)
{
    g_autofree char *xml = NULL;
    vireo_secret *s;

    s = define(conn, "<secret><uuid>%s</uuid><usage type='volume'>"
                     "<volume>/var/lib/images/a.qcow2</volume></usage></secret>", OTHER_UUID);
    CHECK_E(!s && error_is(VIREO_ERR_INTERNAL_ERROR,
                         "a secret with UUID " VOL_UUID " already defined for use with "
                         "/var/lib/images/a.qcow2"),
          "a second secret with the same usage is refused");
    CHECK(!file_exists(OTHER_UUID, ".xml"), "and nothing is written for it");
    s = define(conn, "<secret><uuid>%s</uuid><usage type='volume'>"
                     "<volume>/var/lib/images/b.qcow2</volume></usage></secret>", VOL_UUID);
    CHECK_E(!s && error_is(VIREO_ERR_INTERNAL_ERROR,
                         "a secret with UUID " VOL_UUID " is already defined for use with "
                         "/var/lib/images/a.qcow2"),
          "redefine with another usage is refused");
    s = define(conn, "<secret ephemeral='no' private='no'><uuid>%s</uuid>"
                     "<description>disk a</description><usage type='volume'>"
                     "<volume>/var/lib/images/a.qcow2</volume></usage></secret>", VOL_UUID);
    CHECK_E(s != NULL, "redefine with the same usage updates");
    xml = s ? drv->get_xml_desc(s, 0) : NULL;
    CHECK(xml && strstr(xml, "<description>disk a</description>"), "the new XML is served");
    CHECK(s && value_is(s, "correct horse battery"), "an update keeps the value");
    release(s);
    error_reset();
    CHECK_E(define(conn, "<secret><usage type='volume'/></secret>") == NULL && ecode() != 0,
          "bad XML is refused");
    error_reset();
    CHECK(drv->define_xml(conn, "<secret/>", 1) == NULL && ecode() == VIREO_ERR_INVALID_ARG,
          "define with unknown flags: INVALID_ARG");
}

static void test_ephemeral_and_list(vireo_conn *conn)
{
    g_autofree char *first = NULL;
    g_autofree unsigned char *big = g_malloc0(65537);
    vireo_secret *s;

    s = define(conn, "<secret ephemeral='yes' private='no'><uuid>%s</uuid><usage type='iscsi'>"
                     "<target>iqn.2026-11.org.vireo:target0</target></usage></secret>",
               ISCSI_UUID);
    CHECK_E(s && set_value(s, "chap-pass") == 0 && value_is(s, "chap-pass"),
          "an ephemeral iscsi secret holds a value");
    CHECK(!file_exists(ISCSI_UUID, ".xml") && !file_exists(ISCSI_UUID, ".bin"),
          "an ephemeral secret is never written to disk");
    CHECK(s && drv->set_value(s, big, 65536, 0) == 0, "a value of 65536 bytes is accepted");
    error_reset();
    CHECK_E(s && drv->set_value(s, big, 65537, 0) < 0 && ecode() == VIREO_ERR_INVALID_ARG,
          "a value of 65537 bytes is refused");
    CHECK(s && set_value(s, "chap-pass") == 0, "set the value back");
    release(s);
    s = define(conn, "<secret><uuid>%s</uuid><usage type='tls'><name>tls-key</name></usage>"
                     "</secret>", TLS_UUID);
    CHECK(s != NULL, "define a tls secret");
    release(s);
    s = define(conn, "<secret><uuid>%s</uuid><usage type='vtpm'><name>vtpm-a</name></usage>"
                     "</secret>", VTPM_UUID);
    CHECK(s != NULL, "define a vtpm secret");
    release(s);

    CHECK(list_count(conn, 0, &first) == 5 && first && strcmp(first, VOL_UUID) == 0,
          "list_all: 5 secrets, sorted by UUID");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_EPHEMERAL, NULL) == 1, "filter EPHEMERAL");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_NO_EPHEMERAL, NULL) == 4, "filter NO_EPHEMERAL");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_PRIVATE, NULL) == 1, "filter PRIVATE");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_NO_PRIVATE, NULL) == 4, "filter NO_PRIVATE");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_EPHEMERAL | VIREO_LIST_SECRETS_NO_EPHEMERAL,
                     NULL) == 5, "both bits of a group: no filter");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_EPHEMERAL | VIREO_LIST_SECRETS_PRIVATE, NULL) == 0,
          "groups combine with AND");
    CHECK(list_count(conn, VIREO_LIST_SECRETS_NO_EPHEMERAL | VIREO_LIST_SECRETS_NO_PRIVATE,
                     NULL) == 3, "NO_EPHEMERAL and NO_PRIVATE");
    CHECK(list_count(conn, 1u << 4, NULL) == -1 && ecode() == VIREO_ERR_INVALID_ARG,
          "an unknown list flag: INVALID_ARG");
    error_reset();
    CHECK(drv->list_all(conn, NULL, 0) == 5, "list_all without a list counts");
}

/* a secret moving between memory and disk, and secrets without usage */
static void test_ephemeral_switch(vireo_conn *conn)
{
    vireo_secret *s, *t;

    s = define(conn, "<secret ephemeral='yes'><uuid>%s</uuid></secret>", OTHER_UUID);
    CHECK_E(s && set_value(s, "v1") == 0, "an ephemeral secret without usage, with a value");
    release(s);
    t = define(conn, "<secret><description>no usage either</description></secret>");
    CHECK_E(t != NULL, "any number of secrets may have no usage");
    s = define(conn, "<secret ephemeral='no'><uuid>%s</uuid></secret>", OTHER_UUID);
    CHECK_E(s != NULL, "redefine it persistent");
    CHECK(file_exists(OTHER_UUID, ".xml") && file_exists(OTHER_UUID, ".bin") && s &&
          value_is(s, "v1"), "its definition and value are written to disk");
    release(s);
    s = define(conn, "<secret ephemeral='yes'><uuid>%s</uuid></secret>", OTHER_UUID);
    CHECK_E(s != NULL, "redefine it ephemeral");
    CHECK(!file_exists(OTHER_UUID, ".xml") && !file_exists(OTHER_UUID, ".bin") && s &&
          value_is(s, "v1"), "its files are removed, its value is kept in memory");
    CHECK(s && drv->undefine(s) == 0 && t && drv->undefine(t) == 0, "undefine both");
    release(s);
    release(t);
}

/* change the value file behind the store's back */
static void tamper(const char *uuid)
{
    g_autofree char *name = g_strconcat(uuid, ".bin", NULL);
    g_autofree char *path = secrets_path(name);
    g_autofree char *blob = NULL;
    size_t len = 0;

    if (g_file_get_contents(path, &blob, &len, NULL) && len > 20) {
        blob[20] ^= 1;
        g_file_set_contents(path, blob, (gssize)len, NULL);
    }
}

static vireo_conn *test_restart(vireo_conn *conn)
{
    g_autofree char *bad_xml = secrets_path(OTHER_UUID ".xml");
    g_autofree char *orphan = secrets_path("6ae7fb18-ea69-41e2-9075-718293a4b5c6.bin");
    vireo_secret *s;

    conn_handle_unref(conn);
    /* a definition that does not parse, and a value file without one */
    g_file_set_contents(bad_xml, "<secret><uuid>nope", -1, NULL);
    g_file_set_contents(orphan, "junk", -1, NULL);
    conn = open_conn();
    CHECK(conn != NULL, "the store opens again with a corrupt file in its folder");
    if (!conn)
        return NULL;
    s = by_uuid(conn, VOL_UUID);
    CHECK(s && value_is(s, "correct horse battery"), "a restart keeps a persistent value");
    release(s);
    CHECK(store_value_is(conn, CEPH_UUID, "AQAGGC1Y2J7kJRAA"), "and a private one");
    s = by_uuid(conn, ISCSI_UUID);
    CHECK(!s, "an ephemeral secret is gone after a restart");
    release(s);
    CHECK(list_count(conn, 0, NULL) == 4, "4 secrets after the restart");
    CHECK(g_file_test(bad_xml, G_FILE_TEST_EXISTS), "the corrupt file is left for a person");
    CHECK(!g_file_test(orphan, G_FILE_TEST_EXISTS), "a value file without a definition is removed");
    g_unlink(bad_xml);

    tamper(CEPH_UUID);
    conn_handle_unref(conn);
    conn = open_conn();
    CHECK(conn != NULL, "the store opens with a tampered value file");
    if (!conn)
        return NULL;
    s = by_uuid(conn, CEPH_UUID);
    CHECK(!store_value_is(conn, CEPH_UUID, "AQAGGC1Y2J7kJRAA") && !s,
          "the secret with the tampered value is refused (skipped)");
    release(s);
    s = by_uuid(conn, VOL_UUID);
    CHECK(s != NULL, "the others load");
    release(s);
    s = define(conn, "<secret ephemeral='no' private='yes'><uuid>%s</uuid>"
                     "<usage type='ceph'><name>client.admin secret</name></usage></secret>",
               CEPH_UUID);
    CHECK_E(s != NULL, "the skipped secret can be defined again");
    CHECK(!file_exists(CEPH_UUID, ".bin") && !store_value_is(conn, CEPH_UUID, "") &&
          error_is(VIREO_ERR_NO_SECRET, "does not have a value"),
          "without the old, unreadable value");
    release(s);
    return conn;
}

static void test_undefine_and_events(vireo_conn *conn)
{
    vireo_secret *s = by_uuid(conn, VOL_UUID);
    int id;

    error_reset();
    id = drv->event_register_any(conn, NULL, VIREO_SECRET_EVENT_ID_LIFECYCLE,
                                 (void (*)(void))on_lifecycle, NULL, NULL);
    CHECK_E(id >= 0, "register for secret lifecycle events");
    CHECK_E(s && drv->undefine(s) == 0, "undefine");
    CHECK(!file_exists(VOL_UUID, ".xml") && !file_exists(VOL_UUID, ".bin"),
          "undefine removes both files");
    CHECK(by_uuid(conn, VOL_UUID) == NULL && ecode() == VIREO_ERR_NO_SECRET,
          "an undefined secret is not found");
    error_reset();
    CHECK(s && drv->undefine(s) < 0 && ecode() == VIREO_ERR_NO_SECRET,
          "undefine twice: NO_SECRET");
    CHECK(wait_events(1) && last_event == VIREO_SECRET_EVENT_UNDEFINED &&
          strcmp(last_uuid, VOL_UUID) == 0, "an UNDEFINED event names the secret");
    release(s);
    s = define(conn, "<secret><uuid>%s</uuid><usage type='volume'>"
                     "<volume>/var/lib/images/a.qcow2</volume></usage></secret>", OTHER_UUID);
    CHECK(s != NULL, "the usage is free again after undefine");
    CHECK(wait_events(2) && last_event == VIREO_SECRET_EVENT_DEFINED &&
          strcmp(last_uuid, OTHER_UUID) == 0, "a DEFINED event names the secret");
    release(s);
    if (id >= 0)
        CHECK(drv->event_deregister_any(conn, id) == 0, "deregister");
}

int main(void)
{
    g_autoptr(GError) gerr = NULL;
    vireo_conn *conn;

    root = g_dir_make_tmp("vireo-secret-XXXXXX", &gerr);
    if (!root) {
        CHECK(false, "temp root: %s", gerr->message);
        return check_exit();
    }
    conn = open_conn();
    CHECK(conn != NULL, "open a store on a temp root");
    if (conn) {
        test_open(conn);
        test_define_and_values(conn);
        test_private(conn);
        test_clashes(conn);
        test_ephemeral_and_list(conn);
        test_ephemeral_switch(conn);
        conn = test_restart(conn);
    }
    if (conn) {
        test_undefine_and_events(conn);
        conn_handle_unref(conn);
    }
    {
        g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", root);
        if (system(cmd) != 0)
            NOTE("could not remove %s", root);
    }
    g_free(root);
    return check_exit();
}
