/*
 * storage_xml.c: test-storage-xml, the storage pool and volume XML corpus
 * test.
 *
 * For each tests/xml/storage/pool-NAME.xml and vol-NAME.xml: parse ->
 * format equals NAME.out.xml (VIREO_REGENERATE=1 rewrites it), format ->
 * parse -> format is the same, and the output validates against libvirt's
 * storagepool.rng / storagevol.rng.  Each tests/xml/storage/bad/NAME.xml
 * (pool-* or vol-*) must fail with the code and message substring in
 * NAME.err ("CODE substring").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "check.h"
#include "xml_check.h"
#include "conf/storage_pool.h"
#include "conf/storage_vol.h"
#include "util/error.h"
#include "util/uuid.h"


static char *error_text(void)
{
    const vireo_error *e = error_last();

    return e ? g_strdup_printf("code %d: %s", e->code, e->message) : g_strdup("no error set");
}

/* parse and format as a pool (vol false) or a volume; NULL with the error */
static char *roundtrip(const char *xml, bool vol)
{
    if (vol) {
        g_autoptr(storage_vol_def) def = storage_vol_parse(xml, 0);

        return def ? storage_vol_format(def, 0) : NULL;
    } else {
        g_autoptr(storage_pool_def) def = storage_pool_parse(xml, 0);

        return def ? storage_pool_format(def, 0) : NULL;
    }
}

/* NAME.xml inputs of dir starting with prefix (not the outputs), sorted */
static GPtrArray *list_inputs(const char *dir, const char *prefix)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        if (g_str_has_prefix(n, prefix) && g_str_has_suffix(n, ".xml") &&
            !g_str_has_suffix(n, ".out.xml"))
            g_ptr_array_add(names, g_strdup(n));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    return names;
}

/* The output written under tmp for the schema check; NULL on failure. */
static char *check_one(const char *dir, const char *name, const char *tmp, bool vol, bool regen)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    g_autofree char *out_path = g_strdup_printf("%s/%s.out.xml", dir, stem);
    g_autofree char *xml = NULL, *out = NULL, *expected = NULL, *again = NULL;
    char *written;

    g_file_get_contents(path, &xml, NULL, NULL);
    out = xml ? roundtrip(xml, vol) : NULL;
    if (!CHECK(out != NULL, "%s parses", name)) {
        g_autofree char *msg = error_text();

        NOTE("%s", msg);
        return NULL;
    }
    if (regen)
        g_file_set_contents(out_path, out, -1, NULL);
    g_file_get_contents(out_path, &expected, NULL, NULL);
    if (!CHECK(expected && strcmp(expected, out) == 0, "%s formats as %s.out.xml", name, stem))
        NOTE("got:\n%s", out);
    again = roundtrip(out, vol);
    if (!CHECK(again && strcmp(again, out) == 0, "%s: format -> parse -> format is identical",
               name)) {
        g_autofree char *msg = error_text();

        NOTE("%s", again ? again : msg);
    }
    written = g_strdup_printf("%s/%s.xml", tmp, stem);
    g_file_set_contents(written, out, -1, NULL);
    return written;
}

/* One xmllint run over every output of one kind; its stderr says "FILE
 * validates" or "FILE fails to validate" per file. */
static void run_corpus(const char *top, bool vol)
{
    g_autofree char *dir = g_build_filename(top, "tests", "xml", "storage", NULL);
    g_autoptr(GPtrArray) names = list_inputs(dir, vol ? "vol-" : "pool-");
    g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *tmp = g_dir_make_tmp("vireo-storage-xml-XXXXXX", NULL);
    bool regen = g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0;

    CHECK(names->len >= 10, "corpus has at least 10 %s XMLs (%u)", vol ? "volume" : "pool",
          names->len);
    for (guint i = 0; i < names->len; i++) {
        char *w = check_one(dir, names->pdata[i], tmp, vol, regen);

        if (w)
            g_ptr_array_add(written, w);
    }
    if (written->len)
        xml_check_schema(written, vol ? "storagevol.rng" : "storagepool.rng");
    for (guint i = 0; i < written->len; i++)
        g_unlink(written->pdata[i]);
    g_rmdir(tmp);
}

static bool storage_refuses(const char *xml, const char *name)
{
    g_autofree char *out = roundtrip(xml, g_str_has_prefix(name, "vol-"));

    return out == NULL;
}

static void run_bad(const char *top)
{
    g_autofree char *dir = g_build_filename(top, "tests", "xml", "storage", "bad", NULL);
    g_autoptr(GPtrArray) names = list_inputs(dir, "");

    CHECK(names->len >= 10, "at least 10 kinds of bad storage XML (%u)", names->len);
    for (guint i = 0; i < names->len; i++)
        xml_check_bad(dir, names->pdata[i], VIREO_FROM_STORAGE, storage_refuses);
}

static void run_api_checks(void)
{
    static const char pool[] =
        "<pool type='dir'><name>p</name><capacity unit='KiB'>2</capacity>"
        "<target><path>/var//lib/p/</path></target></pool>";
    static const char vol[] = "<volume><name>v</name><capacity unit='G'>1</capacity></volume>";
    g_autoptr(storage_pool_def) a = storage_pool_parse(pool, 0);
    g_autoptr(storage_pool_def) b = storage_pool_parse(pool, 0);
    g_autoptr(storage_vol_def) v = storage_vol_parse(vol, 0);
    g_autoptr(storage_vol_def) nocap = NULL;

    if (!CHECK(a && b && v, "the inline samples parse"))
        return;
    CHECK(!uuid_is_null(a->uuid) && memcmp(a->uuid, b->uuid, VIREO_UUID_BUFLEN) != 0,
          "a pool UUID is generated when absent, a new one each time");
    CHECK(a->capacity == 2048, "capacity 2 KiB is 2048 bytes");
    CHECK(g_strcmp0(a->target_path, "/var/lib/p") == 0, "the target path is cleaned (%s)",
          a->target_path);
    CHECK(v->capacity == 1073741824ULL && v->allocation == v->capacity,
          "volume capacity 1 G is 1 GiB, allocation defaults to it");
    CHECK(!storage_vol_parse("<volume><name>v</name></volume>", 0) &&
              error_last()->code == VIREO_ERR_XML_ERROR,
          "a volume without capacity is refused");
    nocap = storage_vol_parse("<volume><name>v</name></volume>", STORAGE_VOL_PARSE_NO_CAPACITY);
    CHECK(nocap && !nocap->has_capacity, "... unless STORAGE_VOL_PARSE_NO_CAPACITY");
}

int main(void)
{
    const char *top = g_getenv("VIREO_TOP");

    if (!top)
        top = ".";
    run_api_checks();
    run_corpus(top, false);
    run_corpus(top, true);
    run_bad(top);
    return check_exit();
}
