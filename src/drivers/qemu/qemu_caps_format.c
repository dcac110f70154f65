/*
 * qemu_caps_format.c: capabilities XML (virsh capabilities) and domain
 * capabilities XML (virsh domcapabilities) in libvirt's layout, from the
 * probed qemu_caps.  Both validate against libvirt's capability.rng and
 * domaincaps.rng.  The domain capabilities list what qemu_command.c can
 * express, not everything QEMU could do.
 */
#include <string.h>
#include <sys/utsname.h>

#include "drivers/qemu/qemu_caps.h"
#include "util/error.h"
#include "util/xml.h"

/* The host's UUID from /etc/machine-id (32 hex digits), as libvirt falls
 * back to when DMI has none.  NULL when unavailable. */
static char *host_uuid(void)
{
    g_autofree char *id = NULL;

    if (!g_file_get_contents("/etc/machine-id", &id, NULL, NULL))
        return NULL;
    g_strstrip(id);
    if (strlen(id) != 32 || strspn(id, "0123456789abcdef") != 32)
        return NULL;
    return g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", id, id + 8, id + 12, id + 16, id + 20);
}

static void host_part(xml_buf *b)
{
    g_autofree char *uuid = host_uuid();
    struct utsname u;

    xbuf_add(b, "<host>\n");
    b->indent += 2;
    if (uuid)
        xbuf_add(b, "<uuid>%s</uuid>\n", uuid);
    xbuf_add(b, "<cpu>\n");
    xbuf_escape(b, "  <arch>%s</arch>\n", uname(&u) == 0 ? u.machine : "x86_64");
    xbuf_add(b, "</cpu>\n");
    xbuf_add(b, "<migration_features>\n");
    xbuf_add(b, "  <live/>\n");
    xbuf_add(b, "  <uri_transports>\n");
    xbuf_add(b, "    <uri_transport>tcp</uri_transport>\n");
    xbuf_add(b, "  </uri_transports>\n");
    xbuf_add(b, "</migration_features>\n");
    xbuf_add(b, "<secmodel>\n  <model>none</model>\n  <doi>0</doi>\n</secmodel>\n");
    b->indent -= 2;
    xbuf_add(b, "</host>\n");
}

static void guest_machines(xml_buf *b, const qemu_caps *caps)
{
    for (guint i = 0; i < caps->machines->len; i++) {
        const qemu_machine *m = caps->machines->pdata[i];

        xbuf_add(b, "<machine maxCpus='%u'>", m->max_cpus);
        xbuf_escape(b, "%s</machine>\n", m->name);
        if (m->alias) {
            xbuf_escape(b, "<machine canonical='%s'", m->name);
            xbuf_add(b, " maxCpus='%u'>", m->max_cpus);
            xbuf_escape(b, "%s</machine>\n", m->alias);
        }
    }
}

/* One <guest> for arch (x86_64 also runs i686 guests). */
static void guest_part(xml_buf *b, const qemu_caps *caps, const char *arch, unsigned int wordsize)
{
    xbuf_add(b, "<guest>\n");
    b->indent += 2;
    xbuf_add(b, "<os_type>hvm</os_type>\n");
    xbuf_escape(b, "<arch name='%s'>\n", arch);
    b->indent += 2;
    xbuf_add(b, "<wordsize>%u</wordsize>\n", wordsize);
    xbuf_escape(b, "<emulator>%s</emulator>\n", caps->binary);
    guest_machines(b, caps);
    xbuf_add(b, "<domain type='qemu'/>\n");
    if (caps->kvm)
        xbuf_add(b, "<domain type='kvm'/>\n");
    b->indent -= 2;
    xbuf_add(b, "</arch>\n");
    xbuf_add(b, "<features>\n");
    xbuf_add(b, "  <acpi default='on' toggle='yes'/>\n");
    xbuf_add(b, "  <apic default='on' toggle='no'/>\n");
    xbuf_add(b, "  <cpuselection/>\n");
    xbuf_add(b, "  <deviceboot/>\n");
    xbuf_add(b, "  <disksnapshot default='on' toggle='no'/>\n");
    if (wordsize == 32)
        xbuf_add(b, "  <pae/>\n  <nonpae/>\n");
    xbuf_add(b, "</features>\n");
    b->indent -= 2;
    xbuf_add(b, "</guest>\n");
}

char *qemu_caps_format_host(GPtrArray *caps_list)
{
    xml_buf b;

    xbuf_init(&b, 0);
    xbuf_add(&b, "<capabilities>\n\n");
    b.indent = 2;
    host_part(&b);
    for (guint i = 0; caps_list && i < caps_list->len; i++) {
        const qemu_caps *caps = caps_list->pdata[i];

        xbuf_add(&b, "\n");
        guest_part(&b, caps, caps->arch, 64);
        if (strcmp(caps->arch, "x86_64") == 0) {
            xbuf_add(&b, "\n");
            guest_part(&b, caps, "i686", 32);
        }
    }
    b.indent = 0;
    xbuf_add(&b, "\n</capabilities>\n");
    return xbuf_steal(&b);
}

/* ---- domain capabilities ---- */

/* <enum name='name'> with the NULL-terminated values. */
static void dc_enum(xml_buf *b, const char *name, const char *const *values)
{
    xbuf_add(b, "<enum name='%s'>\n", name);
    for (size_t i = 0; values[i]; i++)
        xbuf_add(b, "  <value>%s</value>\n", values[i]);
    xbuf_add(b, "</enum>\n");
}

#define DC_ENUM(b, name, ...) dc_enum((b), (name), (const char *const[]){ __VA_ARGS__, NULL })

