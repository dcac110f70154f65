/*
 * qemu_caps.c: test-qemu-caps, probing the real QEMU binary.
 *
 * One probe into a temp cache folder; the machines include pc and q35;
 * a second qemu_caps_get reads the cache (the probe counter does not
 * move); a stand-in for the binary is probed, then read from the cache, then
 * probed again once its mtime changes.  The capabilities and domain
 * capabilities XML validate against libvirt's schemas.  The KVM probe
 * returns within a few seconds and says which it chose.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>

#include "check.h"
#include "drivers/qemu/qemu_caps.h"
#include "util/error.h"

#define QEMU_BINARY "/usr/bin/qemu-system-x86_64"
#define SCHEMAS "/usr/share/libvirt/schemas"

static bool validate(const char *xml, const char *schema)
{
    g_autofree char *path = g_strdup_printf("%s/%s", SCHEMAS, schema);
    xmlRelaxNGParserCtxtPtr pctx = xmlRelaxNGNewParserCtxt(path);
    xmlRelaxNGPtr rng = xmlRelaxNGParse(pctx);
    xmlRelaxNGValidCtxtPtr vctx = rng ? xmlRelaxNGNewValidCtxt(rng) : NULL;
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "caps.xml", NULL, 0);
    bool ok = doc && vctx && xmlRelaxNGValidateDoc(vctx, doc) == 0;

    if (doc)
        xmlFreeDoc(doc);
    if (vctx)
        xmlRelaxNGFreeValidCtxt(vctx);
    if (rng)
        xmlRelaxNGFree(rng);
    xmlRelaxNGFreeParserCtxt(pctx);
    return ok;
}

static bool has_alias(const qemu_caps *caps, const char *alias)
{
    for (guint i = 0; i < caps->machines->len; i++)
        if (g_strcmp0(((qemu_machine *)caps->machines->pdata[i])->alias, alias) == 0)
            return true;
    return false;
}

/* A stand-in binary whose mtime the test controls: a script that runs
 * the real QEMU (a plain copy cannot find QEMU's accelerator modules). */
static bool make_wrapper(const char *path)
{
    return g_file_set_contents(path, "#!/bin/sh\nexec " QEMU_BINARY " \"$@\"\n", -1, NULL) &&
           chmod(path, 0755) == 0;
}

static void test_probe(const char *tmp)
{
    g_autofree char *cache = g_strdup_printf("%s/cache", tmp);
    unsigned int before = qemu_caps_probe_count();
    g_autoptr(qemu_caps) caps = qemu_caps_get(QEMU_BINARY, cache);
    g_autoptr(qemu_caps) again = NULL;
    g_autoptr(GPtrArray) list = g_ptr_array_new();
    g_autofree char *host = NULL, *dom = NULL, *dom_q35 = NULL;

    if (!CHECK(caps != NULL, "probe %s", QEMU_BINARY)) {
        NOTE("%s", error_last() ? error_last()->message : "");
        return;
    }
    CHECK(qemu_caps_probe_count() == before + 1, "the first get ran QEMU once");
    CHECK(has_alias(caps, "pc") && has_alias(caps, "q35"), "machines include pc and q35 aliases");
    CHECK(qemu_caps_machine(caps, "q35") && strstr(qemu_caps_machine(caps, "q35")->name, "pc-q35-"),
          "q35 resolves to %s", qemu_caps_machine(caps, "q35")->name);
    CHECK(qemu_caps_machine(caps, NULL) != NULL, "a default machine");
    CHECK(qemu_caps_machine(caps, "no-such-machine") == NULL &&
          error_last()->code == VIREO_ERR_CONFIG_UNSUPPORTED, "unknown machine refused");
    CHECK(caps->cpu_models->len > 5, "usable CPU models (%u)", caps->cpu_models->len);
    CHECK(g_hash_table_contains(caps->devices, "virtio-blk-pci"), "device types listed");
    CHECK(caps->version >= 7000000, "version %u", caps->version);
    again = qemu_caps_get(QEMU_BINARY, cache);
    CHECK(again && qemu_caps_probe_count() == before + 1, "the second get read the cache");
    CHECK(again && again->machines->len == caps->machines->len && again->kvm == caps->kvm,
          "the cached caps equal the probed ones");
    g_ptr_array_add(list, caps);
    host = qemu_caps_format_host(list);
    CHECK(validate(host, "capability.rng"), "capabilities XML validates");
    CHECK(strstr(host, "<domain type='qemu'/>") != NULL, "capabilities offer domain type qemu");
    CHECK((strstr(host, "<domain type='kvm'/>") != NULL) == caps->kvm,
          "capabilities offer kvm exactly when the KVM probe passed");
    dom = qemu_caps_format_domain(caps, NULL, "qemu");
    CHECK(dom && validate(dom, "domaincaps.rng"), "domain capabilities XML validates");
    dom_q35 = qemu_caps_format_domain(caps, "q35", NULL);
    CHECK(dom_q35 && validate(dom_q35, "domaincaps.rng") && strstr(dom_q35, "pc-q35-"),
          "domain capabilities for q35 validate");
}

static void test_stale(const char *tmp)
{
    g_autofree char *cache = g_strdup_printf("%s/cache2", tmp);
    g_autofree char *copy = g_strdup_printf("%s/qemu-system-x86_64", tmp);
    unsigned int before;
    struct timespec times[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
    qemu_caps *c;

    if (!CHECK(make_wrapper(copy), "a stand-in for the binary"))
        return;
    before = qemu_caps_probe_count();
    c = qemu_caps_get(copy, cache);
    if (!CHECK(c && qemu_caps_probe_count() == before + 1, "the copy is probed"))
        NOTE("%s", error_last() ? error_last()->message : "");
    qemu_caps_unref(c);
    c = qemu_caps_get(copy, cache);
    CHECK(c && qemu_caps_probe_count() == before + 1, "the copy is then read from the cache");
    qemu_caps_unref(c);
    utimensat(AT_FDCWD, copy, times, 0);
    c = qemu_caps_get(copy, cache);
    CHECK(c && qemu_caps_probe_count() == before + 2, "a changed mtime makes it probe again");
    qemu_caps_unref(c);
    CHECK(qemu_caps_get("/nonexistent/qemu", cache) == NULL, "a missing binary is an error");
}

int main(void)
{
    g_autofree char *tmp = g_dir_make_tmp("vireo-caps-XXXXXX", NULL);
    gint64 start = g_get_monotonic_time();
    bool kvm = qemu_kvm_probe();
    gint64 ms = (g_get_monotonic_time() - start) / 1000;
    g_autofree char *rm = g_strdup_printf("rm -rf '%s'", tmp);

    CHECK(true, "the KVM probe answered in %" G_GINT64_FORMAT " ms: %s", ms,
          kvm ? "KVM usable" : "KVM not usable, TCG");
    CHECK(qemu_kvm_probe() == kvm, "the KVM probe is decided once");
    if (!g_file_test(QEMU_BINARY, G_FILE_TEST_IS_EXECUTABLE)) {
        SKIP("probe", QEMU_BINARY " is not installed");
    } else {
        test_probe(tmp);
        test_stale(tmp);
    }
    (void)!system(rm);
    return check_exit();
}
