/*
 * cmd_live.c: changing a running or defined domain: attach-device,
 * detach-device, attach-disk, detach-disk, change-media, setvcpus,
 * vcpucount, setmem, reset.  Options, messages and exit codes are
 * virsh's; --current/--live/--config/--persistent choose the
 * AFFECT_* flags as virsh does.
 *
 * detach-disk and change-media find the disk in the domain's XML as
 * libvirt formats it (one <disk> element per block, in its layout).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }
#define DOMAIN_OPT { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" }
#define AFFECT_OPTS                                                         \
    { "persistent", CLI_OPT_BOOL, 0, "make live change persistent" },      \
    { "config", CLI_OPT_BOOL, 0, "affect next boot" },                     \
    { "live", CLI_OPT_BOOL, 0, "affect running domain" },                  \
    { "current", CLI_OPT_BOOL, 0, "affect current domain" }

/* --current excludes --live/--config; --persistent adds config, and live
 * when the domain runs.  false after printing virsh's error. */
static bool live_flags(const cli_args *args, vireo_domain *dom, unsigned int *flags)
{
    bool current = cli_arg_bool(args, "current");
    bool live = cli_arg_bool(args, "live"), config = cli_arg_bool(args, "config");

    if (current && (live || config)) {
        cli_error("Options --current and --%s are mutually exclusive", live ? "live" : "config");
        return false;
    }
    *flags = (live ? VIREO_DOMAIN_AFFECT_LIVE : 0) | (config ? VIREO_DOMAIN_AFFECT_CONFIG : 0);
    if (cli_arg_bool(args, "persistent")) {
        *flags |= VIREO_DOMAIN_AFFECT_CONFIG;
        if (dom && vireo_domain_is_active(dom) == 1)
            *flags |= VIREO_DOMAIN_AFFECT_LIVE;
    }
    return true;
}

static vireo_domain *live_domain(cli_ctl *ctl, const cli_args *args)
{
    return cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
}

static char *live_read(const char *file)
{
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    if (!g_file_get_contents(file, &text, NULL, &err)) {
        cli_error("Failed to read file '%s' to %s", file, err->message);
        return NULL;
    }
    return text;
}

/* attach-device / detach-device with the XML of FILE. */
static bool live_device_file(cli_ctl *ctl, const cli_args *args, bool attach)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *xml = NULL;
    vireo_domain *dom = live_domain(ctl, args);
    unsigned int flags;
    int r;

    if (!dom)
        return false;
    if (!live_flags(args, dom, &flags) || !(xml = live_read(file))) {
        vireo_domain_free(dom);
        return false;
    }
    r = attach ? vireo_domain_attach_device(dom, xml, flags)
               : vireo_domain_detach_device(dom, xml, flags);
    vireo_domain_free(dom);
    if (r < 0) {
        cli_error("Failed to %s device from %s", attach ? "attach" : "detach", file);
        return false;
    }
    cli_print_extra(ctl, "Device %s successfully\n", attach ? "attached" : "detached");
    return true;
}

static bool cmd_attach_device(cli_ctl *ctl, const cli_args *args)
{
    return live_device_file(ctl, args, true);
}

static bool cmd_detach_device(cli_ctl *ctl, const cli_args *args)
{
    return live_device_file(ctl, args, false);
}

