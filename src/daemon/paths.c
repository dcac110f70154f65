/*
 * paths.c: the root layout (see paths.h).
 */
#include <unistd.h>

#include "daemon/paths.h"

static daemon_paths *paths_rooted(const char *root)
{
    daemon_paths *p = g_new0(daemon_paths, 1);

    p->root = g_canonicalize_filename(root, NULL);
    p->sock_dir = g_build_filename(p->root, "run", "libvirt", NULL);
    p->config_file = g_build_filename(p->root, "etc", "libvirt", "libvirtd.conf", NULL);
    p->pid_file = g_build_filename(p->root, "run", "libvirtd.pid", NULL);
    p->state_dir = g_build_filename(p->root, "var", "lib", "libvirt", NULL);
    return p;
}

daemon_paths *paths_new(const char *root)
{
    daemon_paths *p;

    if (root)
        return paths_rooted(root);
    if (geteuid() == 0)
        return paths_rooted("/");
    /* a session daemon: libvirt's per-user folders.  GLib falls back to
     * the user cache folder when XDG_RUNTIME_DIR is unset, as libvirt does. */
    p = g_new0(daemon_paths, 1);
    p->sock_dir = g_build_filename(g_get_user_runtime_dir(), "libvirt", NULL);
    p->config_file = g_build_filename(g_get_user_config_dir(), "libvirt", "libvirtd.conf", NULL);
    p->pid_file = g_build_filename(p->sock_dir, "libvirtd.pid", NULL);
    p->state_dir = g_build_filename(g_get_user_data_dir(), "libvirt", NULL);
    return p;
}

void paths_free(daemon_paths *p)
{
    if (!p)
        return;
    g_free(p->root);
    g_free(p->sock_dir);
    g_free(p->config_file);
    g_free(p->pid_file);
    g_free(p->state_dir);
    g_free(p);
}
