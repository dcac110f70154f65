/*
 * device_small.c: the devices with a few attributes each: input, sound,
 * hostdev and tpm (kept as given), watchdog, memballoon, rng, panic,
 * filesystem.
 */
#include <string.h>

#include "conf/device_priv.h"
#include "conf/units.h"

static const char *const onoff[] = { "on", "off", NULL };

/* ---- input ---- */

device_input *dev_input_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const types[] = { "mouse", "tablet", "keyboard", "passthrough", "evdev", NULL };
    static const char *const buses[] = { "ps2", "usb", "xen", "parallels", "virtio", "none", NULL };
    device_input *in = g_new0(device_input, 1);

    if (xml_attr_choice(d, node, "type", types, &in->type) < 0 ||
        xml_attr_choice(d, node, "bus", buses, &in->bus) < 0 ||
        dev_info_parse(d, node, &in->info, flags) < 0)
        goto error;
    if (!in->type) {
        xml_report_missing(d, node, "attribute 'type'");
        goto error;
    }
    /* libvirt's x86 defaults: a tablet is USB, mouse and keyboard PS/2 */
    if (!in->bus)
        in->bus = g_strdup(strcmp(in->type, "tablet") == 0 ? "usb" : "ps2");
    return in;
error:
    dev_input_free(in);
    return NULL;
}

void dev_input_format(xml_buf *b, const device_input *in, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", in->type);
    xbuf_attr(&e.attrs, "bus", in->bus);
    dev_info_format(&e.kids, &in->info, flags);
    dev_elem_close(&e, b, "input");
}

void dev_input_free(gpointer p)
{
    device_input *in = p;

    if (!in)
        return;
    g_free(in->type);
    g_free(in->bus);
    dev_info_clear(&in->info);
    g_free(in);
}

/* ---- sound ---- */

device_sound *dev_sound_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const models[] = {
        "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7", "virtio", NULL,
    };
    static const char *const codecs[] = { "duplex", "micro", "output", NULL };
    device_sound *s = g_new0(device_sound, 1);
    g_autoptr(GPtrArray) nodes = xml_children(d, node, "codec");

    s->codecs = g_ptr_array_new_with_free_func(g_free);
    if (xml_attr_choice(d, node, "model", models, &s->model) < 0)
        goto error;
    if (!s->model) {
        xml_report_missing(d, node, "attribute 'model'");
        goto error;
    }
    for (guint i = 0; i < nodes->len; i++) {
        char *type = NULL;

        if (xml_attr_choice(d, nodes->pdata[i], "type", codecs, &type) < 0)
            goto error;
        g_ptr_array_add(s->codecs, type);
    }
    if (dev_info_parse(d, node, &s->info, flags) < 0)
        goto error;
    return s;
error:
    dev_sound_free(s);
    return NULL;
}

void dev_sound_format(xml_buf *b, const device_sound *s, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "model", s->model);
    for (guint i = 0; i < s->codecs->len; i++)
        xbuf_escape(&e.kids, "<codec type='%s'/>\n", s->codecs->pdata[i]);
    dev_info_format(&e.kids, &s->info, flags);
    dev_elem_close(&e, b, "sound");
}

void dev_sound_free(gpointer p)
{
    device_sound *s = p;

    if (!s)
        return;
    g_free(s->model);
    g_clear_pointer(&s->codecs, g_ptr_array_unref);
    dev_info_clear(&s->info);
    g_free(s);
}

/* ---- hostdev: the guest-side parts parsed, the host side kept ---- */

