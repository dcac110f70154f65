/*
 * device_graphics.c: <graphics> (vnc, spice, sdl, egl-headless) and
 * <video>, with the defaults libvirt fills (autoport, listens, video RAM).
 */
#include <string.h>

#include "conf/device_priv.h"

static const char *const gfx_types[] = { "vnc", "spice", "sdl", "egl-headless", NULL };
static const char *const listen_types[] = { "address", "network", "socket", "none", NULL };
static const char *const yesno[] = { "yes", "no", NULL };
static const char *const compressions[] = {
    "auto_glz", "auto_lz", "quic", "glz", "lz", "off", NULL,
};
static const char *const video_types[] = {
    "vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio", "gop", "none",
    "bochs", "ramfb", NULL,
};

static void listen_free(gpointer p)
{
    device_graphics_listen *l = p;

    g_free(l->type);
    g_free(l->address);
    g_free(l->network);
    g_free(l->socket);
    g_free(l);
}

static int listens_parse(xml_doc *d, xmlNode *node, device_graphics *g)
{
    g_autoptr(GPtrArray) nodes = xml_children(d, node, "listen");

    for (guint i = 0; i < nodes->len; i++) {
        xmlNode *n = nodes->pdata[i];
        device_graphics_listen *l = g_new0(device_graphics_listen, 1);

        g_ptr_array_add(g->listens, l);
        if (xml_attr_choice(d, n, "type", listen_types, &l->type) < 0)
            return -1;
        if (!l->type) {
            xml_report_missing(d, n, "attribute 'type'");
            return -1;
        }
        l->address = xml_attr(d, n, "address");
        l->network = xml_attr(d, n, "network");
        l->socket = xml_attr(d, n, "socket");
    }
    if (g->listen && g->listens->len == 0) {
        device_graphics_listen *l = g_new0(device_graphics_listen, 1);

        l->type = g_strdup("address");
        l->address = g_strdup(g->listen);
        g_ptr_array_add(g->listens, l);
    } else if (g->listen) {
        const device_graphics_listen *l = g->listens->pdata[0];

        if (g_strcmp0(l->address, g->listen) != 0) {
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "graphics 'listen' attribute '%s' must match 'address' attribute of "
                         "first listen element (found '%s') at line %ld",
                         g->listen, l->address ? l->address : "", DEV_LINE(node));
            return -1;
        }
    }
    return 0;
}

/* port='-1' or no port at all means "pick one when starting" */
static int ports_parse(xml_doc *d, xmlNode *node, device_graphics *g)
{
    int has_port = xml_attr_int(d, node, "port", &g->port);
    bool vnc = strcmp(g->type, "vnc") == 0;

    if (has_port < 0 || xml_attr_int(d, node, "tlsPort", &g->tls_port) < 0 ||
        xml_attr_choice(d, node, "autoport", yesno, &g->autoport) < 0)
        return -1;
    if (g->port == -1 || g->tls_port == -1 || (vnc && has_port == 0 && !g->autoport)) {
        g_free(g->autoport);
        g->autoport = g_strdup("yes");
    }
    if (g_strcmp0(g->autoport, "yes") == 0) {
        g->port = 0;
        g->tls_port = 0;
    } else if (!g->autoport && (g->port > 0 || g->tls_port > 0)) {
        g->autoport = g_strdup("no");
    }
    return 0;
}

static int gfx_parse_body(xml_doc *d, xmlNode *node, device_graphics *g, unsigned int flags)
{
    xmlNode *x;

    if (xml_attr_choice(d, node, "type", gfx_types, &g->type) < 0)
        return -1;
    if (!g->type) {
        xml_report_missing(d, node, "attribute 'type'");
        return -1;
    }
    if (strcmp(g->type, "vnc") != 0 && strcmp(g->type, "spice") != 0)
        return dev_info_parse(d, node, &g->info, flags);
    if (ports_parse(d, node, g) < 0)
        return -1;
    g->listen = xml_attr(d, node, "listen");
    g->keymap = xml_attr(d, node, "keymap");
    g->passwd = xml_attr(d, node, "passwd");
    if (listens_parse(d, node, g) < 0)
        return -1;
    if (g->listens->len == 0) {
        device_graphics_listen *l = g_new0(device_graphics_listen, 1);
        bool spice_unset = strcmp(g->type, "spice") == 0 && !g->autoport;

        l->type = g_strdup(spice_unset ? "none" : "address");
        g_ptr_array_add(g->listens, l);
    }
    if (strcmp(g->type, "spice") == 0 && (x = xml_child(d, node, "image")) &&
        xml_attr_choice(d, x, "compression", compressions, &g->image_compression) < 0)
        return -1;
    return dev_info_parse(d, node, &g->info, flags);
}

device_graphics *dev_graphics_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    device_graphics *g = g_new0(device_graphics, 1);

    g->listens = g_ptr_array_new_with_free_func(listen_free);
    if (gfx_parse_body(d, node, g, flags) < 0) {
        dev_graphics_free(g);
        return NULL;
    }
    return g;
}

static void listens_format(xml_buf *b, const device_graphics *g)
{
    for (guint i = 0; i < g->listens->len; i++) {
        const device_graphics_listen *l = g->listens->pdata[i];
        xml_buf at;

        xbuf_init(&at, 0);
        xbuf_attr(&at, "type", l->type);
        xbuf_attr(&at, "address", l->address);
        xbuf_attr(&at, "network", l->network);
        xbuf_attr(&at, "socket", l->socket);
        xbuf_element(b, "listen", &at, NULL);
        xbuf_clear(&at);
    }
}

