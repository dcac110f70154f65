/*
 * fuzz_qemu_monitor: the QMP client (drivers/qemu/qemu_monitor.c) reading
 * what QEMU sends: greeting, replies, events, garbage, split anywhere.
 *
 * The harness plays QEMU on one end of a socketpair; the monitor runs on
 * its own I/O thread as in the driver, and a caller thread opens it and
 * runs a fixed script of commands.  The input is QEMU's side in turns
 * separated by an empty line ("\n\n"):
 *
 *   turn 0        sent before the greeting (the harness sends the greeting)
 *   turn 1..N     sent after the monitor's N-th command arrives
 *                 (qmp_capabilities, then the script's), each followed by
 *                 an answer of the harness to that command's id, so a
 *                 command the input does not answer still ends at once
 *                 (and one it did answer gets a late answer, dropped)
 *   the rest      sent after the last command, then EOF
 *
 * Ids are deterministic (1 for qmp_capabilities, then 2, 3, ...), so a
 * seed answers with {"return": ..., "id": 2}.  Nothing waits on a clock:
 * every command is answered, and the end of the input is an EOF.
 */
#include "fuzz_common.h"   /* first: it sets _GNU_SOURCE */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "drivers/qemu/qemu_monitor.h"

#define FUZZ_TIMEOUT_MS 5000
#define FUZZ_GREETING                                                                          \
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "          \
    "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}\n"

static const char *const script[] = { "query-status", "stop", "query-cpus-fast", "cont" };

static GMainContext *io_ctx;

static gpointer fuzz_io_thread(gpointer data)
{
    GMainLoop *loop = g_main_loop_new(io_ctx, FALSE);

    (void)data;
    g_main_context_push_thread_default(io_ctx);
    g_main_loop_run(loop);
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_quiet();
    signal(SIGPIPE, SIG_IGN);
    io_ctx = g_main_context_new();
    g_thread_unref(g_thread_new("fuzz-qmp-io", fuzz_io_thread, NULL));
    return 0;
}

/* What the caller thread shares with the harness. */
typedef struct fuzz_caller {
    int fd;             /* the monitor's end, given to qmp_open_fd */
    GMutex lock;
    GCond cond;
    bool eof;           /* lock: on_eof ran */
    int done_pipe[2];   /* written once the caller is finished */
} fuzz_caller;

static void fuzz_on_event(qmp *mon, const char *event, json_t *data, void *opaque)
{
    g_autofree char *text = json_dumps(data, JSON_COMPACT);

    (void)mon;
    (void)opaque;
    if (!event || !text)
        abort();
}

static void fuzz_on_eof(qmp *mon, void *opaque)
{
    fuzz_caller *fc = opaque;

    (void)mon;
    g_mutex_lock(&fc->lock);
    fc->eof = true;
    g_cond_broadcast(&fc->cond);
    g_mutex_unlock(&fc->lock);
}

static gpointer fuzz_caller_thread(gpointer data)
{
    fuzz_caller *fc = data;
    qmp *mon = qmp_open_fd(fc->fd, "fuzz.monitor", io_ctx, FUZZ_TIMEOUT_MS, fuzz_on_event,
                           fuzz_on_eof, fc);

    for (size_t i = 0; mon && i < G_N_ELEMENTS(script); i++) {
        json_t *r = qmp_call(mon, script[i], NULL, FUZZ_TIMEOUT_MS);
        char *text = r ? json_dumps(r, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

        /* what a call returns is QEMU's "return" member, whatever it is */
        if (r && !text)
            abort();
        free(text);
        json_decref(r);
        error_reset();
    }
    if (mon) {
        /* the harness sends the rest of the input, then EOF */
        gint64 deadline = g_get_monotonic_time() + FUZZ_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

        g_mutex_lock(&fc->lock);
        while (!fc->eof && g_cond_wait_until(&fc->cond, &fc->lock, deadline))
            ;
        g_mutex_unlock(&fc->lock);
        qmp_close(mon);
    }
    error_reset();
    if (write(fc->done_pipe[1], "x", 1) != 1)
        abort();
    return NULL;
}

static void fuzz_send(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;     /* the monitor closed: the rest has nowhere to go */
        buf += n;
        len -= (size_t)n;
    }
}

/* The next turn of the input (up to an empty line) at *pos. */
static void fuzz_send_turn(int fd, const uint8_t *data, size_t size, size_t *pos)
{
    const uint8_t *start = data + *pos, *sep;
    size_t len;

    if (*pos >= size)
        return;
    sep = memmem(start, size - *pos, "\n\n", 2);
    len = sep ? (size_t)(sep - start) + 2 : size - *pos;
    fuzz_send(fd, (const char *)start, len);
    *pos += len;
}

/* Wait for the next command line from the monitor; its id, or -1 when
 * the caller finished or the monitor closed. */
static gint64 fuzz_next_command(int fd, int done_fd, GString *in)
{
    for (;;) {
        char *nl = memchr(in->str, '\n', in->len);

        if (nl) {
            json_auto_t *cmd = json_loadb(in->str, nl - in->str, 0, NULL);
            json_t *id = json_object_get(cmd, "id");

            g_string_erase(in, 0, nl - in->str + 1);
            if (!json_is_integer(id))
                abort();    /* the monitor always sends an id */
            return json_integer_value(id);
        }
        struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = done_fd, .events = POLLIN } };
        char buf[4096];
        ssize_t n;

        if (poll(p, 2, FUZZ_TIMEOUT_MS) <= 0 || (p[1].revents & POLLIN))
            return -1;
        n = read(fd, buf, sizeof(buf));
        if (n <= 0)
            return -1;
        g_string_append_len(in, buf, n);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_caller fc = { 0 };
    g_autoptr(GString) in = g_string_new(NULL);
    GThread *caller;
    size_t pos = 0;
    int sv[2];
    char done;

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe(fc.done_pipe) < 0)
        abort();
    g_mutex_init(&fc.lock);
    g_cond_init(&fc.cond);
    fc.fd = sv[0];
    fuzz_send_turn(sv[1], data, size, &pos);
    fuzz_send(sv[1], "\n" FUZZ_GREETING, strlen(FUZZ_GREETING) + 1);
    caller = g_thread_new("fuzz-qmp-caller", fuzz_caller_thread, &fc);
    for (size_t i = 0; i < 1 + G_N_ELEMENTS(script); i++) {
        gint64 id = fuzz_next_command(sv[1], fc.done_pipe[0], in);
        g_autofree char *answer = NULL;

        if (id < 0)
            break;
        fuzz_send_turn(sv[1], data, size, &pos);
        answer = g_strdup_printf("\n{\"return\": {}, \"id\": %" G_GINT64_FORMAT "}\n", id);
        fuzz_send(sv[1], answer, strlen(answer));
    }
    if (pos < size)
        fuzz_send(sv[1], (const char *)data + pos, size - pos);
    shutdown(sv[1], SHUT_WR);
    g_thread_join(caller);
    if (read(fc.done_pipe[0], &done, 1) != 1)
        abort();
    close(sv[1]);
    close(fc.done_pipe[0]);
    close(fc.done_pipe[1]);
    g_mutex_clear(&fc.lock);
    g_cond_clear(&fc.cond);
    return 0;
}
