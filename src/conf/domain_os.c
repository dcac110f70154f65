/*
 * domain_os.c: <os>, <sysinfo> and the tuning elements (cputune, memtune,
 * memoryBacking, numatune), parsed and formatted in libvirt's layout.
 */
#include <string.h>

#include "conf/domain_def.h"
#include "conf/domain_priv.h"
#include "util/error.h"

static const char *const os_types[] = { "hvm", "linux", "xen", "xenpvh", "exe", "uml", NULL };
static const char *const firmware_features[] = { "enrolled-keys", "secure-boot", NULL };
static const char *const yesno[] = { "yes", "no", NULL };

static int sort_by_table(gconstpointer a, gconstpointer b, gpointer table)
{
    const domain_feature_state *fa = *(domain_feature_state *const *)a;
    const domain_feature_state *fb = *(domain_feature_state *const *)b;

    return str_enum_index(table, fa->name) - str_enum_index(table, fb->name);
}

static int parse_firmware(xml_doc *d, xmlNode *os, domain_os *out)
{
    xmlNode *fw = xml_child(d, os, "firmware");
    g_autoptr(GPtrArray) feats = NULL;
    int rc = 0;

    if (!fw)
        return 0;
    feats = xml_children(d, fw, "feature");
    out->firmware_features = g_ptr_array_new_with_free_func(domain_feature_state_free);
    for (guint i = 0; i < feats->len; i++) {
        domain_feature_state *f = g_new0(domain_feature_state, 1);

        g_ptr_array_add(out->firmware_features, f);
        f->name = domain_attr_enum(d, feats->pdata[i], "name", firmware_features, &rc);
        f->state = domain_attr_enum(d, feats->pdata[i], "enabled", yesno, &rc);
        if (rc < 0)
            return -1;
        if (!f->name || !f->state) {
            xml_report_missing(d, feats->pdata[i], "attribute 'name' or 'enabled'");
            return -1;
        }
    }
    g_ptr_array_sort_with_data(out->firmware_features, sort_by_table, (gpointer)firmware_features);
    return 0;
}

static int parse_loader(xml_doc *d, xmlNode *os, domain_os *out)
{
    static const char *const loader_types[] = { "rom", "pflash", NULL };
    xmlNode *loader = xml_child(d, os, "loader");
    xmlNode *nvram = xml_child(d, os, "nvram");
    int rc = 0;

    if (loader) {
        out->loader_present = true;
        out->loader_readonly = domain_attr_enum(d, loader, "readonly", yesno, &rc);
        out->loader_secure = domain_attr_enum(d, loader, "secure", yesno, &rc);
        out->loader_type = domain_attr_enum(d, loader, "type", loader_types, &rc);
        out->loader = xml_text(d, loader);
    }
    if (nvram) {
        out->nvram_present = true;
        out->nvram_template = xml_attr(d, nvram, "template");
        out->nvram = xml_text(d, nvram);
    }
    return rc;
}

static int parse_boot(xml_doc *d, xmlNode *os, domain_os *out)
{
    static const char *const devs[] = { "fd", "hd", "cdrom", "network", NULL };
    g_autoptr(GPtrArray) boots = xml_children(d, os, "boot");
    xmlNode *menu = xml_child(d, os, "bootmenu");
    int rc = 0;

    if (boots->len) {
        out->boot_devs = g_new0(char *, boots->len + 1);
        for (guint i = 0; i < boots->len; i++) {
            out->boot_devs[i] = domain_attr_enum(d, boots->pdata[i], "dev", devs, &rc);
            if (rc < 0)
                return -1;
            if (!out->boot_devs[i]) {
                xml_report_missing(d, boots->pdata[i], "attribute 'dev'");
                return -1;
            }
        }
    }
    if (menu) {
        bool yes = false;

        if ((rc = xml_attr_bool(d, menu, "enable", &yes)) < 0)
            return -1;
        if (rc == 1)
            out->bootmenu = yes ? TRISTATE_YES : TRISTATE_NO;
        if ((rc = xml_attr_uint(d, menu, "timeout", &out->bootmenu_timeout)) < 0)
            return -1;
        /* libvirt keeps the timeout only for an enabled menu */
        out->bootmenu_timeout_set = rc == 1 && out->bootmenu == TRISTATE_YES;
    }
    return 0;
}

