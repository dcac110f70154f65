/*
 * storage_iscsi_session.h: one iSCSI session through libiscsi (the
 * userspace initiator), every step bounded by a deadline.
 *
 * libiscsi's synchronous calls wait forever on a portal that accepts the
 * TCP connection and never answers (a stopped target), which would hold
 * the pool's job, so every step here runs libiscsi's asynchronous API
 * under poll() until the session's deadline, then fails with
 * OPERATION_TIMEOUT.  One session is used by one thread at a time.
 */
#ifndef VIREO_DRIVERS_STORAGE_ISCSI_SESSION_H
#define VIREO_DRIVERS_STORAGE_ISCSI_SESSION_H

#include <glib.h>
#include <stdint.h>

typedef struct iscsi_session iscsi_session;

/* Where and how to log in.  All borrowed. */
typedef struct iscsi_login {
    const char *who;        /* names the object in messages: "storage pool 'p'" */
    const char *initiator;  /* initiator IQN */
    const char *portal;     /* "host:port" or "[v6]:port" */
    const char *target;     /* target IQN; NULL: a discovery session */
    const char *chap_user;  /* NULL: no CHAP */
    const char *chap_password;
} iscsi_login;

/* Connect and log in before deadline (g_get_monotonic_time() scale).
 * NULL with OPERATION_FAILED (refused, login rejected) or
 * OPERATION_TIMEOUT set, naming who and the portal.  Close with
 * iscsi_session_close. */
iscsi_session *iscsi_session_open(const iscsi_login *login, gint64 deadline);
/* Log out (briefly, best effort) and free; keeps the thread's error. */
void iscsi_session_close(iscsi_session *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(iscsi_session, iscsi_session_close)

/* The target's LUN numbers (REPORT LUNS), as a new array of guint. */
GArray *iscsi_session_luns(iscsi_session *s);
/* The size in bytes of lun (READ CAPACITY 16); 0 for a LUN that is not a
 * disk (a storage array controller).  -1 with the error set. */
int iscsi_session_lun_size(iscsi_session *s, unsigned int lun, uint64_t *bytes);
/* The target names a discovery session sees (SendTargets), a new
 * NULL-terminated vector (g_strfreev), or NULL with the error set. */
char **iscsi_session_discover(iscsi_session *s);

#endif
