/*
 * ssh_helper.c: vireo-ssh-helper, the remote end of qemu+ssh://.
 *
 * A libvirt client reaching a host over ssh runs a command there that
 * joins the ssh channel (our stdin and stdout) to the daemon's unix
 * socket.  libvirt 9.0's client asks the remote shell for one of two:
 *
 *   virt-ssh-helper [-r] URI     socket computed from the local URI the
 *                                way the client would (read-only socket
 *                                with -r)
 *   NC [-q0] -U PATH             netcat on the socket ?socket= named, or
 *                                the default one; the shell first runs
 *                                "NC -q" and passes -q0 only when that
 *                                complains "requires an argument"
 *
 * This program answers both: with -U it is netcat (point ?netcat= at
 * it), otherwise virt-ssh-helper.  Exit status: 0 once both directions
 * ended cleanly, 1 on any failure (one line on stderr naming the socket),
 * 2 on a bad command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "remote/remote_socket.h"
#include "util/error.h"
#include "util/uri.h"

#define HELPER_NAME "vireo-ssh-helper"
#define HELPER_BUF (64 * 1024)

/* One direction of the bridge: bytes read from in wait in buf until
 * out took them.  The bridge owns both. */
typedef struct helper_pipe {
    const char *what;           /* "stdin -> socket" for messages */
    int in, out;
    char buf[HELPER_BUF];
    size_t len, off;            /* buf[off..len) not written yet */
    bool eof;                   /* in ended (or failed) */
    bool done;                  /* out was shut: nothing more flows */
} helper_pipe;

static const char *helper_socket; /* for messages */

static void helper_fail(const char *what, int err)
{
    fprintf(stderr, "%s: socket '%s': %s: %s\n", HELPER_NAME, helper_socket, what,
            strerror(err));
}

/* Nothing more goes out of p: tell its reader (a shut write side is
 * the socket's EOF; on a pipe, closing is). */
static void helper_pipe_finish(helper_pipe *p)
{
    if (p->done)
        return;
    p->done = true;
    p->eof = true;
    if (shutdown(p->out, SHUT_WR) < 0 && errno == ENOTSOCK)
        close(p->out);
}

/* Move what p can move now.  false on a failure worth exit status 1. */
static bool helper_pipe_step(helper_pipe *p, short in_ev, short out_ev)
{
    if (p->done)
        return true;
    if (p->len == p->off && !p->eof && (in_ev & (POLLIN | POLLHUP | POLLERR))) {
        ssize_t n = read(p->in, p->buf, sizeof(p->buf));

        if (n > 0) {
            p->len = n;
            p->off = 0;
        } else if (n == 0) {
            p->eof = true;
        } else if (errno != EAGAIN && errno != EINTR) {
            helper_fail(p->what, errno);
            helper_pipe_finish(p);
            return false;
        }
    }
    if (p->len > p->off && (out_ev & (POLLOUT | POLLERR | POLLHUP))) {
        ssize_t n = send(p->out, p->buf + p->off, p->len - p->off, MSG_NOSIGNAL);

        if (n < 0 && errno == ENOTSOCK)
            n = write(p->out, p->buf + p->off, p->len - p->off);
        if (n > 0) {
            p->off += n;
        } else if (n < 0 && errno == EPIPE) {
            /* the reader is gone: whatever is left has nowhere to go */
            helper_pipe_finish(p);
            return true;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            helper_fail(p->what, errno);
            helper_pipe_finish(p);
            return false;
        }
    }
    if (p->eof && p->len == p->off)
        helper_pipe_finish(p);
    return true;
}

static void helper_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static long long helper_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wanted: read when the buffer is empty, write when it is not; an fd
 * with nothing wanted stays out of poll (a hang-up would be reported
 * at once, every time: a busy loop) unless it is watched for one. */
static short helper_want_in(const helper_pipe *p)
{
    return !p->done && !p->eof && p->len == p->off ? POLLIN : 0;
}

static short helper_want_out(const helper_pipe *p)
{
    return !p->done && p->len > p->off ? POLLOUT : 0;
}

/* Copy both ways until both ended.  quit_after (seconds, netcat's -q):
 * once stdin ended, wait at most that long for the socket to end
 * (negative: for ever). */
