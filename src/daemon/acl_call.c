/*
 * acl_call.c: the access rules applied to calls (acl.h): which object a
 * call names, the worker's check, the filtering of lists, and loading
 * the rules at start.
 */
#include <libxml/parser.h>
#include <string.h>

#include "daemon/acl.h"
#include "daemon/daemon_priv.h"
#include "drivers/handles.h"
#include "rpc/remote_protocol.h"
#include "util/error.h"
#include "util/log.h"
#include "util/uuid.h"

#define LOG_CATEGORY "daemon.acl"

/* The text of the root's first <CHILD> child in an XML document, NULL when
 * there is none or the text does not parse (the call reports that). */
static char *acl_xml_child(const char *xml, const char *child)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)strnlen(xml, G_MAXINT), "object.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    char *out = NULL;

    for (xmlNode *n = root ? root->children : NULL; n && !out; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST child)) {
            xmlChar *text = xmlNodeGetContent(n);

            out = g_strstrip(g_strdup((const char *)text));
            xmlFree(text);
        }
    }
    if (doc)
        xmlFreeDoc(doc);
    return out;
}

static void acl_object_uuid(acl_object *obj, const char *uuid)
{
    uuid_format((const unsigned char *)uuid, obj->uuid);
}

/* Name (and UUID) of the object argument at p, of kind. */
static void acl_object_from_arg(acl_object *obj, const char *kind, const void *p)
{
    if (strcmp(kind, "domain") == 0) {
        const remote_nonnull_domain *d = p;

        obj->name = g_strdup(d->name);
        acl_object_uuid(obj, d->uuid);
    } else if (strcmp(kind, "network") == 0) {
        const remote_nonnull_network *n = p;

        obj->name = g_strdup(n->name);
        acl_object_uuid(obj, n->uuid);
    } else if (strcmp(kind, "storage_pool") == 0) {
        const remote_nonnull_storage_pool *sp = p;

        obj->name = g_strdup(sp->name);
        acl_object_uuid(obj, sp->uuid);
    } else if (strcmp(kind, "nwfilter") == 0) {
        const remote_nonnull_nwfilter *f = p;

        obj->name = g_strdup(f->name);
        acl_object_uuid(obj, f->uuid);
    } else if (strcmp(kind, "storage_vol") == 0) {
        const remote_nonnull_storage_vol *v = p;

        obj->name = g_strdup_printf("%s/%s", v->pool, v->name);
    } else if (strcmp(kind, "secret") == 0) {
        const remote_nonnull_secret *s = p;

        acl_object_uuid(obj, s->uuid);
        obj->name = g_strdup(obj->uuid);
    } else if (strcmp(kind, "interface") == 0) {
        const remote_nonnull_interface *i = p;

        obj->name = g_strdup(i->name);
    }
}

void acl_object_of_call(const dispatch_proc *proc, const void *args, acl_object *obj)
{
    static const char *const kinds[] = {
        "connect", "domain", "network", "storage_pool", "storage_vol", "secret", "nwfilter",
        "interface", NULL,
    };
    const char *perm = proc->acl[0];
    const char *base = args;

    memset(obj, 0, sizeof(*obj));
    obj->kind = proc->obj_kind ? proc->obj_kind : "connect";
    /* the permissions say what the call acts on: a static kind name */
    for (size_t i = 0; perm && kinds[i]; i++) {
        size_t len = strlen(kinds[i]);

        if (strncmp(perm, kinds[i], len) == 0 && perm[len] == '.')
            obj->kind = kinds[i];
    }
    if (!args)
        return;
    if (proc->obj_offset >= 0 && proc->obj_kind &&
        strcmp(obj->kind, "storage_pool") == 0 && strcmp(proc->obj_kind, "storage_vol") == 0) {
        /* the pool of a volume (STORAGE_POOL_LOOKUP_BY_VOLUME) */
        obj->name = g_strdup(((const remote_nonnull_storage_vol *)(base + proc->obj_offset))->pool);
    } else if (proc->obj_offset >= 0 && proc->obj_kind) {
        acl_object_from_arg(obj, proc->obj_kind, base + proc->obj_offset);
    }
    if (proc->xml_offset >= 0) {
        const char *xml = *(char *const *)(base + proc->xml_offset);
        bool secret = strcmp(obj->kind, "secret") == 0;
        g_autofree char *name = xml ? acl_xml_child(xml, secret ? "uuid" : "name") : NULL;

        if (obj->name) {
            /* a volume made in the pool the call names: POOL/VOLUME */
            g_autofree char *pool = obj->name;

            obj->name = name ? g_strdup_printf("%s/%s", pool, name) : NULL;
            obj->uuid[0] = '\0';
        } else {
            obj->name = g_steal_pointer(&name);
        }
    }
    if (!obj->name && proc->name_offset >= 0)
        obj->name = g_strdup(*(char *const *)(base + proc->name_offset));
}

void acl_object_clear(acl_object *obj)
{
    g_clear_pointer(&obj->name, g_free);
}

/* The args' flags, 0 when the call has none. */
static unsigned int acl_call_flags(const dispatch_proc *proc, const void *args)
{
    if (!args || proc->flags_offset < 0)
        return 0;
    return *(const unsigned int *)((const char *)args + proc->flags_offset);
}

/* A read-only connection may call a @readonly procedure, but not with
 * the flags that make it need more than reading (GET_XML_DESC's
 * VIR_DOMAIN_XML_SECURE: passwords), as libvirt's API refuses them. */
