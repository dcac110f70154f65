/*
 * domain_obj.c: the domains of a driver instance that runs guests as
 * host processes (see domain_obj.h): objects, tables, jobs, definition
 * files, the reading calls, define and undefine.
 *
 * Locking: files_lock before lock, no lock held across a file write;
 * errors from t->from.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <string.h>

#include "drivers/domain_obj.h"
#include "drivers/driver_common.h"
#include "drivers/event.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "domain.obj"

/* libvirt flag bits accepted and ignored by undefine: managed save,
 * snapshots, nvram, checkpoints, tpm (nothing of that kind is kept) */
#define DOM_UNDEFINE_FLAGS 0x7fu

/* ---- the table ---- */

int dom_table_init(dom_table *t, const char *config_dir)
{
    g_mutex_init(&t->lock);
    g_mutex_init(&t->files_lock);
    t->config_dir = g_strdup(config_dir);
    t->autostart_dir = g_build_filename(config_dir, "autostart", NULL);
    t->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)dom_obj_unref);
    t->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    t->last_id = 0;
    if (g_mkdir_with_parents(t->autostart_dir, 0755) < 0) {
        error_report_system(t->from, errno, "cannot create folder '%s'", t->autostart_dir);
        return -1;
    }
    return 0;
}

void dom_table_clear(dom_table *t)
{
    g_autoptr(GPtrArray) all = NULL;

    if (!t->by_name)
        return;
    all = dom_table_all(t, false);
    g_mutex_lock(&t->lock);
    for (guint i = 0; i < all->len; i++)
        dom_table_remove(t, all->pdata[i]);
    g_mutex_unlock(&t->lock);
}

void dom_table_destroy(dom_table *t)
{
    if (t->by_name) {
        dom_table_clear(t);
        g_clear_pointer(&t->by_name, g_hash_table_destroy);
        g_clear_pointer(&t->by_uuid, g_hash_table_destroy);
        g_mutex_clear(&t->lock);
        g_mutex_clear(&t->files_lock);
    }
    g_clear_pointer(&t->config_dir, g_free);
    g_clear_pointer(&t->autostart_dir, g_free);
}

/* ---- objects ---- */

dom_obj *dom_obj_new(dom_table *t)
{
    dom_obj *dom = g_new0(dom_obj, 1);

    dom->refs = 1;
    dom->table = t;
    dom->state = VIREO_DOMAIN_SHUTOFF;
    dom->reason = VIREO_DOMAIN_SHUTOFF_UNKNOWN;
    g_cond_init(&dom->job_cond);
    if (t->priv_new)
        dom->priv = t->priv_new();
    return dom;
}

dom_obj *dom_obj_ref(dom_obj *dom)
{
    g_atomic_int_inc(&dom->refs);
    return dom;
}

void dom_obj_unref(dom_obj *dom)
{
    if (!dom || !g_atomic_int_dec_and_test(&dom->refs))
        return;
    domain_def_free(dom->def);
    domain_def_free(dom->live);
    if (dom->priv && dom->table->priv_free)
        dom->table->priv_free(dom->priv);
    g_cond_clear(&dom->job_cond);
    g_free(dom);
}

const domain_def *dom_obj_current(const dom_obj *dom)
{
    return dom->live ? dom->live : dom->def;
}

bool dom_obj_active(const dom_obj *dom)
{
    return dom->live != NULL;
}

vireo_domain *dom_obj_handle(vireo_conn *conn, const dom_obj *dom)
{
    const domain_def *def = dom_obj_current(dom);

    return domain_handle_new(conn, def->name, def->uuid, dom->live ? dom->live->id : -1);
}

/* ---- tables (t->lock held) ---- */

dom_obj *dom_table_find_name(dom_table *t, const char *name)
{
    return g_hash_table_lookup(t->by_name, name);
}

dom_obj *dom_table_find_uuid(dom_table *t, const unsigned char *uuid)
{
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(uuid, text);
    return g_hash_table_lookup(t->by_uuid, text);
}

dom_obj *dom_table_find_id(dom_table *t, int id)
{
    GHashTableIter it;
    gpointer value;

    g_hash_table_iter_init(&it, t->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        dom_obj *dom = value;

        if (dom->live && dom->live->id == id)
            return dom;
    }
    return NULL;
}