static void dc_os(xml_buf *b)
{
    xbuf_add(b, "<os supported='yes'>\n");
    b->indent += 2;
    dc_enum(b, "firmware", (const char *const[]){ NULL });
    xbuf_add(b, "<loader supported='yes'>\n");
    b->indent += 2;
    DC_ENUM(b, "type", "rom", "pflash");
    DC_ENUM(b, "readonly", "yes", "no");
    DC_ENUM(b, "secure", "no");
    b->indent -= 2;
    xbuf_add(b, "</loader>\n");
    b->indent -= 2;
    xbuf_add(b, "</os>\n");
}

static void dc_cpu(xml_buf *b, const qemu_caps *caps, bool kvm)
{
    xbuf_add(b, "<cpu>\n");
    b->indent += 2;
    xbuf_add(b, "<mode name='host-passthrough' supported='%s'>\n", kvm ? "yes" : "no");
    xbuf_add(b, "  <enum name='hostPassthroughMigratable'>\n");
    xbuf_add(b, "    <value>on</value>\n    <value>off</value>\n");
    xbuf_add(b, "  </enum>\n");
    xbuf_add(b, "</mode>\n");
    xbuf_add(b, "<mode name='maximum' supported='yes'>\n");
    xbuf_add(b, "  <enum name='maximumMigratable'>\n");
    xbuf_add(b, "    <value>on</value>\n    <value>off</value>\n");
    xbuf_add(b, "  </enum>\n");
    xbuf_add(b, "</mode>\n");
    /* host-model: on TCG it becomes QEMU's "max" model (see qemu_command) */
    xbuf_add(b, "<mode name='host-model' supported='yes'/>\n");
    xbuf_add(b, "<mode name='custom' supported='yes'>\n");
    b->indent += 2;
    for (guint i = 0; i < caps->cpu_models->len; i++)
        xbuf_escape(b, "<model usable='yes' vendor='unknown'>%s</model>\n",
                    caps->cpu_models->pdata[i]);
    for (guint i = 0; i < caps->cpu_models_other->len; i++) {
        xbuf_add(b, "<model usable='%s' vendor='unknown'>", kvm ? "unknown" : "no");
        xbuf_escape(b, "%s</model>\n", caps->cpu_models_other->pdata[i]);
    }
    b->indent -= 2;
    xbuf_add(b, "</mode>\n");
    b->indent -= 2;
    xbuf_add(b, "</cpu>\n");
}

static void dc_devices(xml_buf *b)
{
    xbuf_add(b, "<devices>\n");
    b->indent += 2;
    xbuf_add(b, "<disk supported='yes'>\n");
    b->indent += 2;
    DC_ENUM(b, "diskDevice", "disk", "cdrom", "floppy");
    DC_ENUM(b, "bus", "ide", "fdc", "scsi", "virtio", "sata");
    DC_ENUM(b, "model", "virtio");
    b->indent -= 2;
    xbuf_add(b, "</disk>\n");
    xbuf_add(b, "<graphics supported='yes'>\n");
    xbuf_add(b, "  <enum name='type'>\n    <value>vnc</value>\n  </enum>\n");
    xbuf_add(b, "</graphics>\n");
    xbuf_add(b, "<video supported='yes'>\n");
    b->indent += 2;
    DC_ENUM(b, "modelType", "vga", "cirrus", "virtio", "none", "bochs", "ramfb");
    b->indent -= 2;
    xbuf_add(b, "</video>\n");
    xbuf_add(b, "<hostdev supported='no'/>\n");
    xbuf_add(b, "<rng supported='yes'>\n");
    b->indent += 2;
    DC_ENUM(b, "model", "virtio");
    DC_ENUM(b, "backendModel", "random", "builtin");
    b->indent -= 2;
    xbuf_add(b, "</rng>\n");
    b->indent -= 2;
    xbuf_add(b, "</devices>\n");
}

char *qemu_caps_format_domain(const qemu_caps *caps, const char *machine, const char *virttype)
{
    const qemu_machine *m = qemu_caps_machine(caps, machine);
    bool kvm = g_strcmp0(virttype, "kvm") == 0;
    xml_buf b;

    if (!m)
        return NULL;
    if (virttype && !kvm && strcmp(virttype, "qemu") != 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "unknown virttype: %s", virttype);
        return NULL;
    }
    if (kvm && !caps->kvm) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                     "KVM is not supported by '%s' on this host", caps->binary);
        return NULL;
    }
    if (!virttype)
        kvm = caps->kvm;
    xbuf_init(&b, 0);
    xbuf_add(&b, "<domainCapabilities>\n");
    b.indent = 2;
    xbuf_escape(&b, "<path>%s</path>\n", caps->binary);
    xbuf_add(&b, "<domain>%s</domain>\n", kvm ? "kvm" : "qemu");
    xbuf_escape(&b, "<machine>%s</machine>\n", m->name);
    xbuf_escape(&b, "<arch>%s</arch>\n", caps->arch);
    xbuf_add(&b, "<vcpu max='%u'/>\n", m->max_cpus);
    xbuf_add(&b, "<iothreads supported='yes'/>\n");
    dc_os(&b);
    dc_cpu(&b, caps, kvm);
    dc_devices(&b);
    xbuf_add(&b, "<features>\n");
    xbuf_add(&b, "  <gic supported='no'/>\n");
    xbuf_add(&b, "  <vmcoreinfo supported='yes'/>\n");
    xbuf_add(&b, "  <genid supported='yes'/>\n");
    xbuf_add(&b, "</features>\n");
    b.indent = 0;
    xbuf_add(&b, "</domainCapabilities>\n");
    return xbuf_steal(&b);
}
