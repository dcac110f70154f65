/*
 * acl.h: vireod's access rules (issue 10), read from a plain-text rules
 * file (README "Access control"):
 *
 *     # who          what                           on which objects
 *     allow user:alice  domain.start,domain.read    name=web*
 *     allow group:ops   domain.*,network.*
 *     deny  *           secret.read_secure
 *
 * Rules are tried in file order and the first one matching the caller,
 * the permission and the object decides.  When none matches, reading
 * (getattr, read, search_*) is allowed and everything else denied.
 *
 * A daemon_acl is read once at start and never changes: any thread may
 * check against it without a lock.
 */
#ifndef VIREO_DAEMON_ACL_H
#define VIREO_DAEMON_ACL_H

#include <stdbool.h>

#include "daemon/client.h"
#include "daemon/dispatch.h"

typedef struct daemon_acl daemon_acl;
struct daemon_server;

/* Rules from text (name: the file, for messages).  NULL with the error
 * set (CONF_SYNTAX "FILE:LINE: why") on the first bad line.  Caller
 * frees with acl_free. */
daemon_acl *acl_load_string(const char *text, const char *name);
/* The same from a file; a missing file is an error. */
daemon_acl *acl_load_file(const char *path);
void acl_free(daemon_acl *acl);
/* The number of rules (for logs and tests). */
unsigned int acl_rule_count(const daemon_acl *acl);

/* The caller as the rules see it: its identity and, for a local user,
 * every group it belongs to.  Built once per call. */
typedef struct acl_subject {
    const daemon_identity *id;  /* borrowed */
    char **groups;              /* owned, NULL-terminated: primary and supplementary */
} acl_subject;
void acl_subject_init(acl_subject *s, const daemon_identity *id);
void acl_subject_clear(acl_subject *s);
/* How refusals name the caller: SASL name, certificate DN, user name,
 * or "uid N" (borrowed or written into buf). */
const char *acl_subject_name(const acl_subject *s, char *buf, size_t len);

/* Whether perm ("domain.start") on the object called name (NULL: the
 * object is not known, or perm is on the connection) is allowed. */
bool acl_allowed(const daemon_acl *acl, const acl_subject *s, const char *perm, const char *name);
/* Reading permissions: allowed unless a rule denies them. */
bool acl_perm_is_read(const char *perm);

/* The object a call names, for the checks and the audit log. */
typedef struct acl_object {
    const char *kind;           /* "domain", ... or "connect" (static) */
    char *name;                 /* owned; NULL: not known before the call */
    char uuid[37];              /* "" when not known */
} acl_object;
/* Fill obj from proc's annotations and the decoded args. */
void acl_object_of_call(const dispatch_proc *proc, const void *args, acl_object *obj);
void acl_object_clear(acl_object *obj);

/* The worker's check, after decoding and before running: true when the
 * rules are off or allow every permission proc needs on obj, else false
 * with VIREO_ERR_ACCESS_DENIED set naming the caller, the permission and
 * the object.  On a read-only connection, the flags that make a @readonly
 * call need more than reading (domain.read_secure for XML_SECURE) are
 * refused first (OPERATION_DENIED, "read only access"). */
bool acl_check_call(daemon_client *c, const dispatch_proc *proc, const void *args,
                    const acl_object *obj);

/* The procedure this thread runs (the worker enters it around the call;
 * any thread): list filters find their @aclfilter through it. */
void acl_call_enter(const dispatch_proc *proc);
void acl_call_leave(void);
const dispatch_proc *acl_call_current(void);

/* Whether client c holds perm on the object called name (as the rules
 * name it); always true when rules are off.  Events use it at delivery,
 * as libvirt does, so a client never hears of what it may not see.
 * Thread: any (the rules do not change once loaded). */
bool acl_client_may(daemon_client *c, const char *perm, const char *name);
/* List calls: whether the caller of proc (NULL: none running) may see the
 * listed object called name (by proc's @aclfilter permission).
 * Always true when rules are off.  Thread: the call's worker. */
bool acl_client_may_list(daemon_client *c, const dispatch_proc *proc, const char *name);
/* Keep in objs (a NULL-terminated array of n handles) those the caller may
 * list, in order; unref the others.  name_of: the object's name as the
 * rules see it (caller frees).  The new count. */
int acl_filter_list(daemon_client *c, const dispatch_proc *proc, void **objs, int n,
                    char *(*name_of)(const void *obj), void (*unref)(void *obj));

/* At start: read the rules file when access_drivers has "rules" (into
 * srv->acl).  0, or -1 with the error set (the file and line). */
int acl_server_start(struct daemon_server *srv);
void acl_server_stop(struct daemon_server *srv);

#endif
