/*
 * device_chr.c: character devices (<serial>, <parallel>, <console>,
 * <channel>, <redirdev>) and the chardev part of an rng egd backend.
 */
#include <string.h>

#include "conf/device_priv.h"

static const char *const chr_types[] = {
    "null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp", "unix", "spicevmc",
    "spiceport", NULL,
};
static const char *const modes[] = { "bind", "connect", NULL };
static const char *const protocols[] = { "raw", "telnet", "telnets", "tls", NULL };
static const char *const onoff[] = { "on", "off", NULL };
static const char *const serial_targets[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial", "system-serial",
    "sclp-serial", "isa-debug", NULL,
};
static const char *const serial_models[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon", NULL,
};
static const char *const console_targets[] = {
    "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm", NULL,
};
static const char *const channel_targets[] = { "virtio", "guestfwd", "xen", NULL };
static const char *const channel_states[] = { "connected", "disconnected", NULL };

static bool type_is(const device_chr *chr, const char *t)
{
    return g_strcmp0(chr->type, t) == 0;
}

/* udp has a second <source> (the connect side); kept in source_path's
 * place would be wrong, so udp keeps both ends in host/service pairs. */
static int source_parse(xml_doc *d, xmlNode *src, device_chr *chr)
{
    if (type_is(chr, "tcp") || type_is(chr, "udp") || type_is(chr, "unix")) {
        if (xml_attr_choice(d, src, "mode", modes, &chr->source_mode) < 0)
            return -1;
    }
    if (type_is(chr, "tcp") || type_is(chr, "udp")) {
        chr->source_host = xml_attr(d, src, "host");
        chr->source_service = xml_attr(d, src, "service");
    } else if (!type_is(chr, "null") && !type_is(chr, "spicevmc") && !type_is(chr, "stdio") &&
               !type_is(chr, "vc")) {
        chr->source_path = xml_attr(d, src, "path");
    }
    if (type_is(chr, "file") && xml_attr_choice(d, src, "append", onoff, &chr->source_append) < 0)
        return -1;
    return 0;
}

int dev_chr_source_parse(xml_doc *d, xmlNode *node, device_chr *chr, const char *kind,
                         unsigned int flags)
{
    xmlNode *src, *x;

    (void)flags;
    if (xml_attr_choice(d, node, "type", chr_types, &chr->type) < 0)
        return -1;
    if (!chr->type)
        chr->type = g_strdup("pty");
    if ((src = xml_child(d, node, "source")) && source_parse(d, src, chr) < 0)
        return -1;
    if (type_is(chr, "udp")) {
        /* the second <source> of a udp chardev: the other end */
        g_autoptr(GPtrArray) all = xml_children(d, node, "source");

        if (all->len > 1) {
            device_chr other = { .type = chr->type };

            if (source_parse(d, all->pdata[1], &other) < 0)
                return -1;
            chr->source_path = g_strdup_printf("%s|%s|%s", other.source_mode ? other.source_mode : "",
                                               other.source_host ? other.source_host : "",
                                               other.source_service ? other.source_service : "");
            g_free(other.source_mode);
            g_free(other.source_host);
            g_free(other.source_service);
        }
    }
    if ((type_is(chr, "tcp") || type_is(chr, "unix")) && !chr->source_mode && src)
        chr->source_mode = g_strdup("connect");
    if ((x = xml_child(d, node, "protocol")) &&
        xml_attr_choice(d, x, "type", protocols, &chr->protocol) < 0)
        return -1;
    if (type_is(chr, "tcp") && !chr->protocol)
        chr->protocol = g_strdup("raw");
    if ((x = xml_child(d, node, "log"))) {
        chr->log_file = xml_attr(d, x, "file");
        if (xml_attr_choice(d, x, "append", onoff, &chr->log_append) < 0)
            return -1;
    }
    (void)kind;
    return 0;
}

