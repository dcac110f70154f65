/*
 * qemu_caps.c: probe a QEMU binary once, remember it on disk.
 *
 * The probe runs `BINARY -S -nodefaults -display none -machine none -qmp
 * stdio` and has a short synchronous QMP exchange with it over its
 * stdin/stdout (one command, one answer), so it needs neither sockets
 * nor the asynchronous monitor.  The answers are kept in a JSON file
 * under the cache folder named after the binary's path and stamped with
 * its size and mtime: a fresh file is read instead of running QEMU again.
 * Whether KVM is usable is not cached: it is a property of the host, not
 * the binary, and qemu_kvm_probe() decides it once per process.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/qemu/qemu_caps.h"
#include "drivers/qemu/qemu_json.h"
#include "util/error.h"
#include "util/file.h"
#include "util/log.h"

#define LOG_CATEGORY "qemu.caps"

/* Bump when the cache layout or the probe's questions change. */
#define CAPS_CACHE_FORMAT 2   /* 2: "sandbox" */
#define CAPS_PROBE_TIMEOUT_MS 15000

static gint caps_probes;


unsigned int qemu_caps_probe_count(void)
{
    return (unsigned int)g_atomic_int_get(&caps_probes);
}

static void machine_free(gpointer p)
{
    qemu_machine *m = p;

    g_free(m->name);
    g_free(m->alias);
    g_free(m);
}

qemu_caps *qemu_caps_new(const char *binary, const char *arch)
{
    qemu_caps *caps = g_new0(qemu_caps, 1);

    caps->refs = 1;
    caps->binary = g_strdup(binary);
    caps->arch = g_strdup(arch);
    caps->machines = g_ptr_array_new_with_free_func(machine_free);
    caps->cpu_models = g_ptr_array_new_with_free_func(g_free);
    caps->cpu_models_other = g_ptr_array_new_with_free_func(g_free);
    caps->devices = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return caps;
}

qemu_caps *qemu_caps_ref(qemu_caps *caps)
{
    g_atomic_int_inc(&caps->refs);
    return caps;
}

void qemu_caps_unref(qemu_caps *caps)
{
    if (!caps || !g_atomic_int_dec_and_test(&caps->refs))
        return;
    g_free(caps->binary);
    g_free(caps->arch);
    g_free(caps->package);
    g_ptr_array_unref(caps->machines);
    g_ptr_array_unref(caps->cpu_models);
    g_ptr_array_unref(caps->cpu_models_other);
    g_hash_table_unref(caps->devices);
    g_free(caps);
}

void qemu_caps_add_machine(qemu_caps *caps, const char *name, const char *alias,
                           bool is_default, unsigned int max_cpus)
{
    qemu_machine *m = g_new0(qemu_machine, 1);

    m->name = g_strdup(name);
    m->alias = g_strdup(alias);
    m->is_default = is_default;
    m->max_cpus = max_cpus;
    g_ptr_array_add(caps->machines, m);
}

const qemu_machine *qemu_caps_machine(const qemu_caps *caps, const char *name)
{
    for (guint i = 0; i < caps->machines->len; i++) {
        const qemu_machine *m = caps->machines->pdata[i];

        if (name ? (g_strcmp0(m->alias, name) == 0) : m->is_default)
            return m;
    }
    for (guint i = 0; name && i < caps->machines->len; i++) {
        const qemu_machine *m = caps->machines->pdata[i];

        if (strcmp(m->name, name) == 0)
            return m;
    }
    error_report(VIREO_FROM_QEMU, VIREO_ERR_CONFIG_UNSUPPORTED,
                 "Emulator '%s' does not support machine type '%s'", caps->binary,
                 name ? name : "(default)");
    return NULL;
}

/* ---- the QMP exchange over the child's stdin/stdout ---- */

typedef struct probe_io {
    int in_fd;              /* the child's stdin (we write), owned */
    int out_fd;             /* the child's stdout (we read), owned */
    GString *buf;           /* bytes read, not yet a whole line */
    gint64 deadline;        /* monotonic microseconds */
    const char *binary;
} probe_io;

/* The next JSON line that is not an event; NULL on EOF, timeout or junk. */
static json_t *probe_read(probe_io *io)
{
    for (;;) {
        char *nl = memchr(io->buf->str, '\n', io->buf->len);

        if (nl) {
            g_autofree char *line = g_strndup(io->buf->str, (gsize)(nl - io->buf->str));
            json_t *msg;

            g_string_erase(io->buf, 0, nl - io->buf->str + 1);
            msg = json_loads(line, 0, NULL);
            if (msg && !json_object_get(msg, "event"))
                return msg;
            json_decref(msg);
            continue;
        }
        gint64 left = (io->deadline - g_get_monotonic_time()) / 1000;
        struct pollfd pfd = { .fd = io->out_fd, .events = POLLIN };
        char chunk[65536];
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return NULL;
        n = read(io->out_fd, chunk, sizeof(chunk));
        if (n <= 0)
            return NULL;
        g_string_append_len(io->buf, chunk, n);
    }
}

