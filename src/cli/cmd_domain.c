/*
 * cmd_domain.c: finding a domain from what the user typed, and the
 * commands that change a domain: define, undefine, create, start,
 * shutdown, reboot, destroy, suspend, resume, autostart.
 *
 * Messages name the domain as the user wrote it, like virsh ("Domain '1'
 * suspended"), except start, which names it by its name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static bool
parse_id(const char *s, int *id)
{
    char *end = NULL;
    gint64 v;

    if (!*s)
        return false;
    v = g_ascii_strtoll(s, &end, 10);
    if (*end || v < 0 || v > G_MAXINT)
        return false;
    *id = (int)v;
    return true;
}

/* 32 hex digits, dashes allowed between them, as libvirt accepts. */
bool
cli_looks_like_uuid(const char *s)
{
    int digits = 0;

    for (; *s; s++) {
        if (g_ascii_isxdigit(*s))
            digits++;
        else if (*s != '-')
            return false;
    }
    return digits == 32;
}

vireo_domain *
cli_domain_lookup(cli_ctl *ctl, const char *what, unsigned int by)
{
    vireo_domain *dom = NULL;
    int id;

    vireo_error_reset();
    if ((by & CLI_BY_ID) && parse_id(what, &id))
        dom = vireo_domain_lookup_by_id(ctl->conn, id);
    if (!dom && (by & CLI_BY_UUID) && cli_looks_like_uuid(what)) {
        vireo_error_reset();
        dom = vireo_domain_lookup_by_uuid_string(ctl->conn, what);
    }
    if (!dom && (by & CLI_BY_NAME)) {
        vireo_error_reset();
        dom = vireo_domain_lookup_by_name(ctl->conn, what);
    }
    if (!dom) {
        /* virsh 9.0 prints only the first line; the second says why */
        cli_error("failed to get domain '%s'", what);
        cli_error_lib();
    }
    return dom;
}