static int parse_bios(xml_doc *d, xmlNode *os, domain_os *out)
{
    static const char *const smbios_modes[] = { "emulate", "host", "sysinfo", NULL };
    xmlNode *bios = xml_child(d, os, "bios");
    xmlNode *smbios = xml_child(d, os, "smbios");
    int rc = 0;

    if (bios) {
        bool yes = false;
        int t = 0;

        if ((rc = xml_attr_bool(d, bios, "useserial", &yes)) < 0)
            return -1;
        if (rc == 1)
            out->bios_useserial = yes ? TRISTATE_YES : TRISTATE_NO;
        if ((rc = xml_attr_int(d, bios, "rebootTimeout", &t)) < 0)
            return -1;
        if (rc == 1 && (t < -1 || t > 65535)) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "invalid value for rebootTimeout, must be in range [-1,65535]");
            return -1;
        }
        out->bios_reboot_timeout_set = rc == 1;
        out->bios_reboot_timeout = (unsigned int)t;
        rc = 0;
    }
    if (smbios) {
        out->smbios_mode = domain_attr_enum(d, smbios, "mode", smbios_modes, &rc);
        if (rc == 0 && !out->smbios_mode) {
            xml_report_missing(d, smbios, "attribute 'mode'");
            return -1;
        }
    }
    return rc;
}

static void init_env_free(gpointer p)
{
    domain_init_env *e = p;

    g_free(e->name);
    g_free(e->value);
    g_free(e);
}

/* the schema's name: a shell variable name */
static bool init_env_name_valid(const char *name)
{
    if (!g_ascii_isalpha(*name) && *name != '_')
        return false;
    for (const char *c = name; *c; c++)
        if (!g_ascii_isalnum(*c) && *c != '_')
            return false;
    return true;
}

static int parse_init_env(xml_doc *d, xmlNode *os, domain_os *out)
{
    g_autoptr(GPtrArray) envs = xml_children(d, os, "initenv");

    if (!envs->len)
        return 0;
    out->init_env = g_ptr_array_new_with_free_func(init_env_free);
    for (guint i = 0; i < envs->len; i++) {
        domain_init_env *e = g_new0(domain_init_env, 1);

        g_ptr_array_add(out->init_env, e);
        if (!(e->name = xml_attr(d, envs->pdata[i], "name"))) {
            error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR,
                         "No name supplied for <initenv> element at line %ld",
                         xmlGetLineNo(envs->pdata[i]));
            return -1;
        }
        if (!init_env_name_valid(e->name)) {
            xml_report_invalid(d, envs->pdata[i], "name", e->name);
            return -1;
        }
        if (!(e->value = xml_text(d, envs->pdata[i])))
            e->value = g_strdup("");
    }
    return 0;
}

static int parse_init(xml_doc *d, xmlNode *os, domain_os *out)
{
    g_autoptr(GPtrArray) args = xml_children(d, os, "initarg");

    out->init = xml_child_text(d, os, "init");
    if (args->len) {
        out->init_args = g_new0(char *, args->len + 1);
        for (guint i = 0; i < args->len; i++) {
            out->init_args[i] = xml_text(d, args->pdata[i]);
            if (!out->init_args[i])
                out->init_args[i] = g_strdup("");
        }
    }
    out->init_dir = xml_child_text(d, os, "initdir");
    out->init_user = xml_child_text(d, os, "inituser");
    out->init_group = xml_child_text(d, os, "initgroup");
    return parse_init_env(d, os, out);
}

int domain_os_parse(xml_doc *d, xmlNode *root, domain_def *def)
{
    static const char *const fw_names[] = { "bios", "efi", NULL };
    xmlNode *os = xml_child(d, root, "os");
    xmlNode *type = os ? xml_child(d, os, "type") : NULL;
    domain_os *out = &def->os;
    int rc = 0;

    if (!type || !(out->type = xml_text(d, type))) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_XML_ERROR, "an os <type> must be specified");
        return -1;
    }
    g_strstrip(out->type);
    if (str_enum_index(os_types, out->type) < 0) {
        error_report(VIREO_FROM_DOMAIN, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown OS type '%s' at line %ld", out->type, xmlGetLineNo(type));
        return -1;
    }
    out->arch = xml_attr(d, type, "arch");
    out->machine = xml_attr(d, type, "machine");
    out->firmware = domain_attr_enum(d, os, "firmware", fw_names, &rc);
    if (rc < 0 || parse_firmware(d, os, out) < 0 || parse_loader(d, os, out) < 0)
        return -1;
    out->kernel = xml_child_text(d, os, "kernel");
    out->initrd = xml_child_text(d, os, "initrd");
    out->cmdline = xml_child_text(d, os, "cmdline");
    out->dtb = xml_child_text(d, os, "dtb");
    if (parse_init(d, os, out) < 0 || parse_boot(d, os, out) < 0 || parse_bios(d, os, out) < 0)
        return -1;
    return 0;
}

