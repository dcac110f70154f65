/*
 * domain_xml.c: test-domain-xml, the domain XML corpus test.
 *
 *   test-domain-xml              run the corpus under $VIREO_TOP/tests/xml
 *   test-domain-xml --roundtrip FILE
 *                                print FILE parsed and formatted, or the
 *                                error (exit 1); used by test-virtinst.sh
 *
 * For each tests/xml/domain/NAME.xml: parse -> format equals NAME.out.xml
 * (VIREO_REGENERATE=1 rewrites it), format -> parse -> format is the same,
 * and the output validates against libvirt's domain.rng.  Each
 * tests/xml/domain-bad/NAME.xml must fail with the code and message
 * substring in NAME.err ("CODE substring").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "xml_check.h"
#include "conf/domain_def.h"
#include "util/error.h"
#include "util/uuid.h"


static char *error_text(void)
{
    const vireo_error *e = error_last();

    return e ? g_strdup_printf("code %d: %s", e->code, e->message) : g_strdup("no error set");
}

static int roundtrip_main(const char *path)
{
    g_autofree char *xml = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autoptr(domain_def) def = NULL;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        fprintf(stderr, "error: %s\n", gerr->message);
        return 1;
    }
    if (!(def = domain_def_parse(xml, 0))) {
        g_autofree char *msg = error_text();

        fprintf(stderr, "error: %s\n", msg);
        return 1;
    }
    out = domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE);
    fputs(out, stdout);
    return 0;
}

/* NAME.xml inputs of dir (not the NAME.out.xml outputs), sorted */
static GPtrArray *list_inputs(const char *dir)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, ".xml") && !g_str_has_suffix(n, ".out.xml"))
            g_ptr_array_add(names, g_strdup(n));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    return names;
}

/* parse, compare with the expected file, reparse; the output written
 * under tmp for the schema check.  NULL when it could not be formatted. */
static char *check_one(const char *dir, const char *name, const char *tmp, bool regen)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    g_autofree char *out_path = g_strdup_printf("%s/%s.out.xml", dir, stem);
    g_autofree char *xml = NULL, *out = NULL, *expected = NULL, *again = NULL;
    g_autoptr(domain_def) def = NULL;
    g_autoptr(domain_def) def2 = NULL;
    char *written;

    g_file_get_contents(path, &xml, NULL, NULL);
    def = xml ? domain_def_parse(xml, 0) : NULL;
    if (!CHECK(def != NULL, "%s parses", name)) {
        g_autofree char *msg = error_text();

        NOTE("%s", msg);
        return NULL;
    }
    out = domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE);
    if (regen)
        g_file_set_contents(out_path, out, -1, NULL);
    g_file_get_contents(out_path, &expected, NULL, NULL);
    if (!CHECK(expected && strcmp(expected, out) == 0, "%s formats as %s.out.xml", name, stem))
        NOTE("got:\n%s", out);
    def2 = domain_def_parse(out, 0);
    again = def2 ? domain_def_format(def2, VIREO_DOMAIN_XML_INACTIVE) : NULL;
    if (!CHECK(again && strcmp(again, out) == 0, "%s: format -> parse -> format is identical",
               name)) {
        g_autofree char *msg = error_text();

        NOTE("%s", again ? again : msg);
    }
    written = g_strdup_printf("%s/%s.xml", tmp, stem);
    g_file_set_contents(written, out, -1, NULL);
    return written;
}

static void run_corpus(const char *top)
{
    g_autofree char *dir = g_build_filename(top, "tests", "xml", "domain", NULL);
    g_autoptr(GPtrArray) names = list_inputs(dir);

    CHECK(names->len >= 40, "corpus has at least 40 domain XMLs (%u)", names->len);
    xml_check_corpus(dir, names, "vireo-domain-xml-XXXXXX", check_one, "domain.rng");
}

static bool domain_refuses(const char *xml, const char *name)
{
    g_autoptr(domain_def) def = domain_def_parse(xml, 0);

    (void)name;
    return def == NULL;
}

static void run_bad(const char *top)
{
    g_autofree char *dir = g_build_filename(top, "tests", "xml", "domain-bad", NULL);
    g_autoptr(GPtrArray) names = list_inputs(dir);

    CHECK(names->len >= 10, "at least 10 kinds of bad domain XML (%u)", names->len);
    for (guint i = 0; i < names->len; i++)
        xml_check_bad(dir, names->pdata[i], VIREO_FROM_DOMAIN, domain_refuses);
}

