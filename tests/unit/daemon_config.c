/* daemon_config.c: vireod's libvirtd.conf reader. */
#include <string.h>

#include "check.h"
#include "daemon/config.h"
#include "util/error.h"
#include "util/log.h"

static void test_good(void)
{
    g_autoptr(daemon_config) cfg = config_new();
    const char *text =
        "# a comment\n"
        "unix_sock_dir = \"/tmp/socks\"   # trailing comment\n"
        "unix_sock_ro_perms = \"0770\"\n"
        "unix_sock_rw_perms='0700'\n"
        "max_workers = 7\n"
        "min_workers = 2\n"
        "keepalive_interval = -1\n"
        "log_filters = \"3:remote 4:event\"\n"
        "access_drivers = [ \"rules\",\n   \"other\", ]\n"
        "mdns_group_list = [ \"a\" ]\n"
        "\n"
        "auth_unix_rw = \"none\"\n";

    CHECK(config_load_string(cfg, text, "good.conf") == 0, "a good file loads");
    CHECK(g_strcmp0(cfg->unix_sock_dir, "/tmp/socks") == 0, "strings are read");
    CHECK(cfg->unix_sock_ro_perms == 0770 && cfg->unix_sock_rw_perms == 0700,
          "perms are octal strings");
    CHECK(cfg->max_workers == 7 && cfg->min_workers == 2, "numbers are read");
    CHECK(cfg->keepalive_interval == -1, "negative numbers are read");
    CHECK(g_strcmp0(cfg->log_filters, "3:remote 4:event") == 0, "log_filters is read");
    CHECK(cfg->ignored->len == 1 && g_str_equal(cfg->ignored->pdata[0], "mdns_group_list"),
          "a list setting vireod ignores is parsed and noted");
    CHECK(cfg->access_drivers && g_strv_length(cfg->access_drivers) == 2 &&
          g_str_equal(cfg->access_drivers[1], "other"), "a list setting is read");
    CHECK(config_validate(cfg) == 0, "the values are valid together");
    CHECK(cfg->max_clients == 5000 && cfg->keepalive_count == 5,
          "unset settings keep libvirtd's defaults");
}

static void test_bad_syntax(void)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        { "max_workers = 3\nmax_clients = \"oops\n", "bad.conf:2: unterminated string" },
        { "a = 1\n\n= 4\n", "bad.conf:3: expected a setting name" },
        { "max_workers 3\n", "bad.conf:1: expected '='" },
        { "max_workers = 3 4\n", "bad.conf:1: unexpected text" },
        { "x = [ \"a\" \"b\" ]\n", "bad.conf:1: expected ',' or ']'" },
        { "x = [\n \"a\",\n \"b\"\n\n", "bad.conf:5:" },
        { "max_workers = \"3\"\n", "setting 'max_workers' expects a number" },
        { "unix_sock_rw_perms = \"0999\"\n", "setting 'unix_sock_rw_perms' expects an octal" },
        { "log_filters = 3\n", "setting 'log_filters' expects a string" },
        { "x = @\n", "bad.conf:1: expected a string, a number or a list" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(daemon_config) cfg = config_new();
        const vireo_error *err;

        error_reset();
        CHECK(config_load_string(cfg, cases[i].text, "bad.conf") < 0, "bad file %zu fails", i);
        err = error_last();
        CHECK(err && err->code == DAEMON_ERR_CONF_SYNTAX && strstr(err->message, cases[i].want),
              "bad file %zu: message has '%s' (got '%s')", i, cases[i].want,
              err ? err->message : "none");
    }
}

static void test_ignored_once(void)
{
    g_autoptr(daemon_config) cfg = config_new();

    CHECK(config_load_string(cfg, "mdns_name = \"a\"\nmdns_name = \"b\"\nmdns_adv = 1\n"
                             "mdns_name = \"c\"\n", "x.conf") == 0, "unknown settings load");
    CHECK(cfg->ignored->len == 2, "each ignored setting is noted once (got %u)",
          cfg->ignored->len);
}