static void format_firmware(xml_buf *b, const domain_os *os)
{
    xml_buf attrs, kids;

    if (!os->firmware_features)
        return;
    xbuf_init(&attrs, 0);
    xbuf_init_child(&kids, b);
    for (guint i = 0; i < os->firmware_features->len; i++) {
        const domain_feature_state *f = os->firmware_features->pdata[i];

        xbuf_escape(&kids, "<feature enabled='%s'", f->state);
        xbuf_escape(&kids, " name='%s'/>\n", f->name);
    }
    xbuf_element(b, "firmware", &attrs, &kids);
    xbuf_clear(&attrs);
    xbuf_clear(&kids);
}

static void format_loader(xml_buf *b, const domain_os *os)
{
    xml_buf attrs;

    xbuf_init(&attrs, 0);
    if (os->loader_present) {
        xbuf_attr(&attrs, "readonly", os->loader_readonly);
        xbuf_attr(&attrs, "secure", os->loader_secure);
        xbuf_attr(&attrs, "type", os->loader_type);
        if (os->loader) {
            xbuf_add(b, "<loader%s>", attrs.str->str);
            xbuf_escape(b, "%s</loader>\n", os->loader);
        } else {
            xbuf_add(b, "<loader%s/>\n", attrs.str->str);
        }
        g_string_truncate(attrs.str, 0);
    }
    if (os->nvram_present) {
        xbuf_attr(&attrs, "template", os->nvram_template);
        if (os->nvram) {
            xbuf_add(b, "<nvram%s>", attrs.str->str);
            xbuf_escape(b, "%s</nvram>\n", os->nvram);
        } else {
            xbuf_add(b, "<nvram%s/>\n", attrs.str->str);
        }
    }
    xbuf_clear(&attrs);
}

static void format_boot(xml_buf *b, const domain_os *os)
{
    for (char **dev = os->boot_devs; dev && *dev; dev++)
        xbuf_escape(b, "<boot dev='%s'/>\n", *dev);
    if (os->bootmenu || os->bootmenu_timeout_set) {
        xbuf_add(b, "<bootmenu");
        if (os->bootmenu)
            xbuf_add(b, " enable='%s'", os->bootmenu == TRISTATE_YES ? "yes" : "no");
        if (os->bootmenu_timeout_set)
            xbuf_add(b, " timeout='%u'", os->bootmenu_timeout);
        xbuf_add(b, "/>\n");
    }
    if (os->bios_useserial || os->bios_reboot_timeout_set) {
        xbuf_add(b, "<bios");
        if (os->bios_useserial)
            xbuf_add(b, " useserial='%s'", os->bios_useserial == TRISTATE_YES ? "yes" : "no");
        if (os->bios_reboot_timeout_set)
            xbuf_add(b, " rebootTimeout='%d'", (int)os->bios_reboot_timeout);
        xbuf_add(b, "/>\n");
    }
    xbuf_escape(b, "<smbios mode='%s'/>\n", os->smbios_mode);
}

void domain_os_format(xml_buf *b, const domain_def *def)
{
    const domain_os *os = &def->os;
    xml_buf in;

    if (os->firmware)
        xbuf_escape(b, "<os firmware='%s'>\n", os->firmware);
    else
        xbuf_add(b, "<os>\n");
    xbuf_init_child(&in, b);
    xbuf_add(&in, "<type");
    xbuf_escape(&in, " arch='%s'", os->arch);
    xbuf_escape(&in, " machine='%s'", os->machine);
    xbuf_escape(&in, ">%s</type>\n", os->type);
    format_firmware(&in, os);
    xbuf_escape(&in, "<init>%s</init>\n", os->init);
    for (char **a = os->init_args; a && *a; a++)
        xbuf_escape(&in, "<initarg>%s</initarg>\n", *a);
    for (guint i = 0; os->init_env && i < os->init_env->len; i++) {
        const domain_init_env *e = os->init_env->pdata[i];

        xbuf_escape(&in, "<initenv name='%s'>", e->name);
        xbuf_escape(&in, "%s</initenv>\n", e->value);
    }
    xbuf_escape(&in, "<initdir>%s</initdir>\n", os->init_dir);
    xbuf_escape(&in, "<inituser>%s</inituser>\n", os->init_user);
    xbuf_escape(&in, "<initgroup>%s</initgroup>\n", os->init_group);
    format_loader(&in, os);
    xbuf_escape(&in, "<kernel>%s</kernel>\n", os->kernel);
    xbuf_escape(&in, "<initrd>%s</initrd>\n", os->initrd);
    xbuf_escape(&in, "<cmdline>%s</cmdline>\n", os->cmdline);
    xbuf_escape(&in, "<dtb>%s</dtb>\n", os->dtb);
    format_boot(&in, os);
    g_string_append(b->str, in.str->str);
    xbuf_clear(&in);
    xbuf_add(b, "</os>\n");
}