char *
cli_read_file(const char *path)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "r");

    if (!f) {
        cli_error("Failed to open file '%s': %s", path, g_strerror(errno));
        return NULL;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        g_string_append_len(buf, chunk, n);
    if (ferror(f)) {
        cli_error("Failed to read file '%s': %s", path, g_strerror(errno));
        fclose(f);
        return NULL;
    }
    fclose(f);
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

bool
cmd_define(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    unsigned int flags = cli_arg_bool(args, "validate") ? VIREO_DOMAIN_DEFINE_VALIDATE : 0;
    g_autofree char *xml = cli_read_file(file);
    vireo_domain *dom;

    if (!xml)
        return false;
    dom = vireo_domain_define_xml(ctl->conn, xml, flags);
    if (!dom) {
        cli_error("Failed to define domain from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' defined from %s\n", vireo_domain_get_name(dom), file);
    vireo_domain_free(dom);
    return true;
}

bool
cmd_create(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    unsigned int flags = 0;
    g_autofree char *xml = cli_read_file(file);
    vireo_domain *dom;

    /* --validate needs no flag: vireo always refuses what it does not know */
    if (cli_arg_bool(args, "paused"))
        flags |= VIREO_DOMAIN_START_PAUSED;
    if (cli_arg_bool(args, "autodestroy"))
        flags |= VIREO_DOMAIN_START_AUTODESTROY;
    if (!xml)
        return false;
    dom = vireo_domain_create_xml(ctl->conn, xml, flags);
    if (!dom) {
        cli_error("Failed to create domain from %s", file);
        return false;
    }
    cli_print_extra(ctl, "Domain '%s' created from %s\n", vireo_domain_get_name(dom), file);
    vireo_domain_free(dom);
    return true;
}

bool
cmd_start(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags = 0;
    vireo_domain *dom;
    bool ok = false;

    dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_NAME | CLI_BY_UUID);
    if (!dom)
        return false;
    if (cli_arg_bool(args, "paused"))
        flags |= VIREO_DOMAIN_START_PAUSED;
    if (cli_arg_bool(args, "autodestroy"))
        flags |= VIREO_DOMAIN_START_AUTODESTROY;
    if (cli_arg_bool(args, "force-boot"))
        flags |= VIREO_DOMAIN_START_FORCE_BOOT;
    if (vireo_domain_get_id(dom) != (unsigned int)-1) {
        cli_error("Domain is already active");
    } else if (vireo_domain_create(dom, flags) < 0) {
        cli_error("Failed to start domain '%s'", vireo_domain_get_name(dom));
    } else {
        cli_print_extra(ctl, "Domain '%s' started\n", vireo_domain_get_name(dom));
        ok = true;
    }
    vireo_domain_free(dom);
    return ok;
}

typedef int (*dom_action_fn)(vireo_domain *dom, unsigned int flags);

/* Look the domain up, act, and print virsh's message for either outcome:
 * "Domain 'X' <done>" or "Failed to <verb> domain 'X'<suffix>". */
static bool
dom_action(cli_ctl *ctl, const cli_args *args, dom_action_fn fn, unsigned int flags,
           const char *done, const char *verb, const char *suffix)
{
    const char *name = cli_arg_str(args, "domain");
    vireo_domain *dom = cli_domain_lookup(ctl, name, CLI_BY_ANY);
    bool ok;

    if (!dom)
        return false;
    ok = fn(dom, flags) == 0;
    if (ok)
        cli_print_extra(ctl, "Domain '%s' %s\n", name, done);
    else
        cli_error("Failed to %s domain '%s'%s", verb, name, suffix);
    vireo_domain_free(dom);
    return ok;
}

static int
act_suspend(vireo_domain *dom, unsigned int flags G_GNUC_UNUSED)
{
    return vireo_domain_suspend(dom);
}

static int
act_resume(vireo_domain *dom, unsigned int flags G_GNUC_UNUSED)
{
    return vireo_domain_resume(dom);
}

static int
act_autostart_on(vireo_domain *dom, unsigned int flags G_GNUC_UNUSED)
{
    return vireo_domain_set_autostart(dom, 1);
}

static int
act_autostart_off(vireo_domain *dom, unsigned int flags G_GNUC_UNUSED)
{
    return vireo_domain_set_autostart(dom, 0);
}

bool
cmd_undefine(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags = 0;

    if (cli_arg_bool(args, "managed-save"))
        flags |= VIREO_DOMAIN_UNDEFINE_MANAGED_SAVE;
    return dom_action(ctl, args, vireo_domain_undefine, flags,
                      "has been undefined", "undefine", "");
}

bool
cmd_destroy(cli_ctl *ctl, const cli_args *args)
{
    /* virDomainDestroyFlags: GRACEFUL = 1 */
    unsigned int flags = cli_arg_bool(args, "graceful") ? 1 : 0;

    return dom_action(ctl, args, vireo_domain_destroy, flags,
                      "destroyed", "destroy", "");
}

bool
cmd_suspend(cli_ctl *ctl, const cli_args *args)
{
    return dom_action(ctl, args, act_suspend, 0,
                      "suspended", "suspend", "");
}

bool
cmd_resume(cli_ctl *ctl, const cli_args *args)
{
    return dom_action(ctl, args, act_resume, 0,
                      "resumed", "resume", "");
}

bool
cmd_autostart(cli_ctl *ctl, const cli_args *args)
{
    if (cli_arg_bool(args, "disable"))
        return dom_action(ctl, args, act_autostart_off, 0,
                          "unmarked as autostarted", "unmark", " as autostarted");
    return dom_action(ctl, args, act_autostart_on, 0,
                      "marked as autostarted", "mark", " as autostarted");
}

/* --mode for shutdown and reboot: a comma-separated list of libvirt's
 * virDomainShutdownFlagValues / virDomainRebootFlagValues bits. */
static bool
shutdown_mode_flags(const char *mode, unsigned int *flags)
{
    static const char *const names[] = { "acpi", "agent", "initctl", "signal", "paravirt" };
    g_auto(GStrv) parts = NULL;

    *flags = 0;
    if (!mode)
        return true;
    parts = g_strsplit(mode, ",", -1);
    for (int i = 0; parts[i]; i++) {
        gsize j;
        for (j = 0; j < G_N_ELEMENTS(names); j++) {
            if (g_str_equal(parts[i], names[j]))
                break;
        }
        if (j == G_N_ELEMENTS(names)) {
            cli_error("Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', "
                      "'signal', or 'paravirt'", parts[i]);
            return false;
        }
        *flags |= 1u << j;
    }
    return true;
}

bool
cmd_shutdown(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags;

    if (!shutdown_mode_flags(cli_arg_str(args, "mode"), &flags))
        return false;
    return dom_action(ctl, args, vireo_domain_shutdown, flags,
                      "is being shutdown", "shutdown", "");
}

bool
cmd_reboot(cli_ctl *ctl, const cli_args *args)
{
    unsigned int flags;

    if (!shutdown_mode_flags(cli_arg_str(args, "mode"), &flags))
        return false;
    return dom_action(ctl, args, vireo_domain_reboot, flags,
                      "is being rebooted", "reboot", "");
}
