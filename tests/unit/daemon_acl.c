/* daemon_acl.c: the access rules file (src/daemon/acl.c): parsing, its
 * errors naming the line, and matching callers, permissions and names. */
#include <string.h>

#include "check.h"
#include "daemon/acl.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"
#include "util/log.h"

/* A local caller named user, primary group group (no database lookup of
 * supplementary groups: the names are made up). */
static daemon_identity ident_local(const char *user, const char *group)
{
    daemon_identity id = { .local = true, .uid = 4242, .gid = 4242, .pid = 1 };

    id.user = (char *)user;
    id.group = (char *)group;
    return id;
}

static bool allowed(const daemon_acl *acl, const daemon_identity *id, const char *perm,
                    const char *name)
{
    acl_subject s;
    bool ok;

    acl_subject_init(&s, id);
    ok = acl_allowed(acl, &s, perm, name);
    acl_subject_clear(&s);
    return ok;
}

static void test_parse(void)
{
    const char *text =
        "# comment\n"
        "\n"
        "allow user:alice domain.start,domain.stop name=web*   # trailing\n"
        "allow group:ops domain.*\n"
        "deny  * secret.read_secure\n"
        "allow x509:\"CN=client one,O=Example\" network.*\n"
        "allow sasl:bob* storage_pool.refresh\n";
    daemon_acl *acl = acl_load_string(text, "rules.conf");

    CHECK(acl && acl_rule_count(acl) == 5, "a good file loads every rule (comments, blanks)");
    acl_free(acl);
}

static void test_bad(void)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        { "allow user:a domain.start\npermit user:a domain.start\n",
          "r.conf:2: expected 'allow|deny SUBJECT PERMISSIONS [name=PATTERN]'" },
        { "allow user:a\n", "r.conf:1: expected 'allow|deny" },
        { "allow who:a domain.start\n", "r.conf:1: unknown subject 'who:a'" },
        { "allow user: domain.start\n", "r.conf:1: unknown subject 'user:'" },
        { "\n\nallow user:a start\n", "r.conf:3: bad permission 'start'" },
        { "allow user:a vm.start\n", "r.conf:1: bad permission 'vm.start'" },
        { "allow user:a domain.Start\n", "r.conf:1: bad permission 'domain.Start'" },
        { "allow user:a domain.start obj=web\n", "r.conf:1: expected name=PATTERN" },
        { "allow user:a domain.start name=\n", "r.conf:1: expected name=PATTERN" },
        { "allow x509:\"CN=a domain.start\n", "r.conf:1: unclosed quote" },
        { "allow user:a domain.start name=a b\n", "r.conf:1: expected 'allow|deny" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        daemon_acl *acl = acl_load_string(cases[i].text, "r.conf");
        const vireo_error *err = error_last();

        CHECK(!acl && err && err->message && strstr(err->message, cases[i].want),
              "bad rules %zu refused: %s (got: %s)", i, cases[i].want,
              err && err->message ? err->message : "none");
        acl_free(acl);
        error_reset();
    }
}

static void test_match(void)
{
    daemon_acl *acl = acl_load_string(
        "allow user:alice domain.start name=web*\n"
        "deny  user:alice domain.read name=secret*\n"
        "allow group:ops domain.*\n"
        "deny  group:ops domain.delete\n"     /* after the allow: never reached */
        "allow x509:CN=*,O=Example network.start\n"
        "allow sasl:carol storage_pool.*\n"
        "deny  * domain.getattr name=hidden\n", "m.conf");
    daemon_identity alice = ident_local("alice", "users");
    daemon_identity op = ident_local("dave", "ops");
    daemon_identity nobody = ident_local("eve", "users");
    daemon_identity tls = { .address = (char *)"10.0.0.2;5000",
                            .x509_dn = (char *)"CN=c,O=Example" };
    daemon_identity sasl = { .address = (char *)"10.0.0.3;5000", .sasl_user = (char *)"carol" };

    CHECK(acl != NULL, "the matching rules load");
    CHECK(allowed(acl, &alice, "domain.start", "web1"), "a user rule on a name pattern allows");
    CHECK(!allowed(acl, &alice, "domain.start", "db1"), "outside the pattern: denied");
    CHECK(!allowed(acl, &alice, "domain.start", NULL), "an unknown name does not match a pattern");
    CHECK(!allowed(acl, &alice, "domain.stop", "web1"), "a permission without a rule: denied");
    CHECK(allowed(acl, &alice, "domain.read", "web1"), "reading without a rule: allowed");
    CHECK(allowed(acl, &alice, "connect.search_domains", NULL), "search_*: reading");
    CHECK(!allowed(acl, &alice, "domain.read", "secret1"), "a deny rule stops reading");
    CHECK(!allowed(acl, &nobody, "domain.read_secure", "web1"), "read_secure is not reading");
    CHECK(allowed(acl, &op, "domain.destroy", "x") && allowed(acl, &op, "domain.delete", "x"),
          "a group rule with a glob allows; first match wins over a later deny");
    CHECK(!allowed(acl, &nobody, "domain.start", "web1"), "another user: denied");
    CHECK(allowed(acl, &op, "domain.getattr", "hidden"),
          "the group's allow comes first, so ops still sees 'hidden'");
    CHECK(!allowed(acl, &alice, "domain.getattr", "hidden"), "deny * hides 'hidden' from others");
    CHECK(allowed(acl, &tls, "network.start", "n1"), "an x509 DN glob allows");
    CHECK(!allowed(acl, &tls, "network.stop", "n1"), "but only what it names");
    CHECK(allowed(acl, &sasl, "storage_pool.refresh", "p"), "a SASL name allows");
    CHECK(!allowed(acl, &sasl, "domain.start", "web1"), "a SASL user is no local user");
    acl_free(acl);
}