static char *attach_disk_xml(const cli_args *args)
{
    const char *source = cli_arg_str(args, "source"), *target = cli_arg_str(args, "target");
    const char *type = cli_arg_str(args, "type"), *bus = cli_arg_str(args, "targetbus");
    const char *driver = cli_arg_str(args, "driver"), *sub = cli_arg_str(args, "subdriver");
    const char *cache = cli_arg_str(args, "cache"), *mode = cli_arg_str(args, "mode");
    const char *stype = cli_arg_str(args, "sourcetype");
    bool block = g_strcmp0(stype, "block") == 0 || g_str_has_prefix(source, "/dev/");
    GString *x = g_string_new(NULL);

    g_string_append_printf(x, "<disk type='%s' device='%s'>\n", block ? "block" : "file",
                           type ? type : "disk");
    if (driver || sub || cache) {
        g_string_append_printf(x, "  <driver name='%s'", driver ? driver : "qemu");
        if (sub)
            g_string_append_printf(x, " type='%s'", sub);
        if (cache)
            g_string_append_printf(x, " cache='%s'", cache);
        g_string_append(x, "/>\n");
    }
    if (source && *source)
        g_string_append_printf(x, "  <source %s='%s'/>\n", block ? "dev" : "file", source);
    g_string_append_printf(x, "  <target dev='%s'", target);
    if (bus)
        g_string_append_printf(x, " bus='%s'", bus);
    g_string_append(x, "/>\n");
    if (g_strcmp0(mode, "readonly") == 0)
        g_string_append(x, "  <readonly/>\n");
    else if (g_strcmp0(mode, "shareable") == 0)
        g_string_append(x, "  <shareable/>\n");
    if (cli_arg_str(args, "serial"))
        g_string_append_printf(x, "  <serial>%s</serial>\n", cli_arg_str(args, "serial"));
    g_string_append(x, "</disk>\n");
    return g_string_free(x, FALSE);
}

static bool cmd_attach_disk(cli_ctl *ctl, const cli_args *args)
{
    g_autofree char *xml = attach_disk_xml(args);
    vireo_domain *dom;
    unsigned int flags;
    int r;

    if (cli_arg_bool(args, "print-xml")) {
        printf("%s", xml);
        return true;
    }
    if (!(dom = live_domain(ctl, args)))
        return false;
    if (!live_flags(args, dom, &flags)) {
        vireo_domain_free(dom);
        return false;
    }
    r = vireo_domain_attach_device(dom, xml, flags);
    vireo_domain_free(dom);
    if (r < 0) {
        cli_error("Failed to attach disk");
        return false;
    }
    cli_print_extra(ctl, "Disk attached successfully\n");
    return true;
}

/* The <disk> block of xml whose target dev or source path is what; NULL
 * when none. */
static char *live_find_disk(const char *xml, const char *what)
{
    g_autofree char *by_target = g_strdup_printf("<target dev='%s'", what);
    g_autofree char *by_file = g_strdup_printf("file='%s'", what);
    g_autofree char *by_dev = g_strdup_printf("dev='%s'", what);

    for (const char *p = strstr(xml, "<disk "); p; p = strstr(p + 1, "<disk ")) {
        const char *end = strstr(p, "</disk>");
        g_autofree char *block = NULL;

        if (!end)
            break;
        block = g_strndup(p, (gsize)(end - p) + strlen("</disk>"));
        if (strstr(block, by_target) || strstr(block, by_file) ||
            (strstr(block, "<source ") && strstr(strstr(block, "<source "), by_dev) &&
             strstr(strstr(block, "<source "), by_dev) < strstr(block, "<target")))
            return g_steal_pointer(&block);
    }
    return NULL;
}

/* The domain's XML: the persistent one when only config changes. */
static char *live_domain_xml(vireo_domain *dom, unsigned int flags)
{
    bool inactive = (flags & VIREO_DOMAIN_AFFECT_CONFIG) && !(flags & VIREO_DOMAIN_AFFECT_LIVE);

    if (!flags && vireo_domain_is_active(dom) != 1)
        inactive = true;
    return vireo_domain_get_xml_desc(dom, inactive ? VIREO_DOMAIN_XML_INACTIVE : 0);
}

static bool cmd_detach_disk(cli_ctl *ctl, const cli_args *args)
{
    const char *target = cli_arg_str(args, "target");
    g_autofree char *xml = NULL;
    g_autofree char *disk = NULL;
    vireo_domain *dom = live_domain(ctl, args);
    unsigned int flags;
    bool ok = false;

    if (!dom)
        return false;
    if (!live_flags(args, dom, &flags) || !(xml = live_domain_xml(dom, flags)))
        goto out;
    if (!(disk = live_find_disk(xml, target))) {
        cli_error("No disk found whose source path or target is %s", target);
        goto out;
    }
    if (cli_arg_bool(args, "print-xml")) {
        printf("%s\n", disk);
        ok = true;
        goto out;
    }
    if (vireo_domain_detach_device(dom, disk, flags) < 0) {
        cli_error("Failed to detach disk");
        goto out;
    }
    cli_print_extra(ctl, "Disk detached successfully\n");
    ok = true;
out:
    vireo_domain_free(dom);
    return ok;
}

