/* uri.h: connection URIs, "driver[+transport]://[user@][host][:port]/path[?k=v&...]". */
#ifndef VIREO_UTIL_URI_H
#define VIREO_UTIL_URI_H

#include <glib.h>

typedef struct vireo_uri {
    char *text;         /* the URI as given */
    char *driver;       /* "test", "qemu", "lxc" (scheme before '+') */
    char *transport;    /* "unix", "tls", "tcp", "ssh" or NULL */
    char *user;
    char *host;         /* NULL or "" for local */
    int port;           /* -1 when absent */
    char *path;         /* "/default", "/system", "/path/to/file.xml" */
    GHashTable *params; /* query parameters, name -> value (owned) */
} vireo_uri;

/* Parse text; reports VIREO_ERR_INVALID_ARG naming it when malformed.
 * Caller frees. */
vireo_uri *uri_parse(const char *text);
void uri_free(vireo_uri *uri);
/* The URI names a daemon (a transport, a host or ?socket=): the remote
 * driver's, never an in-process driver's, even for root on its own host. */
gboolean uri_names_daemon(const vireo_uri *uri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vireo_uri, uri_free)

#endif