void dom_table_add(dom_table *t, dom_obj *dom)
{
    const domain_def *def = dom_obj_current(dom);
    char text[VIREO_UUID_STRING_BUFLEN];

    uuid_format(def->uuid, text);
    g_hash_table_insert(t->by_uuid, g_strdup(text), dom);
    g_hash_table_insert(t->by_name, g_strdup(def->name), dom);
}

void dom_table_remove(dom_table *t, dom_obj *dom)
{
    const domain_def *def = dom_obj_current(dom);
    char text[VIREO_UUID_STRING_BUFLEN];

    dom->removed = true;
    g_cond_broadcast(&dom->job_cond);
    uuid_format(def->uuid, text);
    g_hash_table_remove(t->by_uuid, text);
    g_hash_table_remove(t->by_name, def->name); /* drops the table's reference */
}

/* Reported from VIREO_FROM_DOMAIN as libvirt's domain list does. */
int dom_table_check_clash(dom_table *t, const domain_def *def, dom_obj **found)
{
    dom_obj *same_uuid = dom_table_find_uuid(t, def->uuid);
    dom_obj *same_name;
    char text[VIREO_UUID_STRING_BUFLEN];

    *found = NULL;
    if (same_uuid) {
        const domain_def *cur = dom_obj_current(same_uuid);

        if (strcmp(cur->name, def->name) != 0) {
            uuid_format(cur->uuid, text);
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_OPERATION_FAILED,
                         "domain '%s' is already defined with uuid %s", cur->name, text);
            return -1;
        }
        *found = same_uuid;
        return 0;
    }
    same_name = dom_table_find_name(t, def->name);
    if (same_name) {
        uuid_format(dom_obj_current(same_name)->uuid, text);
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_OPERATION_FAILED,
                     "domain '%s' already exists with uuid %s", def->name, text);
        return -1;
    }
    return 0;
}

int dom_table_next_id(dom_table *t)
{
    return ++t->last_id;
}

void dom_obj_emit(const dom_obj *dom, int event, int detail)
{
    const domain_def *def = dom_obj_current(dom);

    event_emit_lifecycle(dom->table->event_source, def->name, def->uuid,
                         dom->live ? dom->live->id : -1, event, detail);
}

GPtrArray *dom_table_all(dom_table *t, bool held)
{
    GPtrArray *all = g_ptr_array_new_with_free_func((GDestroyNotify)dom_obj_unref);
    GHashTableIter it;
    gpointer value;

    if (!held)
        g_mutex_lock(&t->lock);
    g_hash_table_iter_init(&it, t->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value))
        g_ptr_array_add(all, dom_obj_ref(value));
    if (!held)
        g_mutex_unlock(&t->lock);
    return all;
}

/* ---- without t->lock ---- */

dom_obj *dom_obj_from_handle(dom_table *t, vireo_domain *handle)
{
    char text[VIREO_UUID_STRING_BUFLEN];
    dom_obj *dom;

    g_mutex_lock(&t->lock);
    dom = dom_table_find_uuid(t, handle->uuid);
    if (dom)
        dom_obj_ref(dom);
    g_mutex_unlock(&t->lock);
    if (!dom) {
        uuid_format(handle->uuid, text);
        error_report(t->from, VIREO_ERR_NO_DOMAIN, "no domain with matching uuid '%s' (%s)",
                     text, handle->name);
    }
    return dom;
}

/* One changing call at a time per domain; the others wait at most the
 * timeout, then fail naming the job that holds the domain, so a stuck
 * guest delays its own domain's changes and nothing else. */
int dom_job_begin(dom_obj *dom, const char *job, int timeout_ms)
{
    dom_table *t = dom->table;
    gint64 deadline;
    const domain_def *def;
    int ret = -1;

    if (timeout_ms == 0)
        timeout_ms = t->job_timeout_ms;
    deadline = g_get_monotonic_time() + (gint64)timeout_ms * G_TIME_SPAN_MILLISECOND;
    g_mutex_lock(&t->lock);
    while (dom->job && !dom->removed) {
        if (timeout_ms < 0) {
            g_cond_wait(&dom->job_cond, &t->lock);
        } else if (!g_cond_wait_until(&dom->job_cond, &t->lock, deadline) && dom->job) {
            def = dom_obj_current(dom);
            log_warn("%s: %s waited %d ms for the job %s", def->name, job, timeout_ms,
                     dom->job);
            error_report(t->from, VIREO_ERR_OPERATION_TIMEOUT,
                         "cannot acquire state change lock (held by %s) on domain '%s'",
                         dom->job, def->name);
            goto out;
        }
    }
    if (dom->removed) {
        error_report(t->from, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'",
                     dom_obj_current(dom)->name);
        goto out;
    }
    dom->job = job;
    ret = 0;
 out:
    g_mutex_unlock(&t->lock);
    return ret;
}