/* disk with its <source .../> line replaced by source (NULL: none). */
static char *media_rewrite(const char *disk, const char *source, bool block)
{
    g_auto(GStrv) lines = g_strsplit(disk, "\n", -1);
    GString *out = g_string_new(NULL);

    for (int i = 0; lines[i]; i++) {
        const char *l = lines[i];

        if (strstr(l, "<source ")) {
            /* skip a <source> with children up to its end tag */
            if (!strstr(l, "/>"))
                while (lines[i + 1] && !strstr(lines[i], "</source>"))
                    i++;
            continue;
        }
        if (strstr(l, "<target ") && source)
            g_string_append_printf(out, "<source %s='%s'/>\n", block ? "dev" : "file", source);
        g_string_append_printf(out, "%s\n", l);
    }
    return g_string_free(out, FALSE);
}

static bool media_check(const cli_args *args, const char *source, int *action)
{
    int n = cli_arg_bool(args, "eject") + cli_arg_bool(args, "insert") + cli_arg_bool(args, "update");

    if (n > 1) {
        cli_error("Options --eject, --insert and --update are mutually exclusive");
        return false;
    }
    *action = cli_arg_bool(args, "eject") ? 0 : cli_arg_bool(args, "insert") ? 1 : 2;
    if (*action == 0 && source) {
        cli_error("Options --source and --eject are mutually exclusive");
        return false;
    }
    if (*action == 1 && !source) {
        cli_error("No source is specified for inserting media");
        return false;
    }
    return true;
}

static bool cmd_change_media(cli_ctl *ctl, const cli_args *args)
{
    static const char *const done[] = { "Successfully ejected media.",
                                        "Successfully inserted media.",
                                        "Successfully updated media." };
    static const char *const failed[] = { "eject", "insert", "update" };
    const char *path = cli_arg_str(args, "path"), *source = cli_arg_str(args, "source");
    g_autofree char *xml = NULL, *disk = NULL, *changed = NULL;
    vireo_domain *dom;
    unsigned int flags = 0;
    bool ok = false;
    int action;

    if (!media_check(args, source, &action) || !(dom = live_domain(ctl, args)))
        return false;
    if (cli_arg_bool(args, "current") && (cli_arg_bool(args, "live") || cli_arg_bool(args, "config"))) {
        cli_error("Options --current and --%s are mutually exclusive",
                  cli_arg_bool(args, "live") ? "live" : "config");
        goto out;
    }
    flags = (cli_arg_bool(args, "live") ? VIREO_DOMAIN_AFFECT_LIVE : 0) |
            (cli_arg_bool(args, "config") ? VIREO_DOMAIN_AFFECT_CONFIG : 0) |
            (cli_arg_bool(args, "force") ? 4u : 0);
    if (!(xml = live_domain_xml(dom, flags & 3u)))
        goto out;
    if (!(disk = live_find_disk(xml, path))) {
        cli_error("No disk found whose source path or target is %s", path);
        goto out;
    }
    changed = media_rewrite(disk, action == 0 ? NULL : source, cli_arg_bool(args, "block"));
    if (cli_arg_bool(args, "print-xml")) {
        printf("%s", changed);
        ok = true;
    } else if (vireo_domain_update_device(dom, changed, flags) < 0) {
        cli_error("Failed to complete action %s on media", failed[action]);
    } else {
        cli_print_extra(ctl, "%s\n", done[action]);
        ok = true;
    }
out:
    vireo_domain_free(dom);
    return ok;
}

/* The count flags of setvcpus/vcpucount: --current excludes the others. */
static bool vcpu_flags(const cli_args *args, unsigned int *flags)
{
    if (cli_arg_bool(args, "current") && (cli_arg_bool(args, "live") || cli_arg_bool(args, "config"))) {
        cli_error("Options --current and --%s are mutually exclusive",
                  cli_arg_bool(args, "live") ? "live" : "config");
        return false;
    }
    *flags = (cli_arg_bool(args, "live") ? VIREO_DOMAIN_AFFECT_LIVE : 0) |
             (cli_arg_bool(args, "config") ? VIREO_DOMAIN_AFFECT_CONFIG : 0) |
             (cli_arg_bool(args, "maximum") ? VIREO_DOMAIN_VCPU_MAXIMUM : 0) |
             (cli_arg_bool(args, "guest") ? VIREO_DOMAIN_VCPU_GUEST : 0);
    return true;
}