static const char live_xml[] =
    "<domain type='kvm' id='7'>\n"
    "  <name>live</name>\n"
    "  <memory>65536</memory>\n"
    "  <os><type>hvm</type></os>\n"
    "</domain>\n";

/* a container interface's <guest actual=''/> is what the driver named it:
 * kept from live XML only, written only in the live form */
static const char lxc_live_xml[] =
    "<domain type='lxc' id='9'>\n"
    "  <name>live-lxc</name>\n"
    "  <memory>65536</memory>\n"
    "  <os><type>exe</type><init>/sbin/init</init></os>\n"
    "  <devices><interface type='bridge'><source bridge='br0'/>"
    "<guest dev='eth0' actual='eth0-9'/></interface></devices>\n"
    "</domain>\n";

static void run_lxc_live_checks(void)
{
    g_autoptr(domain_def) live = domain_def_parse(lxc_live_xml, DOMAIN_PARSE_LIVE);
    g_autoptr(domain_def) def = domain_def_parse(lxc_live_xml, 0);
    g_autofree char *fl = NULL, *fi = NULL, *fd = NULL;

    if (!CHECK(live && def, "live container sample parses"))
        return;
    fl = domain_def_format(live, 0);
    fi = domain_def_format(live, VIREO_DOMAIN_XML_INACTIVE);
    fd = domain_def_format(def, 0);
    CHECK(strstr(fl, "<guest dev='eth0' actual='eth0-9'/>") != NULL,
          "live XML keeps <guest actual=''>");
    CHECK(strstr(fi, "<guest dev='eth0'/>") != NULL, "inactive XML drops <guest actual=''>");
    CHECK(strstr(fd, "<guest dev='eth0'/>") != NULL, "a definition ignores <guest actual=''>");
}

static void run_api_checks(void)
{
    g_autoptr(domain_def) a = domain_def_parse(live_xml, 0);
    g_autoptr(domain_def) b = domain_def_parse(live_xml, 0);
    g_autoptr(domain_def) live = domain_def_parse(live_xml, DOMAIN_PARSE_LIVE);
    g_autoptr(domain_def) copy = NULL;
    g_autofree char *fa = NULL, *fl = NULL, *fi = NULL, *fc = NULL;

    if (!CHECK(a && b && live, "live sample parses"))
        return;
    CHECK(!uuid_is_null(a->uuid) && memcmp(a->uuid, b->uuid, VIREO_UUID_BUFLEN) != 0,
          "a UUID is generated when absent, a new one each time");
    CHECK(a->id == -1, "id='' is ignored without DOMAIN_PARSE_LIVE");
    fa = domain_def_format(a, 0);
    fl = domain_def_format(live, 0);
    fi = domain_def_format(live, VIREO_DOMAIN_XML_INACTIVE);
    CHECK(g_str_has_prefix(fl, "<domain type='kvm' id='7'>\n"), "live XML carries id='7'");
    CHECK(g_str_has_prefix(fi, "<domain type='kvm'>\n"), "inactive XML has no id");
    CHECK(g_str_has_prefix(fa, "<domain type='kvm'>\n"), "a definition without id has none");
    copy = domain_def_copy(live);
    fc = copy ? domain_def_format(copy, 0) : NULL;
    CHECK(fc && strcmp(fc, fl) == 0 && copy->id == 7, "domain_def_copy is a faithful copy");
    CHECK(domain_name_check("ok-name") == 0, "domain_name_check accepts a plain name");
    CHECK(domain_name_check("a/b") < 0 && error_last()->code == VIREO_ERR_XML_ERROR,
          "domain_name_check refuses '/'");
    CHECK(domain_name_check("") < 0 && error_last()->code == VIREO_ERR_NO_NAME,
          "domain_name_check refuses an empty name");
    run_lxc_live_checks();
}

int main(int argc, char **argv)
{
    const char *top = g_getenv("VIREO_TOP");

    if (argc == 3 && strcmp(argv[1], "--roundtrip") == 0)
        return roundtrip_main(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: %s [--roundtrip FILE]\n", argv[0]);
        return 2;
    }
    if (!top)
        top = ".";
    run_api_checks();
    run_corpus(top);
    run_bad(top);
    return check_exit();
}