static void test_validate(void)
{
    g_autoptr(daemon_config) cfg = config_new();

    CHECK(config_load_string(cfg, "auth_unix_rw = \"polkit\"\n", "v.conf") == 0, "loads");
    CHECK(config_validate(cfg) < 0 && strstr(error_last()->message, "auth_unix_rw"),
          "auth polkit is refused, naming the setting");
    CHECK(error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED, "with CONFIG_UNSUPPORTED");
    {
        g_autoptr(daemon_config) sasl = config_new();

        config_load_string(sasl, "auth_unix_rw = \"sasl\"\nauth_unix_ro = \"sasl\"\n"
                                 "auth_tcp = \"sasl\"\nauth_tls = \"none\"\n", "v.conf");
        CHECK(config_validate(sasl) == 0, "auth \"sasl\" and \"none\" are accepted");
        config_load_string(sasl, "auth_tls = \"kerberos\"\n", "v.conf");
        CHECK(config_validate(sasl) < 0 && strstr(error_last()->message, "auth_tls"),
              "an unknown auth type is refused, naming the setting");
    }
    g_autoptr(daemon_config) cfg2 = config_new();
    config_load_string(cfg2, "max_workers = 0\n", "v.conf");
    CHECK(config_validate(cfg2) < 0, "max_workers 0 is refused");
}

/* The access-control settings (issue 10): read, and NULL when unset
 * (acl_call.c and audit.c put the defaults under the root). */
static void test_access(void)
{
    g_autoptr(daemon_config) cfg = config_new();
    g_autoptr(daemon_config) unset = config_new();

    CHECK(config_load_string(cfg,
                             "access_drivers = [ \"rules\" ]\n"
                             "access_rules_file = \"/r/rules.conf\"\n"
                             "audit_file = \"/r/audit.log\"\n", "acl.conf") == 0 &&
          g_strv_length(cfg->access_drivers) == 1 &&
          g_str_equal(cfg->access_drivers[0], "rules") &&
          g_strcmp0(cfg->access_rules_file, "/r/rules.conf") == 0 &&
          g_strcmp0(cfg->audit_file, "/r/audit.log") == 0,
          "access_drivers, access_rules_file and audit_file are read");
    CHECK(!unset->access_drivers && !unset->access_rules_file && !unset->audit_file,
          "unset, the rules are off and the files default");
}

static void test_file(void)
{
    g_autoptr(daemon_config) cfg = config_new();

    CHECK(config_load_file(cfg, "/nonexistent/vireod.conf", true) == 0,
          "a missing default file is fine");
    CHECK(config_load_file(cfg, "/nonexistent/vireod.conf", false) < 0,
          "a missing named file fails");
}

/* The resource limits: defaults as documented, read, and checked. */
static void test_limits(void)
{
    g_autoptr(daemon_config) def = config_new();
    g_autoptr(daemon_config) cfg = config_new();
    static const char *const bad[] = {
        "max_clients = 0\n", "max_client_requests = 0\n", "max_client_queue = -1\n",
    };

    CHECK(def->max_clients == 5000 && def->max_client_requests == 5 &&
          def->max_client_queue == 1000,
          "defaults: max_clients 5000, max_client_requests 5, max_client_queue 1000");
    CHECK(config_load_string(cfg, "max_clients = 3\nmax_client_requests = 1\n"
                             "max_client_queue = 4\n", "l.conf") == 0 &&
          cfg->max_clients == 3 && cfg->max_client_requests == 1 && cfg->max_client_queue == 4,
          "the limits are read");
    CHECK(cfg->ignored->len == 0, "max_client_queue is a known setting");
    CHECK(config_validate(cfg) == 0, "small limits are valid");
    g_autoptr(daemon_config) none = config_new();
    config_load_string(none, "max_client_queue = 0\n", "l.conf");
    CHECK(config_validate(none) == 0, "max_client_queue 0 (no queue) is valid");
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(daemon_config) b = config_new();
        g_autofree char *key = g_strndup(bad[i], strcspn(bad[i], " "));

        config_load_string(b, bad[i], "l.conf");
        CHECK(config_validate(b) < 0 && strstr(error_last()->message, key),
              "'%s' is refused, naming the setting", key);
    }
    g_autoptr(daemon_config) str = config_new();
    CHECK(config_load_string(str, "max_client_queue = \"10\"\n", "l.conf") < 0 &&
          strstr(error_last()->message, "max_client_queue"),
          "max_client_queue as a string is a syntax error naming it");
}

int main(void)
{
    log_set_level(VIREO_LOG_ERROR);     /* the warnings are expected */
    test_good();
    test_bad_syntax();
    test_ignored_once();
    test_validate();
    test_limits();
    test_file();
    test_access();
    return check_exit();
}