static int hostdev_attrs(xml_doc *d, xmlNode *node, device_hostdev *h)
{
    static const char *const modes[] = { "subsystem", "capabilities", NULL };
    static const char *const types[] = { "usb", "pci", "scsi", "scsi_host", "mdev", NULL };
    static const char *const yesno[] = { "yes", "no", NULL };
    g_autofree char *mode = NULL;
    g_autofree char *type = NULL;
    g_autofree char *managed = NULL;
    xml_buf at;

    if (xml_attr_choice(d, node, "mode", modes, &mode) < 0 ||
        xml_attr_choice(d, node, "type", types, &type) < 0 ||
        xml_attr_choice(d, node, "managed", yesno, &managed) < 0)
        return -1;
    if (!type) {
        xml_report_missing(d, node, "attribute 'type'");
        return -1;
    }
    xbuf_init(&at, 0);
    xbuf_attr(&at, "mode", mode ? mode : "subsystem");
    xbuf_attr(&at, "type", type);
    /* libvirt spells out managed='no' for a subsystem device */
    if (!managed && (!mode || strcmp(mode, "subsystem") == 0))
        managed = g_strdup("no");
    xbuf_attr(&at, "managed", managed);
    h->attrs = xbuf_steal(&at);
    return 0;
}

device_hostdev *dev_hostdev_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const guest_side[] = { "boot", "alias", "address", "rom", NULL };
    device_hostdev *h = g_new0(device_hostdev, 1);
    GString *kids = g_string_new(NULL);

    if (hostdev_attrs(d, node, h) < 0 || dev_info_parse(d, node, &h->info, flags) < 0) {
        g_string_free(kids, TRUE);
        dev_hostdev_free(h);
        return NULL;
    }
    if (!xml_has_child(node, "source")) {
        xml_report_missing(d, node, "element <source>");
        g_string_free(kids, TRUE);
        dev_hostdev_free(h);
        return NULL;
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        g_autofree char *text = NULL;

        if (c->type != XML_ELEMENT_NODE || str_enum_index(guest_side, (const char *)c->name) >= 0)
            continue;
        text = dev_node_to_text(d, c, NULL);
        g_string_append(kids, text);
    }
    h->xml = g_string_free(kids, FALSE);
    return h;
}

void dev_hostdev_format(xml_buf *b, const device_hostdev *h, unsigned int flags)
{
    xml_buf kids;

    xbuf_init_child(&kids, b);
    dev_put_text(&kids, h->xml);
    dev_info_format(&kids, &h->info, flags);
    xbuf_add(b, "<hostdev%s>\n", h->attrs);
    g_string_append(b->str, kids.str->str);
    xbuf_add(b, "</hostdev>\n");
    xbuf_clear(&kids);
}

void dev_hostdev_free(gpointer p)
{
    device_hostdev *h = p;

    if (!h)
        return;
    g_free(h->attrs);
    g_free(h->xml);
    dev_info_clear(&h->info);
    g_free(h);
}

/* ---- watchdog ---- */

device_watchdog *dev_watchdog_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const models[] = { "i6300esb", "ib700", "diag288", "itco", NULL };
    static const char *const actions[] = {
        "reset", "shutdown", "poweroff", "pause", "dump", "none", "inject-nmi", NULL,
    };
    device_watchdog *w = g_new0(device_watchdog, 1);

    if (xml_attr_choice(d, node, "model", models, &w->model) < 0 ||
        xml_attr_choice(d, node, "action", actions, &w->action) < 0 ||
        dev_info_parse(d, node, &w->info, flags) < 0)
        goto error;
    if (!w->model) {
        xml_report_missing(d, node, "attribute 'model'");
        goto error;
    }
    if (!w->action)
        w->action = g_strdup("reset");
    return w;
error:
    dev_watchdog_free(w);
    return NULL;
}

void dev_watchdog_format(xml_buf *b, const device_watchdog *w, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "model", w->model);
    xbuf_attr(&e.attrs, "action", w->action);
    dev_info_format(&e.kids, &w->info, flags);
    dev_elem_close(&e, b, "watchdog");
}

void dev_watchdog_free(gpointer p)
{
    device_watchdog *w = p;

    if (!w)
        return;
    g_free(w->model);
    g_free(w->action);
    dev_info_clear(&w->info);
    g_free(w);
}

/* ---- memballoon ---- */