static int target_parse(xml_doc *d, xmlNode *node, device_chr *chr, const char *kind)
{
    xmlNode *t = xml_child(d, node, "target");
    const char *const *types = strcmp(kind, "serial") == 0    ? serial_targets
                               : strcmp(kind, "console") == 0 ? console_targets
                               : strcmp(kind, "channel") == 0 ? channel_targets
                                                              : NULL;
    xmlNode *m;

    if (!t) {
        if (strcmp(kind, "channel") == 0) {
            xml_report_missing(d, node, "element <target>");
            return -1;
        }
        return 0;
    }
    if (types && xml_attr_choice(d, t, "type", types, &chr->target_type) < 0)
        return -1;
    if (strcmp(kind, "channel") == 0) {
        chr->target_name = xml_attr(d, t, "name");
        if (xml_attr_choice(d, t, "state", channel_states, &chr->target_state) < 0)
            return -1;
        return 0;
    }
    if (xml_attr_int(d, t, "port", &chr->target_port) < 0)
        return -1;
    if (strcmp(kind, "serial") == 0 && (m = xml_child(d, t, "model")) &&
        xml_attr_choice(d, m, "name", serial_models, &chr->target_model) < 0)
        return -1;
    return 0;
}

device_chr *dev_chr_parse(xml_doc *d, xmlNode *node, const char *kind, unsigned int flags)
{
    device_chr *chr = g_new0(device_chr, 1);

    chr->target_port = -1;
    if (dev_chr_source_parse(d, node, chr, kind, flags) < 0 ||
        target_parse(d, node, chr, kind) < 0 || dev_info_parse(d, node, &chr->info, flags) < 0) {
        dev_chr_free(chr);
        return NULL;
    }
    if (!(flags & DOMAIN_PARSE_LIVE))
        g_clear_pointer(&chr->target_state, g_free);
    return chr;
}

static void udp_other_format(xml_buf *b, const char *packed)
{
    g_auto(GStrv) f = g_strsplit(packed, "|", 3);
    xml_buf at;

    xbuf_init(&at, 0);
    xbuf_attr(&at, "mode", f[0] && *f[0] ? f[0] : NULL);
    xbuf_attr(&at, "host", f[0] && f[1] && *f[1] ? f[1] : NULL);
    xbuf_attr(&at, "service", f[0] && f[1] && f[2] && *f[2] ? f[2] : NULL);
    xbuf_element(b, "source", &at, NULL);
    xbuf_clear(&at);
}

void dev_chr_source_format(xml_buf *b, const device_chr *chr, unsigned int flags)
{
    xml_buf at;

    xbuf_init(&at, 0);
    xbuf_attr(&at, "mode", chr->source_mode);
    xbuf_attr(&at, "host", chr->source_host);
    xbuf_attr(&at, "service", chr->source_service);
    /* a pty's path is picked when the guest starts: live XML only */
    if (!type_is(chr, "udp") && !(type_is(chr, "pty") && (flags & VIREO_DOMAIN_XML_INACTIVE)))
        xbuf_attr(&at, "path", chr->source_path);
    xbuf_attr(&at, "append", chr->source_append);
    xbuf_element(b, "source", &at, NULL);
    if (type_is(chr, "udp") && chr->source_path)
        udp_other_format(b, chr->source_path);
    xbuf_escape(b, "<protocol type='%s'/>\n", chr->protocol);
    xbuf_attr(&at, "file", chr->log_file);
    xbuf_attr(&at, "append", chr->log_append);
    xbuf_element(b, "log", &at, NULL);
    xbuf_clear(&at);
}

static void target_format(xml_buf *b, const device_chr *chr, const char *kind, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", chr->target_type);
    if (strcmp(kind, "channel") == 0) {
        xbuf_attr(&e.attrs, "name", chr->target_name);
        if (!(flags & VIREO_DOMAIN_XML_INACTIVE))
            xbuf_attr(&e.attrs, "state", chr->target_state);
    } else if (chr->target_port >= 0) {
        xbuf_attr_printf(&e.attrs, "port", "%d", chr->target_port);
    }
    xbuf_escape(&e.kids, "<model name='%s'/>\n", chr->target_model);
    if (xbuf_empty(&e.attrs) && xbuf_empty(&e.kids)) {
        xbuf_clear(&e.attrs);
        xbuf_clear(&e.kids);
        return;
    }
    dev_elem_close(&e, b, "target");
}

