/*
 * nwfilter_state.c: a node's filters and their folder,
 * config_base/nwfilter/NAME.xml (libvirt's layout).  Loading is
 * crash-only: a file that does not parse is logged and skipped.  The
 * built-in filters (nwfilter_builtin.c) are written there on the first
 * start, and again whenever one is missing, so a user sees them and may
 * redefine them.
 */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "drivers/handles.h"
#include "drivers/nwfilter/nwfilter_priv.h"
#include "drivers/nwfilter/nwfilter_state.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "nwfilter.state"

nwfilter_state *nwfilter_state_of_conn(vireo_conn *conn)
{
    if (!conn || !conn->node || !conn->node->nwfilters) {
        error_report(VIREO_FROM_NWFILTER, VIREO_ERR_NO_SUPPORT,
                     "this connection has no network filters");
        return NULL;
    }
    return conn->node->nwfilters;
}

const nwfilter_def *nwfilter_state_lookup(const char *name, void *opaque)
{
    nwfilter_state *state = opaque;

    return g_hash_table_lookup(state->filters, name);
}

static char *filter_path(nwfilter_state *state, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(state->dir, file, NULL);
}

int nwfilter_state_save(nwfilter_state *state, const nwfilter_def *def)
{
    g_autofree char *xml = nwfilter_def_format(def);
    g_autofree char *path = filter_path(state, def->name);

    return file_write_atomic(path, xml, strlen(xml), 0600, VIREO_FROM_NWFILTER);
}

int nwfilter_state_remove_file(nwfilter_state *state, const char *name)
{
    g_autofree char *path = filter_path(state, name);

    return file_remove_durable(path, VIREO_FROM_NWFILTER);
}

static void load_one(nwfilter_state *state, const char *file)
{
    g_autofree char *path = g_build_filename(state->dir, file, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) gerr = NULL;
    nwfilter_def *def;

    if (!g_file_get_contents(path, &xml, NULL, &gerr)) {
        log_warn("%s: %s (skipped)", path, gerr->message);
        return;
    }
    def = nwfilter_def_parse(xml);
    if (!def) {
        log_warn("%s: %s (skipped)", path, error_last()->message);
        error_reset();
        return;
    }
    if (strlen(file) != strlen(def->name) + 4 || strncmp(file, def->name, strlen(def->name))) {
        log_warn("%s: defines filter '%s', not its file's name (skipped)", path, def->name);
        nwfilter_def_free(def);
        return;
    }
    g_hash_table_replace(state->filters, def->name, def);
}

static void load_all(nwfilter_state *state)
{
    g_autoptr(GDir) dir = g_dir_open(state->dir, 0, NULL);
    const char *name;

    file_remove_leftovers(state->dir);
    while (dir && (name = g_dir_read_name(dir)))
        if (g_str_has_suffix(name, ".xml"))
            load_one(state, name);
}

/* The built-in filters nobody defined yet */
static int define_builtins(nwfilter_state *state)
{
    for (const char *const *b = nwfilter_builtins; *b; b += 2) {
        g_autofree char *path = filter_path(state, b[0]);
        g_autofree char *xml = NULL;
        nwfilter_def *def;

        /* a file that did not load is somebody's (libvirt's?): never overwrite it */
        if (g_hash_table_contains(state->filters, b[0]) ||
            g_file_test(path, G_FILE_TEST_EXISTS))
            continue;
        def = nwfilter_def_parse(b[1]);
        if (!def)
            return -1;   /* a bug in nwfilter_builtin.c: the unit test catches it */
        xml = nwfilter_def_format(def);
        /* no fsync: a built-in lost in a power cut is written again at the next start */
        if (file_write_runtime(path, xml, strlen(xml), 0600, VIREO_FROM_NWFILTER) < 0) {
            nwfilter_def_free(def);
            return -1;
        }
        g_hash_table_replace(state->filters, def->name, def);
    }
    return 0;
}

void nwfilter_state_close(nwfilter_state *state)
{
    if (!state)
        return;
    /* interfaces keep their rules (guests keep running); stop the learners */
    if (state->bindings) {
        GHashTableIter it;
        gpointer v;

        g_mutex_lock(&state->lock);
        g_hash_table_iter_init(&it, state->bindings);
        while (g_hash_table_iter_next(&it, NULL, &v)) {
            nwfilter_binding *b = v;

            if (b->learn_source)
                g_source_remove(b->learn_source);
            b->learn_source = 0;
        }
        g_mutex_unlock(&state->lock);
        g_hash_table_unref(state->bindings);
    }
    if (state->filters)
        g_hash_table_unref(state->filters);
    g_mutex_clear(&state->lock);
    g_free(state->dir);
    g_free(state);
}

nwfilter_state *nwfilter_state_open(node_state *node)
{
    nwfilter_state *state = g_new0(nwfilter_state, 1);

    state->node = node;
    state->dir = g_build_filename(node->config_base, "nwfilter", NULL);
    g_mutex_init(&state->lock);
    state->filters = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify)nwfilter_def_free);
    state->bindings = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                            (GDestroyNotify)nwfilter_binding_free);
    if (g_mkdir_with_parents(state->dir, 0700) < 0) {
        error_report_system(VIREO_FROM_NWFILTER, errno, "cannot create '%s'", state->dir);
        nwfilter_state_close(state);
        return NULL;
    }
    load_all(state);
    if (define_builtins(state) < 0) {
        nwfilter_state_close(state);
        return NULL;
    }
    log_debug("%u filters in %s", g_hash_table_size(state->filters), state->dir);
    return state;
}
