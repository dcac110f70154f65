/*
 * identity.c: who is at the other end of a client's socket.
 */
#define _GNU_SOURCE     /* struct ucred */
#include <arpa/inet.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/daemon_priv.h"

static char *identity_user_name(uid_t uid)
{
    struct passwd pw, *found = NULL;
    char buf[4096];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || !found)
        return NULL;
    return g_strdup(found->pw_name);
}

static char *identity_group_name(gid_t gid)
{
    struct group gr, *found = NULL;
    char buf[4096];

    if (getgrgid_r(gid, &gr, buf, sizeof(buf), &found) != 0 || !found)
        return NULL;
    return g_strdup(found->gr_name);
}

void identity_from_unix(daemon_identity *id, int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);

    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
        return;
    id->local = true;
    id->uid = cred.uid;
    id->gid = cred.gid;
    id->pid = cred.pid;
    id->user = identity_user_name(cred.uid);
    id->group = identity_group_name(cred.gid);
}

void identity_from_tcp(daemon_identity *id, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    char host[INET6_ADDRSTRLEN] = "";
    int port = 0;

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        return;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        port = ntohs(in->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        port = ntohs(in6->sin6_port);
    } else {
        return;
    }
    /* libvirt's "IP;PORT" form, as SASL wants it */
    id->address = g_strdup_printf("%s;%d", host, port);
}

void identity_clear(daemon_identity *id)
{
    g_free(id->user);
    g_free(id->group);
    g_free(id->address);
    g_free(id->x509_dn);
    g_free(id->sasl_user);
    memset(id, 0, sizeof(*id));
}

const daemon_identity *daemon_client_identity(daemon_client *c)
{
    return &c->ident;
}

char *daemon_identity_describe(const daemon_identity *id)
{
    GString *s = g_string_new(NULL);

    if (id->local) {
        g_string_append_printf(s, "uid %u (%s) gid %u (%s) pid %d", (unsigned)id->uid,
                               id->user ? id->user : "?", (unsigned)id->gid,
                               id->group ? id->group : "?", (int)id->pid);
    }
    if (id->address)
        g_string_append_printf(s, "%saddress %s", s->len ? " " : "", id->address);
    if (id->x509_dn)
        g_string_append_printf(s, "%sx509 '%s'", s->len ? " " : "", id->x509_dn);
    if (id->sasl_user)
        g_string_append_printf(s, "%ssasl '%s'", s->len ? " " : "", id->sasl_user);
    if (!s->len)
        g_string_append(s, "peer unknown");
    return g_string_free(s, FALSE);
}

bool daemon_client_authenticated(daemon_client *c)
{
    bool done;

    g_mutex_lock(&c->lock);
    done = c->authenticated;
    g_mutex_unlock(&c->lock);
    return done;
}