/* Write all of text to the child's stdin.  A child that died closes the
 * pipe: that must fail the probe, not raise SIGPIPE in the caller's
 * process (a client embedding the library, or a test), so the signal is
 * blocked for this thread during the write and a pending one consumed. */
static bool probe_write(int fd, const char *text, size_t len)
{
    sigset_t pipe_set, old;
    bool ok = true;

    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    while (ok && len > 0) {
        ssize_t n = write(fd, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok) {
            text += n;
            len -= (size_t)n;
        }
    }
    if (!ok && errno == EPIPE) {
        const struct timespec now = { 0, 0 };

        sigtimedwait(&pipe_set, NULL, &now);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

/* Send one command and return its "return" value (new reference). */
static json_t *probe_command(probe_io *io, const char *command, json_t *args)
{
    g_autoptr(json_t) cmd = json_pack("{s:s}", "execute", command);
    g_autofree char *text = NULL;
    g_autoptr(json_t) reply = NULL;
    json_t *ret;

    if (args)
        json_object_set_new(cmd, "arguments", args);
    text = json_dumps(cmd, JSON_COMPACT);
    if (!probe_write(io->in_fd, text, strlen(text)) || !probe_write(io->in_fd, "\n", 1) ||
        !(reply = probe_read(io))) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "probing '%s': no answer to QMP command '%s'", io->binary, command);
        return NULL;
    }
    if (!(ret = json_object_get(reply, "return"))) {
        json_t *desc = json_object_get(json_object_get(reply, "error"), "desc");

        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "probing '%s': QMP command '%s' failed: %s", io->binary, command,
                     json_is_string(desc) ? json_string_value(desc) : "unknown error");
        return NULL;
    }
    return json_incref(ret);
}

/* Whether query-command-line-options' answer lists option name. */
static bool caps_has_option(json_t *options, const char *name)
{
    size_t i;
    json_t *o;

    json_array_foreach(options, i, o) {
        if (g_strcmp0(json_string_value(json_object_get(o, "option")), name) == 0)
            return true;
    }
    return false;
}

/* The answers, gathered into one JSON object (the cache's layout). */
static json_t *probe_exchange(probe_io *io)
{
    static const struct {
        const char *key, *command;
    } steps[] = {
        { "version", "query-version" },
        { "target", "query-target" },
        { "machines", "query-machines" },
        { "cpus", "query-cpu-definitions" },
        { "kvm", "query-kvm" },
    };
    g_autoptr(json_t) all = json_object();
    g_autoptr(json_t) greeting = probe_read(io);
    json_t *r;

    if (!greeting) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "probing '%s': no QMP greeting", io->binary);
        return NULL;
    }
    if (!(r = probe_command(io, "qmp_capabilities", NULL)))
        return NULL;
    json_decref(r);
    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        if (!(r = probe_command(io, steps[i].command, NULL)))
            return NULL;
        json_object_set_new(all, steps[i].key, r);
    }
    if (!(r = probe_command(io, "qom-list-types",
                            json_pack("{s:s,s:b}", "implements", "device", "abstract", 0))))
        return NULL;
    json_object_set_new(all, "devices", r);
    /* -sandbox exists when QEMU was built with seccomp */
    if (!(r = probe_command(io, "query-command-line-options", NULL)))
        return NULL;
    json_object_set_new(all, "sandbox", json_boolean(caps_has_option(r, "sandbox")));
    json_decref(r);
    if ((r = probe_command(io, "quit", NULL)))
        json_decref(r);
    return g_steal_pointer(&all);
}

/* Give the child until the deadline to exit, then kill it; always reaps. */
static void probe_reap(GPid pid, gint64 deadline)
{
    int status;

    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (g_get_monotonic_time() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return;
        }
        g_usleep(10 * 1000);
    }
}