void dom_job_end(dom_obj *dom)
{
    dom_table *t = dom->table;

    g_mutex_lock(&t->lock);
    dom->job = NULL;
    /* every waiter re-checks; the first to wake takes the job */
    g_cond_broadcast(&dom->job_cond);
    g_mutex_unlock(&t->lock);
}

void dom_obj_state_error(const dom_obj *dom, const char *what)
{
    static const char *const names[] = {
        "no state", "running", "blocked", "paused", "being shut down", "shut off", "crashed",
        "suspended by guest power management",
    };
    const char *name = dom_obj_current(dom)->name;
    int from = dom->table->from;
    int st = dom->state;

    if (!dom_obj_active(dom))
        error_report(from, VIREO_ERR_OPERATION_INVALID, "domain '%s' is not running", name);
    else
        error_report(from, VIREO_ERR_OPERATION_INVALID, "domain '%s' is %s, not %s", name,
                     st >= 0 && st < (int)G_N_ELEMENTS(names) ? names[st] : "unknown", what);
}

/* ---- files ---- */

static char *dom_file_path(const char *dir, const char *name)
{
    return g_strdup_printf("%s/%s.xml", dir, name);
}

int dom_config_save(dom_table *t, const domain_def *def)
{
    g_autofree char *path = dom_file_path(t->config_dir, def->name);
    g_autofree char *xml = domain_def_format(def, VIREO_DOMAIN_XML_INACTIVE |
                                                      VIREO_DOMAIN_XML_SECURE);

    if (!xml)
        return -1;
    return file_write_atomic(path, xml, strlen(xml), 0600, t->from);
}

int dom_config_remove(dom_table *t, const char *name)
{
    g_autofree char *path = dom_file_path(t->config_dir, name);

    /* the link first: a crash in between leaves a definition without
     * autostart, never an autostart link to nothing */
    if (dom_autostart_link(t, name, false) < 0)
        return -1;
    return file_remove_durable(path, t->from);
}

int dom_autostart_link(dom_table *t, const char *name, bool on)
{
    g_autofree char *link = dom_file_path(t->autostart_dir, name);
    g_autofree char *target = dom_file_path(t->config_dir, name);

    if (on)
        return file_symlink_atomic(target, link, t->from);
    return file_remove_durable(link, t->from);
}

/* One config file, read and parsed by a loader thread. */
typedef struct config_job {
    char *path;             /* owned */
    domain_def *def;        /* owned; NULL when unreadable */
} config_job;

static void config_job_free(gpointer p)
{
    config_job *j = p;

    g_free(j->path);
    domain_def_free(j->def);
    g_free(j);
}

static void config_job_parse(gpointer data, gpointer user)
{
    config_job *j = data;
    dom_table *t = user;
    g_autofree char *xml = NULL;

    error_reset();
    if (!g_file_get_contents(j->path, &xml, NULL, NULL) ||
        !(j->def = (t->load_parse ? t->load_parse : t->parse)(t->parse_opaque, xml)))
        log_error("%s: skipping config '%s': %s", t->driver, j->path,
                  error_last() ? error_last()->message : "unreadable");
    error_reset();
}

/* Put a parsed config in the tables (t->lock held); autostart: the
 * names of the autostart folder's links. */
static void dom_config_add(dom_table *t, config_job *j, GHashTable *autostart)
{
    g_autofree char *link = NULL;
    dom_obj *found;
    dom_obj *dom;

    if (dom_table_check_clash(t, j->def, &found) < 0 || found) {
        log_error("%s: skipping config '%s': its name or UUID is taken", t->driver, j->path);
        error_reset();
        return;
    }
    link = g_strconcat(j->def->name, ".xml", NULL);
    dom = dom_obj_new(t);
    dom->def = g_steal_pointer(&j->def);
    dom->autostart = g_hash_table_contains(autostart, link);
    dom_table_add(t, dom);
}

/* The file names in dir (one read of the folder, not a stat per domain). */
static GHashTable *dom_dir_names(const char *dir)
{
    GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *file;

    while (d && (file = g_dir_read_name(d)))
        g_hash_table_add(names, g_strdup(file));
    return names;
}

/* Parsing is most of a start with many domains defined: the files are
 * parsed on every CPU, then added in the folder's order. */