device_memballoon *dev_memballoon_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const models[] = {
        "virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional", NULL,
    };
    device_memballoon *m = g_new0(device_memballoon, 1);
    xmlNode *st;

    if (xml_attr_choice(d, node, "model", models, &m->model) < 0 ||
        xml_attr_choice(d, node, "autodeflate", onoff, &m->autodeflate) < 0 ||
        xml_attr_choice(d, node, "freePageReporting", onoff, &m->free_page_reporting) < 0)
        goto error;
    if (!m->model) {
        xml_report_missing(d, node, "attribute 'model'");
        goto error;
    }
    if ((st = xml_child(d, node, "stats")) && xml_attr_uint(d, st, "period", &m->stats_period) < 0)
        goto error;
    if (dev_info_parse(d, node, &m->info, flags) < 0)
        goto error;
    return m;
error:
    dev_memballoon_free(m);
    return NULL;
}

void dev_memballoon_format(xml_buf *b, const device_memballoon *m, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "model", m->model);
    xbuf_attr(&e.attrs, "autodeflate", m->autodeflate);
    xbuf_attr(&e.attrs, "freePageReporting", m->free_page_reporting);
    if (m->stats_period)
        xbuf_add(&e.kids, "<stats period='%u'/>\n", m->stats_period);
    dev_info_format(&e.kids, &m->info, flags);
    dev_elem_close(&e, b, "memballoon");
}

void dev_memballoon_free(gpointer p)
{
    device_memballoon *m = p;

    if (!m)
        return;
    g_free(m->model);
    g_free(m->autodeflate);
    g_free(m->free_page_reporting);
    dev_info_clear(&m->info);
    g_free(m);
}

/* ---- rng ---- */

static int rng_backend_parse(xml_doc *d, xmlNode *node, device_rng *r, unsigned int flags)
{
    static const char *const backends[] = { "random", "egd", "builtin", NULL };
    xmlNode *be = xml_child(d, node, "backend");

    if (!be) {
        xml_report_missing(d, node, "element <backend>");
        return -1;
    }
    if (xml_attr_choice(d, be, "model", backends, &r->backend_model) < 0)
        return -1;
    if (!r->backend_model) {
        xml_report_missing(d, be, "attribute 'model'");
        return -1;
    }
    if (strcmp(r->backend_model, "random") == 0) {
        r->backend_path = xml_text(d, be);
        if (r->backend_path)
            g_strstrip(r->backend_path);
        else
            r->backend_path = g_strdup("/dev/random");
    } else if (strcmp(r->backend_model, "egd") == 0) {
        r->egd = g_new0(device_chr, 1);
        r->egd->target_port = -1;
        if (dev_chr_source_parse(d, be, r->egd, "rng", flags) < 0)
            return -1;
    }
    return 0;
}

device_rng *dev_rng_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const models[] = {
        "virtio", "virtio-transitional", "virtio-non-transitional", NULL,
    };
    device_rng *r = g_new0(device_rng, 1);
    xmlNode *rate;

    if (xml_attr_choice(d, node, "model", models, &r->model) < 0)
        goto error;
    if (!r->model) {
        xml_report_missing(d, node, "attribute 'model'");
        goto error;
    }
    if ((rate = xml_child(d, node, "rate")) &&
        (xml_attr_uint(d, rate, "bytes", &r->rate_bytes) < 0 ||
         xml_attr_uint(d, rate, "period", &r->rate_period) < 0))
        goto error;
    if (rng_backend_parse(d, node, r, flags) < 0 || dev_info_parse(d, node, &r->info, flags) < 0)
        goto error;
    return r;
error:
    dev_rng_free(r);
    return NULL;
}

