/*
 * qemu_command_devices.c: every device but controllers and disks on the
 * command line: network interfaces (user networking, or a tap or macvtap
 * the driver opened and QEMU inherits, see qemu_net.c), serial
 * ports, consoles and channels, input, VNC graphics, video, sound,
 * watchdog, balloon, rng and panic.  Ids are libvirt's aliases (net0,
 * serial0, console1, channel0, input0, video0, sound0, watchdog0,
 * balloon0, rng0) so live operations can name the devices.
 */
#include <string.h>

#include "drivers/qemu/qemu_command_priv.h"
#include "util/mac.h"

/* ---- network interfaces ---- */

static const char *net_driver(qcmd *q, const device_interface *n)
{
    static const char *const pci_models[] = { "e1000", "e1000e", "rtl8139", NULL };
    const char *model = n->model ? n->model : (q->kind == QCMD_MICROVM ? "virtio" : "rtl8139");

    if (strcmp(model, "virtio") == 0)
        return q->kind == QCMD_MICROVM ? "virtio-net-device" : "virtio-net-pci";
    if (q->kind != QCMD_MICROVM && g_strv_contains(pci_models, model))
        return model;
    return NULL;
}

/* The -device (or device_add) object of interface n with id and netdev. */
static json_t *net_device_object(qcmd *q, const device_interface *n, const char *id,
                                 const char *netdev)
{
    const char *driver = net_driver(q, n);
    char mac[MAC_STRING_BUFLEN];
    json_t *o;

    mac_format(n->mac, mac);
    if (!driver) {
        qcmd_unsupported("interface '%s' (%s): model '%s' is not supported on machine '%s'",
                         id, mac, n->model ? n->model : "default", q->machine->name);
        return NULL;
    }
    if (n->virtualport_type || (n->driver_queues && strcmp(n->driver_queues, "1") != 0)) {
        qcmd_unsupported("interface '%s' (%s): virtualport and multiple queues are not "
                         "supported", id, mac);
        return NULL;
    }
    if (strcmp(n->type, "user") == 0 && n->filterref) {
        qcmd_unsupported("interface '%s' (%s): filterref is not supported with user "
                         "networking", id, mac);
        return NULL;
    }
    o = json_pack("{s:s,s:s,s:s,s:s}", "driver", driver, "netdev", netdev, "id", id, "mac", mac);
    if (qcmd_pci_place(q, o, &n->info, id) < 0) {
        json_decref(o);
        return NULL;
    }
    if (n->mtu)
        json_object_set_new(o, "host_mtu", json_integer(n->mtu));
    if (g_strcmp0(n->info.rom_bar, "off") == 0)
        json_object_set_new(o, "rombar", json_integer(0));
    if (n->info.rom_file)
        json_object_set_new(o, "romfile", json_string(n->info.rom_file));
    qcmd_bootindex(q, o, &n->info);
    return o;
}

/* Every type but user reaches QEMU as a descriptor of a tap the driver
 * opened: refuse one without it. */
static int net_needs_tap(const device_interface *n, const char *id, bool have)
{
    if (strcmp(n->type, "user") == 0 || have)
        return 0;
    return qcmd_unsupported("interface '%s': type '%s' needs a tap opened by the driver",
                            id, n->type);
}

static int net_one(qcmd *q, const device_interface *n, unsigned int idx)
{
    g_autofree char *id = g_strdup_printf("net%u", idx);
    g_autofree char *netdev = g_strdup_printf("hostnet%u", idx);
    const qemu_command_net *fds = q->opts->nets ? &q->opts->nets[idx] : NULL;
    json_t *o;

    if (net_needs_tap(n, id, fds && fds->tapfd >= 0) < 0 ||
        !(o = net_device_object(q, n, id, netdev)))
        return -1;
    qcmd_add(q, "-netdev");
    if (strcmp(n->type, "user") == 0)
        qcmd_addf(q, "user,id=%s", netdev);
    else if (fds->vhostfd >= 0)
        qcmd_addf(q, "tap,fd=%d,vhost=on,vhostfd=%d,id=%s", fds->tapfd, fds->vhostfd, netdev);
    else
        qcmd_addf(q, "tap,fd=%d,id=%s", fds->tapfd, netdev);
    qcmd_add_json(q, "-device", o);
    return 0;
}