void dom_config_load_all(dom_table *t)
{
    g_autoptr(GDir) dir = g_dir_open(t->config_dir, 0, NULL);
    g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func(config_job_free);
    g_autoptr(GHashTable) autostart = NULL;
    GThreadPool *pool = NULL;
    const char *file;

    if (!dir)
        return;
    file_remove_leftovers(t->config_dir);
    file_remove_leftovers(t->autostart_dir);
    while ((file = g_dir_read_name(dir))) {
        config_job *j;

        if (!g_str_has_suffix(file, ".xml"))
            continue;
        j = g_new0(config_job, 1);
        j->path = g_build_filename(t->config_dir, file, NULL);
        g_ptr_array_add(jobs, j);
    }
    if (jobs->len > 64 && g_get_num_processors() > 1) {
        xmlInitParser(); /* once, before the threads use libxml2 */
        pool = g_thread_pool_new(config_job_parse, t, (gint)g_get_num_processors(), TRUE, NULL);
    }
    for (guint i = 0; i < jobs->len; i++) {
        if (!pool || !g_thread_pool_push(pool, jobs->pdata[i], NULL))
            config_job_parse(jobs->pdata[i], t);
    }
    if (pool)
        g_thread_pool_free(pool, FALSE, TRUE);
    autostart = dom_dir_names(t->autostart_dir);
    g_mutex_lock(&t->lock);
    for (guint i = 0; i < jobs->len; i++) {
        config_job *j = jobs->pdata[i];

        if (j->def)
            dom_config_add(t, j, autostart);
    }
    g_mutex_unlock(&t->lock);
}

/* ---- reading calls: the domain's last known state under t->lock ---- */

vireo_domain *dom_lookup_by_name(dom_table *t, vireo_conn *conn, const char *name)
{
    vireo_domain *handle = NULL;
    dom_obj *dom;

    g_mutex_lock(&t->lock);
    dom = dom_table_find_name(t, name);
    if (dom)
        handle = dom_obj_handle(conn, dom);
    g_mutex_unlock(&t->lock);
    if (!dom)
        error_report(t->from, VIREO_ERR_NO_DOMAIN, "no domain with matching name '%s'", name);
    return handle;
}

vireo_domain *dom_lookup_by_uuid(dom_table *t, vireo_conn *conn, const unsigned char *uuid)
{
    vireo_domain *handle = NULL;
    char text[VIREO_UUID_STRING_BUFLEN];
    dom_obj *dom;

    g_mutex_lock(&t->lock);
    dom = dom_table_find_uuid(t, uuid);
    if (dom)
        handle = dom_obj_handle(conn, dom);
    g_mutex_unlock(&t->lock);
    if (!dom) {
        uuid_format(uuid, text);
        error_report(t->from, VIREO_ERR_NO_DOMAIN, "no domain with matching uuid '%s'", text);
    }
    return handle;
}

vireo_domain *dom_lookup_by_id(dom_table *t, vireo_conn *conn, int id)
{
    vireo_domain *handle = NULL;
    dom_obj *dom;

    g_mutex_lock(&t->lock);
    dom = dom_table_find_id(t, id);
    if (dom)
        handle = dom_obj_handle(conn, dom);
    g_mutex_unlock(&t->lock);
    if (!dom)
        error_report(t->from, VIREO_ERR_NO_DOMAIN, "no domain with matching id %d", id);
    return handle;
}

static bool dom_list_match(const dom_obj *dom, unsigned int flags)
{
    const unsigned int saves = VIREO_LIST_DOMAINS_MANAGEDSAVE | VIREO_LIST_DOMAINS_NO_MANAGEDSAVE;
    bool (*has_save)(const dom_obj *) = dom->table->has_managed_save;
    /* no snapshot or checkpoint is kept; the managed save may be a stat()
     * per domain under t->lock: only when the filter asks */
    domain_list_facts f = {
        .state = dom->state,
        .active = dom_obj_active(dom),
        .persistent = dom->def != NULL,
        .autostart = dom->autostart,
        .managed_save = (flags & saves) && has_save && has_save(dom),
    };

    return domain_list_match(&f, flags);
}

static gint dom_list_cmp(gconstpointer a, gconstpointer b)
{
    const dom_obj *da = *(dom_obj *const *)a;
    const dom_obj *db = *(dom_obj *const *)b;

    return strcmp(dom_obj_current(da)->name, dom_obj_current(db)->name);
}