void dev_rng_format(xml_buf *b, const device_rng *r, unsigned int flags)
{
    dev_elem e, be;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "model", r->model);
    if (r->rate_bytes) {
        xbuf_add(&e.kids, "<rate bytes='%u'", r->rate_bytes);
        if (r->rate_period)
            xbuf_add(&e.kids, " period='%u'", r->rate_period);
        xbuf_add(&e.kids, "/>\n");
    }
    if (r->backend_path) {
        g_autofree char *esc = xml_escape(r->backend_path);

        xbuf_add(&e.kids, "<backend model='%s'>%s</backend>\n", r->backend_model, esc);
    } else {
        dev_elem_open(&be, &e.kids);
        xbuf_attr(&be.attrs, "model", r->backend_model);
        if (r->egd) {
            xbuf_attr(&be.attrs, "type", r->egd->type);
            dev_chr_source_format(&be.kids, r->egd, flags);
        }
        dev_elem_close(&be, &e.kids, "backend");
    }
    dev_info_format(&e.kids, &r->info, flags);
    dev_elem_close(&e, b, "rng");
}

void dev_rng_free(gpointer p)
{
    device_rng *r = p;

    if (!r)
        return;
    g_free(r->model);
    g_free(r->backend_model);
    g_free(r->backend_path);
    dev_chr_free(r->egd);
    dev_info_clear(&r->info);
    g_free(r);
}

/* ---- tpm: kept as given ---- */

device_tpm *dev_tpm_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    device_tpm *t = g_new0(device_tpm, 1);

    (void)flags;
    if (!xml_has_child(node, "backend")) {
        xml_report_missing(d, node, "element <backend>");
        g_free(t);
        return NULL;
    }
    t->xml = dev_node_to_text(d, node, NULL);
    return t;
}

void dev_tpm_format(xml_buf *b, const device_tpm *t, unsigned int flags)
{
    (void)flags;
    dev_put_text(b, t->xml);
}

void dev_tpm_free(gpointer p)
{
    device_tpm *t = p;

    if (!t)
        return;
    g_free(t->xml);
    g_free(t);
}

/* ---- panic ---- */

device_panic *dev_panic_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const models[] = { "isa", "pseries", "hyperv", "s390", "pvpanic", NULL };
    device_panic *p = g_new0(device_panic, 1);

    if (xml_attr_choice(d, node, "model", models, &p->model) < 0 ||
        dev_info_parse(d, node, &p->info, flags) < 0) {
        dev_panic_free(p);
        return NULL;
    }
    return p;
}

void dev_panic_format(xml_buf *b, const device_panic *p, unsigned int flags)
{
    dev_elem e;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "model", p->model);
    dev_info_format(&e.kids, &p->info, flags);
    dev_elem_close(&e, b, "panic");
}

void dev_panic_free(gpointer p)
{
    device_panic *panic = p;

    if (!panic)
        return;
    g_free(panic->model);
    dev_info_clear(&panic->info);
    g_free(panic);
}

/* ---- filesystem ---- */

static const char *fs_source_attr(const char *type)
{
    if (strcmp(type, "block") == 0)
        return "dev";
    if (strcmp(type, "file") == 0)
        return "file";
    if (strcmp(type, "template") == 0)
        return "name";
    if (strcmp(type, "ram") == 0)
        return "usage";
    return "dir";
}

/* ram: usage='' is required, scaled by units='' (KiB when absent) */
static int fs_ram_parse(xml_doc *d, xmlNode *node, xmlNode *src, device_filesystem *fs)
{
    g_autofree char *units = NULL;
    uint64_t usage, scale;
    int rc = 0;

    if (strcmp(fs->type, "ram") != 0)
        return 0;
    if (!src || (rc = xml_attr_u64(d, src, "usage", &usage)) <= 0) {
        if (!src || rc == 0)
            error_report(d->err_domain, VIREO_ERR_XML_ERROR,
                         "missing 'usage' attribute for RAM filesystem at line %ld",
                         DEV_LINE(node));
        return -1;
    }
    units = xml_attr(d, src, "units");
    if (unit_bytes(units, 1024, &scale) < 0) {
        xml_report_invalid(d, src, "units", units);
        return -1;
    }
    if (usage > G_MAXUINT64 / scale) {
        error_report(d->err_domain, VIREO_ERR_OVERFLOW,
                     "usage '%" G_GUINT64_FORMAT "%s' of RAM filesystem at line %ld is too large",
                     usage, units ? units : "", DEV_LINE(src));
        return -1;
    }
    fs->usage_kib = usage * scale / 1024;
    return 0;
}