static bool acl_check_read_only(daemon_client *c, const dispatch_proc *proc, unsigned int flags)
{
    vireo_conn *conn = daemon_client_conn(c);

    if (!conn || !conn->read_only)
        return true;
    for (int i = 0; i < DISPATCH_ACL_MAX && proc->acl[i]; i++) {
        if (proc->acl_flags[i] && (flags & proc->acl_flags[i]) &&
            !acl_perm_is_read(proc->acl[i])) {
            g_autofree char *api = dispatch_api_name(proc->name);

            error_report(VIREO_FROM_REMOTE, VIREO_ERR_OPERATION_DENIED,
                         "read only access prevents %s with flags 0x%x", api,
                         flags & proc->acl_flags[i]);
            return false;
        }
    }
    return true;
}

bool acl_check_call(daemon_client *c, const dispatch_proc *proc, const void *args,
                    const acl_object *obj)
{
    const daemon_acl *acl = c->srv->acl;
    unsigned int flags = acl_call_flags(proc, args);
    acl_subject s;
    bool ok = true;

    if (!acl_check_read_only(c, proc, flags))
        return false;
    if (!acl)
        return true;
    acl_subject_init(&s, daemon_client_identity(c));
    for (int i = 0; i < DISPATCH_ACL_MAX && proc->acl[i] && ok; i++) {
        const char *perm = proc->acl[i];
        /* connection permissions are on no named object */
        bool on_obj = !g_str_has_prefix(perm, "connect.");
        char who[64];

        if (proc->acl_flags[i] && !(flags & proc->acl_flags[i]))
            continue;
        if (proc->acl_flags_unset[i] && (flags & proc->acl_flags_unset[i]))
            continue;
        if (acl_allowed(acl, &s, perm, on_obj ? obj->name : NULL))
            continue;
        ok = false;
        if (on_obj && obj->name)
            error_report(VIREO_FROM_ACCESS, VIREO_ERR_ACCESS_DENIED,
                         "'%s' does not have permission '%s' on %s '%s'",
                         acl_subject_name(&s, who, sizeof(who)), perm, obj->kind, obj->name);
        else
            error_report(VIREO_FROM_ACCESS, VIREO_ERR_ACCESS_DENIED,
                         "'%s' does not have permission '%s'",
                         acl_subject_name(&s, who, sizeof(who)), perm);
    }
    acl_subject_clear(&s);
    return ok;
}

static _Thread_local const dispatch_proc *acl_current;

void acl_call_enter(const dispatch_proc *proc)
{
    acl_current = proc;
}

void acl_call_leave(void)
{
    acl_current = NULL;
}

const dispatch_proc *acl_call_current(void)
{
    return acl_current;
}

bool acl_client_may(daemon_client *c, const char *perm, const char *name)
{
    acl_subject s;
    bool ok;

    if (!c->srv->acl || !perm)
        return true;
    acl_subject_init(&s, daemon_client_identity(c));
    ok = acl_allowed(c->srv->acl, &s, perm, name);
    acl_subject_clear(&s);
    return ok;
}

bool acl_client_may_list(daemon_client *c, const dispatch_proc *p, const char *name)
{
    return !p || acl_client_may(c, p->acl_filter, name);
}

int acl_filter_list(daemon_client *c, const dispatch_proc *p, void **objs, int n,
                    char *(*name_of)(const void *obj), void (*unref)(void *obj))
{
    acl_subject s;
    int kept = 0;

    if (!c->srv->acl || !p || !p->acl_filter || n <= 0 || !objs)
        return n;
    acl_subject_init(&s, daemon_client_identity(c));
    for (int i = 0; i < n; i++) {
        g_autofree char *name = name_of(objs[i]);

        if (acl_allowed(c->srv->acl, &s, p->acl_filter, name))
            objs[kept++] = objs[i];
        else
            unref(objs[i]);
    }
    for (int i = kept; i < n; i++)
        objs[i] = NULL;
    acl_subject_clear(&s);
    return kept;
}

/* ---- start ---- */

static bool acl_rules_wanted(const daemon_config *cfg)
{
    for (size_t i = 0; cfg->access_drivers && cfg->access_drivers[i]; i++) {
        if (strcmp(cfg->access_drivers[i], "rules") == 0)
            return true;
    }
    return false;
}

int acl_server_start(daemon_server *srv)
{
    const daemon_config *cfg = srv->cfg;
    const char *root = srv->root ? srv->root : g_getenv("VIREO_ROOT");
    g_autofree char *path = NULL;

    for (size_t i = 0; cfg->access_drivers && cfg->access_drivers[i]; i++) {
        if (strcmp(cfg->access_drivers[i], "rules") != 0) {
            error_report(VIREO_FROM_CONF, VIREO_ERR_CONFIG_UNSUPPORTED,
                         "access_drivers: '%s' is not supported (only \"rules\")",
                         cfg->access_drivers[i]);
            return -1;
        }
    }
    if (!acl_rules_wanted(cfg))
        return 0;
    path = cfg->access_rules_file ? g_strdup(cfg->access_rules_file)
                                  : g_build_filename(root ? root : "/", "etc", "libvirt",
                                                     "access-rules.conf", NULL);
    srv->acl = acl_load_file(path);
    if (!srv->acl)
        return -1;
    log_info("access rules: %u from '%s'", acl_rule_count(srv->acl), path);
    return 0;
}

void acl_server_stop(daemon_server *srv)
{
    g_clear_pointer(&srv->acl, acl_free);
}
