/*
 * remote_auth_file.c: credentials from libvirt's client auth file
 * (libvirt.org auth.html, "Client configuration"), an ini file:
 *
 *     [credentials-test]
 *     authname=alice
 *     password=secret
 *
 *     [auth-libvirt-host1.example.com]
 *     credentials=test
 *
 *     [auth-libvirt-default]
 *     credentials=test
 */
#include <errno.h>

#include <glib.h>

#include "remote/remote_auth.h"
#include "util/error.h"

/* The file libvirt's client would read, NULL when none exists. */
static char *auth_file_path(const vireo_uri *uri)
{
    const char *env = g_getenv("LIBVIRT_AUTH_FILE");
    const char *param = uri && uri->params ? g_hash_table_lookup(uri->params, "authfile") : NULL;
    g_autofree char *user = NULL;

    if (env && *env)
        return g_strdup(env);   /* named explicitly: a missing one is an error below */
    if (param && *param)
        return g_strdup(param);
    user = g_build_filename(g_get_user_config_dir(), "libvirt", "auth.conf", NULL);
    if (g_file_test(user, G_FILE_TEST_EXISTS))
        return g_steal_pointer(&user);
    if (g_file_test("/etc/libvirt/auth.conf", G_FILE_TEST_EXISTS))
        return g_strdup("/etc/libvirt/auth.conf");
    return NULL;
}

int remote_auth_file_lookup(const vireo_uri *uri, const char *host, char **authname,
                            char **password)
{
    g_autofree char *path = auth_file_path(uri);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) gerr = NULL;
    g_autofree char *section = NULL;
    g_autofree char *cred = NULL;
    g_autofree char *cred_section = NULL;

    *authname = *password = NULL;
    if (!path)
        return 0;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &gerr)) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "cannot read the auth file '%s': %s", path, gerr->message);
        return -1;
    }
    section = g_strdup_printf("auth-libvirt-%s", host);
    if (!g_key_file_has_group(kf, section)) {
        g_free(section);
        section = g_strdup("auth-libvirt-default");
    }
    cred = g_key_file_get_string(kf, section, "credentials", NULL);
    if (!cred)
        return 0;
    cred_section = g_strdup_printf("credentials-%s", cred);
    if (!g_key_file_has_group(kf, cred_section)) {
        error_report(VIREO_FROM_AUTH, VIREO_ERR_AUTH_FAILED,
                     "auth file '%s': [%s] names credentials '%s', but there is no [%s]", path,
                     section, cred, cred_section);
        return -1;
    }
    *authname = g_key_file_get_string(kf, cred_section, "authname", NULL);
    if (!*authname)
        *authname = g_key_file_get_string(kf, cred_section, "username", NULL);
    *password = g_key_file_get_string(kf, cred_section, "password", NULL);
    return 1;
}