static json_t *probe_binary(const char *binary)
{
    const char *argv[] = { binary, "-S", "-nodefaults", "-display", "none", "-machine", "none",
                           "-qmp", "stdio", NULL };
    g_autoptr(GError) gerr = NULL;
    probe_io io = { .binary = binary };
    GPid pid;
    json_t *res;

    g_atomic_int_inc(&caps_probes);
    if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL,
                                  NULL, NULL, &pid, &io.in_fd, &io.out_fd, NULL, &gerr)) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "cannot run '%s' to probe it: %s", binary, gerr->message);
        return NULL;
    }
    io.buf = g_string_new(NULL);
    io.deadline = g_get_monotonic_time() + CAPS_PROBE_TIMEOUT_MS * 1000LL;
    res = probe_exchange(&io);
    close(io.in_fd);
    close(io.out_fd);
    g_string_free(io.buf, TRUE);
    /* after quit QEMU exits at once; a stuck one gets a second */
    probe_reap(pid, g_get_monotonic_time() + 1000 * 1000);
    return res;
}

/* ---- turning answers (probed or cached) into a qemu_caps ---- */

static int machine_cmp(gconstpointer a, gconstpointer b)
{
    const qemu_machine *x = *(qemu_machine *const *)a, *y = *(qemu_machine *const *)b;

    return strcmp(x->name, y->name);
}

static int str_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void caps_fill_machines(qemu_caps *caps, json_t *machines)
{
    size_t i;
    json_t *m;

    json_array_foreach(machines, i, m) {
        const char *name = json_string_value(json_object_get(m, "name"));

        if (!name || strcmp(name, "none") == 0)
            continue;
        qemu_caps_add_machine(caps, name, json_string_value(json_object_get(m, "alias")),
                              json_is_true(json_object_get(m, "is-default")),
                              (unsigned int)json_integer_value(json_object_get(m, "cpu-max")));
    }
    g_ptr_array_sort(caps->machines, machine_cmp);
}

static void caps_fill_cpus(qemu_caps *caps, json_t *cpus)
{
    size_t i;
    json_t *c;

    json_array_foreach(cpus, i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *missing = json_object_get(c, "unavailable-features");

        if (!name || strcmp(name, "host") == 0)
            continue;
        if (json_array_size(missing) == 0)
            g_ptr_array_add(caps->cpu_models, g_strdup(name));
        else
            g_ptr_array_add(caps->cpu_models_other, g_strdup(name));
    }
    g_ptr_array_sort(caps->cpu_models, str_cmp);
    g_ptr_array_sort(caps->cpu_models_other, str_cmp);
}

static qemu_caps *caps_from_json(const char *binary, json_t *all, const char *cache_dir)
{
    json_t *ver = json_object_get(json_object_get(all, "version"), "qemu");
    const char *arch = json_string_value(json_object_get(json_object_get(all, "target"), "arch"));
    g_autoptr(qemu_caps) caps = qemu_caps_new(binary, arch ? arch : "x86_64");
    size_t i;
    json_t *d;

    caps->version = (unsigned int)(json_integer_value(json_object_get(ver, "major")) * 1000000 +
                                   json_integer_value(json_object_get(ver, "minor")) * 1000 +
                                   json_integer_value(json_object_get(ver, "micro")));
    caps->package = g_strdup(json_string_value(json_object_get(json_object_get(all, "version"),
                                                               "package")));
    caps_fill_machines(caps, json_object_get(all, "machines"));
    caps_fill_cpus(caps, json_object_get(all, "cpus"));
    json_array_foreach(json_object_get(all, "devices"), i, d) {
        const char *name = json_string_value(json_object_get(d, "name"));

        if (name)
            g_hash_table_add(caps->devices, g_strdup(name));
    }
    if (caps->machines->len == 0) {
        error_report(VIREO_FROM_QEMU, VIREO_ERR_INTERNAL_ERROR,
                     "emulator '%s' reports no machine types", binary);
        return NULL;
    }
    caps->sandbox = json_is_true(json_object_get(all, "sandbox"));
    /* KVM: QEMU must have it and the host must actually run guest code */
    caps->kvm = json_is_true(json_object_get(json_object_get(all, "kvm"), "present")) &&
                qemu_kvm_probe_cached(cache_dir);
    return g_steal_pointer(&caps);
}

/* ---- the cache file ---- */

static char *cache_path(const char *binary, const char *cache_dir)
{
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, binary, -1);

    return g_strdup_printf("%s/%s.json", cache_dir, sum);
}