void dev_chr_format(xml_buf *b, const device_chr *chr, const char *kind, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", chr->type);
    dev_chr_source_format(&e.kids, chr, flags);
    target_format(&e.kids, chr, kind, flags);
    dev_info_format(&e.kids, &chr->info, flags);
    dev_elem_close(&e, b, kind);
}

device_chr *dev_chr_copy(const device_chr *chr)
{
    device_chr *c = g_new0(device_chr, 1);

    c->type = g_strdup(chr->type);
    c->source_path = g_strdup(chr->source_path);
    c->source_mode = g_strdup(chr->source_mode);
    c->source_host = g_strdup(chr->source_host);
    c->source_service = g_strdup(chr->source_service);
    c->source_append = g_strdup(chr->source_append);
    c->protocol = g_strdup(chr->protocol);
    c->target_type = g_strdup(chr->target_type);
    c->target_name = g_strdup(chr->target_name);
    c->target_state = g_strdup(chr->target_state);
    c->target_model = g_strdup(chr->target_model);
    c->target_port = chr->target_port;
    c->log_file = g_strdup(chr->log_file);
    c->log_append = g_strdup(chr->log_append);
    c->info.alias = g_strdup(chr->info.alias);
    c->info.addr = chr->info.addr;
    c->info.addr.multifunction = g_strdup(chr->info.addr.multifunction);
    c->info.addr.usb_port = g_strdup(chr->info.addr.usb_port);
    return c;
}

void dev_chr_free(gpointer p)
{
    device_chr *chr = p;

    if (!chr)
        return;
    g_free(chr->type);
    g_free(chr->source_path);
    g_free(chr->source_mode);
    g_free(chr->source_host);
    g_free(chr->source_service);
    g_free(chr->source_append);
    g_free(chr->protocol);
    g_free(chr->target_type);
    g_free(chr->target_name);
    g_free(chr->target_state);
    g_free(chr->target_model);
    g_free(chr->log_file);
    g_free(chr->log_append);
    dev_info_clear(&chr->info);
    g_free(chr);
}

/* ---- redirdev ---- */

device_redirdev *dev_redirdev_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const buses[] = { "usb", NULL };
    device_redirdev *r = g_new0(device_redirdev, 1);

    r->chr = g_new0(device_chr, 1);
    r->chr->target_port = -1;
    /* a chardev without a <target>: that stays unread, hence refused */
    if (xml_attr_choice(d, node, "bus", buses, &r->bus) < 0 ||
        dev_chr_source_parse(d, node, r->chr, "redirdev", flags) < 0 ||
        dev_info_parse(d, node, &r->chr->info, flags) < 0)
        goto error;
    if (!type_is(r->chr, "spicevmc") && !type_is(r->chr, "tcp")) {
        xml_report_invalid(d, node, "type", r->chr->type);
        goto error;
    }
    if (!r->bus)
        r->bus = g_strdup("usb");
    return r;
error:
    dev_redirdev_free(r);
    return NULL;
}

void dev_redirdev_format(xml_buf *b, const device_redirdev *r, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "bus", r->bus);
    xbuf_attr(&e.attrs, "type", r->chr->type);
    dev_chr_source_format(&e.kids, r->chr, flags);
    dev_info_format(&e.kids, &r->chr->info, flags);
    /* libvirt writes a redirdev without children as an open and a close tag */
    if (xbuf_empty(&e.kids)) {
        xbuf_add(b, "<redirdev%s>\n</redirdev>\n", e.attrs.str->str);
        xbuf_clear(&e.attrs);
        xbuf_clear(&e.kids);
        return;
    }
    dev_elem_close(&e, b, "redirdev");
}

void dev_redirdev_free(gpointer p)
{
    device_redirdev *r = p;

    if (!r)
        return;
    g_free(r->bus);
    dev_chr_free(r->chr);
    g_free(r);
}