static int helper_bridge(int sock, int quit_after)
{
    static helper_pipe up = { .what = "stdin -> socket", .in = 0 };
    static helper_pipe down = { .what = "socket -> stdout", .out = 1 };
    long long deadline = -1;
    bool good = true;

    up.out = sock;
    down.in = sock;
    helper_nonblock(0);
    helper_nonblock(1);
    helper_nonblock(sock);
    while (!up.done || !down.done) {
        /* [1] with no event watches the socket for the daemon's close
         * once its side ended (POLLHUP: both ways shut, which its
         * half-close does not give): stdin then has nobody to talk to.
         * [3] with no event watches stdout for its reader's going. */
        bool watch_sock = down.done && !up.done;
        bool watch_out = !down.done;
        struct pollfd fds[4] = {
            { .fd = helper_want_in(&up) ? 0 : -1, .events = POLLIN },
            { .fd = helper_want_out(&up) || watch_sock ? sock : -1,
              .events = helper_want_out(&up) },
            { .fd = helper_want_in(&down) ? sock : -1, .events = POLLIN },
            { .fd = helper_want_out(&down) || watch_out ? 1 : -1,
              .events = helper_want_out(&down) },
        };
        int timeout = -1;

        if (up.done && deadline < 0 && quit_after >= 0)
            deadline = helper_now_ms() + quit_after * 1000LL;
        if (deadline >= 0) {
            long long left = deadline - helper_now_ms();

            if (left <= 0)
                break;
            timeout = (int)left;
        }
        if (poll(fds, G_N_ELEMENTS(fds), timeout) < 0) {
            if (errno == EINTR)
                continue;
            helper_fail("poll", errno);
            return 1;
        }
        good &= helper_pipe_step(&up, fds[0].revents, fds[1].revents);
        good &= helper_pipe_step(&down, fds[2].revents, fds[3].revents);
        if (watch_sock && !up.done && (fds[1].revents & (POLLHUP | POLLERR)))
            helper_pipe_finish(&up);
        if (!down.done && !helper_want_out(&down) && (fds[3].revents & (POLLHUP | POLLERR)))
            helper_pipe_finish(&down);
    }
    return good ? 0 : 1;
}

static void helper_usage(FILE *f)
{
    fprintf(f,
            "usage: " HELPER_NAME " [-r|--readonly] URI   bridge to the socket of the local URI\n"
            "       " HELPER_NAME " [-q SECONDS] -U PATH  bridge to the unix socket PATH (as nc)\n");
}

/* The socket a local URI names, as the client computes it. */
static char *helper_uri_socket(const char *text, bool read_only)
{
    g_autoptr(vireo_uri) uri = uri_parse(text);

    if (!uri) {
        fprintf(stderr, "%s: %s\n", HELPER_NAME, error_last()->message);
        return NULL;
    }
    if ((uri->host && *uri->host) ||
        (uri->transport && strcmp(uri->transport, "unix") != 0)) {
        fprintf(stderr, "%s: URI '%s' is not local: give the URI the daemon opens\n",
                HELPER_NAME, text);
        return NULL;
    }
    return remote_socket_path(uri, read_only);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "readonly", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    g_autofree char *path = NULL;
    bool read_only = false;
    int quit_after = -1;
    int c, sock;

    /* the shell's probe "NC -q 2>&1 | grep 'requires an argument'" reads
     * getopt's own complaint, as from netcat */
    opterr = 1;
    while ((c = getopt_long(argc, argv, "+rhq:U:", longopts, NULL)) != -1) {
        switch (c) {
        case 'r':
            read_only = true;
            break;
        case 'q': {
            char *end;
            long v = strtol(optarg, &end, 10);

            if (*end || end == optarg) {
                fprintf(stderr, "%s: -q: '%s' is not a number of seconds\n", HELPER_NAME,
                        optarg);
                return 2;
            }
            quit_after = v < 0 ? -1 : (int)MIN(v, 86400);
            break;
        }
        case 'U':
            path = g_strdup(optarg);
            break;
        case 'h':
            helper_usage(stdout);
            return 0;
        default:
            helper_usage(stderr);
            return 2;
        }
    }
    if (path ? optind != argc : optind != argc - 1) {
        helper_usage(stderr);
        return 2;
    }
    if (!path && !(path = helper_uri_socket(argv[optind], read_only)))
        return 1;
    helper_socket = path;
    signal(SIGPIPE, SIG_IGN);
    sock = remote_socket_connect(path);
    if (sock < 0) {
        fprintf(stderr, "%s: %s\n", HELPER_NAME, error_last()->message);
        return 1;
    }
    return helper_bridge(sock, quit_after);
}
