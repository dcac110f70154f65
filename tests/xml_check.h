/*
 * xml_check.h: what the XML corpus tests (domain_xml.c, storage_xml.c,
 * secret.c, network_xml.c, nwfilter_xml.c) check the same way: outputs
 * against libvirt's RelaxNG schemas, and bad inputs refused as their
 * NAME.err says.
 */
#ifndef VIREO_TESTS_XML_CHECK_H
#define VIREO_TESTS_XML_CHECK_H

#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "check.h"
#include <glib/gstdio.h>

#include "util/error.h"

#define XML_SCHEMA_DIR "/usr/share/libvirt/schemas/"

/* The thread's error message, for a NOTE */
static inline const char *xml_check_error(void)
{
    const vireo_error *e = error_last();

    return e ? e->message : "no error set";
}

/* The NAME.xml inputs of dir, sorted: not the NAME.out.xml outputs; the
 * bad-* ones when bad, the others when not */
static inline GPtrArray *xml_check_inputs(const char *dir, bool bad)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d)))
        if (g_str_has_suffix(n, ".xml") && !g_str_has_suffix(n, ".out.xml") &&
            g_str_has_prefix(n, "bad-") == bad)
            g_ptr_array_add(names, g_strdup(n));
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    return names;
}

/* One xmllint run over every file against XML_SCHEMA_DIR/rng; its stderr
 * says "FILE validates" or "FILE fails to validate" per file.  SKIP when
 * xmllint or the schema is missing. */
static inline void xml_check_schema(GPtrArray *files, const char *rng)
{
    g_autofree char *schema = g_strconcat(XML_SCHEMA_DIR, rng, NULL);
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_autofree char *err = NULL;
    g_autoptr(GError) gerr = NULL;
    g_autofree char *xmllint = g_find_program_in_path("xmllint");
    int status = 0;

    if (!g_file_test(schema, G_FILE_TEST_EXISTS) || !xmllint) {
        SKIP("schema validation", "xmllint or the libvirt schemas missing");
        return;
    }
    g_ptr_array_add(argv, (char *)"xmllint");
    g_ptr_array_add(argv, (char *)"--noout");
    g_ptr_array_add(argv, (char *)"--relaxng");
    g_ptr_array_add(argv, schema);
    for (guint i = 0; i < files->len; i++)
        g_ptr_array_add(argv, files->pdata[i]);
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                      &err, &status, &gerr)) {
        CHECK(false, "xmllint runs: %s", gerr->message);
        return;
    }
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *ok = g_strdup_printf("%s validates", (char *)files->pdata[i]);
        g_autofree char *base = g_path_get_basename(files->pdata[i]);

        if (!CHECK(strstr(err, ok) != NULL, "%s validates against %s", base, rng)) {
            g_auto(GStrv) lines = g_strsplit(err, "\n", -1);

            for (char **l = lines; *l; l++)
                if (strstr(*l, files->pdata[i]))
                    NOTE("%s", *l);
        }
    }
}

/* Parse xml (the input named name) and free what came out: true when it
 * was refused, with the thread's error set. */
typedef bool (*xml_refuses_fn)(const char *xml, const char *name);

/* Check one corpus input dir/name, writing what it formats into tmp
 * (VIREO_REGENERATE=1: rewrite the expected file); the written path
 * (caller frees) for the schema check, or NULL. */
typedef char *(*xml_check_one_fn)(const char *dir, const char *name, const char *tmp, bool regen);

/* Every input of names through check_one, then one schema run over what
 * they wrote; the temporary files go with tmp_template's folder. */
static inline void xml_check_corpus(const char *dir, GPtrArray *names, const char *tmp_template,
                                    xml_check_one_fn check_one, const char *rng)
{
    g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *tmp = g_dir_make_tmp(tmp_template, NULL);
    bool regen = g_strcmp0(g_getenv("VIREO_REGENERATE"), "1") == 0;

    for (guint i = 0; i < names->len; i++) {
        char *w = check_one(dir, names->pdata[i], tmp, regen);

        if (w)
            g_ptr_array_add(written, w);
    }
    if (written->len)
        xml_check_schema(written, rng);
    for (guint i = 0; i < written->len; i++)
        g_unlink(written->pdata[i]);
    g_rmdir(tmp);
}

/* dir/NAME.xml must be refused by refuses with the code and message
 * substring dir/NAME.err holds ("CODE substring"), from error domain. */
static inline void xml_check_bad(const char *dir, const char *name, int domain,
                                 xml_refuses_fn refuses)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *stem = g_strndup(name, strlen(name) - 4);
    g_autofree char *err_path = g_strdup_printf("%s/%s.err", dir, stem);
    g_autofree char *xml = NULL, *spec = NULL;
    const vireo_error *e;
    bool refused;
    char *sub;
    int code;

    g_file_get_contents(path, &xml, NULL, NULL);
    if (!CHECK(g_file_get_contents(err_path, &spec, NULL, NULL), "%s has %s.err", name, stem))
        return;
    g_strchomp(spec);
    code = (int)strtol(spec, &sub, 10);
    while (*sub == ' ')
        sub++;
    error_reset();
    refused = refuses(xml ? xml : "", name);
    e = error_last();
    if (!CHECK(refused && e && e->code == code && e->domain == domain && strstr(e->message, sub),
               "%s is refused with code %d and '%s'", name, code, sub))
        NOTE("got: %s", !refused ? "parsed fine" : e ? e->message : "no error");
}

#endif