int qemu_command_net_json(const domain_def *def, const qemu_caps *caps, const device_interface *n,
                          const char *id, const char *netdev_id, const char *tapfd,
                          const char *vhostfd, json_t **netdev, json_t **device)
{
    qcmd q;

    *netdev = *device = NULL;
    if (qcmd_live_init(&q, def, caps) < 0 || net_needs_tap(n, id, tapfd != NULL) < 0 ||
        !(*device = net_device_object(&q, n, id, netdev_id)))
        return -1;
    if (strcmp(n->type, "user") == 0) {
        *netdev = json_pack("{s:s,s:s}", "type", "user", "id", netdev_id);
        return 0;
    }
    *netdev = json_pack("{s:s,s:s,s:s}", "type", "tap", "id", netdev_id, "fd", tapfd);
    if (vhostfd) {
        json_object_set_new(*netdev, "vhost", json_true());
        json_object_set_new(*netdev, "vhostfd", json_string(vhostfd));
    }
    return 0;
}

int qcmd_interfaces(qcmd *q)
{
    GPtrArray *nets = q->def->devices.interfaces;

    for (guint i = 0; i < nets->len; i++)
        if (net_one(q, nets->pdata[i], i) < 0)
            return -1;
    return 0;
}

/* ---- character devices ---- */

static int chr_socket(qcmd *q, const device_chr *c, const char *id, GString *s)
{
    bool server = g_strcmp0(c->source_mode, "connect") != 0;

    if (strcmp(c->type, "unix") == 0) {
        g_autofree char *raw = NULL;
        g_autofree char *path = NULL;

        if (c->source_path)
            raw = g_strdup(c->source_path);
        else if (q->opts->chardev_dir)
            raw = g_strdup_printf("%s/%s", q->opts->chardev_dir,
                                  c->target_name ? c->target_name : id);
        else
            return qcmd_unsupported("character device '%s' of type 'unix' needs a path", id);
        path = qcmd_escape(raw);
        g_string_append_printf(s, "socket,id=%s,path=%s", id, path);
    } else {
        g_autofree char *host = qcmd_escape(c->source_host ? c->source_host : "127.0.0.1");

        if (!c->source_service)
            return qcmd_unsupported("character device '%s' of type 'tcp' needs a port", id);
        g_string_append_printf(s, "socket,id=%s,host=%s,port=%s", id, host, c->source_service);
        if (g_strcmp0(c->protocol, "telnet") == 0)
            g_string_append(s, ",telnet=on");
    }
    if (server)
        g_string_append(s, ",server=on,wait=off");
    return 0;
}

/* -chardev for c, named id. */
static int chr_backend(qcmd *q, const device_chr *c, const char *id)
{
    g_autoptr(GString) s = g_string_new(NULL);

    if (strcmp(c->type, "pty") == 0) {
        g_string_printf(s, "pty,id=%s", id);
    } else if (strcmp(c->type, "null") == 0) {
        g_string_printf(s, "null,id=%s", id);
    } else if (strcmp(c->type, "file") == 0 && c->source_path) {
        g_autofree char *path = qcmd_escape(c->source_path);

        g_string_printf(s, "file,id=%s,path=%s", id, path);
        if (c->source_append)
            g_string_append_printf(s, ",append=%s",
                                   strcmp(c->source_append, "on") == 0 ? "on" : "off");
    } else if (strcmp(c->type, "unix") == 0 || strcmp(c->type, "tcp") == 0) {
        if (chr_socket(q, c, id, s) < 0)
            return -1;
    } else {
        return qcmd_unsupported("character device '%s': type '%s' is not supported", id, c->type);
    }
    if (c->log_file) {
        g_autofree char *log = qcmd_escape(c->log_file);

        g_string_append_printf(s, ",logfile=%s", log);
        if (c->log_append)
            g_string_append_printf(s, ",logappend=%s",
                                   strcmp(c->log_append, "on") == 0 ? "on" : "off");
    }
    qcmd_add(q, "-chardev");
    qcmd_add(q, s->str);
    return 0;
}