int dom_list_all(dom_table *t, vireo_conn *conn, vireo_domain ***domains, unsigned int flags)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    GHashTableIter it;
    gpointer value;
    vireo_domain **out;

    if (!driver_flags_ok(t->from, flags, 0xffff, __func__))
        return -1;
    g_mutex_lock(&t->lock);
    g_hash_table_iter_init(&it, t->by_name);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        if (dom_list_match(value, flags))
            g_ptr_array_add(found, value);
    }
    g_ptr_array_sort(found, dom_list_cmp);
    out = g_new0(vireo_domain *, found->len + 1);
    for (guint i = 0; i < found->len; i++)
        out[i] = dom_obj_handle(conn, g_ptr_array_index(found, i));
    g_mutex_unlock(&t->lock);
    *domains = out;
    return (int)found->len;
}

/* Run body on the domain a handle names, under t->lock. */
#define DOM_READ(t, handle, dom, body)                                                \
    do {                                                                              \
        g_mutex_lock(&(t)->lock);                                                     \
        (dom) = dom_table_find_uuid((t), (handle)->uuid);                             \
        if (dom) {                                                                    \
            body;                                                                     \
        }                                                                             \
        g_mutex_unlock(&(t)->lock);                                                   \
        if (!(dom))                                                                   \
            error_report((t)->from, VIREO_ERR_NO_DOMAIN,                              \
                         "no domain with matching name '%s'", (handle)->name);        \
    } while (0)

int dom_get_state(dom_table *t, vireo_domain *handle, int *state, int *reason,
                  unsigned int flags)
{
    dom_obj *dom;

    if (!driver_flags_ok(t->from, flags, 0, __func__))
        return -1;
    DOM_READ(t, handle, dom, { *state = dom->state; *reason = dom->reason; });
    return dom ? 0 : -1;
}

char *dom_get_os_type(dom_table *t, vireo_domain *handle)
{
    char *type = NULL;
    dom_obj *dom;

    DOM_READ(t, handle, dom, { type = g_strdup(dom_obj_current(dom)->os.type); });
    return type;
}

char *dom_get_xml_desc(dom_table *t, vireo_domain *handle, unsigned int flags)
{
    char *xml = NULL;
    dom_obj *dom;

    if (!driver_flags_ok(t->from, flags,
                         VIREO_DOMAIN_XML_SECURE | VIREO_DOMAIN_XML_INACTIVE |
                             VIREO_DOMAIN_XML_UPDATE_CPU | VIREO_DOMAIN_XML_MIGRATABLE,
                         __func__))
        return NULL;
    DOM_READ(t, handle, dom, {
        const domain_def *def = dom_obj_current(dom);

        /* INACTIVE asks for the persistent definition when there is one */
        if ((flags & VIREO_DOMAIN_XML_INACTIVE) && dom->def)
            def = dom->def;
        xml = domain_def_format(def, flags);
    });
    return xml;
}

int dom_get_autostart(dom_table *t, vireo_domain *handle, int *autostart)
{
    dom_obj *dom;

    DOM_READ(t, handle, dom, { *autostart = dom->autostart ? 1 : 0; });
    return dom ? 0 : -1;
}

/* A symlink: no job needed; files_lock orders it with define and
 * undefine, and t->lock is not held across the write. */
int dom_set_autostart(dom_table *t, vireo_domain *handle, int autostart)
{
    g_autofree char *name = NULL;
    dom_obj *dom;
    int ret = -1;

    g_mutex_lock(&t->files_lock);
    DOM_READ(t, handle, dom, {
        if (!dom->def)
            error_report(t->from, VIREO_ERR_OPERATION_INVALID,
                         "cannot set autostart for transient domain '%s'", dom->live->name);
        else if ((autostart != 0) == dom->autostart)
            ret = 0;
        else
            name = g_strdup(dom->def->name);
    });
    if (name && dom_autostart_link(t, name, autostart != 0) == 0) {
        DOM_READ(t, handle, dom, { dom->autostart = autostart != 0; });
        ret = dom ? 0 : -1;
    }
    g_mutex_unlock(&t->files_lock);
    return ret;
}

int dom_is_active(dom_table *t, vireo_domain *handle)
{
    int ret = -1;
    dom_obj *dom;

    DOM_READ(t, handle, dom, { ret = dom_obj_active(dom); });
    return ret;
}

int dom_is_persistent(dom_table *t, vireo_domain *handle)
{
    int ret = -1;
    dom_obj *dom;

    DOM_READ(t, handle, dom, { ret = dom->def != NULL; });
    return ret;
}

