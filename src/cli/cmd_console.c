/*
 * cmd_console.c: the guest's console over a stream: console.
 *
 * As virsh does: a terminal on stdin goes into raw mode (restored at the
 * end), stdin is copied to the stream and the stream to stdout, and the
 * session ends on the escape character (^]), at the end of the stream,
 * or at the end of stdin.  Unlike virsh, stdin need not be a terminal
 * (scripts and tests drive it through a pipe).
 *
 * Two threads: this one reads the stream; a reader copies stdin.  On
 * the escape character the reader aborts the stream, which wakes this
 * one; when the stream ends first, a pipe wakes the reader.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

#define CONSOLE_ESCAPE 0x1d      /* ^] */
#define CONSOLE_BUF 4096

/* Shared by the two threads of one session. */
typedef struct console_session {
    vireo_stream *st;           /* borrowed from cmd_console */
    int wake[2];                /* a pipe: written when the session ends */
    gint escaped;               /* atomic: the user typed the escape character */
    gint input_ended;           /* atomic: stdin ended or failed */
} console_session;

/* Copy stdin to the stream until the escape character, the end of stdin
 * or the wake pipe. */
static gpointer console_reader(gpointer data)
{
    console_session *s = data;
    char buf[CONSOLE_BUF];

    for (;;) {
        struct pollfd fds[2] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = s->wake[0], .events = POLLIN },
        };
        ssize_t n;
        char *esc;

        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[1].revents)
            return NULL;
        if (!fds[0].revents)
            continue;
        n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
        if (esc && esc > buf)
            vireo_stream_send(s->st, buf, (size_t)(esc - buf));
        if (esc) {
            g_atomic_int_set(&s->escaped, 1);
            vireo_stream_abort(s->st);      /* wakes the stream's reader */
            return NULL;
        }
        if (vireo_stream_send(s->st, buf, (size_t)n) < 0)
            return NULL;
    }
    g_atomic_int_set(&s->input_ended, 1);
    vireo_stream_finish(s->st);
    return NULL;
}

static bool console_write_all(const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(STDOUT_FILENO, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Copy the stream to stdout until it ends.  true at a clean end (the
 * stream's, the escape character's or stdin's). */
static bool console_pump(console_session *s)
{
    char buf[CONSOLE_BUF];

    for (;;) {
        int n = vireo_stream_recv(s->st, buf, sizeof(buf));

        if (n > 0 && console_write_all(buf, (size_t)n))
            continue;
        if (n > 0)
            return false;
        if (n == 0) {
            vireo_stream_finish(s->st);
            return true;
        }
        /* closed under us by the reader: a clean end */
        return g_atomic_int_get(&s->escaped) || g_atomic_int_get(&s->input_ended);
    }
}

static bool console_run(vireo_stream *st, bool tty)
{
    console_session s = { .st = st };
    struct termios saved, raw;
    GThread *reader;
    bool ok;

    if (pipe(s.wake) < 0) {
        cli_error("cannot create a pipe: %s", g_strerror(errno));
        return false;
    }
    if (tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);    /* keep what was typed already */
    } else {
        tty = false;
    }
    reader = g_thread_new("console-stdin", console_reader, &s);
    ok = console_pump(&s);
    if (!ok && !vireo_error_last())
        cli_error("cannot write to the terminal: %s", g_strerror(errno));
    if (write(s.wake[1], "x", 1) < 0)
        g_warning("console: cannot wake the stdin reader");
    g_thread_join(reader);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    close(s.wake[0]);
    close(s.wake[1]);
    return ok;
}

static bool cmd_console(cli_ctl *ctl, const cli_args *args)
{
    vireo_domain *dom = cli_domain_lookup(ctl, cli_arg_str(args, "domain"), CLI_BY_ANY);
    unsigned int flags = 0;
    vireo_stream *st = NULL;
    int state = 0, reason = 0;
    bool ok = false;

    if (!dom)
        return false;
    if (vireo_domain_get_state(dom, &state, &reason, 0) < 0) {
        cli_error_lib();
        goto out;
    }
    if (state == VIREO_DOMAIN_SHUTOFF) {
        cli_error("The domain is not running");
        goto out;
    }
    if (cli_arg_bool(args, "force"))
        flags |= VIREO_DOMAIN_CONSOLE_FORCE;
    if (cli_arg_bool(args, "safe"))
        flags |= VIREO_DOMAIN_CONSOLE_SAFE;
    cli_print_extra(ctl, "Connected to domain '%s'\n", vireo_domain_get_name(dom));
    cli_print_extra(ctl, "Escape character is ^] (Ctrl + ])\n");
    fflush(stdout);
    if (!(st = vireo_stream_new(ctl->conn, 0)) ||
        vireo_domain_open_console(dom, cli_arg_str(args, "devname"), st, flags) < 0) {
        cli_error_lib();
        goto out;
    }
    ok = console_run(st, isatty(STDIN_FILENO));
    if (!ok)
        cli_error_lib();
    else
        cli_print_extra(ctl, "\n");
out:
    if (st)
        vireo_stream_free(st);
    vireo_domain_free(dom);
    return ok;
}

static const cli_opt console_opts[] = {
    { "domain", CLI_OPT_DATA, 0, "domain name, id or uuid" },
    { "devname", CLI_OPT_STRING, CLI_OPT_NAMED, "character device name" },
    { "force", CLI_OPT_BOOL, 0,
      "force console connection (disconnect already connected sessions)" },
    { "safe", CLI_OPT_BOOL, 0, "only connect if safe console handling is supported" },
    { NULL, 0, 0, NULL },
};

const cli_cmd cli_cmds_console[] = {
    { "console", cmd_console, console_opts, "connect to the guest console",
      "Connect the virtual serial console for the guest", true, CLI_GROUP_DOM },
    { NULL, NULL, NULL, NULL, NULL, false, NULL },
};
