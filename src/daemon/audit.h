/*
 * audit.h: vireod's audit log (issue 10): one line per changing call,
 * per refusal (read-only socket, access rules) and per failed
 * authentication, appended to audit_file (ROOT/var/log/libvirt/
 * vireod-audit.log by default, mode 0600):
 *
 *   2026-11-24T20:31:02.120Z who="uid 1001 (alice) gid 1001 (alice) pid 42"
 *     api=virDomainCreate object=domain:web1 uuid=... result=ok
 *   ... result=error code=88 message="access denied: ..."
 *
 * (one line; values with blanks or quotes are quoted, \" and \\ escaped).
 * Each line is one write(2) on an O_APPEND descriptor, so lines of
 * concurrent workers never mix; any thread may record.
 */
#ifndef VIREO_DAEMON_AUDIT_H
#define VIREO_DAEMON_AUDIT_H

#include "daemon/client.h"

typedef struct daemon_audit daemon_audit;
struct daemon_server;

/* Open (create, 0600) path for appending.  NULL with the error set. */
daemon_audit *audit_open(const char *path);
void audit_close(daemon_audit *a);

/* One line: who did api to the object kind:name (uuid: "" or NULL when
 * not known; kind NULL: none), and the result (err NULL: ok).  a NULL:
 * nothing (no audit log). */
void audit_record(daemon_audit *a, const daemon_identity *id, const char *api, const char *kind,
                  const char *name, const char *uuid, const vireo_error *err);

struct acl_object;
struct dispatch_proc;
/* The worker's line for one call of c: proc's API name, the object
 * (NULL: not known) and the result (err NULL: ok). */
void audit_call(daemon_client *c, const struct dispatch_proc *proc, const struct acl_object *obj,
                const vireo_error *err);

/* For the TLS and SASL code: a client failed to authenticate (method:
 * "tls", "sasl"; why: the reason, as logged).  a may be NULL. */
void audit_auth_failure(daemon_audit *a, const daemon_identity *id, const char *method,
                        const char *why);

/* At start: open the audit log (srv->audit).  A configured audit_file
 * that cannot be opened stops the daemon (-1, error set); the default
 * one only warns (a session daemon cannot write the system's log). */
int audit_server_start(struct daemon_server *srv);
void audit_server_stop(struct daemon_server *srv);

#endif