static void ports_format(xml_buf *at, const device_graphics *g)
{
    bool autoport = g_strcmp0(g->autoport, "yes") == 0;

    if (strcmp(g->type, "vnc") == 0) {
        if (g->port > 0)
            xbuf_attr_printf(at, "port", "%d", g->port);
        else if (autoport)
            xbuf_attr(at, "port", "-1");
        xbuf_attr(at, "autoport", autoport ? "yes" : "no");
        return;
    }
    if (g->port > 0)
        xbuf_attr_printf(at, "port", "%d", g->port);
    if (g->tls_port > 0)
        xbuf_attr_printf(at, "tlsPort", "%d", g->tls_port);
    xbuf_attr(at, "autoport", g->autoport);
}

void dev_graphics_format(xml_buf *b, const device_graphics *g, unsigned int flags)
{
    dev_elem e;
    const device_graphics_listen *first = g->listens->len ? g->listens->pdata[0] : NULL;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", g->type);
    if (strcmp(g->type, "vnc") == 0 || strcmp(g->type, "spice") == 0) {
        ports_format(&e.attrs, g);
        if (first && g_strcmp0(first->type, "address") == 0)
            xbuf_attr(&e.attrs, "listen", first->address);
        xbuf_attr(&e.attrs, "keymap", g->keymap);
        if (flags & VIREO_DOMAIN_XML_SECURE)
            xbuf_attr(&e.attrs, "passwd", g->passwd);
    }
    listens_format(&e.kids, g);
    xbuf_escape(&e.kids, "<image compression='%s'/>\n", g->image_compression);
    dev_info_format(&e.kids, &g->info, flags);
    dev_elem_close(&e, b, "graphics");
}

void dev_graphics_free(gpointer p)
{
    device_graphics *g = p;

    if (!g)
        return;
    g_free(g->type);
    g_free(g->autoport);
    g_free(g->listen);
    g_free(g->passwd);
    g_free(g->keymap);
    g_free(g->socket);
    g_clear_pointer(&g->listens, g_ptr_array_unref);
    g_free(g->image_compression);
    dev_info_clear(&g->info);
    g_free(g);
}

/* ---- video ---- */

static int video_model_parse(xml_doc *d, xmlNode *m, device_video *v)
{
    bool primary = false;
    xmlNode *acc;

    if (xml_attr_choice(d, m, "type", video_types, &v->model_type) < 0 ||
        xml_attr_uint(d, m, "ram", &v->ram) < 0 || xml_attr_uint(d, m, "vram", &v->vram) < 0 ||
        xml_attr_uint(d, m, "vgamem", &v->vgamem) < 0 ||
        xml_attr_uint(d, m, "heads", &v->heads) < 0 || xml_attr_bool(d, m, "primary", &primary) < 0)
        return -1;
    v->primary = primary;
    if ((acc = xml_child(d, m, "acceleration")) &&
        xml_attr_choice(d, acc, "accel3d", (const char *const[]){ "yes", "no", NULL },
                        &v->accel3d) < 0)
        return -1;
    return 0;
}

/* libvirt's defaults: 16 MiB of VRAM for the VGA-like models, 64 MiB of
 * RAM and VRAM for qxl, one head. */
static void video_defaults(device_video *v)
{
    const char *t = v->model_type;

    if (strcmp(t, "none") == 0)
        return;
    if (strcmp(t, "qxl") == 0) {
        if (!v->ram)
            v->ram = 65536;
        if (!v->vram)
            v->vram = 65536;
    } else if (!v->vram && (strcmp(t, "vga") == 0 || strcmp(t, "cirrus") == 0 ||
                            strcmp(t, "vmvga") == 0)) {
        v->vram = 16384;
    }
    if (!v->heads)
        v->heads = 1;
}

device_video *dev_video_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    device_video *v = g_new0(device_video, 1);
    xmlNode *m = xml_child(d, node, "model");

    if ((m && video_model_parse(d, m, v) < 0) || dev_info_parse(d, node, &v->info, flags) < 0) {
        dev_video_free(v);
        return NULL;
    }
    if (!v->model_type)
        v->model_type = g_strdup("cirrus");
    video_defaults(v);
    return v;
}

void dev_video_format(xml_buf *b, const device_video *v, unsigned int flags)
{
    dev_elem e, m;

    dev_elem_open(&e, b);
    dev_elem_open(&m, &e.kids);
    xbuf_attr(&m.attrs, "type", v->model_type);
    if (v->ram)
        xbuf_attr_printf(&m.attrs, "ram", "%u", v->ram);
    if (v->vram)
        xbuf_attr_printf(&m.attrs, "vram", "%u", v->vram);
    if (v->vgamem)
        xbuf_attr_printf(&m.attrs, "vgamem", "%u", v->vgamem);
    if (v->heads)
        xbuf_attr_printf(&m.attrs, "heads", "%u", v->heads);
    if (v->primary)
        xbuf_attr(&m.attrs, "primary", "yes");
    xbuf_escape(&m.kids, "<acceleration accel3d='%s'/>\n", v->accel3d);
    dev_elem_close(&m, &e.kids, "model");
    dev_info_format(&e.kids, &v->info, flags);
    dev_elem_close(&e, b, "video");
}

void dev_video_free(gpointer p)
{
    device_video *v = p;

    if (!v)
        return;
    g_free(v->model_type);
    g_free(v->accel3d);
    dev_info_clear(&v->info);
    g_free(v);
}

/* an implicit video for graphics without one (libvirt's default: cirrus) */
device_video *dev_video_new_default(void)
{
    device_video *v = g_new0(device_video, 1);

    v->model_type = g_strdup("cirrus");
    video_defaults(v);
    return v;
}
