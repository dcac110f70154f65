/*
 * domain_obj.h: the domains of one driver instance that runs guests as
 * host processes (QEMU, LXC): objects, the name/uuid/id tables, the
 * per-domain job queue, the definition and autostart files, the API
 * entries that only read, define and undefine.  A driver keeps its own
 * per-domain state in dom->priv and adds to these through the table's
 * hooks (parse, load_parse, has_managed_save, undefine_prepare).
 *
 * Threads and locks (the rules of qemu_priv.h, for every driver):
 *  - t->lock guards the tables and every dom_obj field marked "lock".
 *    Nobody holds it across a process spawn, a kill, a socket wait or a
 *    file write.
 *  - A changing call holds its domain's job (dom_job_begin) for its
 *    whole length; the driver's per-domain state (priv) marked "job" in
 *    the driver's header is touched only by the job holder.
 *  - Reading calls (lookups, list, state, XML, autostart) take t->lock
 *    only: they never wait for a job, a controller or a monitor.
 *  - t->files_lock orders the writes of definitions and autostart links
 *    with the table changes they go with (define, undefine, autostart).
 *    It is taken before t->lock; t->lock is never held across the write.
 *
 * Files (libvirt's layout, from the driver's root):
 *   config_dir/NAME.xml            persistent definition
 *   config_dir/autostart/NAME.xml  symlink to it when autostarted
 *
 * Errors use t->from (VIREO_FROM_LXC, ...) and libvirt's codes.
 */
#ifndef VIREO_DRIVERS_DOMAIN_OBJ_H
#define VIREO_DRIVERS_DOMAIN_OBJ_H

#include <glib.h>
#include <stdbool.h>

#include "conf/domain_def.h"
#include "drivers/driver.h"

typedef struct dom_table dom_table;

/* One domain.  Reference-counted (atomic): the tables hold one, and so
 * does every call or task using it. */
typedef struct dom_obj {
    gint refs;
    dom_table *table;       /* borrowed: the table outlives its domains */
    domain_def *def;        /* lock: persistent definition; NULL when transient */
    domain_def *live;       /* lock: running definition (with id); NULL when inactive */
    int state;              /* lock: VIREO_DOMAIN_* */
    int reason;             /* lock: the state's reason */
    bool autostart;         /* lock */
    bool updated;           /* lock: def redefined while running */
    bool removed;           /* lock: no longer in the tables */
    guint run;              /* lock: run counter, bumped by the driver at every start */
    const char *job;        /* lock: name of the job holding the domain, or NULL */
    GCond job_cond;         /* with t->lock: signalled when the job ends */
    void *priv;             /* the driver's per-domain state (owned: t->priv_free) */
} dom_obj;

/* How a driver parses a client's or a file's XML: its defaults and
 * checks after domain_def_parse.  NULL with the error. */
typedef domain_def *(*dom_parse_fn)(void *opaque, const char *xml);

struct dom_table {
    int from;               /* VIREO_FROM_* of the driver */
    const char *driver;     /* "lxc": log lines */
    int job_timeout_ms;     /* default wait for a job */
    void *(*priv_new)(void);          /* a domain's private state (may be NULL) */
    void (*priv_free)(void *priv);    /* frees it (may be NULL) */
    dom_parse_fn parse;     /* the driver's parse (defines, config files) */
    dom_parse_fn load_parse; /* config files at instance start (NULL: parse) */
    void *parse_opaque;
    /* Optional: whether dom has a managed save image (with t->lock), for
     * the list filters; NULL: none is ever kept. */
    bool (*has_managed_save)(const dom_obj *dom);
    /* Optional: undefine's driver part (job and files_lock held, before
     * the files go): -1 with the error refuses it, nothing changed. */
    int (*undefine_prepare)(dom_obj *dom, unsigned int flags);
    const void *event_source; /* key of the instance's events (drivers/event.h) */
    char *config_dir;       /* owned */
    char *autostart_dir;    /* owned: config_dir/autostart */
    GMutex lock;            /* see the top comment */
    GMutex files_lock;      /* see the top comment */
    GHashTable *by_name;    /* lock: name -> dom_obj * (one reference each) */
    GHashTable *by_uuid;    /* lock: uuid text -> dom_obj * (borrowed) */
    int last_id;            /* lock: the last id handed out (dom_table_next_id) */
};

/* Fill t (the caller set from, driver, job_timeout_ms, priv_new,
 * priv_free, parse, parse_opaque, event_source and the optional hooks
 * beforehand); folders
 * made.  -1 with the error. */
int dom_table_init(dom_table *t, const char *config_dir);
/* Drop every domain (their priv freed: the caller detached first). */
void dom_table_clear(dom_table *t);
/* At the instance's end: dom_table_clear, then the tables, locks and
 * folder names freed (t may be half initialised). */