static bool cmd_setvcpus(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom;
    unsigned int flags;
    int count = 0, r;

    if (cli_arg_int(args, "count", &count) <= 0 || count < 0) {
        cli_error("Invalid number of virtual CPUs");
        return false;
    }
    if (!vcpu_flags(args, &flags) || !(dom = live_domain(ctl, args)))
        return false;
    if (cli_arg_bool(args, "hotpluggable"))
        flags |= VIREO_DOMAIN_VCPU_HOTPLUGGABLE;
    r = vireo_domain_set_vcpus(dom, (unsigned int)count, flags);
    vireo_domain_free(dom);
    return r == 0;
}

static bool cmd_vcpucount(cli_ctl *ctl, const cli_args *args)
{
    static const struct { const char *a, *b; unsigned int flags; } rows[] = {
        { "maximum", "config", VIREO_DOMAIN_VCPU_MAXIMUM | VIREO_DOMAIN_AFFECT_CONFIG },
        { "maximum", "live", VIREO_DOMAIN_VCPU_MAXIMUM | VIREO_DOMAIN_AFFECT_LIVE },
        { "current", "config", VIREO_DOMAIN_AFFECT_CONFIG },
        { "current", "live", VIREO_DOMAIN_AFFECT_LIVE },
    };
    bool maximum = cli_arg_bool(args, "maximum"), active = cli_arg_bool(args, "active");
    unsigned int flags;
    vireo_domain *dom;
    bool ok = true, running;

    if (maximum && active) {
        cli_error("Options --maximum and --active are mutually exclusive");
        return false;
    }
    if (!vcpu_flags(args, &flags) || !(dom = live_domain(ctl, args)))
        return false;
    /* any choice prints one number, as virsh; none prints the table */
    if (maximum || active || flags || cli_arg_bool(args, "current")) {
        int n = vireo_domain_get_vcpus_flags(dom, flags);

        if (n >= 0)
            printf("%d\n", n);
        vireo_domain_free(dom);
        return n >= 0;
    }
    running = vireo_domain_is_active(dom) == 1;
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        unsigned int side = rows[i].flags & (VIREO_DOMAIN_AFFECT_LIVE | VIREO_DOMAIN_AFFECT_CONFIG);
        int n;

        if ((side == VIREO_DOMAIN_AFFECT_LIVE && !running) ||
            (side == VIREO_DOMAIN_AFFECT_CONFIG && vireo_domain_is_persistent(dom) != 1))
            continue;
        if ((n = vireo_domain_get_vcpus_flags(dom, rows[i].flags)) < 0) {
            ok = false;
            break;
        }
        printf("%-12s %-12s   %-3d\n", rows[i].a, rows[i].b, n);
    }
    vireo_domain_free(dom);
    return ok;
}

/* A scaled integer (default KiB) in KiB; false on a bad value. */
static bool mem_size_kib(const char *text, unsigned long *kib)
{
    static const struct { const char *suffix; double mult; } units[] = {
        { "", 1 }, { "k", 1 }, { "KiB", 1 }, { "K", 1 }, { "KB", 1000.0 / 1024 },
        { "b", 1.0 / 1024 }, { "bytes", 1.0 / 1024 }, { "M", 1024 }, { "MiB", 1024 },
        { "MB", 1e6 / 1024 }, { "G", 1048576 }, { "GiB", 1048576 }, { "GB", 1e9 / 1024 },
        { "m", 1024 }, { "g", 1048576 },
    };
    char *end = NULL;
    guint64 v;

    if (!text || !g_ascii_isdigit(*text))
        return false;
    v = g_ascii_strtoull(text, &end, 10);
    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        if (strcmp(end, units[i].suffix) == 0) {
            *kib = (unsigned long)((double)v * units[i].mult);
            return true;
        }
    }
    return false;
}

