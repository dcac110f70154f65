/* uri.c: connection URIs. */
#include <string.h>

#include "util/error.h"
#include "util/uri.h"

vireo_uri *uri_parse(const char *text)
{
    g_autoptr(GError) gerr = NULL;
    g_autoptr(GUri) gu = NULL;
    vireo_uri *uri;
    const char *scheme, *plus, *query;

    gu = g_uri_parse(text, G_URI_FLAGS_ENCODED_QUERY | G_URI_FLAGS_NON_DNS, &gerr);
    if (!gu) {
        error_report(VIREO_FROM_URI, VIREO_ERR_INVALID_ARG, "cannot parse URI '%s': %s", text,
                     gerr->message);
        return NULL;
    }
    uri = g_new0(vireo_uri, 1);
    uri->text = g_strdup(text);
    scheme = g_uri_get_scheme(gu);
    plus = strchr(scheme, '+');
    uri->driver = plus ? g_strndup(scheme, plus - scheme) : g_strdup(scheme);
    uri->transport = plus ? g_strdup(plus + 1) : NULL;
    uri->user = g_strdup(g_uri_get_user(gu));
    uri->host = g_strdup(g_uri_get_host(gu));
    uri->port = g_uri_get_port(gu);
    uri->path = g_strdup(g_uri_get_path(gu));
    uri->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    query = g_uri_get_query(gu);
    if (query) {
        g_autoptr(GHashTable) q = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, &gerr);
        if (!q) {
            error_report(VIREO_FROM_URI, VIREO_ERR_INVALID_ARG,
                         "cannot parse parameters of URI '%s': %s", text, gerr->message);
            uri_free(uri);
            return NULL;
        }
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, q);
        while (g_hash_table_iter_next(&it, &k, &v))
            g_hash_table_insert(uri->params, g_strdup(k), g_strdup(v));
    }
    return uri;
}

gboolean uri_names_daemon(const vireo_uri *uri)
{
    return uri->transport || (uri->host && *uri->host) ||
           (uri->params && g_hash_table_contains(uri->params, "socket"));
}

void uri_free(vireo_uri *uri)
{
    if (!uri)
        return;
    g_free(uri->text);
    g_free(uri->driver);
    g_free(uri->transport);
    g_free(uri->user);
    g_free(uri->host);
    g_free(uri->path);
    if (uri->params)
        g_hash_table_unref(uri->params);
    g_free(uri);
}