void dom_table_destroy(dom_table *t);

dom_obj *dom_obj_new(dom_table *t);     /* shut off, priv_new()'d */
dom_obj *dom_obj_ref(dom_obj *dom);
void dom_obj_unref(dom_obj *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(dom_obj, dom_obj_unref)

/* live when active, else def */
const domain_def *dom_obj_current(const dom_obj *dom);
bool dom_obj_active(const dom_obj *dom);
/* A handle on conn naming dom (with t->lock). */
vireo_domain *dom_obj_handle(vireo_conn *conn, const dom_obj *dom);

/* ---- tables (with t->lock) ---- */
dom_obj *dom_table_find_name(dom_table *t, const char *name);
dom_obj *dom_table_find_uuid(dom_table *t, const unsigned char *uuid);
dom_obj *dom_table_find_id(dom_table *t, int id);
void dom_table_add(dom_table *t, dom_obj *dom);      /* takes the caller's reference */
void dom_table_remove(dom_table *t, dom_obj *dom);   /* drops the table's reference */
/* Another domain has def's name or uuid: -1 with OPERATION_FAILED naming
 * it; 0 with *found the same domain (same name and uuid) or NULL. */
int dom_table_check_clash(dom_table *t, const domain_def *def, dom_obj **found);
/* A new domain id (1, 2, ...). */
int dom_table_next_id(dom_table *t);
/* Emit a lifecycle event of dom (with t->lock). */
void dom_obj_emit(const dom_obj *dom, int event, int detail);
/* Every domain, a reference each (g_ptr_array_unref drops them); with
 * or without t->lock as held says. */
GPtrArray *dom_table_all(dom_table *t, bool held);

/* ---- without t->lock ---- */
/* The domain a handle names, a new reference; NULL with NO_DOMAIN. */
dom_obj *dom_obj_from_handle(dom_table *t, vireo_domain *handle);
/* Take dom's job for a call named job (a static string); wait at most
 * timeout_ms (0: t->job_timeout_ms, < 0: no limit).  -1 with
 * OPERATION_TIMEOUT naming the holder, or NO_DOMAIN when the domain went
 * away while waiting. */
int dom_job_begin(dom_obj *dom, const char *job, int timeout_ms);
void dom_job_end(dom_obj *dom);
/* Report that dom is not in the state a call needs ("not running", "is
 * paused, not running"...), OPERATION_INVALID. */
void dom_obj_state_error(const dom_obj *dom, const char *what);

/* ---- files ---- */
int dom_config_save(dom_table *t, const domain_def *def);
int dom_config_remove(dom_table *t, const char *name);
int dom_autostart_link(dom_table *t, const char *name, bool on);
/* At instance start: every config_dir/NAME.xml through t->parse, with
 * its autostart mark; bad files logged and skipped. */
void dom_config_load_all(dom_table *t);

/* ---- API entries that only read (with the driver's table) ---- */
vireo_domain *dom_lookup_by_name(dom_table *t, vireo_conn *conn, const char *name);
vireo_domain *dom_lookup_by_uuid(dom_table *t, vireo_conn *conn, const unsigned char *uuid);
vireo_domain *dom_lookup_by_id(dom_table *t, vireo_conn *conn, int id);
int dom_list_all(dom_table *t, vireo_conn *conn, vireo_domain ***domains, unsigned int flags);
int dom_get_state(dom_table *t, vireo_domain *handle, int *state, int *reason,
                  unsigned int flags);
char *dom_get_os_type(dom_table *t, vireo_domain *handle);
/* flags: VIREO_DOMAIN_XML_INACTIVE / SECURE / ... as domain_def_format */
char *dom_get_xml_desc(dom_table *t, vireo_domain *handle, unsigned int flags);
int dom_get_autostart(dom_table *t, vireo_domain *handle, int *autostart);
/* Transient domains refused (OPERATION_INVALID); the link written. */
int dom_set_autostart(dom_table *t, vireo_domain *handle, int autostart);
int dom_is_active(dom_table *t, vireo_domain *handle);
int dom_is_persistent(dom_table *t, vireo_domain *handle);
int dom_is_updated(dom_table *t, vireo_domain *handle);

/* ---- API entries that change definitions ---- */
/* Define (new or replacing the persistent definition; a running domain
 * is marked updated), event DEFINED ADDED/UPDATED.  flags: VALIDATE is
 * the caller's (schema) business, others refused. */
vireo_domain *dom_define_xml(dom_table *t, vireo_conn *conn, const char *xml,
                             unsigned int flags);
/* Undefine: the config file and autostart link go; a running domain
 * becomes transient; event UNDEFINED. */
int dom_undefine(dom_table *t, vireo_domain *handle, unsigned int flags);

#endif