static bool cmd_setmem(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom;
    unsigned long kib = 0;
    unsigned int flags;
    int r;

    if (!mem_size_kib(cli_arg_str(args, "size"), &kib)) {
        cli_error("memory size has to be a number");
        return false;
    }
    /* setmem has no --persistent */
    if (cli_arg_bool(args, "current") && (cli_arg_bool(args, "live") || cli_arg_bool(args, "config"))) {
        cli_error("Options --current and --%s are mutually exclusive",
                  cli_arg_bool(args, "live") ? "live" : "config");
        return false;
    }
    flags = (cli_arg_bool(args, "live") ? VIREO_DOMAIN_AFFECT_LIVE : 0) |
            (cli_arg_bool(args, "config") ? VIREO_DOMAIN_AFFECT_CONFIG : 0);
    if (!(dom = live_domain(ctl, args)))
        return false;
    r = vireo_domain_set_memory(dom, kib, flags);
    vireo_domain_free(dom);
    return r == 0;
}

static bool cmd_reset(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = live_domain(ctl, args);
    bool ok;

    if (!dom)
        return false;
    ok = vireo_domain_reset(dom, 0) == 0;
    if (ok)
        cli_print_extra(ctl, "Domain '%s' was reset\n", vireo_domain_get_name(dom));
    else
        cli_error("Failed to reset domain '%s'", vireo_domain_get_name(dom));
    vireo_domain_free(dom);
    return ok;
}

static const cli_opt opts_device[] = {
    DOMAIN_OPT, { "file", CLI_OPT_DATA, 0, "XML file" }, AFFECT_OPTS, END,
};

static const cli_opt opts_attach_disk[] = {
    DOMAIN_OPT,
    { "source", CLI_OPT_DATA, 0, "source of disk device or name of network disk" },
    { "target", CLI_OPT_DATA, 0, "target of disk device" },
    { "targetbus", CLI_OPT_STRING, CLI_OPT_NAMED, "target bus of disk device" },
    { "driver", CLI_OPT_STRING, CLI_OPT_NAMED, "driver of disk device" },
    { "subdriver", CLI_OPT_STRING, CLI_OPT_NAMED, "subdriver of disk device" },
    { "iothread", CLI_OPT_STRING, CLI_OPT_NAMED, "IOThread to be used by supported device" },
    { "cache", CLI_OPT_STRING, CLI_OPT_NAMED, "cache mode of disk device" },
    { "io", CLI_OPT_STRING, CLI_OPT_NAMED, "io policy of disk device" },
    { "type", CLI_OPT_STRING, CLI_OPT_NAMED, "target device type" },
    { "mode", CLI_OPT_STRING, CLI_OPT_NAMED, "mode of device reading and writing" },
    { "sourcetype", CLI_OPT_STRING, CLI_OPT_NAMED, "type of source (block|file|network)" },
    { "serial", CLI_OPT_STRING, CLI_OPT_NAMED, "serial of disk device" },
    { "wwn", CLI_OPT_STRING, CLI_OPT_NAMED, "wwn of disk device" },
    { "alias", CLI_OPT_STRING, CLI_OPT_NAMED, "custom alias name of disk device" },
    { "rawio", CLI_OPT_BOOL, 0, "needs rawio capability" },
    { "address", CLI_OPT_STRING, CLI_OPT_NAMED, "address of disk device" },
    { "multifunction", CLI_OPT_BOOL, 0, "use multifunction pci under specified address" },
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than attach the disk" },
    AFFECT_OPTS,
    END,
};

static const cli_opt opts_detach_disk[] = {
    DOMAIN_OPT,
    { "target", CLI_OPT_DATA, 0, "target of disk device" },
    AFFECT_OPTS,
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than detach the disk" },
    END,
};

