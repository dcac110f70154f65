/*
 * main.c: vireo's global options and what to run.
 *
 *   vireo [options]... [COMMAND_STRING]      one string, ';' between commands
 *   vireo [options]... COMMAND [ARGS]...     one command, its words as given
 *   vireo [options]...                       the interactive shell
 *
 * Exit status: 0 when the (last) command succeeded, 1 otherwise.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static void
main_usage(void)
{
    printf("\n"
           "vireo [options]... [<command_string>]\n"
           "vireo [options]... <command> [args...]\n"
           "\n"
           "  options:\n"
           "    -c | --connect=URI      hypervisor connection URI\n"
           "    -h | --help             this help\n"
           "    -q | --quiet            quiet mode\n"
           "    -r | --readonly         connect readonly\n"
           "    -v                      short version\n"
           "    -V                      long version\n"
           "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
           "\n"
           "  Without -c, the URI is $VIREO_DEFAULT_URI, then $LIBVIRT_DEFAULT_URI,\n"
           "  then test:///default.\n"
           "\n"
           "  commands (non interactive mode):\n\n");
    cli_help_global();
    printf("  (specify help <group> for details about the commands in the group)\n\n"
           "  (specify help <command> for details about the command)\n\n");
}

static void
main_version(bool full)
{
    unsigned long v = 0;

    vireo_get_lib_version(&v);
    if (!full) {
        printf("%lu.%lu.%lu\n", v / 1000000, (v / 1000) % 1000, v % 1000);
        return;
    }
    printf("vireo command line tool, library %lu.%lu.%lu\n"
           "A libvirt-compatible virtualization manager.\n\n"
           "Compiled with support for:\n Hypervisors: Test\n",
           v / 1000000, (v / 1000) % 1000, v % 1000);
}

/* Parse the global options.  Returns -1 to go on, else an exit status. */
static int
main_options(cli_ctl *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "quiet", no_argument, NULL, 'q' },
        { "readonly", no_argument, NULL, 'r' },
        { "version", optional_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    opterr = 0;     /* our own messages, like virsh's */
    while ((c = getopt_long(argc, argv, "+:c:hqrvV", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': g_free(ctl->uri); ctl->uri = g_strdup(optarg); break;
        case 'h': main_usage(); return 0;
        case 'q': ctl->quiet = true; break;
        case 'r': ctl->readonly = true; break;
        case 'v': main_version(false); return 0;
        case 'V': main_version(true); return 0;
        case 'x':
            main_version(optarg && g_str_equal(optarg, "long"));
            return 0;
        case ':':
            cli_error("option '-%c' requires an argument", optopt ? optopt : 'c');
            return 1;
        default:
            if (optopt)
                cli_error("unsupported option '-%c'. See --help.", optopt);
            else
                cli_error("unsupported option '%s'. See --help.", argv[optind - 1]);
            return 1;
        }
    }
    return -1;
}

int
main(int argc, char **argv)
{
    cli_ctl ctl = { 0 };
    int status;

    setlocale(LC_ALL, "");
    status = main_options(&ctl, argc, argv);
    if (status < 0) {
        bool connected = cli_connect(&ctl);

        if (optind >= argc)
            status = cli_shell_run(&ctl);
        else if (!connected)
            status = 1;
        else if (argc - optind == 1)
            status = cli_run_line(&ctl, argv[optind]) ? 0 : MAX(ctl.exit_status, 1);
        else
            status = cli_run_argv(&ctl, argc - optind, argv + optind) ? 0
                                                                       : MAX(ctl.exit_status, 1);
    }
    if (ctl.conn)
        vireo_conn_close(ctl.conn);
    g_free(ctl.uri);
    return status;
}
