/*
 * cmd_save.c: saving a domain's state to files: save, restore,
 * save-image-dumpxml, managedsave, managedsave-remove, dump.
 *
 * Options, messages and exit codes are virsh's.  Paths are made absolute
 * here, as libvirt's client library does: the daemon's working folder is
 * not the user's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

#define END { NULL, 0, 0, NULL }

/* The path as the daemon must see it (caller frees). */
static char *abs_path(const char *file)
{
    return g_canonicalize_filename(file, NULL);
}

/* The XML of --xml FILE, or NULL (*ok false when it cannot be read). */
static char *xml_option(const cli_args *args, bool *ok)
{
    const char *file = cli_arg_str(args, "xml");
    g_autoptr(GError) err = NULL;
    char *xml = NULL;

    *ok = true;
    if (!file)
        return NULL;
    if (!g_file_get_contents(file, &xml, NULL, &err)) {
        cli_error("Failed to read file '%s' to %s: %s", file, "xml", err->message);
        *ok = false;
    }
    return xml;
}

/* --running / --paused as VIREO_DOMAIN_SAVE_* flags. */
static unsigned int save_flags(const cli_args *args)
{
    unsigned int flags = 0;

    if (cli_arg_bool(args, "bypass-cache"))
        flags |= VIREO_DOMAIN_SAVE_BYPASS_CACHE;
    if (cli_arg_bool(args, "running"))
        flags |= VIREO_DOMAIN_SAVE_RUNNING;
    if (cli_arg_bool(args, "paused"))
        flags |= VIREO_DOMAIN_SAVE_PAUSED;
    return flags;
}

static bool cmd_save(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "domain");
    const char *file = cli_arg_str(args, "file");
    g_autofree char *path = abs_path(file);
    g_autofree char *xml = NULL;
    vireo_domain *dom;
    bool ok;

    xml = xml_option(args, &ok);
    if (!ok || !(dom = cli_domain_lookup(ctl, name, CLI_BY_ANY)))
        return false;
    ok = vireo_domain_save(dom, path, xml, save_flags(args)) == 0;
    if (ok)
        cli_print_extra(ctl, "\nDomain '%s' saved to %s\n", name, file);
    else
        cli_error("Failed to save domain '%s' to %s", name, file);
    vireo_domain_free(dom);
    return ok;
}

static bool cmd_restore(cli_ctl *ctl, const cli_args *args)
{
    const char *file = cli_arg_str(args, "file");
    g_autofree char *path = abs_path(file);
    g_autofree char *xml = NULL;
    bool ok;

    xml = xml_option(args, &ok);
    if (!ok)
        return false;
    if (cli_arg_bool(args, "reset-nvram")) {
        cli_error("Failed to restore domain from %s", file);
        cli_error("--reset-nvram is not supported: vireo keeps no NVRAM");
        return false;
    }
    ok = vireo_domain_restore(ctl->conn, path, xml, save_flags(args)) == 0;
    if (ok)
        cli_print_extra(ctl, "\nDomain restored from %s\n", file);
    else
        cli_error("Failed to restore domain from %s", file);
    return ok;
}

static bool cmd_save_image_dumpxml(cli_ctl *ctl, const cli_args *args)
{
    g_autofree char *path = abs_path(cli_arg_str(args, "file"));
    unsigned int flags = cli_arg_bool(args, "security-info") ? VIREO_DOMAIN_XML_SECURE : 0;
    g_autofree char *xml = vireo_domain_save_image_get_xml_desc(ctl->conn, path, flags);

    if (!xml)
        return false;
    printf("%s", xml);
    if (!g_str_has_suffix(xml, "\n"))
        printf("\n");
    return true;
}

static bool cmd_managedsave(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "domain");
    vireo_domain *dom = cli_domain_lookup(ctl, name, CLI_BY_ANY);
    bool ok;

    if (!dom)
        return false;
    ok = vireo_domain_managed_save(dom, save_flags(args)) == 0;
    if (ok)
        cli_print_extra(ctl, "\nDomain '%s' state saved by libvirt\n", name);
    else
        cli_error("Failed to save domain '%s' state", name);
    vireo_domain_free(dom);
    return ok;
}

static bool cmd_managedsave_remove(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "domain");
    vireo_domain *dom = cli_domain_lookup(ctl, name, CLI_BY_ANY);
    bool ok = false;
    int has;

    if (!dom)
        return false;
    has = vireo_domain_has_managed_save(dom, 0);
    if (has < 0) {
        cli_error("Failed to check for domain managed save image");
    } else if (has == 0) {
        cli_print_extra(ctl, "Domain '%s' has no manage save image; removal skipped\n", name);
        ok = true;
    } else if (vireo_domain_managed_save_remove(dom, 0) < 0) {
        cli_error("Failed to remove managed save image for domain '%s'", name);
    } else {
        cli_print_extra(ctl, "Removed managedsave image for domain '%s'\n", name);
        ok = true;
    }
    vireo_domain_free(dom);
    return ok;
}