static const cli_opt opts_change_media[] = {
    DOMAIN_OPT,
    { "path", CLI_OPT_DATA, 0, "Fully-qualified path or target of disk device" },
    { "source", CLI_OPT_STRING, CLI_OPT_NAMED, "source of the media" },
    { "eject", CLI_OPT_BOOL, 0, "Eject the media" },
    { "insert", CLI_OPT_BOOL, 0, "Insert the media" },
    { "update", CLI_OPT_BOOL, 0, "Update the media" },
    { "current", CLI_OPT_BOOL, 0, "can be either or both of --live and --config, depends on "
                                  "implementation hypervisor driver" },
    { "live", CLI_OPT_BOOL, 0, "alter live configuration of running domain" },
    { "config", CLI_OPT_BOOL, 0, "alter persistent configuration, effect observed on next boot" },
    { "force", CLI_OPT_BOOL, 0, "force media changing" },
    { "print-xml", CLI_OPT_BOOL, 0, "print XML document rather than change media" },
    { "block", CLI_OPT_BOOL, 0, "source media is a block device" },
    END,
};

static const cli_opt opts_setvcpus[] = {
    DOMAIN_OPT,
    { "count", CLI_OPT_INT, 0, "number of virtual CPUs" },
    { "maximum", CLI_OPT_BOOL, 0, "set maximum limit on next boot" },
    { "config", CLI_OPT_BOOL, 0, "affect next boot" },
    { "live", CLI_OPT_BOOL, 0, "affect running domain" },
    { "current", CLI_OPT_BOOL, 0, "affect current domain" },
    { "guest", CLI_OPT_BOOL, 0, "modify cpu state in the guest" },
    { "hotpluggable", CLI_OPT_BOOL, 0, "make added vcpus hot(un)pluggable" },
    END,
};

static const cli_opt opts_vcpucount[] = {
    DOMAIN_OPT,
    { "maximum", CLI_OPT_BOOL, 0, "get maximum count of vcpus" },
    { "active", CLI_OPT_BOOL, 0, "get number of currently active vcpus" },
    { "live", CLI_OPT_BOOL, 0, "get value from running domain" },
    { "config", CLI_OPT_BOOL, 0, "get value to be used on next boot" },
    { "current", CLI_OPT_BOOL, 0, "get value according to current domain state" },
    { "guest", CLI_OPT_BOOL, 0, "retrieve vcpu count from the guest instead of the hypervisor" },
    END,
};

static const cli_opt opts_setmem[] = {
    DOMAIN_OPT,
    { "size", CLI_OPT_DATA, 0, "new memory size, as scaled integer (default KiB)" },
    { "config", CLI_OPT_BOOL, 0, "affect next boot" },
    { "live", CLI_OPT_BOOL, 0, "affect running domain" },
    { "current", CLI_OPT_BOOL, 0, "affect current domain" },
    END,
};

static const cli_opt opts_reset[] = { DOMAIN_OPT, END };

const cli_cmd cli_cmds_live[] = {
    { "attach-device", cmd_attach_device, opts_device, "attach device from an XML file",
      "Attach device from an XML <file>.", true, CLI_GROUP_DOM },
    { "detach-device", cmd_detach_device, opts_device, "detach device from an XML file",
      "Detach device from an XML <file>", true, CLI_GROUP_DOM },
    { "attach-disk", cmd_attach_disk, opts_attach_disk, "attach disk device",
      "Attach new disk device.", true, CLI_GROUP_DOM },
    { "detach-disk", cmd_detach_disk, opts_detach_disk, "detach disk device",
      "Detach disk device.", true, CLI_GROUP_DOM },
    { "change-media", cmd_change_media, opts_change_media, "Change media of CD or floppy drive",
      "Change media of CD or floppy drive.", true, CLI_GROUP_DOM },
    { "setvcpus", cmd_setvcpus, opts_setvcpus, "change number of virtual CPUs",
      "Change the number of virtual CPUs in the guest domain.", true, CLI_GROUP_DOM },
    { "vcpucount", cmd_vcpucount, opts_vcpucount, "domain vcpu counts",
      "Returns the number of virtual CPUs used by the domain.", true, CLI_GROUP_DOM },
    { "setmem", cmd_setmem, opts_setmem, "change memory allocation",
      "Change the current memory allocation in the guest domain.", true, CLI_GROUP_DOM },
    { "reset", cmd_reset, opts_reset, "reset a domain",
      "Resets the target domain as if by power button", true, CLI_GROUP_DOM },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