int dom_is_updated(dom_table *t, vireo_domain *handle)
{
    int ret = -1;
    dom_obj *dom;

    DOM_READ(t, handle, dom, { ret = dom->updated; });
    return ret;
}

/* ---- define, undefine ---- */

/* Make def, whose file is written, dom's persistent definition
 * (t->lock held).  Returns the event detail. */
static int dom_define_store(dom_table *t, dom_obj *existing, domain_def *def, dom_obj **out)
{
    if (!existing) {
        dom_obj *dom = dom_obj_new(t);

        dom->def = def;
        dom_table_add(t, dom);
        *out = dom;
        return VIREO_DOMAIN_EVENT_DEFINED_ADDED;
    }
    *out = existing;
    if (!existing->def) {
        existing->def = def; /* a running transient domain becomes persistent */
        return VIREO_DOMAIN_EVENT_DEFINED_ADDED;
    }
    domain_def_free(existing->def);
    existing->def = def;
    if (dom_obj_active(existing))
        existing->updated = true; /* the live definition stays until it stops */
    return VIREO_DOMAIN_EVENT_DEFINED_UPDATED;
}

vireo_domain *dom_define_xml(dom_table *t, vireo_conn *conn, const char *xml,
                             unsigned int flags)
{
    g_autoptr(domain_def) def = NULL;
    vireo_domain *handle = NULL;
    dom_obj *existing, *dom;
    bool had_file = false;
    int rc;

    if (!driver_flags_ok(t->from, flags, VIREO_DOMAIN_DEFINE_VALIDATE, __func__))
        return NULL;
    def = t->parse(t->parse_opaque, xml);
    if (!def)
        return NULL;
    /* the file is written without t->lock (see domain_obj.h) */
    g_mutex_lock(&t->files_lock);
    g_mutex_lock(&t->lock);
    rc = dom_table_check_clash(t, def, &existing);
    had_file = existing && existing->def;
    g_mutex_unlock(&t->lock);
    if (rc == 0 && dom_config_save(t, def) == 0) {
        g_mutex_lock(&t->lock);
        /* a transient domain may have come or gone meanwhile */
        if (dom_table_check_clash(t, def, &existing) == 0) {
            int detail = dom_define_store(t, existing, g_steal_pointer(&def), &dom);

            dom_obj_emit(dom, VIREO_DOMAIN_EVENT_DEFINED, detail);
            handle = dom_obj_handle(conn, dom);
        } else if (!had_file) {
            g_autoptr(vireo_error) saved = error_save();
            g_autofree char *path = dom_file_path(t->config_dir, def->name);

            file_remove_durable(path, t->from);
            error_restore(g_steal_pointer(&saved));
        }
        g_mutex_unlock(&t->lock);
    }
    g_mutex_unlock(&t->files_lock);
    return handle;
}

int dom_undefine(dom_table *t, vireo_domain *handle, unsigned int flags)
{
    g_autoptr(dom_obj) dom = NULL;
    int ret = -1;

    if (!driver_flags_ok(t->from, flags, DOM_UNDEFINE_FLAGS, __func__) ||
        !(dom = dom_obj_from_handle(t, handle)))
        return -1;
    if (dom_job_begin(dom, "undefine", 0) < 0)
        return -1;
    /* dom->def changes only under files_lock: read without t->lock */
    g_mutex_lock(&t->files_lock);
    if (!dom->def) {
        error_report(t->from, VIREO_ERR_OPERATION_INVALID,
                     "cannot undefine transient domain '%s'", handle->name);
    } else if (t->undefine_prepare && t->undefine_prepare(dom, flags) < 0) {
        /* refused, or the driver's part failed: nothing changed */
    } else if (dom_config_remove(t, dom->def->name) == 0) {
        g_mutex_lock(&t->lock);
        dom_obj_emit(dom, VIREO_DOMAIN_EVENT_UNDEFINED, VIREO_DOMAIN_EVENT_UNDEFINED_REMOVED);
        if (dom_obj_active(dom)) {
            /* it keeps running, as a transient domain */
            g_clear_pointer(&dom->def, domain_def_free);
            dom->autostart = false;
            dom->updated = false;
        } else {
            dom_table_remove(t, dom);
        }
        g_mutex_unlock(&t->lock);
        ret = 0;
    }
    g_mutex_unlock(&t->files_lock);
    dom_job_end(dom);
    return ret;
}