static int serial_one(qcmd *q, const device_chr *c, unsigned int idx)
{
    g_autofree char *chr = g_strdup_printf("charserial%u", idx);
    g_autofree char *id = g_strdup_printf("serial%u", idx);
    const char *target = c->target_type ? c->target_type : "isa-serial";
    int port = c->target_port < 0 ? (int)idx : c->target_port;
    json_t *o;

    if (chr_backend(q, c, chr) < 0)
        return -1;
    if (q->kind == QCMD_MICROVM) {
        /* microvm's own ISA serial port (isa-serial=on) takes serial 0 */
        if (port != 0 || strcmp(target, "isa-serial") != 0)
            return qcmd_unsupported("microvm has one serial port, of type isa-serial");
        qcmd_add(q, "-serial");
        qcmd_addf(q, "chardev:%s", chr);
        return 0;
    }
    if (strcmp(target, "isa-serial") == 0) {
        o = json_pack("{s:s,s:s,s:s,s:i}", "driver", "isa-serial", "chardev", chr, "id", id,
                      "index", port);
    } else if (strcmp(target, "pci-serial") == 0) {
        o = json_pack("{s:s,s:s,s:s}", "driver", "pci-serial", "chardev", chr, "id", id);
        if (qcmd_pci_place(q, o, &c->info, id) < 0) {
            json_decref(o);
            return -1;
        }
    } else {
        return qcmd_unsupported("serial port '%s': target type '%s' is not supported", id, target);
    }
    qcmd_add_json(q, "-device", o);
    return 0;
}

/* A virtio console or channel: a port on a virtio-serial controller. */
static int virtio_port(qcmd *q, const device_chr *c, const char *kind, unsigned int idx)
{
    g_autofree char *chr = g_strdup_printf("char%s%u", kind, idx);
    g_autofree char *id = g_strdup_printf("%s%u", kind, idx);
    const device_address *a = &c->info.addr;
    bool console = strcmp(kind, "console") == 0;
    json_t *o;

    if (a->type != ADDR_VIRTIO_SERIAL || !qcmd_controller(q, "virtio-serial", (int)a->controller))
        return qcmd_unsupported("%s '%s' needs a virtio-serial controller and port", kind, id);
    if (!console && (!c->target_name || g_strcmp0(c->target_type, "virtio") != 0))
        return qcmd_unsupported("channel '%s': only named virtio channels are supported", id);
    if (chr_backend(q, c, chr) < 0)
        return -1;
    o = json_pack("{s:s,s:s,s:i,s:s,s:s}", "driver", console ? "virtconsole" : "virtserialport",
                  "bus", "", "nr", (int)a->port, "chardev", chr, "id", id);
    json_object_set_new(o, "bus", json_sprintf("virtio-serial%u.%u", a->controller, a->bus));
    if (!console)
        json_object_set_new(o, "name", json_string(c->target_name));
    qcmd_add_json(q, "-device", o);
    return 0;
}

int qcmd_chardevs(qcmd *q)
{
    const domain_devices *devs = &q->def->devices;

    if (devs->parallels->len)
        return qcmd_unsupported("parallel ports are not supported by the QEMU driver yet");
    for (guint i = 0; i < devs->serials->len; i++)
        if (serial_one(q, devs->serials->pdata[i], i) < 0)
            return -1;
    for (guint i = 0; i < devs->consoles->len; i++) {
        const device_chr *c = devs->consoles->pdata[i];
        const char *t = c->target_type ? c->target_type : "serial";

        /* a serial console is serial port 0 itself, written above */
        if (strcmp(t, "serial") == 0 && i == 0)
            continue;
        if (strcmp(t, "virtio") != 0)
            return qcmd_unsupported("console %u: target type '%s' is not supported", i, t);
        if (virtio_port(q, c, "console", i) < 0)
            return -1;
    }
    for (guint i = 0; i < devs->channels->len; i++)
        if (virtio_port(q, devs->channels->pdata[i], "channel", i) < 0)
            return -1;
    return 0;
}

/* ---- input ---- */

