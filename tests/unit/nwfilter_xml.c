/*
 * nwfilter_xml.c: test-nwfilter-xml, network filter XML
 * (src/conf/nwfilter_def.c) and vireo's built-in filters
 * (src/drivers/nwfilter/nwfilter_builtin.c).
 *
 * For each tests/xml/nwfilter/NAME.xml: parse -> format equals
 * NAME.out.xml (VIREO_REGENERATE=1 rewrites it), format -> parse ->
 * format is the same, and the output validates against libvirt's
 * nwfilter.rng; so does every built-in filter.  Each bad-NAME.xml must be
 * refused with the code and message substring of bad-NAME.err.
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "xml_check.h"
#include "conf/nwfilter_def.h"
#include "drivers/nwfilter/nwfilter_priv.h"
#include "util/error.h"

/* format -> parse -> format is identical; the output written under tmp */
static char *check_roundtrip(const char *name, const char *out, const char *tmp)
{
    g_autoptr(nwfilter_def) def2 = nwfilter_def_parse(out);
    g_autofree char *again = def2 ? nwfilter_def_format(def2) : NULL;
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    char *written;

    if (!CHECK(again && strcmp(again, out) == 0, "%s: format -> parse -> format is identical",
               name))
        NOTE("%s", again ? again : xml_check_error());
    written = g_strdup_printf("%s/%s.xml", tmp, stem);
    g_file_set_contents(written, out, -1, NULL);
    return written;
}

static char *check_one(const char *dir, const char *name, const char *tmp, bool regen)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    g_autofree char *out_path = g_strdup_printf("%s/%s.out.xml", dir, stem);
    g_autofree char *xml = NULL, *out = NULL, *expected = NULL;
    g_autoptr(nwfilter_def) def = NULL;

    g_file_get_contents(path, &xml, NULL, NULL);
    def = xml ? nwfilter_def_parse(xml) : NULL;
    if (!CHECK(def != NULL, "%s parses", name)) {
        NOTE("%s", xml_check_error());
        return NULL;
    }
    out = nwfilter_def_format(def);
    if (regen)
        g_file_set_contents(out_path, out, -1, NULL);
    g_file_get_contents(out_path, &expected, NULL, NULL);
    if (!CHECK(expected && strcmp(expected, out) == 0, "%s formats as %s.out.xml", name, stem))
        NOTE("got:\n%s", out);
    return check_roundtrip(name, out, tmp);
}

static bool nwfilter_refuses(const char *xml, const char *name)
{
    g_autoptr(nwfilter_def) def = nwfilter_def_parse(xml);

    (void)name;
    return def == NULL;
}

static void run_builtins(void)
{
    g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *tmp = g_dir_make_tmp("vireo-nwfilter-builtin-XXXXXX", NULL);
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    static const char *const needed[] = {
        "clean-traffic", "no-ip-spoofing", "no-mac-spoofing", "no-arp-spoofing",
        "no-arp-ip-spoofing", "no-arp-mac-spoofing", "allow-dhcp", "allow-dhcp-server",
        "allow-arp", "allow-incoming-ipv4", "allow-ipv4", "no-other-l2-traffic",
        "no-other-rarp-traffic", "qemu-announce-self", "qemu-announce-self-rarp",
        "no-ip-multicast", "allow-dhcpv6", NULL,
    };

    for (const char *const *b = nwfilter_builtins; *b; b += 2) {
        g_autoptr(nwfilter_def) def = nwfilter_def_parse(b[1]);
        g_autofree char *out = NULL;
        g_autofree char *file = g_strconcat(b[0], ".xml", NULL);

        if (!CHECK(def && strcmp(def->name, b[0]) == 0, "built-in %s parses as itself", b[0])) {
            NOTE("%s", xml_check_error());
            continue;
        }
        g_hash_table_add(names, (char *)b[0]);
        out = nwfilter_def_format(def);
        g_ptr_array_add(written, check_roundtrip(file, out, tmp));
        /* every filterref of a built-in names a built-in */
        for (guint i = 0; i < def->entries->len; i++) {
            const nwfilter_entry *e = def->entries->pdata[i];
            bool found = false;

            for (const char *const *c = nwfilter_builtins; e->ref && *c; c += 2)
                found = found || strcmp(*c, e->ref) == 0;
            if (e->ref)
                CHECK(found, "built-in %s references built-in %s", b[0], e->ref);
        }
    }
    for (const char *const *n = needed; *n; n++)
        CHECK(g_hash_table_contains(names, *n), "built-in filter %s exists", *n);
    xml_check_schema(written, "nwfilter.rng");
    for (guint i = 0; i < written->len; i++)
        g_unlink(written->pdata[i]);
    g_rmdir(tmp);
}

static void run_details(void)
{
    g_autoptr(nwfilter_def) def = nwfilter_def_parse("<filter name='a' chain='ipv4-x'/>");
    g_autoptr(nwfilter_def) kept = NULL;
    g_autofree char *var = NULL;
    int index = 0, iterator = 0;

    CHECK(def && def->priority == -700 && !def->priority_set && def->uuid_generated,
          "chain ipv4-x gets ipv4's default priority -700");
    CHECK(nwfilter_chain_default_priority("rarp") == -400 &&
          nwfilter_chain_default_priority("arp-ip") == -500 &&
          nwfilter_chain_default_priority("root") == 0, "default chain priorities");
    CHECK(nwfilter_value_var("$IP[@2]", &var, &index, &iterator) && strcmp(var, "IP") == 0 &&
          index == -1 && iterator == 2, "$IP[@2] is IP with iterator 2");
    g_clear_pointer(&var, g_free);
    CHECK(nwfilter_value_var("$IP[3]", &var, &index, &iterator) && index == 3 &&
          iterator == 0, "$IP[3] is element 3");
    CHECK(!nwfilter_value_var("$", NULL, NULL, NULL) && !nwfilter_value_var("IP", NULL, NULL,
                                                                           NULL),
          "'$' and 'IP' are no variables");
    kept = nwfilter_def_parse("<filter name='b'><uuid>11111111-2222-4333-8444-555555555555"
                              "</uuid></filter>");
    CHECK(kept && !kept->uuid_generated, "a given uuid is not generated");
}

int main(void)
{
    const char *top = g_getenv("VIREO_TOP");
    g_autofree char *dir = g_build_filename(top ? top : ".", "tests", "xml", "nwfilter", NULL);
    g_autoptr(GPtrArray) good = xml_check_inputs(dir, false);
    g_autoptr(GPtrArray) bad = xml_check_inputs(dir, true);

    CHECK(good->len >= 8, "corpus has at least 8 filter XMLs (%u)", good->len);
    xml_check_corpus(dir, good, "vireo-nwfilter-xml-XXXXXX", check_one, "nwfilter.rng");
    CHECK(bad->len >= 15, "at least 15 bad filter XMLs (%u)", bad->len);
    for (guint i = 0; i < bad->len; i++)
        xml_check_bad(dir, bad->pdata[i], VIREO_FROM_NWFILTER, nwfilter_refuses);
    run_builtins();
    run_details();
    return check_exit();
}