device_filesystem *dev_filesystem_parse(xml_doc *d, xmlNode *node, unsigned int flags)
{
    static const char *const types[] = { "mount", "block", "file", "template", "ram", "bind", NULL };
    static const char *const modes[] = { "passthrough", "mapped", "squash", NULL };
    static const char *const drivers[] = { "path", "handle", "loop", "nbd", "ploop", "virtiofs", NULL };
    device_filesystem *fs = g_new0(device_filesystem, 1);
    xmlNode *x;

    if (xml_attr_choice(d, node, "type", types, &fs->type) < 0 ||
        xml_attr_choice(d, node, "accessmode", modes, &fs->accessmode) < 0)
        goto error;
    if (!fs->type)
        fs->type = g_strdup("mount");
    if (!fs->accessmode)
        fs->accessmode = g_strdup("passthrough");
    if ((x = xml_child(d, node, "driver")) &&
        xml_attr_choice(d, x, "type", drivers, &fs->driver_type) < 0)
        goto error;
    x = xml_child(d, node, "source");
    if (fs_ram_parse(d, node, x, fs) < 0)
        goto error;
    if (x && strcmp(fs->type, "ram") != 0)
        fs->source = xml_attr(d, x, fs_source_attr(fs->type));
    if ((x = xml_child(d, node, "target")))
        fs->target = xml_attr(d, x, "dir");
    if (!fs->source && strcmp(fs->type, "ram") != 0) {
        error_report(d->err_domain, VIREO_ERR_NO_SOURCE, "<filesystem> target '%s' at line %ld",
                     fs->target ? fs->target : "", DEV_LINE(node));
        goto error;
    }
    if (!fs->target) {
        error_report(d->err_domain, VIREO_ERR_NO_TARGET, "<filesystem> source '%s' at line %ld",
                     fs->source ? fs->source : "", DEV_LINE(node));
        goto error;
    }
    fs->readonly = xml_child(d, node, "readonly") != NULL;
    if (dev_info_parse(d, node, &fs->info, flags) < 0)
        goto error;
    return fs;
error:
    dev_filesystem_free(fs);
    return NULL;
}

void dev_filesystem_format(xml_buf *b, const device_filesystem *fs, unsigned int flags)
{
    dev_elem e;
    xml_buf at;

    dev_elem_open(&e, b);
    xbuf_attr(&e.attrs, "type", fs->type);
    xbuf_attr(&e.attrs, "accessmode", fs->accessmode);
    xbuf_escape(&e.kids, "<driver type='%s'/>\n", fs->driver_type);
    xbuf_init(&at, 0);
    if (strcmp(fs->type, "ram") == 0)
        xbuf_attr_printf(&at, "usage", "%" G_GUINT64_FORMAT, fs->usage_kib);
    xbuf_attr(&at, fs_source_attr(fs->type), fs->source);
    if (strcmp(fs->type, "ram") == 0)
        xbuf_attr(&at, "units", "KiB");
    xbuf_element(&e.kids, "source", &at, NULL);
    xbuf_clear(&at);
    xbuf_escape(&e.kids, "<target dir='%s'/>\n", fs->target);
    if (fs->readonly)
        xbuf_add(&e.kids, "<readonly/>\n");
    dev_info_format(&e.kids, &fs->info, flags);
    dev_elem_close(&e, b, "filesystem");
}

void dev_filesystem_free(gpointer p)
{
    device_filesystem *fs = p;

    if (!fs)
        return;
    g_free(fs->type);
    g_free(fs->accessmode);
    g_free(fs->driver_type);
    g_free(fs->source);
    g_free(fs->target);
    dev_info_clear(&fs->info);
    g_free(fs);
}