static int input_one(qcmd *q, const device_input *in, unsigned int idx)
{
    static const char *const types[] = { "mouse", "tablet", "keyboard", NULL };
    static const char *const usb[] = { "usb-mouse", "usb-tablet", "usb-kbd" };
    static const char *const virtio[] = { "virtio-mouse-pci", "virtio-tablet-pci", "virtio-keyboard-pci" };
    int t = str_enum_index(types, in->type);
    g_autofree char *id = g_strdup_printf("input%u", idx);
    json_t *o;

    if (t < 0)
        return qcmd_unsupported("input '%s': type '%s' is not supported", id, in->type);
    if (strcmp(in->bus, "ps2") == 0 && q->kind != QCMD_MICROVM && t != 1)
        return 0;   /* the i8042 of pc and q35 */
    if (strcmp(in->bus, "usb") == 0 && q->kind != QCMD_MICROVM) {
        const device_address *a = &in->info.addr;
        unsigned int bus = a->type == ADDR_USB ? a->bus : 0;
        const device_controller *c = qcmd_controller(q, "usb", (int)bus);

        if (!c || g_strcmp0(c->model, "none") == 0)
            return qcmd_unsupported("input '%s' needs a USB controller", id);
        o = json_pack("{s:s,s:s}", "driver", usb[t], "id", id);
        json_object_set_new(o, "bus", bus ? json_sprintf("usb%u.0", bus) : json_string("usb.0"));
        if (a->type == ADDR_USB && a->usb_port)
            json_object_set_new(o, "port", json_string(a->usb_port));
    } else if (strcmp(in->bus, "virtio") == 0 && q->kind != QCMD_MICROVM) {
        o = json_pack("{s:s,s:s}", "driver", virtio[t], "id", id);
        if (qcmd_pci_place(q, o, &in->info, id) < 0) {
            json_decref(o);
            return -1;
        }
    } else {
        return qcmd_unsupported("input '%s': %s on bus '%s' is not supported on machine '%s'", id,
                                in->type, in->bus, q->machine->name);
    }
    qcmd_add_json(q, "-device", o);
    return 0;
}

int qcmd_inputs(qcmd *q)
{
    GPtrArray *inputs = q->def->devices.inputs;

    for (guint i = 0; i < inputs->len; i++)
        if (input_one(q, inputs->pdata[i], i) < 0)
            return -1;
    return 0;
}

/* ---- graphics and video ---- */

static int vnc_address(const device_graphics *g, GString *v)
{
    const device_graphics_listen *l = g->listens && g->listens->len ? g->listens->pdata[0] : NULL;
    const char *addr = g->listen;
    int display;

    if (l && g_strcmp0(l->type, "none") == 0) {
        g_string_append(v, "none");
        return 0;
    }
    if (g->socket || (l && g_strcmp0(l->type, "socket") == 0)) {
        g_autofree char *path = qcmd_escape(g->socket ? g->socket : l->socket);

        g_string_append_printf(v, "unix:%s", path);
        return 0;
    }
    if (l && l->type && strcmp(l->type, "address") != 0)
        return qcmd_unsupported("VNC listen type '%s' is not supported yet", l->type);
    if (l && l->address)
        addr = l->address;
    if (!addr)
        addr = "127.0.0.1";
    if (g->port > 0 && g->port < 5900)
        return qcmd_unsupported("VNC port %d is below 5900", g->port);
    display = g->port > 0 ? g->port - 5900 : 0;
    g_string_append_printf(v, strchr(addr, ':') ? "[%s]:%d" : "%s:%d", addr, display);
    /* autoport: QEMU takes the first free display; the driver reads it back */
    if (g->port <= 0)
        g_string_append(v, ",to=100");
    return 0;
}

int qcmd_graphics(qcmd *q)
{
    GPtrArray *gr = q->def->devices.graphics;
    const device_graphics *g;
    g_autoptr(GString) v = g_string_new(NULL);

    if (gr->len == 0) {
        qcmd_add(q, "-display");
        qcmd_add(q, "none");
        return 0;
    }
    g = gr->pdata[0];
    if (gr->len > 1 || strcmp(g->type, "vnc") != 0)
        return qcmd_unsupported("graphics type '%s' is not supported yet (one VNC display only)",
                                gr->len > 1 ? ((device_graphics *)gr->pdata[1])->type : g->type);
    if (vnc_address(g, v) < 0)
        return -1;
    /* the password is set over QMP after start, never on the command line */
    if (g->passwd)
        g_string_append(v, ",password=on");
    if (g->keymap)
        g_string_append_printf(v, ",keymap=%s", g->keymap);
    qcmd_add(q, "-vnc");
    qcmd_add(q, v->str);
    return 0;
}

static const char *video_driver(const device_video *v)
{
    const char *m = v->model_type;

    if (strcmp(m, "vga") == 0)
        return "VGA";
    if (strcmp(m, "cirrus") == 0)
        return "cirrus-vga";
    if (strcmp(m, "virtio") == 0)
        return v->primary ? "virtio-vga" : "virtio-gpu-pci";
    if (strcmp(m, "bochs") == 0)
        return "bochs-display";
    if (strcmp(m, "qxl") == 0)
        return v->primary ? "qxl-vga" : "qxl";
    if (strcmp(m, "ramfb") == 0)
        return "ramfb";
    return NULL;
}