static bool cmd_dump(cli_ctl *ctl, const cli_args *args)
{
    const char *name = cli_arg_str(args, "domain");
    const char *file = cli_arg_str(args, "file");
    const char *format = cli_arg_str(args, "format");
    g_autofree char *path = abs_path(file);
    unsigned int flags = 0;
    vireo_domain *dom;
    bool ok;

    if (cli_arg_bool(args, "live"))
        flags |= VIREO_DUMP_LIVE;
    if (cli_arg_bool(args, "crash"))
        flags |= VIREO_DUMP_CRASH;
    if (cli_arg_bool(args, "bypass-cache"))
        flags |= VIREO_DUMP_BYPASS_CACHE;
    if (cli_arg_bool(args, "reset"))
        flags |= VIREO_DUMP_RESET;
    if (cli_arg_bool(args, "memory-only"))
        flags |= VIREO_DUMP_MEMORY_ONLY;
    if (format && !(flags & VIREO_DUMP_MEMORY_ONLY)) {
        cli_error("--format only works with --memory-only");
        return false;
    }
    if (format && strcmp(format, "elf") != 0) {
        cli_error("format '%s' is not supported, expecting 'elf'", format);
        return false;
    }
    if (!(dom = cli_domain_lookup(ctl, name, CLI_BY_ANY)))
        return false;
    ok = vireo_domain_core_dump(dom, path, flags) == 0;
    if (ok)
        cli_print_extra(ctl, "\nDomain '%s' dumped to %s\n", name, file);
    else
        cli_error("Failed to core dump domain '%s' to %s", name, file);
    vireo_domain_free(dom);
    return ok;
}

static const cli_opt opts_save[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "file", CLI_OPT_DATA, 0, "where to save the data" },
    { "bypass-cache", CLI_OPT_BOOL, 0, "avoid file system cache when saving" },
    { "xml", CLI_OPT_STRING, CLI_OPT_NAMED, "filename containing updated XML for the target" },
    { "running", CLI_OPT_BOOL, 0, "set domain to be running on restore" },
    { "paused", CLI_OPT_BOOL, 0, "set domain to be paused on restore" },
    { "verbose", CLI_OPT_BOOL, 0, "display the progress of save" },
    END,
};

static const cli_opt opts_restore[] = {
    { "file", CLI_OPT_DATA, 0, "the state to restore" },
    { "bypass-cache", CLI_OPT_BOOL, 0, "avoid file system cache when restoring" },
    { "xml", CLI_OPT_STRING, CLI_OPT_NAMED, "filename containing updated XML for the target" },
    { "running", CLI_OPT_BOOL, 0, "restore domain into running state" },
    { "paused", CLI_OPT_BOOL, 0, "restore domain into paused state" },
    { "reset-nvram", CLI_OPT_BOOL, 0, "re-initialize NVRAM from its pristine template" },
    END,
};

static const cli_opt opts_save_image_dumpxml[] = {
    { "file", CLI_OPT_DATA, 0, "saved state file to read" },
    { "security-info", CLI_OPT_BOOL, 0, "include security sensitive information in XML dump" },
    END,
};

static const cli_opt opts_managedsave[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "bypass-cache", CLI_OPT_BOOL, 0, "avoid file system cache when saving" },
    { "running", CLI_OPT_BOOL, 0, "set domain to be running on next start" },
    { "paused", CLI_OPT_BOOL, 0, "set domain to be paused on next start" },
    { "verbose", CLI_OPT_BOOL, 0, "display the progress of save" },
    END,
};

static const cli_opt opts_managedsave_remove[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    END,
};

static const cli_opt opts_dump[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "file", CLI_OPT_DATA, 0, "where to dump the core" },
    { "live", CLI_OPT_BOOL, 0, "perform a live core dump if supported" },
    { "crash", CLI_OPT_BOOL, 0, "crash the domain after core dump" },
    { "bypass-cache", CLI_OPT_BOOL, 0, "avoid file system cache when dumping" },
    { "reset", CLI_OPT_BOOL, 0, "reset the domain after core dump" },
    { "verbose", CLI_OPT_BOOL, 0, "display the progress of dump" },
    { "memory-only", CLI_OPT_BOOL, 0, "dump domain's memory only" },
    { "format", CLI_OPT_STRING, CLI_OPT_NAMED, "specify the format of memory-only dump" },
    END,
};

const cli_cmd cli_cmds_save[] = {
    { "save", cmd_save, opts_save, "save a domain state to a file",
      "Save the RAM state of a running domain.", true, CLI_GROUP_DOM },
    { "restore", cmd_restore, opts_restore, "restore a domain from a saved state in a file",
      "Restore a domain.", true, CLI_GROUP_DOM },
    { "save-image-dumpxml", cmd_save_image_dumpxml, opts_save_image_dumpxml,
      "saved state domain information in XML",
      "Dump XML of domain information for a saved state file to stdout.", true, CLI_GROUP_DOM },
    { "managedsave", cmd_managedsave, opts_managedsave, "managed save of a domain state",
      "Save and destroy a running domain, so it can be restarted from\n"
      "    the same state at a later time.  When the virsh 'start'\n"
      "    command is next run for the domain, it will automatically\n"
      "    be started from this saved state.", true, CLI_GROUP_DOM },
    { "managedsave-remove", cmd_managedsave_remove, opts_managedsave_remove,
      "Remove managed save of a domain",
      "Remove an existing managed save state file from a domain", true, CLI_GROUP_DOM },
    { "dump", cmd_dump, opts_dump, "dump the core of a domain to a file for analysis",
      "Core dump a domain.", true, CLI_GROUP_DOM },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