static void test_read_perms(void)
{
    CHECK(acl_perm_is_read("domain.getattr") && acl_perm_is_read("network.read") &&
          acl_perm_is_read("storage_pool.search_storage_vols"), "getattr, read, search_* read");
    CHECK(!acl_perm_is_read("domain.read_secure") && !acl_perm_is_read("secret.read_secure") &&
          !acl_perm_is_read("domain.write") && !acl_perm_is_read("domain.start"),
          "read_secure, write, start do not");
}

static void test_subject_name(void)
{
    daemon_identity alice = ident_local("alice", "users");
    daemon_identity anon = { .local = true, .uid = 4321 };
    daemon_identity sasl = { .x509_dn = (char *)"CN=x", .sasl_user = (char *)"carol" };
    acl_subject s;
    char buf[64];

    acl_subject_init(&s, &alice);
    CHECK(g_str_equal(acl_subject_name(&s, buf, sizeof(buf)), "alice"), "a local user by name");
    acl_subject_clear(&s);
    acl_subject_init(&s, &anon);
    CHECK(g_str_equal(acl_subject_name(&s, buf, sizeof(buf)), "uid 4321"),
          "a uid without a name by number");
    acl_subject_clear(&s);
    acl_subject_init(&s, &sasl);
    CHECK(g_str_equal(acl_subject_name(&s, buf, sizeof(buf)), "carol"),
          "the SASL name before the DN");
    acl_subject_clear(&s);
}

/* What gen_rpc.py wrote into the table from the @acl annotations, and the
 * objects calls name. */
static void test_generated(void)
{
    const dispatch_proc *create = dispatch_remote_lookup(REMOTE_PROC_DOMAIN_CREATE);
    const dispatch_proc *define = dispatch_remote_lookup(REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS);
    const dispatch_proc *xml = dispatch_remote_lookup(REMOTE_PROC_DOMAIN_GET_XML_DESC);
    const dispatch_proc *list = dispatch_remote_lookup(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS);
    const dispatch_proc *vol = dispatch_remote_lookup(REMOTE_PROC_STORAGE_VOL_CREATE_XML);
    const dispatch_proc *byname = dispatch_remote_lookup(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME);
    remote_domain_create_args ca = { .dom = { .name = (char *)"web1" } };
    remote_domain_define_xml_flags_args da = {
        .xml = (char *)"<domain type='test'><metadata><name>no</name></metadata>"
                       "<name>web9</name></domain>",
    };
    remote_storage_vol_create_xml_args va = {
        .pool = { .name = (char *)"p1" },
        .xml = (char *)"<volume><name>v1.img</name></volume>",
    };
    remote_domain_lookup_by_name_args na = { .name = (char *)"db1" };
    acl_object obj;

    CHECK(create && g_strcmp0(create->acl[0], "domain.start") == 0 && !create->acl[1] &&
          g_strcmp0(create->obj_kind, "domain") == 0, "DOMAIN_CREATE needs domain.start");
    acl_object_of_call(create, &ca, &obj);
    CHECK(g_str_equal(obj.kind, "domain") && g_strcmp0(obj.name, "web1") == 0,
          "its object is the domain argument");
    acl_object_clear(&obj);
    CHECK(define && g_strcmp0(define->acl[0], "domain.write") == 0 &&
          g_strcmp0(define->acl[1], "domain.save") == 0 && define->xml_offset >= 0,
          "DOMAIN_DEFINE_XML_FLAGS needs domain.write and domain.save");
    acl_object_of_call(define, &da, &obj);
    CHECK(g_strcmp0(obj.name, "web9") == 0, "its object is the root's <name> in the XML");
    acl_object_clear(&obj);
    CHECK(xml && g_strcmp0(xml->acl[1], "domain.read_secure") == 0 && xml->acl_flags[1] == 0x9 &&
          xml->flags_offset >= 0, "GET_XML_DESC adds domain.read_secure with SECURE|MIGRATABLE");
    CHECK(list && g_strcmp0(list->acl[0], "connect.search_domains") == 0 &&
          g_strcmp0(list->acl_filter, "domain.getattr") == 0,
          "CONNECT_LIST_ALL_DOMAINS filters by domain.getattr");
    acl_object_of_call(vol, &va, &obj);
    CHECK(g_str_equal(obj.kind, "storage_vol") && g_strcmp0(obj.name, "p1/v1.img") == 0,
          "a volume made from XML is POOL/VOLUME");
    acl_object_clear(&obj);
    acl_object_of_call(byname, &na, &obj);
    CHECK(g_strcmp0(obj.name, "db1") == 0, "a lookup by name names its object");
    acl_object_clear(&obj);
}

int main(void)
{
    log_set_level(VIREO_LOG_ERROR);
    test_parse();
    test_bad();
    test_match();
    test_read_perms();
    test_subject_name();
    test_generated();
    return check_exit();
}