int qcmd_videos(qcmd *q)
{
    GPtrArray *videos = q->def->devices.videos;

    for (guint i = 0; i < videos->len; i++) {
        const device_video *v = videos->pdata[i];
        const char *driver = video_driver(v);
        g_autofree char *id = g_strdup_printf("video%u", i);
        json_t *o;

        if (strcmp(v->model_type, "none") == 0)
            continue;
        if (!driver || q->kind == QCMD_MICROVM)
            return qcmd_unsupported("video model '%s' is not supported on machine '%s'",
                                    v->model_type, q->machine->name);
        o = json_pack("{s:s,s:s}", "driver", driver, "id", id);
        if (v->vgamem && (strcmp(driver, "VGA") == 0 || g_str_has_prefix(driver, "qxl")))
            json_object_set_new(o, "vgamem_mb", json_integer(v->vgamem / 1024));
        if (v->heads && strcmp(v->model_type, "virtio") == 0)
            json_object_set_new(o, "max_outputs", json_integer(v->heads));
        if (strcmp(driver, "ramfb") != 0 && qcmd_pci_place(q, o, &v->info, id) < 0) {
            json_decref(o);
            return -1;
        }
        qcmd_add_json(q, "-device", o);
    }
    return 0;
}

/* ---- sound ---- */

int qcmd_sounds(qcmd *q)
{
    GPtrArray *sounds = q->def->devices.sounds;

    if (sounds->len == 0)
        return 0;
    if (q->kind == QCMD_MICROVM)
        return qcmd_unsupported("sound devices are not supported on microvm");
    /* sound goes nowhere: the host side of a daemon has no speakers */
    qcmd_add(q, "-audiodev");
    qcmd_add(q, "id=audio1,driver=none");
    for (guint i = 0; i < sounds->len; i++) {
        const device_sound *s = sounds->pdata[i];
        g_autofree char *id = g_strdup_printf("sound%u", i);
        bool hda = strcmp(s->model, "ich6") == 0 || strcmp(s->model, "ich9") == 0;
        const char *driver = strcmp(s->model, "ich6") == 0 ? "intel-hda"
                           : strcmp(s->model, "ich9") == 0 ? "ich9-intel-hda"
                           : strcmp(s->model, "ac97") == 0 ? "AC97"
                           : strcmp(s->model, "es1370") == 0 ? "ES1370" : NULL;
        json_t *o;

        if (!driver)
            return qcmd_unsupported("sound model '%s' is not supported yet", s->model);
        o = json_pack("{s:s,s:s}", "driver", driver, "id", id);
        if (!hda)
            json_object_set_new(o, "audiodev", json_string("audio1"));
        if (qcmd_pci_place(q, o, &s->info, id) < 0) {
            json_decref(o);
            return -1;
        }
        qcmd_add_json(q, "-device", o);
        if (hda) {
            o = json_pack("{s:s,s:s,s:i,s:s}", "driver", "hda-duplex", "bus", "", "cad", 0,
                          "audiodev", "audio1");
            json_object_set_new(o, "bus", json_sprintf("%s.0", id));
            json_object_set_new(o, "id", json_sprintf("%s-codec0", id));
            qcmd_add_json(q, "-device", o);
        }
    }
    return 0;
}

/* ---- watchdog, balloon, rng, panic ---- */

int qcmd_watchdogs(qcmd *q)
{
    GPtrArray *wds = q->def->devices.watchdogs;
    const device_watchdog *w;
    const char *action;
    json_t *o;

    if (wds->len == 0)
        return 0;
    w = wds->pdata[0];
    if (wds->len > 1 || q->kind == QCMD_MICROVM)
        return qcmd_unsupported("only one watchdog is supported, and none on microvm");
    if (strcmp(w->model, "i6300esb") == 0) {
        o = json_pack("{s:s,s:s}", "driver", "i6300esb", "id", "watchdog0");
        if (qcmd_pci_place(q, o, &w->info, "watchdog0") < 0) {
            json_decref(o);
            return -1;
        }
        qcmd_add_json(q, "-device", o);
    } else if (strcmp(w->model, "ib700") == 0) {
        qcmd_add_json(q, "-device", json_pack("{s:s,s:s}", "driver", "ib700", "id", "watchdog0"));
    } else if (strcmp(w->model, "itco") == 0 && q->kind == QCMD_Q35) {
        qcmd_add(q, "-global");
        qcmd_add(q, "ICH9-LPC.noreboot=off");
    } else {
        return qcmd_unsupported("watchdog model '%s' is not supported on machine '%s'", w->model,
                                q->machine->name);
    }
    /* dump: QEMU pauses, the driver writes the dump (as libvirt does) */
    action = !w->action ? "reset" : strcmp(w->action, "dump") == 0 ? "pause" : w->action;
    qcmd_add(q, "-action");
    qcmd_addf(q, "watchdog=%s", action);
    return 0;
}