/* The cached answers when the file is for this binary as it is now. */
static json_t *cache_read(const char *path, const char *binary, const struct stat *st)
{
    g_autoptr(json_t) all = json_load_file(path, 0, NULL);

    if (!all)
        return NULL;
    if (json_integer_value(json_object_get(all, "format")) != CAPS_CACHE_FORMAT ||
        g_strcmp0(json_string_value(json_object_get(all, "binary")), binary) != 0 ||
        json_integer_value(json_object_get(all, "size")) != (json_int_t)st->st_size ||
        json_integer_value(json_object_get(all, "mtime_ns")) !=
            (json_int_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec) {
        log_info("capabilities cache '%s' is stale for '%s'", path, binary);
        return NULL;
    }
    return g_steal_pointer(&all);
}

static void cache_write(const char *path, const char *cache_dir, const char *binary,
                        const struct stat *st, json_t *all)
{
    g_autofree char *text = NULL;

    json_object_set_new(all, "format", json_integer(CAPS_CACHE_FORMAT));
    json_object_set_new(all, "binary", json_string(binary));
    json_object_set_new(all, "size", json_integer((json_int_t)st->st_size));
    json_object_set_new(all, "mtime_ns",
                        json_integer((json_int_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec));
    text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
    if (g_mkdir_with_parents(cache_dir, 0755) < 0 ||
        file_write_atomic(path, text, strlen(text), 0644, VIREO_FROM_QEMU) < 0) {
        log_warn("cannot write capabilities cache '%s': %s", path,
                 error_last() ? error_last()->message : g_strerror(errno));
        error_reset();
    }
}

/* The capabilities already read in this process, by binary path, valid
 * while the binary's identity (inode, size, mtime) stays: every define
 * and start asks, and reading the cache file each time would cost more
 * than the rest of a define. */
typedef struct caps_memo {
    struct stat st;         /* the binary's, when caps were read */
    qemu_caps *caps;        /* one reference */
} caps_memo;

static GMutex memo_lock;
static GHashTable *memo;    /* memo_lock: binary path -> caps_memo * */

static void caps_memo_free(gpointer p)
{
    caps_memo *m = p;

    qemu_caps_unref(m->caps);
    g_free(m);
}

static bool caps_same_binary(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static qemu_caps *caps_memo_get(const char *binary, const struct stat *st)
{
    qemu_caps *caps = NULL;
    caps_memo *m;

    g_mutex_lock(&memo_lock);
    m = memo ? g_hash_table_lookup(memo, binary) : NULL;
    if (m && caps_same_binary(&m->st, st))
        caps = qemu_caps_ref(m->caps);
    g_mutex_unlock(&memo_lock);
    return caps;
}

static void caps_memo_put(const char *binary, const struct stat *st, qemu_caps *caps)
{
    caps_memo *m = g_new0(caps_memo, 1);

    m->st = *st;
    m->caps = qemu_caps_ref(caps);
    g_mutex_lock(&memo_lock);
    if (!memo)
        memo = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, caps_memo_free);
    g_hash_table_replace(memo, g_strdup(binary), m);
    g_mutex_unlock(&memo_lock);
}

void qemu_caps_warm(const char *binary, const char *cache_dir)
{
    g_autofree char *path = cache_path(binary, cache_dir);
    g_autoptr(json_t) all = NULL;
    qemu_caps *caps = NULL;
    struct stat st;

    if (stat(binary, &st) < 0 || (caps = caps_memo_get(binary, &st))) {
        g_clear_pointer(&caps, qemu_caps_unref);
        return;
    }
    if (!(all = cache_read(path, binary, &st)) || !(caps = caps_from_json(binary, all, cache_dir))) {
        error_reset();
        return;
    }
    caps_memo_put(binary, &st, caps);
    qemu_caps_unref(caps);
}

qemu_caps *qemu_caps_get(const char *binary, const char *cache_dir)
{
    g_autofree char *path = NULL;
    g_autoptr(json_t) all = NULL;
    struct stat st;
    qemu_caps *caps;

    if (stat(binary, &st) < 0) {
        error_report_system(VIREO_FROM_QEMU, errno, "Cannot find QEMU binary '%s'", binary);
        return NULL;
    }
    if ((caps = caps_memo_get(binary, &st)))
        return caps;
    if (cache_dir) {
        path = cache_path(binary, cache_dir);
        all = cache_read(path, binary, &st);
    }
    if (all) {
        log_debug("capabilities of '%s' read from '%s'", binary, path);
    } else {
        log_info("probing capabilities of '%s'", binary);
        if (!(all = probe_binary(binary)))
            return NULL;
        if (path)
            cache_write(path, cache_dir, binary, &st, all);
    }
    if (!(caps = caps_from_json(binary, all, cache_dir)))
        return NULL;
    caps_memo_put(binary, &st, caps);
    log_info("'%s': QEMU %u.%u.%u, %u machine types, KVM %s", binary, caps->version / 1000000,
             caps->version / 1000 % 1000, caps->version % 1000, caps->machines->len,
             caps->kvm ? "usable" : "not usable (TCG)");
    return caps;
}