int qcmd_memballoon(qcmd *q)
{
    const device_memballoon *b = q->def->devices.memballoon;
    json_t *o;

    if (!b || strcmp(b->model, "none") == 0)
        return 0;
    if (strcmp(b->model, "virtio") != 0)
        return qcmd_unsupported("memballoon model '%s' is not supported", b->model);
    o = json_pack("{s:s,s:s}", "driver",
                  q->kind == QCMD_MICROVM ? "virtio-balloon-device" : "virtio-balloon-pci",
                  "id", "balloon0");
    if (qcmd_pci_place(q, o, &b->info, "balloon0") < 0) {
        json_decref(o);
        return -1;
    }
    if (g_strcmp0(b->autodeflate, "on") == 0)
        json_object_set_new(o, "deflate-on-oom", json_true());
    if (g_strcmp0(b->free_page_reporting, "on") == 0)
        json_object_set_new(o, "free-page-reporting", json_true());
    qcmd_add_json(q, "-device", o);
    return 0;
}

int qcmd_rngs(qcmd *q)
{
    GPtrArray *rngs = q->def->devices.rngs;

    for (guint i = 0; i < rngs->len; i++) {
        const device_rng *r = rngs->pdata[i];
        g_autofree char *obj = g_strdup_printf("objrng%u", i);
        g_autofree char *id = g_strdup_printf("rng%u", i);
        const char *backend = r->backend_model ? r->backend_model : "random";
        json_t *o;

        if (strcmp(r->model, "virtio") != 0 ||
            (strcmp(backend, "random") != 0 && strcmp(backend, "builtin") != 0))
            return qcmd_unsupported("rng '%s': model '%s' with backend '%s' is not supported",
                                    id, r->model, backend);
        if (strcmp(backend, "random") == 0)
            o = json_pack("{s:s,s:s,s:s}", "qom-type", "rng-random", "id", obj, "filename",
                          r->backend_path ? r->backend_path : "/dev/urandom");
        else
            o = json_pack("{s:s,s:s}", "qom-type", "rng-builtin", "id", obj);
        qcmd_add_json(q, "-object", o);
        o = json_pack("{s:s,s:s,s:s}", "driver",
                      q->kind == QCMD_MICROVM ? "virtio-rng-device" : "virtio-rng-pci",
                      "rng", obj, "id", id);
        if (r->rate_bytes) {
            json_object_set_new(o, "max-bytes", json_integer(r->rate_bytes));
            json_object_set_new(o, "period", json_integer(r->rate_period ? r->rate_period : 1000));
        }
        if (qcmd_pci_place(q, o, &r->info, id) < 0) {
            json_decref(o);
            return -1;
        }
        qcmd_add_json(q, "-device", o);
    }
    return 0;
}

int qcmd_panics(qcmd *q)
{
    GPtrArray *panics = q->def->devices.panics;

    for (guint i = 0; i < panics->len; i++) {
        const device_panic *p = panics->pdata[i];
        json_t *o;

        if (q->kind == QCMD_MICROVM || (p->model && strcmp(p->model, "isa") != 0))
            return qcmd_unsupported("panic model '%s' is not supported on machine '%s'",
                                    p->model ? p->model : "isa", q->machine->name);
        o = json_pack("{s:s}", "driver", "pvpanic");
        if (p->info.addr.type == ADDR_ISA && p->info.addr.iobase)
            json_object_set_new(o, "ioport", json_integer(p->info.addr.iobase));
        qcmd_add_json(q, "-device", o);
    }
    return 0;
}

int qcmd_refuse_unsupported(qcmd *q)
{
    const domain_devices *devs = &q->def->devices;
    static const char *const names[] = { "filesystem", "tpm", "hostdev", "redirdev" };
    const GPtrArray *lists[] = { devs->filesystems, devs->tpms, devs->hostdevs, devs->redirdevs };

    for (size_t i = 0; i < G_N_ELEMENTS(lists); i++)
        if (lists[i] && lists[i]->len)
            return qcmd_unsupported("domain '%s': <%s> devices are not supported by the QEMU "
                                    "driver yet", q->def->name, names[i]);
    return 0;
}
